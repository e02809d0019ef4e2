import type { TurnContext } from 'botbuilder';
import type { Lang, LiveCrisis } from '../knowledge';
import { reply } from './replies';
import type { ConversationData, Translate } from './turn';

/** How many likely entries a clarification offers (contract: up to three). */
const MAX_OPTIONS = 3;

/**
 * Sends one FAQ entry: the communicators' answer verbatim, its links, and a "was this helpful?"
 * question. When the entry lacks the citizen's language, says so first.
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
  const activities = [];
  if (faq.lang !== lang) {
    const language = translate(lang, `languageName.${faq.lang}`);
    activities.push(
      reply(translate(lang, 'answerOtherLanguage', { language }), { kind: 'answer', faqId, lang }),
    );
  }
  const links = faq.links.map((l) => `- [${l.label}](${l.url})`);
  const text =
    links.length > 0 ? `${faq.answer}\n\n${translate(lang, 'moreInfo')}:\n${links.join('\n')}` : faq.answer;
  activities.push(reply(text, { kind: 'answer', faqId, lang: faq.lang }));
  activities.push(
    reply(translate(lang, 'helpfulQuestion'), { kind: 'answer', faqId, lang }, [
      translate(lang, 'helpfulYes'),
      translate(lang, 'helpfulNo'),
    ]),
  );
  await context.sendActivities(activities);
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
