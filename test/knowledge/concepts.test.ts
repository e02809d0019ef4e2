import concepts from '../../knowledge/lexicon/concepts.json';
import { tokenize } from '../../knowledge/textAnalysis';
import { LANGUAGES } from '../../models';

describe('the related-words lexicon (knowledge/lexicon/concepts.json)', () => {
  it.each(concepts.groups.map((group, i) => [i, group] as const))(
    'group %i has words in every language, each one word as the search splits text',
    (_i, group) => {
      for (const lang of LANGUAGES) {
        const words = group[lang];
        expect(words.length).toBeGreaterThan(1);
        for (const word of words) expect(tokenize(word)).toEqual([word.toLowerCase()]);
      }
    },
  );
});
