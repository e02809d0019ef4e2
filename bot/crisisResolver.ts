import type { Activity } from 'botbuilder';
import { foldAccents, type LiveContent, type LiveCrisis } from '../knowledge';
import type { ConversationData } from '../dialogs';

export type CrisisResolution =
  /** `chosen`: the citizen just picked this crisis by its title among several. */
  | { kind: 'found'; crisis: LiveCrisis; chosen?: boolean }
  | { kind: 'none' }
  | { kind: 'choose'; crises: LiveCrisis[] };

/** The crisis an entry link names: `channelData.crisis` (web chat's `?crisis=slug`) or the activity's `value.crisis`. */
function requestedSlug(activity: Partial<Activity>): string | undefined {
  const fromChannel = (activity.channelData as { crisis?: unknown } | undefined)?.crisis;
  const fromValue = (activity.value as { crisis?: unknown } | undefined)?.crisis;
  const slug = fromChannel ?? fromValue;
  return typeof slug === 'string' ? slug : undefined;
}

/**
 * Which crisis a conversation is about: the one it is bound to, the one its entry link names, the
 * only one active, or the one whose title the citizen just chose among several (exercises only
 * through their link).
 */
export function resolveCrisis(
  live: LiveContent,
  data: ConversationData,
  activity: Partial<Activity>,
): CrisisResolution {
  for (const slug of [requestedSlug(activity), data.crisisSlug]) {
    const crisis = slug ? live.get(slug) : undefined;
    if (crisis) return { kind: 'found', crisis };
  }
  const active = live.activeReal();
  if (active.length === 0) return { kind: 'none' };
  if (active.length === 1) return { kind: 'found', crisis: active[0]! };
  const said = foldAccents(activity.text ?? '').trim();
  const chosen = active.find((c) =>
    Object.values(c.content.crisis.title).some((title) => foldAccents(title) === said),
  );
  return chosen ? { kind: 'found', crisis: chosen, chosen: true } : { kind: 'choose', crises: active };
}
