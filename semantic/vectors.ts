/** Embedding vectors: unit length, so that a dot product is the cosine similarity. */
export type Vector = Float32Array;

export function normalize(values: ArrayLike<number>): Vector {
  const vector = Float32Array.from(values);
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** Cosine similarity of two unit vectors. */
export function similarity(a: Vector, b: Vector): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Many vectors as one buffer (little-endian float32), the compact form they are stored in. */
export function packVectors(vectors: Vector[]): Buffer {
  const dims = vectors[0]?.length ?? 0;
  const buffer = Buffer.alloc(vectors.length * dims * 4);
  vectors.forEach((vector, row) => vector.forEach((v, i) => buffer.writeFloatLE(v, (row * dims + i) * 4)));
  return buffer;
}

export function unpackVectors(buffer: Uint8Array, dims: number): Vector[] {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const rows = dims > 0 ? Math.floor(buffer.byteLength / (dims * 4)) : 0;
  return Array.from({ length: rows }, (_, row) => {
    const vector = new Float32Array(dims);
    for (let i = 0; i < dims; i++) vector[i] = view.getFloat32((row * dims + i) * 4, true);
    return vector;
  });
}
