export { LANGUAGES, type Lang, CrisisModel, type CrisisDoc } from './crisis';
export { ContentVersionModel, type ContentVersionDoc } from './contentVersion';
export { BotStateModel } from './botState';
export { InteractionModel, type InteractionDoc } from './interaction';
export { TicketModel, type TicketDoc, TICKET_QUEUES, TICKET_STATES, TICKET_OUTCOMES } from './ticket';
export { AuditLogModel, type AuditLogDoc } from './auditLog';
