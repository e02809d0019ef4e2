import { answerProblems, unsupportedReferences } from '../../knowledge';

const updates = {
  id: 'updates',
  question: 'Where can I find the latest information?',
  answer:
    'Follow regional radio, the website https://www.valmont.example/crise and the alert text messages. The information number 0800 12 345 is free.',
  links: [{ url: 'https://www.valmont.example/kaart' }],
};
const water = {
  id: 'drinking-water',
  question: 'Is tap water safe to drink?',
  answer:
    'Yes, tap water remains safe to drink: the network is not affected and the water company tests it every 6 hours.',
  links: [],
};
const check = (text: string, cited: string[], lang: 'en' | 'nl' = 'en') =>
  answerProblems({ text, lang, cited, given: [updates, water] });

describe('checking a generated answer before it is sent', () => {
  it('accepts an answer in the right language that repeats only numbers and addresses of its entries', () => {
    expect(
      check(
        'Call the free information number +32 800 12 345 or see https://www.valmont.example/crise. The map is at https://www.valmont.example/kaart/.',
        ['updates'],
      ),
    ).toEqual([]);
    expect(check('Tap water is safe to drink; it is tested every 6 hours.', ['drinking-water'])).toEqual([]);
  });

  it('refuses a bare www. address even of its entries: Web Chat would link it as http', () => {
    expect(check('The map is at www.valmont.example/kaart/.', ['updates'])).toContain('unsafe-text');
  });

  it.each([
    ['no citation', 'Tap water is safe to drink.', [], 'no-citation'],
    ['a citation of an entry not given', 'Tap water is safe to drink.', ['schools'], 'unknown-citation'],
    [
      'another language',
      'Het kraanwater is drinkbaar en wordt elke zes uur getest.',
      ['drinking-water'],
      'wrong-language',
    ],
    ['HTML', 'Tap water is <b>safe</b> to drink.', ['drinking-water'], 'unsafe-text'],
    [
      'an invented phone number',
      'Tap water is safe. Questions? Call 02 555 12 34.',
      ['drinking-water'],
      'foreign-phone',
    ],
    [
      'a number from an entry it did not cite',
      'Tap water is safe; call 0800 12 345.',
      ['drinking-water'],
      'foreign-phone',
    ],
    [
      'an invented link',
      'Tap water is safe, see https://evil.example/water.',
      ['drinking-water'],
      'foreign-link',
    ],
    [
      'a look-alike link',
      'See https://www.valmont.example.evil.example/crise for updates.',
      ['updates'],
      'foreign-link',
    ],
  ])('refuses %s', (_name, text, cited, problem) => {
    expect(check(text, cited)).toContain(problem);
  });

  it('counts house numbers, times and road numbers as no phone numbers', () => {
    expect(
      unsupportedReferences('At 12 Sports Street, from 8 to 20, on the N63, buses 31 and 32.', []),
    ).toEqual([]);
    expect(unsupportedReferences('Call 112 in an emergency.', [])).toEqual([]);
    expect(unsupportedReferences('Call +32 470 12 34 56.', ['Mobile: 0470/12.34.56'])).toEqual([]);
  });
});
