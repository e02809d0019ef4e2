/**
 * Logistic regression by batch gradient descent with a small L2 penalty: enough for a handful of
 * features and a few hundred labelled questions, and simple enough to read in full.
 */
export function fitLogistic(
  rows: number[][],
  labels: number[],
  { iterations = 20_000, rate = 0.5, l2 = 0.01 } = {},
): { weights: number[]; bias: number } {
  const dims = rows[0]?.length ?? 0;
  const weights = new Array<number>(dims).fill(0);
  let bias = 0;
  for (let step = 0; step < iterations; step++) {
    const gradient = new Array<number>(dims).fill(0);
    let biasGradient = 0;
    rows.forEach((x, i) => {
      const error = sigmoid(bias + dot(weights, x)) - labels[i]!;
      x.forEach((v, d) => (gradient[d]! += error * v));
      biasGradient += error;
    });
    weights.forEach((w, d) => (weights[d] = w - rate * (gradient[d]! / rows.length + l2 * w)));
    bias -= (rate * biasGradient) / rows.length;
  }
  return { weights, bias };
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + v * b[i]!, 0);
}
