export { RouterDialog, type RouterSettings } from './routerDialog';
export { reply, replyMetaOf, type ReplyMeta } from './replies';
export { noticeActivity } from './notices';
export { setTurn, isOutOfTranscript, modelUsageOf, type ConversationData, type Translate } from './turn';
export { HANDOFF_DIALOG } from './handoffDialog';
export { feedbackOf } from './feedback';
export { VICTIM_INQUIRY_DIALOG } from './victimInquiryDialog';
