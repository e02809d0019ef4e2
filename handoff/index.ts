export { IntakeCipher, type SealedIntake } from './intakeCipher';
export { D2Queue, type D2Intake, type NewD2Ticket } from './d2Queue';
export { IntakeAccess, AccessDenied, NotFound, D2_ROLE, type Actor } from './intakeAccess';
export { purgeExpiredIntakes } from './intakeRetention';
