import { nearest } from './analysis';
import type { Match } from './patterns';

/** Words between a phrase and the person (or thing) it is about. */
export const ABOUT_WINDOW = 4;

/**
 * Whether a search (or worry) phrase is about a person rather than a thing or an animal. What
 * follows the verb is its object in all four languages ("ma soeur cherche un hébergement" looks for
 * a bed, not for the sister); only when nothing relevant follows does what precedes count ("mijn
 * moeder te vinden", "je la cherche").
 */
export function aboutPerson(span: Match, referents: Match[], things: Match[]): boolean {
  // A person inside the phrase ("waar hebben ze hem naartoe gebracht") is its object too.
  const after = (list: Match[]) =>
    nearest(
      span,
      list.filter((m) => m.start >= span.start),
    );
  const before = (list: Match[]) =>
    nearest(
      span,
      list.filter((m) => m.end <= span.start),
    );
  const [toPerson, toThing] = [after(referents), after(things)];
  if (Math.min(toPerson, toThing) <= ABOUT_WINDOW) return toPerson <= toThing;
  const [fromPerson, fromThing] = [before(referents), before(things)];
  return fromPerson <= ABOUT_WINDOW && fromPerson <= fromThing;
}

/**
 * Whether a contact phrase may be about a person: yes unless a thing is nearer ("the hotline
 * doesn't answer"). Unlike a search, it needs no person nearby: "no news since this morning" is
 * about someone even when nobody is named.
 */
export function notAboutThing(span: Match, referents: Match[], things: Match[]): boolean {
  const toThing = nearest(span, things);
  return toThing > ABOUT_WINDOW || nearest(span, referents) <= toThing;
}

/** Non-overlapping matches, so that "on peut" and "peut" count once. */
export function countDistinct(matches: Match[]): number {
  let count = 0;
  let until = -1;
  for (const m of [...matches].sort((x, y) => x.start - y.start)) {
    if (m.start >= until) count++;
    until = Math.max(until, m.end);
  }
  return count;
}
