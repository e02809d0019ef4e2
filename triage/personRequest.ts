import type { Lang } from '../models';
import { Analysis, nearest } from './analysis';

/** "human please", "Mitarbeiter?": in messages this short, naming a human is asking for one. */
const SHORT_MESSAGE = 4;
/** Words between "talk/sprechen" and "operator/iemand", either order ("kan ik iemand spreken"). */
const VERB_WINDOW = 6;

/** Whether the citizen asks to talk to a person instead of the bot. */
export function isPersonRequest(text: string, lang: Lang): boolean {
  const a = new Analysis(text, lang);
  if (a.has('personRequest')) return true;
  const targets = a.hits('personRequestTarget');
  if (targets.length === 0) return false;
  // Naming the bot and a person in one message is turning from one to the other: "stop with the robot, someone real".
  if (a.has('personRequestMachine')) return true;
  if (a.tokens.length <= SHORT_MESSAGE) return true;
  return a.hits('personRequestVerb').some((verb) => nearest(verb, targets) <= VERB_WINDOW);
}
