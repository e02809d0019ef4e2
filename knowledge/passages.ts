import type { Lang } from '../models';
import type { ContentFile } from './contentSchema';

/** One text of an entry that a question may resemble: what the semantic index compares with. */
export interface Passage {
  faqId: string;
  lang: Lang;
  text: string;
}

/**
 * The passages of a crisis's content, in a stable order (stored vectors are matched to them by
 * position): for every entry and every language of the crisis, its question, each anticipated
 * phrasing, and its question with its answer, since citizens often ask about what only the answer
 * says. Every language is indexed, so a Dutch question can match an entry best phrased in French.
 */
export function contentPassages(content: ContentFile): Passage[] {
  return contentTexts(content, true);
}

/**
 * The questions of a crisis's content as a citizen would ask them: every entry's question and
 * anticipated phrasings, in every language (what general questions look like, for the
 * victim-inquiry classifier).
 */
export function contentQuestions(content: ContentFile): Passage[] {
  return contentTexts(content, false);
}

function contentTexts(content: ContentFile, withAnswers: boolean): Passage[] {
  const passages: Passage[] = [];
  for (const faq of content.faqs) {
    for (const lang of content.crisis.languages) {
      const question = faq.question[lang];
      const answer = faq.answer[lang];
      if (question) passages.push({ faqId: faq.id, lang, text: question });
      for (const alternative of faq.alternatives?.[lang] ?? [])
        passages.push({ faqId: faq.id, lang, text: alternative });
      if (withAnswers && question && answer)
        passages.push({ faqId: faq.id, lang, text: `${question}\n${answer}` });
    }
  }
  return passages;
}
