import type { TurnContext } from 'botbuilder';
import type { Lang, LiveCrisis } from '../knowledge';
import { reply } from './replies';
import type { ConversationData, Translate } from './turn';

/** How many likely entries a clarification offers (contract: up to three). */
const MAX_OPTIONS = 3;

/**
 * Sends one FAQ entry: the communicators' answer verbatim, its links, and a "was this helpful?"
 * question with yes/no quick replies. When the entry lacks the citizen's language, says so first.
 */
export async function sendAnswer(
  context: TurnContext,
  translate: Translate,
  crisis: LiveCrisis,
  data: ConversationData,
  faqId: string,
  lang: Lang,
): Promise<void> {
  const faq = crisis.retriever.getFaq(faqId, lang);
  if (!faq) throw new Error(`entry ${faqId} missing from ${crisis.slug} v${crisis.version}`);
  // One activity: every extra message is one more call to the channel, and a text with its quick
  // replies is shown the same way everywhere.
  const parts = [];
  if (faq.lang !== lang) {
    parts.push(
      translate(lang, 'answerOtherLanguage', { language: translate(lang, `languageName.${faq.lang}`) }),
    );
  }
  parts.push(faq.answer);
  if (faq.links.length > 0) {
    parts.push(
      `${translate(lang, 'moreInfo')}:\n${faq.links.map((l) => `- [${l.label}](${l.url})`).join('\n')}`,
    );
  }
  parts.push(translate(lang, 'helpfulQuestion'));
  await context.sendActivity(
    reply(parts.join('\n\n'), { kind: 'answer', faqId, lang: faq.lang }, [
      translate(lang, 'helpfulYes'),
      translate(lang, 'helpfulNo'),
    ]),
  );
  data.awaitingFeedbackFor = faqId;
}

/** Offers the likely entries as quick replies; their text is the entry's question, so choosing one is a clear match. */
export async function sendClarify(
  context: TurnContext,
  translate: Translate,
  crisis: LiveCrisis,
  faqIds: string[],
  lang: Lang,
): Promise<void> {
  const options = faqIds.slice(0, MAX_OPTIONS);
  if (options.length === 0) {
    const infoNumber = crisis.content.crisis.infoNumber;
    await context.sendActivity(reply(translate(lang, 'noAnswer', { infoNumber }), { kind: 'clarify', lang }));
    return;
  }
  const questions = options.map((id) => crisis.retriever.getFaq(id, lang)?.question ?? id);
  await context.sendActivity(
    reply(translate(lang, 'clarify'), { kind: 'clarify', lang, options }, questions),
  );
}
