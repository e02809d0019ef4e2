export { IntakeCipher, type SealedIntake } from './intakeCipher';
export type { D2Intake } from './d2Intake';
export { IntakeAccess, AccessDenied, NotFound, D2_ROLE, auditD2, type Actor } from './intakeAccess';
export { deleteTicketPersonalData, purgeExpiredIntakes } from './intakeRetention';
export { Tickets, queuePositions, type NewTicket } from './tickets';
export { nextTicketState, type TicketEvent } from './ticketTransitions';
export { HandoffDesk, AtCapacity, type Admission, type DeskSettings, type QueuePlace } from './handoffDesk';
export {
  DEFAULT_HANDLE_MS,
  staffingOf,
  waitMinutesAt,
  type Staffing,
  type StaffingPolicy,
} from './waitEstimate';
export type { CitizenChannel, CitizenNotice } from './citizenChannel';
export {
  canServe,
  QUEUE_ROLE,
  TicketConflict,
  TicketNotFound,
  CitizenUnreachable,
  type Author,
  type ConversationRef,
  type Outcome,
  type Queue,
  type Reason,
  type Staff,
  type Ticket,
  type TicketMessage,
  type TranscriptEntry,
} from './types';
