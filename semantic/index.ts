export {
  EmbeddingsClient,
  PROBE_TEXT,
  queryKey,
  type Embedder,
  type EmbedderStatus,
  type EmbeddingKind,
  type EmbeddingsClientOptions,
  type EmbeddingsStats,
  type InputTypeMode,
} from './embeddingsClient';
export { normalize, similarity, packVectors, unpackVectors, type Vector } from './vectors';
export { fitLogistic, sigmoid } from './logisticRegression';
export { guardedModelCall, modelBreaker } from './guardedModelCall';
