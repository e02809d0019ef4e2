export { Accounts, type User } from './accounts';
export { Sessions, type SessionPolicy } from './sessions';
export { SignInLimiter, type SignInLimits } from './signInLimiter';
export { Auth } from './auth';
export { registerAccountRoutes } from './accountRoutes';
export { registerTicketRoutes } from './ticketRoutes';
export { registerEventStream } from './events';
export { registerConsole } from './consoleRoutes';
