import type { Activity } from 'botbuilder';
import type { CitizenNotice } from '../handoff';
import type { Lang } from '../knowledge';
import { reply } from './replies';
import type { Translate } from './turn';

/** A handoff notice as the activity the citizen receives, in a turn of theirs or proactively. */
export function noticeActivity(
  notice: CitizenNotice,
  translate: Translate,
  quickReplies: string[] = [],
): Partial<Activity> {
  const lang = notice.lang as Lang;
  const text =
    notice.text ?? (notice.keys ?? []).map((key) => translate(lang, key, notice.values)).join('\n\n');
  return reply(
    text,
    {
      kind: notice.kind,
      lang,
      ...(notice.queue ? { queue: notice.queue } : {}),
      ...(notice.position !== undefined ? { position: notice.position } : {}),
    },
    quickReplies,
  );
}
