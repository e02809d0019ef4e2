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
export { loadTemplates, templatesDir, type CrisisTemplate } from './templates';
export { faqSchema, faqIdSchema, slugSchema, crisisSchema, CONTENT_LIMITS } from './contentSchema';
export { unsafeTextProblems, isHttpsUrl } from './contentSafety';
export {
  diffContent,
  diffEntry,
  diffCrisisTexts,
  isEmptyDiff,
  type ContentDiff,
  type FieldChange,
} from './contentDiff';
export {
  Drafts,
  DraftBusy,
  DraftConflict,
  DraftInvalid,
  DraftNotFound,
  EntryExists,
  draftToContent,
  storedContent,
  type Draft,
  type DraftEntry,
  type DraftCrisis,
} from './drafts';
export {
  LanguageModel,
  addUsage,
  NO_USAGE,
  type LanguageModelOptions,
  type ModelUsage,
  type ModelFailure,
} from './languageModel';
export { GroundedAnswers, groundingCandidates, type GroundedOutcome } from './groundedAnswer';
export { answerProblems, unsupportedReferences, type TextProblem } from './answerCheck';
export { EntryTranslator, type TranslationOutcome } from './translationDrafts';
