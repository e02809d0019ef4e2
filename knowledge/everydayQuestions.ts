import { LANGUAGES } from '../models';
import everyday from './retrieval-fit/everyday-questions.json';
import { textsByLanguage } from './textsByLanguage';

/**
 * The everyday questions of knowledge/retrieval-fit/everyday-questions.json, in every language:
 * what a town is asked on any day and no crisis FAQ answers. A file of the wrong shape is an error.
 */
export function everydayQuestions(data: unknown = everyday): string[] {
  const byLanguage = textsByLanguage(data, 'everyday-questions.json');
  return LANGUAGES.flatMap((lang) => byLanguage[lang]);
}
