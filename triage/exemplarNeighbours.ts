import type { Vector } from '../semantic';

/** How many nearest exemplars of each label are averaged. */
export const NEIGHBOURS = 5;

/**
 * The exemplars' vectors, kept to tell how close a message comes to the nearest victim inquiries
 * against the nearest general questions. The linear classifier weighs every direction of meaning at
 * once and misses what a handful of close phrasings say ("my dad went to check the boat and his
 * phone goes to voicemail" near exemplars of people unreachable); the stacked rule reads both.
 */
export class ExemplarNeighbours {
  constructor(
    readonly dims: number,
    /** Row-major, one exemplar vector per row. */
    readonly vectors: Float32Array,
    /** 1 for a victim inquiry, 0 for a general question, per row. */
    readonly labels: Uint8Array,
  ) {
    if (vectors.length !== labels.length * dims)
      throw new Error(`${vectors.length / dims} exemplar vectors for ${labels.length} labels`);
  }

  static of(vectors: readonly Vector[], labels: readonly number[]): ExemplarNeighbours {
    const dims = vectors[0]?.length ?? 0;
    const packed = new Float32Array(vectors.length * dims);
    vectors.forEach((v, i) => packed.set(v, i * dims));
    return new ExemplarNeighbours(dims, packed, Uint8Array.from(labels));
  }

  get size(): number {
    return this.labels.length;
  }

  /**
   * Mean similarity of the NEIGHBOURS closest victim inquiries minus that of the closest general
   * questions, in hundredths (e5 similarities differ in the second decimal).
   */
  margin(vector: Vector): number {
    const { dims, vectors, labels } = this;
    const closest = [[], []] as [number[], number[]];
    // The product is written out rather than `dot` on a subarray per row: 5,200 views a message
    // cost a sixth more time on the reply path (measured), where this loop is the triage's largest cost.
    for (let row = 0, offset = 0; row < labels.length; row++, offset += dims) {
      let value = 0;
      for (let d = 0; d < dims; d++) value += vector[d]! * vectors[offset + d]!;
      keepLargest(closest[labels[row]!]!, value);
    }
    return 100 * (mean(closest[1]) - mean(closest[0]));
  }
}

/** Keeps the NEIGHBOURS largest values seen, in no order. */
function keepLargest(largest: number[], value: number): void {
  if (largest.length < NEIGHBOURS) {
    largest.push(value);
    return;
  }
  let smallest = 0;
  for (let i = 1; i < largest.length; i++) if (largest[i]! < largest[smallest]!) smallest = i;
  if (value > largest[smallest]!) largest[smallest] = value;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
