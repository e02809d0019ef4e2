import fs from 'node:fs';
import path from 'node:path';
import { detectLanguage, langFromLocale, requestedLanguage } from '../../knowledge/language';

describe('language detection', () => {
  it.each([
    ['Est-ce que je peux sortir promener mon chien ?', 'fr'],
    ['Mogen de kinderen morgen naar school?', 'nl'],
    ['Kann ich das Leitungswasser trinken?', 'de'],
    ['Is the motorway still closed tonight?', 'en'],
    ['ou est le centre d accueil', 'fr'],
    ['wanneer mag ik weer naar buiten', 'nl'],
    ['wo ist das aufnahmezentrum', 'de'],
  ])('detects %s as %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('keeps the conversation language for very short messages', () => {
    expect(detectLanguage('ok', { previous: 'de' })).toBe('de');
    expect(detectLanguage('N63?', { previous: 'nl', locale: 'fr-BE' })).toBe('nl');
    expect(detectLanguage('ok', { locale: 'nl-BE' })).toBe('nl');
  });

  it('lets a clear sentence overrule the locale and the previous language', () => {
    expect(
      detectLanguage('Welke wegen zijn vandaag afgesloten door de brand?', {
        previous: 'fr',
        locale: 'fr-BE',
      }),
    ).toBe('nl');
  });

  it('recognises explicit requests to switch, and not questions that merely name a language', () => {
    expect(requestedLanguage('in het Nederlands aub')).toBe('nl');
    expect(requestedLanguage('English please')).toBe('en');
    expect(requestedLanguage('Deutsch')).toBe('de');
    expect(requestedLanguage('en français svp')).toBe('fr');
    expect(
      requestedLanguage('is there a French speaking doctor at the reception centre tonight?'),
    ).toBeUndefined();
    expect(requestedLanguage('Moet ik binnen blijven?')).toBeUndefined();
  });

  it('maps locales to supported languages', () => {
    expect(langFromLocale('nl-BE')).toBe('nl');
    expect(langFromLocale('es-ES')).toBeUndefined();
    expect(langFromLocale(undefined)).toBeUndefined();
  });

  it('detects at least 95% of the development questions without any hint', () => {
    const file = path.resolve(__dirname, '../fixtures/demo-questions.json');
    const cases = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: { text: string; lang: string }[] })
      .cases;
    const right = cases.filter((c) => detectLanguage(c.text) === c.lang).length;
    console.log(`language detection: ${right}/${cases.length}`);
    expect(right / cases.length).toBeGreaterThanOrEqual(0.95);
  });
});
