// Names of the service's languages, for labels; the codes themselves come from the server.

export const LANGUAGE_NAMES = { fr: 'French', nl: 'Dutch', de: 'German', en: 'English' };

export const languageName = (code) => LANGUAGE_NAMES[code] ?? code;

/** A localized text in the first of `languages` it has, else any. */
export function localized(text, languages = []) {
  for (const lang of languages) if (text?.[lang]) return text[lang];
  return Object.values(text ?? {})[0] ?? '';
}
