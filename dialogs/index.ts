export { RouterDialog } from './routerDialog';
export { reply, replyMetaOf, type ReplyMeta } from './replies';
export { setTurn, type ConversationData, type Translate } from './turn';
