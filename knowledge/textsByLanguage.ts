import { z } from 'zod';
import { LANGUAGES, type Lang } from '../models';

const texts = z.array(z.string().trim().min(3)).min(1);
const fileSchema = z.strictObject({
  about: z.string(),
  ...(Object.fromEntries(LANGUAGES.map((lang) => [lang, texts])) as Record<Lang, typeof texts>),
});

/**
 * A shipped file of texts in every language (`{ "about", "fr": [...], "nl": [...], "de": [...],
 * "en": [...] }`), by language. A file of the wrong shape is an error naming it.
 */
export function textsByLanguage(data: unknown, file: string): Record<Lang, string[]> & { about: string } {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
}
