import mongoose from 'mongoose';
import { AuditLogModel } from '../../models';
import { adminEnv, signedInStaff, type ApiClient } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { FakeOpenAi, userObjects } from '../helpers/fakeOpenAi';
import { crisisReplyOf } from '../helpers/testChannel';
import { SANDBAGS, TRANSLATIONS } from '../helpers/translationFixture';

const SLUG = 'demo-chemical-fire';
const NIS = '99001';
const base = `/api/crises/${SLUG}`;

interface Entry {
  id: string;
  question: Record<string, string>;
  answer: Record<string, string>;
  revision: number;
  missing: string[];
  machineDraft: string[];
}

interface Problem {
  error: string;
  details?: string[];
  current?: Entry;
}

describe('machine translation drafts in the studio (local OpenAI-compatible server)', () => {
  const fake = new FakeOpenAi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const bot = useTestBot({
    ...adminEnv,
    get OPENAI_BASE_URL() {
      return fake.url;
    },
    OPENAI_MODEL: 'test-model',
  });

  let editor: ApiClient & { userId: string };
  beforeAll(async () => {
    editor = await signedInStaff(bot.app.url, {
      roles: ['communicator'],
      languages: ['fr', 'nl'],
      authorityNis: NIS,
      available: false,
    });
  });

  const entryOf = async (id: string) => {
    const draft = await editor.get<{ entries: Entry[]; machineTranslation: boolean }>(`${base}/draft`);
    expect(draft.body.machineTranslation).toBe(true);
    return draft.body.entries.find((e) => e.id === id)!;
  };
  const translate = (id: string, body: Record<string, unknown>) =>
    editor.post<Entry & Problem>(`${base}/draft/entries/${id}/translate`, body);

  it('drafts the missing languages, which block publishing until a communicator approves or edits them', async () => {
    const created = await editor.post<Entry>(`${base}/draft/entries`, SANDBAGS);
    expect(created.status).toBe(201);
    expect(created.body.missing).toEqual(['nl', 'de']);

    fake.queue({
      content: { translations: TRANSLATIONS },
      usage: { prompt_tokens: 420, completion_tokens: 180 },
    });
    const translated = await translate('sandbags', { revision: created.body.revision });
    expect(translated.status).toBe(200);
    expect(translated.body).toMatchObject({
      missing: [],
      machineDraft: ['nl', 'de'],
      revision: created.body.revision + 1,
      question: { ...SANDBAGS.question, nl: TRANSLATIONS.nl.question, de: TRANSLATIONS.de.question },
      answer: { ...SANDBAGS.answer, nl: TRANSLATIONS.nl.answer, de: TRANSLATIONS.de.answer },
    });

    // The model got the French entry (the crisis's first language the entry has) and the targets.
    const request = fake.requests[0]!.body;
    expect(request).toMatchObject({ model: 'test-model', temperature: 0 });
    expect(userObjects(request)[0]).toEqual({ question: SANDBAGS.question.fr, answer: SANDBAGS.answer.fr });
    expect(request.messages[0]!.content).toMatch(/"nl" \(Dutch\), "de" \(German\)/);

    // The tokens are logged against the crisis, as a studio interaction.
    const deadline = Date.now() + 20_000;
    let logged: Record<string, unknown> | null = null;
    while (!logged && Date.now() < deadline) {
      logged = await mongoose.connection
        .db!.collection('interactions')
        .findOne({ channelId: 'studio', kind: 'translation' });
      if (!logged) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(logged).toMatchObject({
      crisisSlug: SLUG,
      conversationId: `studio:${editor.userId}`,
      direction: 'out',
      faqId: 'sandbags',
      lang: 'fr',
      tokensIn: 420,
      tokensOut: 180,
    });

    const refused = await editor.post<Problem>(`${base}/publish`, { note: 'sandbags' });
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual(['sandbags: machine translation not approved (nl, de)']);

    // Editing the Dutch text approves Dutch; German is approved as it is.
    const edited = await editor.put<Entry>(`${base}/draft/entries/sandbags`, {
      answer: { ...translated.body.answer, nl: `${TRANSLATIONS.nl.answer} Breng een schop mee.` },
      revision: translated.body.revision,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.machineDraft).toEqual(['de']);
    expect((await editor.post<Problem>(`${base}/publish`, { note: 'sandbags' })).body.details).toEqual([
      'sandbags: machine translation not approved (de)',
    ]);
    const stale = await editor.post<Problem>(`${base}/draft/entries/sandbags/approve`, {
      revision: translated.body.revision,
    });
    expect(stale.status).toBe(409);
    const approved = await editor.post<Entry>(`${base}/draft/entries/sandbags/approve`, {
      revision: edited.body.revision,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.machineDraft).toEqual([]);

    const published = await editor.post(`${base}/publish`, { note: 'sandbags in four languages' });
    expect(published.status).toBe(201);
    const deadlineLive = Date.now() + 20_000;
    for (;;) {
      const replies = await bot.channel.conversation().say('Waar vind ik zandzakken?');
      if (crisisReplyOf(replies[0]!)?.faqId === 'sandbags') {
        expect(replies[0]!.text).toContain('Breng een schop mee.');
        break;
      }
      if (Date.now() > deadlineLive) throw new Error('the published translation did not go live');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const audits = await AuditLogModel.find({ target: `crisis:${SLUG}/entry:sandbags` }).lean();
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['content.entry.translate', 'content.entry.approve']),
    );
    expect(audits.find((a) => a.action === 'content.entry.translate')?.details).toMatchObject({
      from: 'fr',
      languages: ['nl', 'de'],
    });
  });

  it('saves nothing when the translation is unusable or the model fails', async () => {
    const entry = await editor.post<Entry>(`${base}/draft/entries`, { ...SANDBAGS, id: 'sandbags-2' });
    expect(entry.status).toBe(201);
    const cases: [unknown, number][] = [
      // A link the original does not have.
      [
        {
          content: {
            translations: {
              ...TRANSLATIONS,
              de: { ...TRANSLATIONS.de, answer: `${TRANSLATIONS.de.answer} Siehe https://evil.example` },
            },
          },
        },
        502,
      ],
      // One language left out.
      [{ content: { translations: { nl: TRANSLATIONS.nl } } }, 502],
      // Dutch "translated" into English.
      [
        {
          content: {
            translations: { ...TRANSLATIONS, nl: { question: 'Sandbags?', answer: SANDBAGS.answer.en } },
          },
        },
        502,
      ],
      [{ content: 'no JSON here' }, 502],
      [{ status: 500 }, 503],
    ];
    for (const [reply, status] of cases) {
      fake.queue(reply as never);
      const res = await translate('sandbags-2', { revision: entry.body.revision });
      expect({ reply, status: res.status }).toEqual({ reply, status });
    }
    const unchanged = await entryOf('sandbags-2');
    expect(unchanged).toMatchObject({
      revision: entry.body.revision,
      missing: ['nl', 'de'],
      machineDraft: [],
    });
  });

  it('refuses requests it cannot serve with a clear 4xx, without calling the model', async () => {
    const entry = await entryOf('sandbags-2');
    const stale = await translate('sandbags-2', { revision: entry.revision - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toMatchObject({ id: 'sandbags-2', revision: entry.revision });

    const notMissing = await translate('sandbags-2', { revision: entry.revision, languages: ['fr'] });
    expect(notMissing.status).toBe(400);
    expect(notMissing.body.details).toEqual(['languages: fr is not missing from the entry']);

    const complete = await entryOf('stay-indoors');
    const nothing = await translate('stay-indoors', { revision: complete.revision });
    expect(nothing.status).toBe(400);
    expect(nothing.body.details).toEqual(['the entry has every language of the crisis']);

    expect((await translate('sandbags-2', { revision: 'one' })).status).toBe(400);
    expect((await translate('no-such-entry', { revision: 1 })).status).toBe(404);
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    expect((await operator.post(`${base}/draft/entries/sandbags-2/translate`, { revision: 1 })).status).toBe(
      403,
    );
    expect(fake.requests).toHaveLength(0);
  });
});

describe('machine translation without a language model', () => {
  const bot = useTestBot(adminEnv);

  it('answers 503 and tells the page not to offer it', async () => {
    const editor = await signedInStaff(bot.app.url, {
      roles: ['communicator'],
      languages: ['en'],
      authorityNis: NIS,
      available: false,
    });
    const created = await editor.post<Entry>(`${base}/draft/entries`, SANDBAGS);
    const res = await editor.post<Problem>(`${base}/draft/entries/sandbags/translate`, {
      revision: created.body.revision,
    });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/no language model is configured \(OPENAI_API_KEY or OPENAI_BASE_URL\)/);
    const draft = await editor.get<{ machineTranslation: boolean; entries: Entry[] }>(`${base}/draft`);
    expect(draft.body.machineTranslation).toBe(false);
    expect(draft.body.entries.find((e) => e.id === 'sandbags')).toMatchObject({
      missing: ['nl', 'de'],
      machineDraft: [],
    });
  });
});
