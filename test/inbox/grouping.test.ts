import { groupByMeaning, type Groupable } from '../../inbox';
import { normalize, similarity } from '../../semantic';

const DIMS = 384;

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function messages(count: number, topics: number, seed: number): Groupable[] {
  const next = random(seed);
  const unit = () => normalize(Array.from({ length: DIMS }, () => next() - 0.5));
  const centers = Array.from({ length: topics }, unit);
  return Array.from({ length: count }, (_, i) => {
    const center = centers[Math.floor(next() * topics)]!;
    return {
      id: `m${i}`,
      at: new Date(1_700_000_000_000 + i),
      lang: 'en',
      text: `m${i}`,
      vector: normalize(center.map((v) => v + (next() - 0.5) * 0.06)),
    };
  });
}

/** The rule written plainly: each message joins its most similar leader at the threshold, or leads. */
function reference(items: Groupable[], threshold: number): string[][] {
  const groups: { leader: Groupable; ids: string[] }[] = [];
  for (const item of items) {
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const group of groups) {
      const score = similarity(item.vector!, group.leader.vector!);
      if (score >= bestScore) {
        bestScore = score;
        best = group;
      }
    }
    if (best) best.ids.push(item.id);
    else groups.push({ leader: item, ids: [item.id] });
  }
  return groups.map((g) => g.ids);
}

describe('grouping by meaning', () => {
  it('makes the groups of the plain rule (greedy leader clustering, oldest first)', () => {
    for (const seed of [1, 2, 3]) {
      const items = messages(600, 40, seed);
      const grouped = groupByMeaning(items, 0.86).map((g) => g.members.map((m) => m.id));
      expect(grouped).toEqual(reference(items, 0.86));
      expect(grouped.length).toBeGreaterThan(20);
      expect(grouped.length).toBeLessThan(200);
    }
  });

  it('keeps old groups when newer messages arrive, whatever order they are given in', () => {
    const items = messages(300, 20, 4);
    const before = groupByMeaning(items.slice(0, 200)).map((g) => g.leader.id);
    const after = groupByMeaning([...items].reverse()).map((g) => g.leader.id);
    expect(after.slice(0, before.length)).toEqual(before);
  });

  it('groups messages without a vector by their words, apart from the others', () => {
    const [a, b] = messages(2, 1, 5);
    const bare = (id: string, text: string): Groupable => ({ id, at: new Date(1), lang: 'fr', text });
    const groups = groupByMeaning([
      a!,
      b!,
      bare('x', 'École demain ?'),
      bare('y', 'école demain'),
      bare('z', 'autre'),
    ]);
    expect(groups.map((g) => g.members.map((m) => m.id))).toEqual([['x', 'y'], ['z'], ['m0', 'm1']]);
  });
});
