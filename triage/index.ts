export { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';
export { isPersonRequest } from './personRequest';
