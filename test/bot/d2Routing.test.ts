import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { startTestBot, useTestBot, type TestBot } from '../helpers/bot';
import { StandInServer } from '../helpers/standIn';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';
import { PARAPHRASED_D2, TRAPS } from '../triage/secondOpinionCases';
import { PROBE_TEXT } from '../../semantic';
import { prewarmTriageClassifier, testEmbeddingsUrl, TEST_MODEL } from '../triage/testModel';

type Lang = 'fr' | 'nl' | 'de' | 'en';
const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
const holdout = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/d2-holdout.json'), 'utf8'),
) as Record<Lang, { d2: string[]; d5: string[] }>;
const d2Strings = (lang: Lang) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/d2.json`), 'utf8')) as Record<
    string,
    string
  >;
const kindOf = (replies: ReceivedActivity[]) => (replies[0] ? crisisReplyOf(replies[0])?.kind : undefined);

// The exemplars' vectors are in the project's cache before any bot starts, as after a first run.
beforeAll(() => prewarmTriageClassifier(), 300_000);

/**
 * What the whole bot, with its semantic model, does with the held-out victim inquiries and
 * ordinary questions about people, each as the first message of a conversation, through the
 * protocol: at least 98% routed to the D2 flow and 90% kept D5 (each language: at least 95% routed).
 */
describe('victim inquiries through the bot (held-out set)', () => {
  const bot = useTestBot();
  const figures = new Map<string, { d2: number; routed: number; d5: number; kept: number }>();

  beforeAll(async () => {
    for (const lang of LANGS) {
      const f = { d2: 0, routed: 0, d5: 0, kept: 0 };
      for (const [label, texts] of [
        ['d2', holdout[lang].d2],
        ['d5', holdout[lang].d5],
      ] as const) {
        for (const text of texts) {
          const kind = kindOf(await bot.channel.conversation().say(text));
          if (label === 'd2') {
            f.d2++;
            if (kind === 'd2') f.routed++;
          } else {
            f.d5++;
            if (kind !== 'd2') f.kept++;
          }
        }
      }
      figures.set(lang, f);
    }
    const all = [...figures.values()].reduce((a, b) => ({
      d2: a.d2 + b.d2,
      routed: a.routed + b.routed,
      d5: a.d5 + b.d5,
      kept: a.kept + b.kept,
    }));
    figures.set('all', all);
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
    console.log(
      [...figures.entries()]
        .map(
          ([k, f]) =>
            `${k.padEnd(4)} D2 routed ${pct(f.routed, f.d2)} (${f.routed}/${f.d2})  D5 kept ${pct(f.kept, f.d5)} (${f.kept}/${f.d5})`,
        )
        .join('\n'),
    );
  }, 180_000);

  it.each([...LANGS, 'all'])(
    'routes victim inquiries to the D2 flow and keeps ordinary questions D5 (%s)',
    (key) => {
      const f = figures.get(key)!;
      expect(f.routed / f.d2).toBeGreaterThanOrEqual(key === 'all' ? 0.98 : 0.95);
      expect(f.kept / f.d5).toBeGreaterThanOrEqual(0.9);
    },
  );
});

describe('the semantic second opinion through the bot', () => {
  const bot = useTestBot();

  it.each(PARAPHRASED_D2)(
    'routes a victim inquiry the lexicon misses to the D2 flow (%s) %s',
    async (lang, text) => {
      const replies = await bot.channel.conversation().say(text);
      expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'd2', lang });
    },
  );

  it.each(TRAPS)('keeps a general question about a relative with the FAQ (%s) %s', async (lang, text) => {
    expect(kindOf(await bot.channel.conversation().say(text))).not.toBe('d2');
  });
});

/** The settings of a bot asking the embedded model's kind of server at `url`. */
const modelAt = (url: string) => ({
  EMBEDDINGS_URL: url,
  EMBEDDINGS_MODEL: TEST_MODEL,
  EMBEDDINGS_INPUT_TYPE: 'field',
});

/** A model endpoint that takes requests and never answers. */
const hanging = new StandInServer(() => {});
afterAll(() => hanging.stop());

describe.each([
  ['down: nothing listens', async () => 'http://127.0.0.1:9/v1'],
  ['hanging: it never answers', async () => `${await hanging.start()}/v1`],
])('with the model %s', (_, modelUrl) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({
      ...modelAt(await modelUrl()),
      // Start-up and each message wait only briefly for a model that is not there.
      EMBEDDINGS_QUERY_TIMEOUT_MS: '300',
      EMBEDDINGS_START_WAIT_MS: '1000',
    });
  });
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    await bot.stop();
  });

  it('lets the lexicon decide alone and answers every message', async () => {
    const kinds = async (texts: string[]) => {
      const found: (string | undefined)[] = [];
      for (const text of texts) found.push(kindOf(await bot.channel.conversation().say(text)));
      return found;
    };
    expect(await kinds(["je n'arrive pas à joindre mon fils, il était à la gare ce matin"])).toEqual(['d2']);
    // A message only the model would flag goes to the FAQ: the lexicon decides alone.
    const questions = [...TRAPS, ...PARAPHRASED_D2.slice(0, 2)].map(([, text]) => text);
    for (const kind of await kinds(questions)) expect(['answer', 'clarify']).toContain(kind);
  }, 60_000);
});

/** The real model behind a proxy that records every text the bot sends it. */
function recordingModel() {
  const sent: string[] = [];
  const server = new StandInServer((req, body, res) => {
    // The client's health checks embed a fixed word, never a citizen's text.
    sent.push(...(JSON.parse(body) as { input: string[] }).input.filter((text) => text !== PROBE_TEXT));
    void (async () => {
      const answer = await fetch(`${testEmbeddingsUrl()}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json');
      res.end(await answer.text());
    })();
  });
  return { sent, server };
}

describe('what the bot sends to the model', () => {
  const model = recordingModel();
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot(modelAt(`${await model.server.start()}/v1`));
  });
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    await bot.stop();
    await model.server.stop();
  });

  it('is each new message once, never the answers of a victim inquiry nor a message already taken for D2', async () => {
    const d2 = d2Strings('en');
    const [, paraphrase] = PARAPHRASED_D2.find(([lang]) => lang === 'en')!;
    const conversation = bot.channel.conversation();
    expect(kindOf(await conversation.say(paraphrase))).toBe('d2');
    expect(model.sent).toEqual([paraphrase.toLowerCase()]);

    const answers = [
      d2.yes!,
      d2.consentYes!,
      'Marie Dupont',
      '+32 470 12 34 56',
      'her husband',
      'Jan Dupont',
    ];
    for (const answer of answers) expect(kindOf(await conversation.say(answer))).toBe('d2');
    expect(
      kindOf(
        await bot.channel.conversation().say("I can't reach my son, he was at the station this morning"),
      ),
    ).toBe('d2');
    const question = 'is the tap water safe to drink?';
    await bot.channel.conversation().say(question);
    expect(model.sent).toEqual([paraphrase.toLowerCase(), question]);
  }, 60_000);
});
