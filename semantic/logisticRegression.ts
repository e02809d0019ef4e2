/**
 * Logistic regression by batch gradient descent with an L2 penalty: enough for a handful of
 * features and a few hundred labelled questions (the retrieval rule), or for a few thousand
 * embedding vectors (the victim-inquiry classifier), and simple enough to read in full. Typed
 * arrays and plain loops: the classifier's fit (1,700 rows of 384 dimensions) takes about a second.
 */
export function fitLogistic(
  rows: readonly ArrayLike<number>[],
  labels: readonly number[],
  { iterations = 20_000, rate = 0.5, l2 = 0.01 } = {},
): { weights: number[]; bias: number } {
  const dims = rows[0]?.length ?? 0;
  const weights = new Float64Array(dims);
  const gradient = new Float64Array(dims);
  let bias = 0;
  for (let step = 0; step < iterations; step++) {
    gradient.fill(0);
    let biasGradient = 0;
    for (let r = 0; r < rows.length; r++) {
      const x = rows[r]!;
      const error = sigmoid(bias + dot(weights, x)) - labels[r]!;
      for (let d = 0; d < dims; d++) gradient[d]! += error * x[d]!;
      biasGradient += error;
    }
    for (let d = 0; d < dims; d++) weights[d]! -= rate * (gradient[d]! / rows.length + l2 * weights[d]!);
    bias -= (rate * biasGradient) / rows.length;
  }
  return { weights: Array.from(weights), bias };
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
