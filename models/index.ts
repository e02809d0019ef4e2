export { LANGUAGES, type Lang, CrisisModel, type CrisisDoc } from './crisis';
export { ContentVersionModel, type ContentVersionDoc } from './contentVersion';
export { botStates, type BotStateDoc } from './botState';
export { InteractionModel, type InteractionDoc } from './interaction';
export { INTERACTION_DAYS_COMPLETE, InteractionDayModel } from './interactionDay';
export {
  LIVE_BUCKET_MS,
  liveMessageBucket,
  liveMessageBucketOf,
  liveMessageBuckets,
  type LiveMessageDoc,
} from './liveMessage';
export {
  TicketModel,
  type TicketDoc,
  TICKET_QUEUES,
  TICKET_STATES,
  TICKET_OUTCOMES,
  TICKET_REASONS,
} from './ticket';
export { AuditLogModel, writeAudit, type AuditLogDoc } from './auditLog';
export { duplicateIndexes, InsertLocks, isDuplicateKey, onlyDuplicates } from './insertLock';
export { ticketMessages, type TicketMessageDoc, MESSAGE_AUTHORS } from './ticketMessage';
export { UserModel, type UserDoc, ROLES, PRESENCES } from './user';
export { SessionModel } from './session';
export { AuthorityModel, type AuthorityDoc } from './authority';
export { DraftEntryModel, type DraftEntryDoc } from './draftEntry';
export { DraftCrisisModel, type DraftCrisisDoc } from './draftCrisis';
export { TariffModel, type TariffDoc } from './tariff';
export { UsageRollupModel, type UsageRollupDoc } from './usageRollup';
export { conversationMarks, type ConversationMarkDoc } from './conversationMark';
export { IssuedReportModel, type IssuedReportDoc } from './issuedReport';
export { whatsAppContacts, type WhatsAppContactDoc } from './whatsappContact';
export {
  conversationOfActivity,
  directLineActivities,
  type DirectLineActivityDoc,
} from './directLineActivity';
export { groupedBy, inBatches, PartitionedCollection, partitionCount } from './partitionedCollection';
export { activeTickets, type ActiveTicketDoc, CLOSED_KEPT_MS } from './activeTickets';
export { engineScans, preparePartitions, SCANNING_ENGINE_PARTITIONS } from './partitionMigration';
export { PassageVectorsModel } from './passageVectors';
export {
  UnansweredMessageModel,
  UNANSWERED_SOURCES,
  UNANSWERED_STATES,
  type UnansweredMessageDoc,
} from './unansweredMessage';
export { DAY_MS, daysBefore } from './daysBefore';
