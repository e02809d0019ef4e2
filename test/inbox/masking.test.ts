import { maskPersonalData, MASKS } from '../../inbox';

describe('masking before the inbox stores a message', () => {
  it.each([
    [
      'fr',
      'mon numéro est le 0470 12 34 56, écrivez à jean.dupont@mail.be',
      'mon numéro est le [phone], écrivez à [e-mail]',
    ],
    [
      'nl',
      'bel mij op +32 2 555 12 12 of mail naar an.peeters@voorbeeld.be',
      'bel mij op [phone] of mail naar [e-mail]',
    ],
    [
      'de',
      'Meine IBAN ist BE68 5390 0754 7034, Telefon 0049 30 1234567',
      'Meine IBAN ist [IBAN], Telefon [phone]',
    ],
    [
      'en',
      'my national number is 85.07.30-033.28, call 04/71.23.45.67',
      'my national number is [national number], call [phone]',
    ],
    ['fr', 'rappelez le 047012345678999 svp', 'rappelez le [number] svp'],
    [
      'nl',
      'mijn rijksregisternummer 85073003328 en rekening NL91ABNA0417164300',
      'mijn rijksregisternummer [national number] en rekening [IBAN]',
    ],
  ])('%s: %s', (_lang, text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('keeps what a question needs: times, dates, street numbers, postcodes', () => {
    const text = 'school tomorrow at 8:30 in 4000 Liège, rue Neuve 12, on 12/03/2026?';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('uses the same language-neutral marks everywhere', () => {
    expect(Object.values(MASKS).every((mark) => /^\[[a-zA-Z -]+\]$/.test(mark))).toBe(true);
  });
});
