export { RouterDialog } from './routerDialog';
export {
  reply,
  replyEntity,
  replyMetaOf,
  REPLY_ENTITY_TYPE,
  type ReplyKind,
  type ReplyMeta,
} from './replies';
export { setTurn, getTurn, type Turn, type ConversationData, type Translate } from './turn';
