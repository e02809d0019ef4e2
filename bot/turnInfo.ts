import type { TurnContext } from 'botbuilder';
import type { Lang } from '../knowledge';

/** Crisis and language of the current turn, for the interaction log and the error handler. */
export interface TurnInfo {
  crisisSlug?: string;
  lang: Lang;
}

const TURN_INFO_KEY = Symbol('crisis.turnInfo');

export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(TURN_INFO_KEY, info);
}

export function getTurnInfo(context: TurnContext): TurnInfo | undefined {
  return context.turnState.get(TURN_INFO_KEY) as TurnInfo | undefined;
}
