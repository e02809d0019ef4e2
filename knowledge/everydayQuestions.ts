import { LANGUAGES } from '../models';
import everyday from './retrieval-fit/everyday-questions.json';
import { textsByLanguage } from './textsByLanguage';

let shipped: string[] | undefined;

/**
 * The everyday questions of knowledge/retrieval-fit/everyday-questions.json (read once), or of
 * `data`, in every language: what a town is asked on any day and no crisis FAQ answers. A file of
 * the wrong shape is an error.
 */
export function everydayQuestions(data?: unknown): string[] {
  const read = (file: unknown) => {
    const byLanguage = textsByLanguage(file, 'everyday-questions.json');
    return LANGUAGES.flatMap((lang) => byLanguage[lang]);
  };
  return data === undefined ? (shipped ??= read(everyday)) : read(data);
}
