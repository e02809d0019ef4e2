/** Boundaries to cut at, best first; a cut at one of them is taken if it keeps at least half a chunk. */
const BOUNDARIES = ['\n\n', '\n', ' '];

function cutPoint(text: string, max: number): number {
  // One character past the limit: a boundary right at the limit still counts.
  const window = text.slice(0, max + 1);
  for (const boundary of BOUNDARIES) {
    const at = window.lastIndexOf(boundary);
    if (at >= max / 2) return at;
  }
  const space = window.lastIndexOf(' ');
  if (space > 0) return space;
  // A single word (a long address) longer than the limit cannot be kept whole; never split a
  // surrogate pair, though.
  const high = text.charCodeAt(max - 1);
  return high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
}

/**
 * Splits a text into chunks of at most `max` characters, between paragraphs where it can, else
 * between lines, else between words: a word or a web address is cut only if it alone is longer
 * than a chunk.
 */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}
