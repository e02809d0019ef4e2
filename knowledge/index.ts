export { LANGUAGES, type Lang } from '../models';
export {
  validateContent,
  type ContentFile,
  type Faq,
  type LocalizedText,
  type ValidationResult,
} from './contentSchema';
export {
  readContentFile,
  publishContent,
  seedDemoIfEmpty,
  ContentFileError,
  type PublishOptions,
  type PublishResult,
} from './importContent';
export { LiveContent, type LiveCrisis, type LiveContentOptions, type EndedCrisis } from './liveContent';
export { Retriever, type SearchOutcome, type Candidate, type FaqView, type Decision } from './retriever';
export { detectLanguage, requestedLanguage, langFromLocale, isLang, type LanguageHints } from './language';
export { foldAccents } from './textAnalysis';
export { loadTemplates, type CrisisTemplate } from './templates';
