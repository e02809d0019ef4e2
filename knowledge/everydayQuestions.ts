import { z } from 'zod';
import type { Lang } from '../models';
import everyday from './retrieval-fit/everyday-questions.json';

const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
const texts = z.array(z.string().trim().min(3)).min(1);
const fileSchema = z.strictObject({
  about: z.string(),
  ...(Object.fromEntries(LANGS.map((lang) => [lang, texts])) as Record<Lang, typeof texts>),
});

/**
 * The everyday questions of knowledge/retrieval-fit/everyday-questions.json, in every language:
 * what a town is asked on any day and no crisis FAQ answers. A file of the wrong shape is an error.
 */
export function everydayQuestions(data: unknown = everyday): string[] {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(`everyday-questions.json: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return LANGS.flatMap((lang) => parsed.data[lang]);
}
