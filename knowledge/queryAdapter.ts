import { normalize, type Vector } from '../semantic';
import stored from './retrieval-fit/query-adapter.json';

/**
 * A learned linear correction of the question's vector before it is compared with the passages:
 * q' = normalize(q + A q). Fitted by `npm run fit:retrieval` on the labelled crises
 * (knowledge/retrieval-fit/FIT.md) for one embeddings model: it means nothing in another model's
 * space, so another model ranks with its own vectors.
 */
export interface QueryAdapter {
  /** The embeddings model whose query vectors it corrects. */
  model: string;
  dims: number;
  /** A, dims x dims, row-major, as little-endian float32 in base64 (a third of the size of JSON numbers). */
  matrix: string;
}

const STORED: QueryAdapter = stored;
const decoded = new WeakMap<QueryAdapter, Float32Array>();

/** The stored adapter if it was fitted for this model, else none. */
export function queryAdapterFor(model: string, adapter: QueryAdapter = STORED): QueryAdapter | undefined {
  return adapter.model === model ? adapter : undefined;
}

export function adaptQuery(adapter: QueryAdapter, question: Vector): Vector {
  const { dims } = adapter;
  if (question.length !== dims)
    throw new Error(`a ${question.length}-dimension vector for a ${dims}-dimension adapter`);
  return normalize(corrected(matrixOf(adapter), dims, question));
}

/** q + A q, not yet normalised (A: dims x dims, row-major); the training differentiates through it. */
export function corrected(
  matrix: ArrayLike<number>,
  dims: number,
  question: ArrayLike<number>,
): Float64Array {
  const adapted = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    let value = question[d]!;
    for (let e = 0, o = d * dims; e < dims; e++, o++) value += matrix[o]! * question[e]!;
    adapted[d] = value;
  }
  return adapted;
}

export function encodeMatrix(matrix: Float32Array): string {
  const buffer = Buffer.alloc(matrix.length * 4);
  matrix.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
  return buffer.toString('base64');
}

function matrixOf(adapter: QueryAdapter): Float32Array {
  let matrix = decoded.get(adapter);
  if (!matrix) {
    const buffer = Buffer.from(adapter.matrix, 'base64');
    if (buffer.length !== adapter.dims * adapter.dims * 4)
      throw new Error('the query adapter has the wrong size');
    matrix = Float32Array.from({ length: adapter.dims * adapter.dims }, (_, i) => buffer.readFloatLE(i * 4));
    decoded.set(adapter, matrix);
  }
  return matrix;
}
