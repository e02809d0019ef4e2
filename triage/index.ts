export { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';
export { isPersonRequest } from './personRequest';
export { builtInExemplars, parseExemplars, D2_KINDS, D5_KINDS, type Exemplar } from './exemplars';
export {
  withSecondOpinion,
  generalQuestions,
  ExemplarIndex,
  type ContentQuestion,
  type SemanticOpinion,
} from './nearestExemplars';
export { SemanticTriage, type SemanticTriageOptions } from './semanticTriage';
