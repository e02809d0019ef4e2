import { IntakeCipher } from '../../handoff';
import { UnansweredInbox } from '../../inbox';
import { ADMIN, adminEnv, ApiClient, DEMO_COMMUNICATOR, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { silentLogger } from '../helpers/db';
import { prewarmTriageClassifier } from '../triage/testModel';

const SLUG = 'demo-chemical-fire';
const NIS = '99001';
const base = `/api/crises/${SLUG}`;

interface Entry {
  id: string;
  question: Record<string, string>;
  revision: number;
}

interface AuditEntry {
  action: string;
  target: string;
  outcome: string;
  details?: Record<string, unknown>;
}

// The exemplars' vectors are in the project's cache before the bot starts, as after a first run.
beforeAll(() => prewarmTriageClassifier(), 300_000);

/**
 * An entry created or changed from the unanswered inbox is a studio edit made another way: the
 * audit log must keep it exactly as the studio's own (action, target, which fields and languages),
 * so that whoever reads the log sees one kind of event whatever screen it came from.
 */
describe('audit of entries taught from the unanswered inbox', () => {
  const bot = useTestBot(adminEnv);
  let communicator: ApiClient;
  let admin: ApiClient;
  let inbox: UnansweredInbox;

  beforeAll(async () => {
    communicator = await signedInStaff(bot.app.url, { ...DEMO_COMMUNICATOR, authorityNis: NIS });
    admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    // Stored as the bot stores it (the key is the bot's), so that the routes have a group to show.
    inbox = new UnansweredInbox(IntakeCipher.fromText(bot.env.D2_ENCRYPTION_KEY!), silentLogger);
  });

  /** The id of the inbox's only group once `text` is its only message. */
  const groupOf = async (text: string): Promise<string> => {
    await inbox.record({ crisisSlug: SLUG, text, lang: 'en', source: 'none' });
    const res = await communicator.get<{ groups: { id: string }[] }>(`${base}/unanswered`);
    expect(res.body.groups).toHaveLength(1);
    return res.body.groups[0]!.id;
  };

  /** The audit records of one action on one entry, as the admin's audit page reads them. */
  const audited = async (action: string, id: string): Promise<AuditEntry[]> => {
    const target = `crisis:${SLUG}/entry:${id}`;
    const res = await admin.get<{ entries: AuditEntry[] }>(
      `/api/audit?action=${action}&target=${encodeURIComponent(target)}`,
    );
    expect(res.status).toBe(200);
    return res.body.entries.map(({ action, target, outcome, details }) => ({
      action,
      target: target.replace(id, '<id>'),
      outcome,
      ...(details ? { details } : {}),
    }));
  };

  // The languages are given out of the crisis's order, as a client may send them.
  const newEntry = (id: string) => ({
    id,
    category: 'practical',
    question: { en: 'Is the lottery postponed?', fr: 'La loterie est-elle reportée ?' },
    answer: { en: 'Yes, by a week.', fr: "Oui, d'une semaine." },
  });

  it('audits an entry created from a group as one created in the studio', async () => {
    const fromStudio = await communicator.post<Entry>(`${base}/draft/entries`, newEntry('lottery-studio'));
    expect(fromStudio.status).toBe(201);
    const group = await groupOf('lottery postponed?');
    const fromInbox = await communicator.post<Entry>(
      `${base}/unanswered/groups/${group}/entry`,
      newEntry('lottery-inbox'),
    );
    expect(fromInbox.status).toBe(201);

    const studioRecords = await audited('content.entry.create', 'lottery-studio');
    expect(studioRecords).toHaveLength(1);
    expect(await audited('content.entry.create', 'lottery-inbox')).toEqual(studioRecords);
  });

  it('audits phrasings attached from a group as the same edit made in the studio', async () => {
    await addPhrasingBothWays('will the lottery happen?', 'will the lottery happen?');

    const studioRecords = await audited('content.entry.update', 'lottery-studio');
    expect(studioRecords).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ changed: [{ field: 'alternatives', lang: 'en' }] }),
      }),
    ]);
    expect(await audited('content.entry.update', 'lottery-inbox')).toEqual(studioRecords);
  });

  it('audits no edit when the attached phrasing was already on the entry, as the studio does', async () => {
    await addPhrasingBothWays('will the lottery happen?', 'Will the lottery HAPPEN?');

    expect(await audited('content.entry.update', 'lottery-studio')).toHaveLength(1);
    expect(await audited('content.entry.update', 'lottery-inbox')).toHaveLength(1);
  });

  /**
   * `phrasing` added to 'lottery-studio' in the studio, and to 'lottery-inbox' by attaching the
   * message of a group of `asked` from the inbox.
   */
  async function addPhrasingBothWays(phrasing: string, asked: string): Promise<void> {
    const studio = (await communicator.get<{ entries: Entry[] }>(`${base}/draft`)).body.entries.find(
      (e) => e.id === 'lottery-studio',
    )!;
    const edited = await communicator.put(`${base}/draft/entries/lottery-studio`, {
      alternatives: { en: [phrasing] },
      revision: studio.revision,
    });
    expect(edited.status).toBe(200);
    const group = await groupOf(asked);
    const attached = await communicator.post(`${base}/unanswered/groups/${group}/attach`, {
      faqId: 'lottery-inbox',
      messageIds: [await firstMessageOf(group)],
    });
    expect(attached.status).toBe(200);
  }

  async function firstMessageOf(group: string): Promise<string> {
    const res = await communicator.get<{ messages: { id: string }[] }>(`${base}/unanswered/groups/${group}`);
    return res.body.messages[0]!.id;
  }
});
