/**
 * Fits the query adapter (knowledge/queryAdapter.ts) for `npm run fit:retrieval`: the linear map
 * that moves a question's vector towards the passages of the entry that answers it.
 *
 * Loss: softmax cross-entropy over the entries of the question's own crisis, an entry's score being
 * a soft maximum (log-sum-exp, temperature `pooling`) of the cosines to its passages, with a learned
 * scale; L2 on the matrix, so the map stays near the identity; Adam, every example in each step.
 * Examples: the labelled answerable questions, and every FAQ question and alternative used as a
 * question against the other passages (content alone teaches it the crisis's vocabulary).
 */
import { corrected, encodeMatrix, type QueryAdapter } from '../knowledge/queryAdapter';
import type { Vector } from '../semantic';

export const ADAPTER_SETTINGS = {
  l2: 1e-3,
  rate: 3e-3,
  scaleRate: 0.01,
  initialScale: 50,
  pooling: 0.01,
  maxEpochs: 200,
  patience: 20,
};

export interface TrainingExample {
  vector: Vector;
  entry: number;
  /** Passages the example must not be compared with: its own text, when it is one of the FAQ's. */
  hidden?: ReadonlySet<number>;
}

export interface TrainingCrisis {
  passages: Vector[];
  /** The entry of each passage, as an index. */
  entryOf: number[];
  /** The labelled answerable questions. */
  questions: TrainingExample[];
  /** The FAQ's own questions and alternatives. */
  pseudoQuestions: TrainingExample[];
}

interface Parameters {
  dims: number;
  /** dims x dims, row-major: the correction added to the question's vector. */
  matrix: Float64Array;
  logScale: number;
}

/** Fits on every crisis for `epochs` steps. */
export function trainAdapter(model: string, crises: TrainingCrisis[], epochs: number): QueryAdapter {
  const params = initialParameters(dimsOf(crises));
  const adam = new Adam(params.matrix.length);
  for (let epoch = 1; epoch <= epochs; epoch++) step(params, adam, crises, epoch);
  return toAdapter(model, params);
}

/** The number of steps after which the questions of `validation` were best ranked, training on `training`. */
export function earlyStoppingEpochs(training: TrainingCrisis[], validation: TrainingCrisis[]): number {
  const { maxEpochs, patience } = ADAPTER_SETTINGS;
  const params = initialParameters(dimsOf(training));
  const adam = new Adam(params.matrix.length);
  let best = { loss: Infinity, epoch: 0 };
  for (let epoch = 1; epoch <= maxEpochs && epoch - best.epoch < patience; epoch++) {
    step(params, adam, training, epoch);
    let loss = 0;
    let count = 0;
    for (const crisis of validation)
      for (const example of crisis.questions) {
        loss += exampleLoss(params, crisis, example);
        count++;
      }
    if (loss / count < best.loss) best = { loss: loss / count, epoch };
  }
  return Math.max(1, best.epoch);
}

function dimsOf(crises: TrainingCrisis[]): number {
  const dims = crises[0]?.passages[0]?.length;
  if (!dims) throw new Error('no passages to fit the query adapter on');
  return dims;
}

function initialParameters(dims: number): Parameters {
  // Zero: the map starts as the identity.
  return { dims, matrix: new Float64Array(dims * dims), logScale: Math.log(ADAPTER_SETTINGS.initialScale) };
}

function step(params: Parameters, adam: Adam, crises: TrainingCrisis[], epoch: number): void {
  const { l2, rate, scaleRate } = ADAPTER_SETTINGS;
  const gradient = new Float64Array(params.matrix.length);
  let gradLogScale = 0;
  let count = 0;
  for (const crisis of crises)
    for (const example of [...crisis.questions, ...crisis.pseudoQuestions]) {
      gradLogScale += accumulate(params, crisis, example, gradient);
      count++;
    }
  for (let i = 0; i < gradient.length; i++) gradient[i] = gradient[i]! / count + 2 * l2 * params.matrix[i]!;
  adam.update(params.matrix, gradient, epoch, rate);
  params.logScale -= adam.scalar(gradLogScale / count, epoch, scaleRate);
}

interface Forward {
  adapted: Float64Array;
  norm: number;
  similarities: Float64Array;
  entryScores: Float64Array;
  probabilities: Float64Array;
}

/** A crisis's passages as one contiguous matrix, and its entry count: the training's inner loops read them. */
interface PassageMatrix {
  values: Float64Array;
  entries: number;
}
const matrices = new WeakMap<TrainingCrisis, PassageMatrix>();

function passageMatrix(crisis: TrainingCrisis): PassageMatrix {
  let matrix = matrices.get(crisis);
  if (!matrix) {
    const dims = crisis.passages[0]!.length;
    const values = new Float64Array(crisis.passages.length * dims);
    crisis.passages.forEach((p, j) => values.set(p, j * dims));
    matrix = { values, entries: Math.max(...crisis.entryOf) + 1 };
    matrices.set(crisis, matrix);
  }
  return matrix;
}

function forward(params: Parameters, crisis: TrainingCrisis, example: TrainingExample): Forward {
  const { pooling } = ADAPTER_SETTINGS;
  const { dims, matrix } = params;
  const adapted = corrected(matrix, dims, example.vector);
  const norm = Math.hypot(...adapted);
  for (let d = 0; d < dims; d++) adapted[d]! /= norm;
  const { values, entries } = passageMatrix(crisis);
  const count = crisis.passages.length;
  const similarities = new Float64Array(count);
  const maxima = new Float64Array(entries).fill(-Infinity);
  for (let j = 0; j < count; j++) {
    if (example.hidden?.has(j)) {
      similarities[j] = -Infinity;
      continue;
    }
    let dot = 0;
    for (let d = 0, o = j * dims; d < dims; d++, o++) dot += adapted[d]! * values[o]!;
    similarities[j] = dot;
    const e = crisis.entryOf[j]!;
    if (dot > maxima[e]!) maxima[e] = dot;
  }
  const sums = new Float64Array(entries);
  for (let j = 0; j < count; j++) {
    const e = crisis.entryOf[j]!;
    sums[e]! += Math.exp((similarities[j]! - maxima[e]!) / pooling);
  }
  const entryScores = maxima.map((m, e) => m + pooling * Math.log(sums[e]!));
  const scale = Math.exp(params.logScale);
  const top = Math.max(...entryScores);
  const exps = entryScores.map((s) => Math.exp(scale * (s - top)));
  const total = exps.reduce((a, b) => a + b, 0);
  return { adapted, norm, similarities, entryScores, probabilities: exps.map((e) => e / total) };
}

function exampleLoss(params: Parameters, crisis: TrainingCrisis, example: TrainingExample): number {
  return -Math.log(forward(params, crisis, example).probabilities[example.entry]!);
}

/** Adds the example's gradient to the matrix's; returns its gradient for the log scale. */
function accumulate(
  params: Parameters,
  crisis: TrainingCrisis,
  example: TrainingExample,
  gradient: Float64Array,
): number {
  const { pooling } = ADAPTER_SETTINGS;
  const { dims } = params;
  const f = forward(params, crisis, example);
  const scale = Math.exp(params.logScale);
  const entryGrad = f.probabilities.map((p, e) => p - (e === example.entry ? 1 : 0));
  const { values } = passageMatrix(crisis);
  // d loss / d adapted vector, through the soft maximum of each entry's passages.
  const h = new Float64Array(dims);
  for (let j = 0; j < f.similarities.length; j++) {
    const s = f.similarities[j]!;
    if (s === -Infinity) continue;
    const e = crisis.entryOf[j]!;
    const g = scale * entryGrad[e]! * Math.exp((s - f.entryScores[e]!) / pooling);
    for (let d = 0, o = j * dims; d < dims; d++, o++) h[d]! += g * values[o]!;
  }
  // Through the normalisation: only the part of h across the adapted vector moves it.
  let along = 0;
  for (let d = 0; d < dims; d++) along += h[d]! * f.adapted[d]!;
  const x = example.vector;
  for (let d = 0; d < dims; d++) {
    const gradZ = (h[d]! - along * f.adapted[d]!) / f.norm;
    for (let e = 0, o = d * dims; e < dims; e++, o++) gradient[o]! += gradZ * x[e]!;
  }
  return scale * entryGrad.reduce((sum, g, e) => sum + g * f.entryScores[e]!, 0);
}

class Adam {
  private readonly state;
  private scalarMoments = { m: 0, v: 0 };

  constructor(size: number) {
    this.state = { m: new Float64Array(size), v: new Float64Array(size) };
  }

  update(values: Float64Array, gradient: Float64Array, epoch: number, rate: number): void {
    const state = this.state;
    for (let i = 0; i < values.length; i++) {
      state.m[i] = BETA1 * state.m[i]! + (1 - BETA1) * gradient[i]!;
      state.v[i] = BETA2 * state.v[i]! + (1 - BETA2) * gradient[i]! ** 2;
      values[i]! -= adamStep(state.m[i]!, state.v[i]!, epoch, rate);
    }
  }

  scalar(gradient: number, epoch: number, rate: number): number {
    const s = this.scalarMoments;
    s.m = BETA1 * s.m + (1 - BETA1) * gradient;
    s.v = BETA2 * s.v + (1 - BETA2) * gradient ** 2;
    return adamStep(s.m, s.v, epoch, rate);
  }
}

const BETA1 = 0.9;
const BETA2 = 0.999;

function adamStep(m: number, v: number, epoch: number, rate: number): number {
  return (rate * (m / (1 - BETA1 ** epoch))) / (Math.sqrt(v / (1 - BETA2 ** epoch)) + 1e-8);
}

function toAdapter(model: string, params: Parameters): QueryAdapter {
  return { model, dims: params.dims, matrix: encodeMatrix(Float32Array.from(params.matrix)) };
}
