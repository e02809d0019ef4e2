import { validateContent, type ContentFile } from '../../knowledge';
import { AuditLogModel, CrisisModel } from '../../models';
import { ADMIN, adminEnv, ApiClient, signedInStaff, type ApiResponse } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';

const SLUG = 'demo-chemical-fire';
const NIS = '99001';
const base = `/api/crises/${SLUG}`;

interface Entry {
  id: string;
  category: string;
  order: number;
  question: Record<string, string>;
  alternatives: Record<string, string[]>;
  answer: Record<string, string>;
  links: { label: Record<string, string>; url: string }[];
  revision: number;
  updatedBy?: string;
  missing: string[];
}

interface DraftCrisis {
  title: Record<string, string>;
  summary: Record<string, string>;
  infoNumber: string;
  languages: string[];
  revision: number;
}

interface DraftBody {
  crisis: DraftCrisis;
  entries: Entry[];
  changed: boolean;
}

interface Version {
  version: number;
  note: string;
  createdBy: string;
  createdAt: string;
  live: boolean;
}

interface Problem {
  error: string;
  details?: string[];
  current?: Entry | DraftCrisis | null;
}

const OLD_NL = 'Ja, het leidingwater blijft drinkbaar';
const NEW_NL =
  'Nee, drink voorlopig geen kraanwater: gebruik flessenwater tot de watermaatschappij meldt dat het weer veilig is.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const del = (client: ApiClient, path: string) => client.request<Problem>('DELETE', path);

async function draftOf(client: ApiClient): Promise<DraftBody> {
  const res = await client.get<DraftBody>(`${base}/draft`);
  expect(res.status).toBe(200);
  return res.body;
}

async function entryOf(client: ApiClient, id: string): Promise<Entry> {
  const entry = (await draftOf(client)).entries.find((e) => e.id === id);
  if (!entry) throw new Error(`no entry ${id} in the draft`);
  return entry;
}

/** A complete, valid new entry. */
function newEntry(id: string): Omit<Entry, 'revision' | 'order' | 'missing' | 'alternatives' | 'links'> {
  return {
    id,
    category: 'practical',
    question: {
      fr: `Où trouver des sacs de sable (${id}) ?`,
      nl: `Waar vind ik zandzakken (${id})?`,
      de: `Wo finde ich Sandsäcke (${id})?`,
      en: `Where can I find sandbags (${id})?`,
    },
    answer: {
      fr: 'Au dépôt communal, rue du Moulin 3.',
      nl: 'In het gemeentelijk depot, Molenstraat 3.',
      de: 'Im Gemeindedepot, Mühlenstraße 3.',
      en: 'At the municipal depot, 3 Mill Street.',
    },
  };
}

describe('content studio: drafts, publishing, versions and content safety', () => {
  const bot = useTestBot(adminEnv);
  /** Every change a test made successfully, to compare with the audit log at the end. */
  const made: { action: string; target: string }[] = [];
  const entryTarget = (id: string) => `crisis:${SLUG}/entry:${id}`;
  const crisisTarget = `crisis:${SLUG}`;

  const communicator = (nis = NIS) =>
    signedInStaff(bot.app.url, {
      roles: ['communicator'],
      languages: ['fr', 'nl'],
      authorityNis: nis,
      available: false,
    });

  /** Two communicators of the crisis's authority, signed in once for the whole file. */
  let editor: ApiClient & { userId: string };
  let colleague: ApiClient & { userId: string };
  beforeAll(async () => {
    [editor, colleague] = await Promise.all([communicator(), communicator()]);
  });

  /** Asks the bot as a citizen until the answer contains `expected` (within 20 s: room for a busy machine). */
  async function citizenGets(question: string, expected: string, faqId: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    let last: string;
    for (;;) {
      const replies = await bot.channel.conversation().say(question);
      const answer = replies.find((a) => crisisReplyOf(a)?.kind === 'answer');
      last = `${JSON.stringify(answer && crisisReplyOf(answer))} ${answer?.text ?? '(no answer)'}`;
      if (answer && crisisReplyOf(answer)?.faqId === faqId && answer.text?.includes(expected)) return;
      if (Date.now() > deadline)
        throw new Error(`the bot did not answer "${expected}" within 20 s; last: ${last}`);
      await sleep(250);
    }
  }

  async function saveAnswer(client: ApiClient, id: string, lang: string, text: string, revision?: number) {
    const entry = await entryOf(client, id);
    return client.put<Entry & Problem>(`${base}/draft/entries/${id}`, {
      answer: { ...entry.answer, [lang]: text },
      revision: revision ?? entry.revision,
    });
  }

  it('lets a communicator edit an answer and publish it, and citizens get the new text', async () => {
    const draft = await draftOf(editor);
    expect(draft.entries).toHaveLength(12);
    expect(draft.crisis.languages).toEqual(['fr', 'nl', 'de', 'en']);
    expect(draft.entries.every((e) => e.missing.length === 0)).toBe(true);
    expect(draft.changed).toBe(false);

    const water = draft.entries.find((e) => e.id === 'drinking-water')!;
    expect(water.answer.nl).toContain(OLD_NL);
    const saved = await editor.put<Entry>(`${base}/draft/entries/drinking-water`, {
      answer: { ...water.answer, nl: NEW_NL },
      revision: water.revision,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ id: 'drinking-water', revision: water.revision + 1, missing: [] });
    expect(saved.body.answer.nl).toBe(NEW_NL);
    expect(saved.body.answer.fr).toBe(water.answer.fr);
    made.push({ action: 'content.entry.update', target: entryTarget('drinking-water') });
    expect((await draftOf(editor)).changed).toBe(true);

    const published = await editor.post<Version>(`${base}/publish`, {
      note: 'drinking water advice changed',
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({
      version: 2,
      note: 'drinking water advice changed',
      live: true,
    });
    expect(published.body.createdBy).toMatch(/^staff-/);
    made.push({ action: 'content.publish', target: crisisTarget });

    await citizenGets('Is het kraanwater drinkbaar?', NEW_NL, 'drinking-water');
    expect((await draftOf(editor)).changed).toBe(false);

    const audit = await AuditLogModel.findOne({
      action: 'content.entry.update',
      target: entryTarget('drinking-water'),
    }).lean();
    expect(audit).toMatchObject({
      actor: editor.userId,
      roles: ['communicator'],
      outcome: 'allowed',
      details: { changed: [{ field: 'answer', lang: 'nl' }] },
    });
    // The audit log names what changed, not the text itself.
    expect(JSON.stringify(audit)).not.toContain('flessenwater');
  });

  it('refuses a save based on an older revision with 409 and the current entry, overwriting nothing', async () => {
    const [first, second] = [editor, colleague];
    const readByFirst = await entryOf(first, 'schools');
    const readBySecond = await entryOf(second, 'schools');
    expect(readBySecond.revision).toBe(readByFirst.revision);

    const firstSave = await first.put<Entry>(`${base}/draft/entries/schools`, {
      answer: { ...readByFirst.answer, en: 'Schools stay closed until Friday.' },
      revision: readByFirst.revision,
    });
    expect(firstSave.status).toBe(200);
    made.push({ action: 'content.entry.update', target: entryTarget('schools') });

    const secondSave = await second.put<Problem>(`${base}/draft/entries/schools`, {
      answer: { ...readBySecond.answer, en: 'Schools reopen on Monday.' },
      revision: readBySecond.revision,
    });
    expect(secondSave.status).toBe(409);
    expect(secondSave.body.current).toMatchObject({
      id: 'schools',
      revision: readByFirst.revision + 1,
      answer: { en: 'Schools stay closed until Friday.' },
    });
    expect((await entryOf(second, 'schools')).answer.en).toBe('Schools stay closed until Friday.');

    // A stale delete is refused the same way.
    const staleDelete = await del(second, `${base}/draft/entries/schools?revision=${readBySecond.revision}`);
    expect(staleDelete.status).toBe(409);
    expect((await entryOf(second, 'schools')).revision).toBe(readByFirst.revision + 1);

    // Many editors saving the same revision at once: exactly one wins.
    const current = await entryOf(first, 'symptoms');
    const racing = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        (i % 2 ? first : second).put<Entry>(`${base}/draft/entries/symptoms`, {
          category: `health-${i}`,
          revision: current.revision,
        }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = racing.find((r) => r.status === 200)!.body;
    expect(await entryOf(first, 'symptoms')).toMatchObject({
      category: winner.category,
      revision: current.revision + 1,
    });
    made.push({ action: 'content.entry.update', target: entryTarget('symptoms') });

    // The crisis fields have a revision of their own.
    const { crisis } = await draftOf(first);
    const crisisSave = await first.put<DraftCrisis>(`${base}/draft/crisis`, {
      infoNumber: '+32 800 99 999',
      revision: crisis.revision,
    });
    expect(crisisSave.status).toBe(200);
    expect(crisisSave.body).toMatchObject({ infoNumber: '+32 800 99 999', revision: crisis.revision + 1 });
    made.push({ action: 'content.crisis.update', target: crisisTarget });
    const staleCrisis = await second.put<Problem>(`${base}/draft/crisis`, {
      title: { ...crisis.title, en: 'Something else' },
      revision: crisis.revision,
    });
    expect(staleCrisis.status).toBe(409);
    expect(staleCrisis.body.current).toMatchObject({ infoNumber: '+32 800 99 999' });
  });

  it('adds, reorders and deletes entries', async () => {
    const created = await editor.post<Entry>(`${base}/draft/entries`, newEntry('sandbags'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'sandbags', revision: 1, order: 12, missing: [] });
    made.push({ action: 'content.entry.create', target: entryTarget('sandbags') });
    expect((await editor.post<Problem>(`${base}/draft/entries`, newEntry('sandbags'))).status).toBe(409);

    const reordered = await editor.put<{ entries: Entry[] }>(`${base}/draft/order`, {
      ids: ['sandbags', 'drinking-water'],
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.entries.slice(0, 3).map((e) => e.id)).toEqual([
      'sandbags',
      'drinking-water',
      'stay-indoors',
    ]);
    made.push({ action: 'content.order.update', target: crisisTarget });
    // Reordering does not make anyone's edit of the text conflict.
    expect(reordered.body.entries[0]!.revision).toBe(1);
    expect(
      (await editor.put<Problem>(`${base}/draft/order`, { ids: ['no-such-entry'] })).body.details,
    ).toEqual(['ids[0]: no entry no-such-entry']);

    const removed = await del(editor, `${base}/draft/entries/sandbags?revision=1`);
    expect(removed.status).toBe(204);
    made.push({ action: 'content.entry.delete', target: entryTarget('sandbags') });
    expect((await draftOf(editor)).entries.map((e) => e.id)).not.toContain('sandbags');
    expect((await del(editor, `${base}/draft/entries/sandbags?revision=2`)).status).toBe(404);
    expect((await editor.put(`${base}/draft/entries/Not_An_Id`, { revision: 1 })).status).toBe(400);

    // Created again, it continues its revisions, so a stale read of the old one cannot overwrite it.
    const again = await editor.post<Entry>(`${base}/draft/entries`, newEntry('sandbags'));
    expect(again.body.revision).toBe(3);
    made.push({ action: 'content.entry.create', target: entryTarget('sandbags') });
    const stale = await editor.put<Problem>(`${base}/draft/entries/sandbags`, { category: 'x', revision: 1 });
    expect(stale.status).toBe(409);
    expect((await del(editor, `${base}/draft/entries/sandbags?revision=3`)).status).toBe(204);
    made.push({ action: 'content.entry.delete', target: entryTarget('sandbags') });
  });

  it('previews what the bot would answer from the draft', async () => {
    const preview = await editor.post<Record<string, unknown>>(`${base}/preview`, {
      text: 'Is het kraanwater drinkbaar?',
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ lang: 'nl', decision: 'answer', faqId: 'drinking-water' });
    expect(preview.body.answer).toBe(NEW_NL);
    expect(preview.body.candidates).toEqual(
      expect.arrayContaining([expect.objectContaining({ faqId: 'drinking-water' })]),
    );

    // An unpublished edit shows in the preview at once.
    const entry = await entryOf(editor, 'schools');
    const saved = await editor.put<Entry>(`${base}/draft/entries/schools`, {
      answer: { ...entry.answer, en: 'Schools stay closed until Friday; the crèche is open.' },
      revision: entry.revision,
    });
    expect(saved.status).toBe(200);
    made.push({ action: 'content.entry.update', target: entryTarget('schools') });
    const after = await editor.post<Record<string, unknown>>(`${base}/preview`, {
      text: 'Are the schools closed tomorrow?',
      lang: 'en',
    });
    expect(after.body).toMatchObject({ lang: 'en', decision: 'answer', faqId: 'schools' });
    expect(after.body.answer).toContain('the crèche is open');
  });

  it('lists versions, diffs them, and rolls back to the old text', async () => {
    const versions = await editor.get<{ versions: Version[] }>(`${base}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.versions).toMatchObject([
      { version: 2, note: 'drinking water advice changed', live: true },
      { version: 1, note: 'demo content', createdBy: 'seed', live: false },
    ]);

    const diff = await editor.get<Record<string, unknown>>(`${base}/versions/2/diff`);
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ from: 1, to: 2, added: [], removed: [], crisis: [] });
    expect(diff.body.changed).toEqual([
      {
        id: 'drinking-water',
        changes: [
          { field: 'answer', lang: 'nl', before: expect.stringContaining(OLD_NL) as unknown, after: NEW_NL },
        ],
      },
    ]);
    const reverse = await editor.get<Record<string, unknown>>(`${base}/versions/1/diff?against=2`);
    expect(reverse.body.changed).toEqual([
      { id: 'drinking-water', changes: [expect.objectContaining({ before: NEW_NL })] },
    ]);
    expect((await editor.get(`${base}/versions/7/diff`)).status).toBe(404);

    const v1 = await editor.get<ContentFile>(`${base}/versions/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.faqs.find((f) => f.id === 'drinking-water')?.answer.nl).toContain(OLD_NL);

    const rolledBack = await editor.post<Version>(`${base}/versions/1/rollback`, {});
    expect(rolledBack.status).toBe(201);
    expect(rolledBack.body).toMatchObject({ version: 3, note: 'rollback to v1', live: true });
    made.push({ action: 'content.rollback', target: crisisTarget });
    await citizenGets('Is het kraanwater drinkbaar?', OLD_NL, 'drinking-water');

    const after = await editor.get<{ versions: Version[] }>(`${base}/versions`);
    expect(after.body.versions.map((v) => [v.version, v.live])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    // The draft is reset to the version rolled back to: the unpublished edits are gone.
    const draft = await draftOf(editor);
    expect(draft.changed).toBe(false);
    expect(draft.entries.find((e) => e.id === 'drinking-water')?.answer.nl).toContain(OLD_NL);
    expect(draft.entries.find((e) => e.id === 'schools')?.answer.en).not.toContain('Friday');
    expect(draft.crisis.infoNumber).toBe('+32 800 12 345');
  });

  it('refuses HTML and links that are not https in any text, saving nothing', async () => {
    const before = await entryOf(editor, 'updates');
    for (const unsafe of [
      'Read this <script>alert(1)</script>',
      'See [the map](http://evil.example/map)',
      'Click [here](javascript:alert(1))',
      '![map](http://evil.example/map.png)',
      'A <b>bold</b> claim',
      'The map is at http://evil.example/map',
      'The map is at www.evil.example',
    ]) {
      const res = await saveAnswer(editor, 'updates', 'en', unsafe);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        expect.stringMatching(/^answer\.en: (must not contain HTML|links must)/),
      ]);
    }
    const unsafeLink = await editor.put<Problem>(`${base}/draft/entries/updates`, {
      links: [{ label: { en: 'Map' }, url: 'http://evil.example' }],
      revision: before.revision,
    });
    expect(unsafeLink.status).toBe(400);
    const unsafeNew = await editor.post<Problem>(`${base}/draft/entries`, {
      ...newEntry('unsafe'),
      question: { en: 'What <iframe src=x>?' },
    });
    expect(unsafeNew.status).toBe(400);
    expect(unsafeNew.body.details).toEqual([expect.stringMatching(/^question\.en: must not contain HTML/)]);

    const unchanged = await draftOf(editor);
    expect(unchanged.entries.find((e) => e.id === 'updates')).toEqual(before);
    expect(unchanged.entries.map((e) => e.id)).not.toContain('unsafe');

    const safe = await saveAnswer(
      editor,
      'updates',
      'en',
      'Follow **regional radio** and [the municipal website](https://www.valmont.example/crise).',
    );
    expect(safe.status).toBe(200);
    expect(safe.body.revision).toBe(before.revision + 1);
    made.push({ action: 'content.entry.update', target: entryTarget('updates') });
  });

  it('exports valid content files and imports only valid ones for this crisis', async () => {
    const exported = await editor.get<ContentFile>(`${base}/export`);
    expect(exported.status).toBe(200);
    expect(validateContent(exported.body)).toMatchObject({ ok: true });
    expect(exported.body.crisis.slug).toBe(SLUG);
    const v2 = await editor.get<ContentFile>(`${base}/export?version=2`);
    expect(v2.body.faqs.find((f) => f.id === 'drinking-water')?.answer.nl).toBe(NEW_NL);

    const before = await draftOf(editor);
    const invalid = structuredClone(exported.body) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    invalid.faqs[2].answer.nl = 'Drink <b>niet</b>';
    invalid.faqs[0].id = 'Not An Id';
    delete invalid.faqs[1].question;
    invalid.faqs[3].answer.fr = 'Voir [ici](http://evil.example)';
    invalid.extra = true;
    const refused = await editor.post<Problem>(`${base}/import`, invalid);
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual(
      expect.arrayContaining([
        'faqs[0].id: must be 1-64 characters among a-z, 0-9 and -',
        'faqs[1].question: missing',
        'faqs[2].answer.nl: must not contain HTML (found "<b>")',
        'faqs[3].answer.fr: links must point to an https: address (found "http://evil.example")',
        'extra: unknown key',
      ]),
    );
    const otherSlug = { ...exported.body, crisis: { ...exported.body.crisis, slug: 'another-crisis' } };
    const wrongSlug = await editor.post<Problem>(`${base}/import`, otherSlug);
    expect(wrongSlug.status).toBe(400);
    expect(wrongSlug.body.details).toEqual([`crisis.slug: must be "${SLUG}", the crisis being edited`]);
    expect(await draftOf(editor)).toEqual(before);

    // A stale editor's read of an entry the import changes.
    const staleRead = await entryOf(editor, 'pets-livestock');
    const file = structuredClone(exported.body);
    file.faqs = file.faqs.filter((f) => f.id !== 'find-someone');
    file.faqs.find((f) => f.id === 'pets-livestock')!.answer.en = 'Keep pets indoors.';
    file.faqs.push({ ...newEntry('sandbags'), alternatives: {}, links: [] });
    const imported = await editor.post<DraftBody & { warnings: string[] }>(`${base}/import`, file);
    expect(imported.status).toBe(200);
    made.push({ action: 'content.import', target: crisisTarget });
    expect(imported.body.changed).toBe(true);
    expect(imported.body.warnings).toEqual([]);
    const ids = imported.body.entries.map((e) => e.id);
    expect(ids).toContain('sandbags');
    expect(ids).not.toContain('find-someone');
    const pets = imported.body.entries.find((e) => e.id === 'pets-livestock')!;
    expect(pets.answer.en).toBe('Keep pets indoors.');
    expect(pets.revision).toBeGreaterThan(staleRead.revision);
    const stale = await editor.put<Problem>(`${base}/draft/entries/pets-livestock`, {
      category: 'animals',
      revision: staleRead.revision,
    });
    expect(stale.status).toBe(409);
    // Entries the file did not change keep their revision.
    const stay = imported.body.entries.find((e) => e.id === 'stay-indoors')!;
    expect(stay.revision).toBe(before.entries.find((e) => e.id === 'stay-indoors')!.revision);

    const audit = await AuditLogModel.findOne({ action: 'content.import', target: crisisTarget }).lean();
    expect(audit?.details).toMatchObject({
      added: ['sandbags'],
      removed: ['find-someone'],
      changed: expect.arrayContaining(['pets-livestock']) as unknown,
    });
  });

  it('refuses to publish an invalid draft, listing its problems', async () => {
    const entry = await entryOf(editor, 'sandbags');
    const emptied = await editor.put<Entry>(`${base}/draft/entries/sandbags`, {
      answer: {},
      revision: entry.revision,
    });
    expect(emptied.status).toBe(200);
    expect(emptied.body.missing).toEqual(['fr', 'nl', 'de', 'en']);
    made.push({ action: 'content.entry.update', target: entryTarget('sandbags') });
    const refused = await editor.post<Problem>(`${base}/publish`, { note: 'incomplete' });
    expect(refused.status).toBe(400);
    const index = (await draftOf(editor)).entries.findIndex((e) => e.id === 'sandbags');
    expect(refused.body.details).toEqual([
      `faqs[${index}].answer: missing in every listed language (fr, nl, de, en)`,
    ]);
    expect((await editor.get<{ versions: Version[] }>(`${base}/versions`)).body.versions).toHaveLength(3);
  });

  it('keeps other authorities out and wrote an audit entry for every change', async () => {
    const outsider = await communicator('99002');
    expect((await outsider.get(`${base}/draft`)).status).toBe(404);

    const audits = await AuditLogModel.find({ action: /^content\./ }, { action: 1, target: 1 }).lean();
    const key = (a: { action: string; target: string }) => `${a.action} ${a.target}`;
    expect(audits.map(key).sort()).toEqual(made.map(key).sort());
  });
  it('refuses to publish or roll back once the crisis service has ended, editing still allowed', async () => {
    await CrisisModel.updateOne({ slug: SLUG }, { $set: { status: 'inactive', deactivatedAt: new Date() } });
    try {
      expect((await editor.get(`${base}/draft`)).status).toBe(200);
      const publish = await editor.post<Problem>(`${base}/publish`, { note: 'too late' });
      expect(publish.status).toBe(409);
      expect((await editor.post(`${base}/versions/1/rollback`, {})).status).toBe(409);
      expect((await CrisisModel.findOne({ slug: SLUG }).lean())?.status).toBe('inactive');
    } finally {
      await CrisisModel.updateOne(
        { slug: SLUG },
        { $set: { status: 'active' }, $unset: { deactivatedAt: 1 } },
      );
    }
  });
});

describe('content studio access: who may call which route', () => {
  const bot = useTestBot(adminEnv);
  let admin: ApiClient;
  let counter = 0;
  /** Who calls, and the statuses each may get. */
  let callers: [string, ApiClient, number[]][] = [];

  beforeAll(async () => {
    admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    const staff = (roles: string[], authorityNis?: string) =>
      signedInStaff(bot.app.url, { roles, languages: ['en'], authorityNis, available: false });
    callers = [
      ['signed out', new ApiClient(bot.app.url), [401]],
      ['operator', await staff(['operator']), [403]],
      ['communicator of another authority', await staff(['communicator'], '99002'), [404]],
      ['communicator of the authority', await staff(['communicator'], NIS), [200, 201, 204]],
      ['admin', admin, [200, 201, 204]],
    ];
  });

  const revisionOf = async (id: string) =>
    (await admin.get<DraftBody>(`${base}/draft`)).body.entries.find((e) => e.id === id)!.revision;

  /** Each route with a request that would succeed for an allowed caller (prepared by the admin). */
  const routes: [string, (client: ApiClient) => Promise<ApiResponse<unknown>>][] = [
    ['GET draft', (c) => c.get(`${base}/draft`)],
    ['POST entry', (c) => c.post(`${base}/draft/entries`, newEntry(`access-${++counter}`))],
    [
      'PUT entry',
      async (c) =>
        c.put(`${base}/draft/entries/stay-indoors`, {
          category: `safety-${++counter}`,
          revision: await revisionOf('stay-indoors'),
        }),
    ],
    [
      'DELETE entry',
      async (c) => {
        const id = `doomed-${++counter}`;
        expect((await admin.post(`${base}/draft/entries`, newEntry(id))).status).toBe(201);
        return c.request('DELETE', `${base}/draft/entries/${id}?revision=1`);
      },
    ],
    ['PUT order', (c) => c.put(`${base}/draft/order`, { ids: ['schools'] })],
    [
      'PUT crisis',
      async (c) => {
        const { crisis } = (await admin.get<DraftBody>(`${base}/draft`)).body;
        return c.put(`${base}/draft/crisis`, {
          infoNumber: `+32 800 ${10_000 + ++counter}`,
          revision: crisis.revision,
        });
      },
    ],
    ['preview', (c) => c.post(`${base}/preview`, { text: 'Is tap water safe to drink?' })],
    ['publish', (c) => c.post(`${base}/publish`, { note: `access check ${++counter}` })],
    ['versions', (c) => c.get(`${base}/versions`)],
    ['version', (c) => c.get(`${base}/versions/1`)],
    ['diff', (c) => c.get(`${base}/versions/1/diff`)],
    ['rollback', (c) => c.post(`${base}/versions/1/rollback`, {})],
    ['export', (c) => c.get(`${base}/export`)],
    [
      'import',
      async (c) => c.post(`${base}/import`, (await admin.get<ContentFile>(`${base}/versions/1`)).body),
    ],
  ];

  it.each(routes)(
    '%s: 401 signed out, 403 operator, 404 other authority, 2xx own communicator and admin',
    async (_name, call) => {
      for (const [who, client, expected] of callers) {
        const res = await call(client);
        if (!expected.includes(res.status)) {
          throw new Error(
            `${who}: expected ${expected.join('/')}, got ${res.status} ${JSON.stringify(res.body)}`,
          );
        }
      }
    },
  );
});
