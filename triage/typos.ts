/**
 * Typo tolerance against the lexicon: one edit (insertion, deletion, substitution or swap of two
 * neighbours) for words of MIN_LENGTH letters or more. Shorter words are left alone because one edit
 * turns too many short words into others ("fils" → "fil", "hurt" → "hunt"). Lookups use the
 * symmetric-delete trick: a word and a typo of it share a one-deletion variant, so candidates come
 * from a map instead of comparing the token with the whole lexicon.
 */
const MIN_LENGTH = 5;

function deletions(word: string): string[] {
  const variants: string[] = [];
  for (let i = 0; i < word.length; i++) variants.push(word.slice(0, i) + word.slice(i + 1));
  return variants;
}

/** Optimal string alignment distance ≤ 1, without building a matrix. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export class TypoCorrector {
  private readonly candidates = new Map<string, string[]>();

  /**
   * @param words lexicon words a typo may stand for
   * @param known words never corrected: the lexicon itself and real words one edit away from a
   *   lexicon word ("ville" is not a typo of "fille", nor "morgen" of "sorgen")
   */
  constructor(
    words: Iterable<string>,
    private readonly known: ReadonlySet<string>,
  ) {
    for (const word of new Set(words)) {
      if (word.length < MIN_LENGTH) continue;
      for (const key of [word, ...deletions(word)]) {
        const list = this.candidates.get(key) ?? [];
        list.push(word);
        this.candidates.set(key, list);
      }
    }
  }

  /** The lexicon word a token is a typo of, or undefined. */
  correct(token: string): string | undefined {
    if (token.length < MIN_LENGTH || this.known.has(token) || /\d/.test(token)) return undefined;
    for (const key of [token, ...deletions(token)]) {
      const found = this.candidates.get(key)?.find((word) => withinOneEdit(token, word));
      if (found) return found;
    }
    return undefined;
  }
}
