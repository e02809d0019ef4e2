import type { Lang } from '../models';
import { tokenize } from './text';

/**
 * One element of a lexicon phrase. Phrases are written as citizens would type them, with three
 * additions: "word*" matches word-initial forms (German/Dutch inflection: "verletz*" → verletzt,
 * Verletzten), "*word" word-final ones (compounds: "*krankenhaus" → Kreiskrankenhaus), "*word*" both,
 * and ".." stands for up to MAX_GAP words (Dutch and German split verbs around their objects:
 * "neemt .. niet op" → "neemt zijn telefoon al uren niet op").
 */
type Piece =
  { kind: 'word'; text: string } | { kind: 'prefix' | 'suffix' | 'infix'; text: string } | { kind: 'gap' };

export interface Pattern {
  source: string;
  pieces: Piece[];
}

export interface Match {
  source: string;
  start: number;
  /** Index after the last matched token. */
  end: number;
}

const MAX_GAP = 4;

export function parsePattern(source: string, lang: Lang): Pattern {
  const pieces: Piece[] = [];
  for (const chunk of source.trim().split(/\s+/)) {
    if (chunk === '..') {
      pieces.push({ kind: 'gap' });
      continue;
    }
    const leading = chunk.startsWith('*');
    const trailing = chunk.endsWith('*') && chunk.length > 1;
    const words = tokenize(chunk.replace(/^\*|\*$/g, ''), lang);
    words.forEach((text, i) => {
      const wildStart = leading && i === 0;
      const wildEnd = trailing && i === words.length - 1;
      const kind = wildStart && wildEnd ? 'infix' : wildStart ? 'suffix' : wildEnd ? 'prefix' : 'word';
      pieces.push({ kind, text });
    });
  }
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!first || first.kind === 'gap' || !last || last.kind === 'gap') {
    throw new Error(`lexicon phrase "${source}" must start and end with a word`);
  }
  return { source, pieces };
}

function pieceMatches(piece: Piece, token: string | undefined): boolean {
  if (token === undefined || token === '') return false;
  switch (piece.kind) {
    case 'word':
      return token === piece.text;
    case 'prefix':
      return token.startsWith(piece.text);
    case 'suffix':
      return token.endsWith(piece.text);
    case 'infix':
      return token.includes(piece.text);
    case 'gap':
      return false;
  }
}

/** Index after the match of pieces[p..] starting at token t, or -1. Gaps are tried shortest first. */
function matchFrom(pieces: Piece[], p: number, tokens: string[], t: number): number {
  const piece = pieces[p];
  if (!piece) return t;
  if (piece.kind === 'gap') {
    for (let skip = 0; skip <= MAX_GAP && t + skip < tokens.length; skip++) {
      const end = matchFrom(pieces, p + 1, tokens, t + skip);
      if (end >= 0) return end;
    }
    return -1;
  }
  return pieceMatches(piece, tokens[t]) ? matchFrom(pieces, p + 1, tokens, t + 1) : -1;
}

/** The words that patterns match exactly. */
export function exactWords(patterns: Pattern[]): string[] {
  return patterns.flatMap((pattern) =>
    pattern.pieces.flatMap((piece) => (piece.kind === 'word' ? [piece.text] : [])),
  );
}

/** The pieces that match word beginnings, endings or parts. */
export function wildcardPieces(patterns: Pattern[]): Piece[] {
  return patterns.flatMap((pattern) =>
    pattern.pieces.filter(
      (piece) => piece.kind === 'prefix' || piece.kind === 'suffix' || piece.kind === 'infix',
    ),
  );
}

/** Whether a token is matched by one of the wildcard pieces ("verletzten" by "verletz*"). */
export function coveredByWildcard(pieces: Piece[], token: string): boolean {
  return pieces.some((piece) => pieceMatches(piece, token));
}

/**
 * The phrases of one lexicon list, indexed by their first word so that a message is scanned once
 * per list with a map lookup per token instead of trying every phrase at every position.
 */
export class PhraseSet {
  private readonly byFirstWord = new Map<string, Pattern[]>();
  private readonly wildFirst: Pattern[] = [];

  constructor(readonly patterns: Pattern[]) {
    for (const pattern of patterns) {
      const first = pattern.pieces[0]!;
      if (first.kind === 'word') {
        const list = this.byFirstWord.get(first.text) ?? [];
        list.push(pattern);
        this.byFirstWord.set(first.text, list);
      } else {
        this.wildFirst.push(pattern);
      }
    }
  }

  /** Every (phrase, start) that matches; tokens emptied by masking ('') match nothing. */
  find(tokens: string[]): Match[] {
    const matches: Match[] = [];
    const tryAt = (pattern: Pattern, start: number) => {
      const end = matchFrom(pattern.pieces, 0, tokens, start);
      if (end >= 0) matches.push({ source: pattern.source, start, end });
    };
    tokens.forEach((token, start) => {
      if (token === '') return;
      for (const pattern of this.byFirstWord.get(token) ?? []) tryAt(pattern, start);
      for (const pattern of this.wildFirst) tryAt(pattern, start);
    });
    return matches;
  }
}
