import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import Backend, { type FsBackendOptions } from 'i18next-fs-backend';
import { LANGUAGES, type Lang } from '../knowledge';
import type { Translate } from '../dialogs';

/** One namespace per capability; keys of other namespaces than `bot` are written `ns:key`. */
export const NAMESPACES = ['bot', 'd2', 'handoff'] as const;

/** Loads every locale once at start-up; a missing file or key fails loudly rather than showing raw keys. */
export async function createTranslator(localesDir: string): Promise<Translate> {
  const instance = i18next.createInstance();
  await instance.use(Backend).init<FsBackendOptions>({
    backend: { loadPath: path.join(localesDir, '{{lng}}', '{{ns}}.json') },
    preload: [...LANGUAGES],
    supportedLngs: [...LANGUAGES],
    fallbackLng: false,
    ns: [...NAMESPACES],
    defaultNS: 'bot',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<Lang, TFunction>(LANGUAGES.map((l) => [l, instance.getFixedT(l, 'bot')]));
  return (lang, key, values) => {
    const t = fixed.get(lang);
    if (!t || !instance.exists(key, { lng: lang })) throw new Error(`missing translation ${lang}:${key}`);
    return String(t(key, values));
  };
}
