import type { TurnContext } from 'botbuilder';
import type { FaqView, Lang, LiveCrisis } from '../knowledge';
import { reply, type ReplyMeta } from './replies';
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
  const parts = [];
  if (faq.lang !== lang) {
    parts.push(
      translate(lang, 'answerOtherLanguage', { language: translate(lang, `languageName.${faq.lang}`) }),
    );
  }
  parts.push(faq.answer);
  await sendWithFeedback(context, translate, data, lang, parts, faq.links, {
    kind: 'answer',
    faqId,
    lang: faq.lang,
  });
}

/**
 * Sends an answer the language model wrote from some entries (already checked), naming the
 * entries it comes from, with their links and the "was this helpful?" question.
 */
export async function sendGeneratedAnswer(
  context: TurnContext,
  translate: Translate,
  crisis: LiveCrisis,
  data: ConversationData,
  answer: { text: string; faqIds: string[] },
  lang: Lang,
): Promise<void> {
  const sources = answer.faqIds
    .map((id) => crisis.retriever.getFaq(id, lang))
    .filter((faq) => faq !== undefined);
  const links = [...new Map(sources.flatMap((faq) => faq.links).map((l) => [l.url, l])).values()];
  const parts = [
    answer.text,
    translate(lang, 'generatedFrom', { sources: sources.map((faq) => `“${faq.question}”`).join(', ') }),
  ];
  await sendWithFeedback(context, translate, data, lang, parts, links, {
    kind: 'answer',
    faqId: answer.faqIds[0]!,
    lang,
    generated: true,
  });
}

/** An answer with its links and the "was this helpful?" quick replies in the citizen's language, in one activity. */
async function sendWithFeedback(
  context: TurnContext,
  translate: Translate,
  data: ConversationData,
  lang: Lang,
  parts: string[],
  links: FaqView['links'],
  meta: ReplyMeta & { faqId: string },
): Promise<void> {
  if (links.length > 0) {
    parts.push(`${translate(lang, 'moreInfo')}:\n${links.map((l) => `- [${l.label}](${l.url})`).join('\n')}`);
  }
  parts.push(translate(lang, 'helpfulQuestion'));
  // One activity: every extra message is one more call to the channel, and a text with its quick
  // replies is shown the same way everywhere.
  await context.sendActivity(
    reply(parts.join('\n\n'), meta, [translate(lang, 'helpfulYes'), translate(lang, 'helpfulNo')]),
  );
  data.awaitingFeedbackFor = meta.faqId;
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
