export { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';
export { isPersonRequest } from './personRequest';
export {
  builtInExemplars,
  faqExemplars,
  labelledSetExemplars,
  personRequestExemplars,
  unnamedGeneralExemplars,
  UNNAMED_KIND,
  parseExemplars,
  trainingExemplars,
  D2_KINDS,
  D5_KINDS,
  type Exemplar,
} from './exemplars';
export { parseLabelledMessages, type LabelledMessage } from './labelledMessages';
export {
  withSecondOpinion,
  routeMessage,
  InquiryClassifier,
  type MessageRoute,
  type SemanticOpinion,
} from './inquiryClassifier';
export { SemanticTriage, type SemanticTriageOptions } from './semanticTriage';
