export { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';
export { isPersonRequest } from './personRequest';
export {
  builtInExemplars,
  faqExemplars,
  parseExemplars,
  trainingExemplars,
  D2_KINDS,
  D5_KINDS,
  type Exemplar,
} from './exemplars';
export { withSecondOpinion, InquiryClassifier, type SemanticOpinion } from './inquiryClassifier';
export { SemanticTriage, type SemanticTriageOptions } from './semanticTriage';
