/**
 * Content safety of a text a citizen may be shown (docs/studio-api.md): light Markdown only. Raw
 * HTML is refused, whatever the channel would do with it, and every link a text carries (Markdown
 * inline links and images, reference definitions, autolinks, bare addresses that Web Chat links)
 * must point to an https: address.
 */

/** `<https://…>`: a Markdown autolink, allowed when https, refused otherwise (never taken for HTML). */
const AUTOLINK = /<([a-z][a-z0-9+.-]{1,31}:[^\s<>]*)>/gi;
/** An opening or closing tag, or a comment. */
const HTML = /<\/?[a-z][\s\S]*?>|<!--/i;
/**
 * The target of an inline link or image: what follows `](`, optionally in angle brackets. Anchored
 * on `](` alone so that brackets nested in the label cannot hide a link.
 */
const INLINE_TARGET = /\]\(\s*<?([^\s)>]*)/g;
/**
 * A bare address in running text, which Web Chat's Markdown turns into a link: a scheme with
 * `//`, or `www.` (linked as http:). Not inside a longer address (`https://www.…` is one link).
 */
const BARE_LINK = /(?<![\w/@.:-])(?:[a-z][a-z0-9+.-]{1,31}:\/\/|www\.)[^\s<>()[\]]*/gi;
/** `[label]: target` on a line of its own. */
const REFERENCE_TARGET = /^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]*)/gm;

const MAX_SHOWN = 40;

function shown(found: string): string {
  return JSON.stringify(found.length > MAX_SHOWN ? `${found.slice(0, MAX_SHOWN)}…` : found);
}

export function isHttpsUrl(target: string): boolean {
  if (!/^https:\/\/\S/i.test(target)) return false;
  try {
    return new URL(target).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Why a text is unsafe to show; empty when it is fine. */
export function unsafeTextProblems(text: string): string[] {
  const problems: string[] = [];
  const badTargets: string[] = [];
  const withoutAutolinks = text.replace(AUTOLINK, (_whole, target: string) => {
    if (!isHttpsUrl(target)) badTargets.push(target);
    return ' ';
  });
  const tag = HTML.exec(withoutAutolinks);
  if (tag) problems.push(`must not contain HTML (found ${shown(tag[0])})`);
  for (const pattern of [INLINE_TARGET, REFERENCE_TARGET]) {
    for (const match of withoutAutolinks.matchAll(pattern)) {
      if (!isHttpsUrl(match[1] ?? '')) badTargets.push(match[1] ?? '');
    }
  }
  for (const [bare] of withoutAutolinks.matchAll(BARE_LINK)) {
    if (!isHttpsUrl(bare)) badTargets.push(bare);
  }
  if (badTargets.length > 0) {
    const found = badTargets[0]!;
    // Communicators write "www.town.be" as on a poster; say how to write it, not only that it is refused.
    const bareWww = /^www\./i.test(found)
      ? `: write it ${shown(`https://${found.replace(/[.,;:!?]+$/, '')}`)}`
      : '';
    problems.push(`links must point to an https: address (found ${shown(found)}${bareWww})`);
  }
  return problems;
}
