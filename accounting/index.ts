export { InteractionLog, type InteractionEntry, type InteractionLogOptions } from './interactionLog';
