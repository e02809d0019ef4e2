import mongoose from 'mongoose';
import { IntakeCipher } from '../../handoff';
import { UnansweredInbox } from '../../inbox';
import { AuditLogModel } from '../../models';
import { adminEnv, ApiClient, DEMO_COMMUNICATOR, signedInStaff, ADMIN } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { prewarmTriageClassifier } from '../triage/testModel';
import { silentLogger } from '../helpers/db';

const SLUG = 'demo-chemical-fire';
const NIS = '99001';
const base = `/api/crises/${SLUG}/unanswered`;

interface GroupsBody {
  groups: { id: string; count: number; examples: { id: string; text: string }[] }[];
}

// The exemplars' vectors are in the project's cache before the bot starts, as after a first run.
beforeAll(() => prewarmTriageClassifier(), 300_000);

/**
 * Who may see the inbox: communicators of the crisis's authority and admins. A communicator of
 * another authority gets 404, as for a crisis that does not exist; operators and authority users
 * 403; no session 401. Every read, and every refusal, is in the audit log.
 */
describe('access to the unanswered inbox', () => {
  const bot = useTestBot(adminEnv);
  let groupId = '';
  let messageId = '';

  beforeAll(async () => {
    // Stored as the bot stores it (the key is the bot's), so that the routes have a group to show.
    const inbox = new UnansweredInbox(IntakeCipher.fromText(bot.env.D2_ENCRYPTION_KEY!), silentLogger);
    await inbox.record({ crisisSlug: SLUG, text: 'is the lottery postponed?', lang: 'en', source: 'none' });
  });

  const routes = () =>
    [
      ['GET', base, undefined],
      ['GET', `${base}/groups/${groupId}`, undefined],
      ['POST', `${base}/groups/${groupId}/attach`, { faqId: 'stay-indoors', messageIds: [messageId] }],
      [
        'POST',
        `${base}/groups/${groupId}/entry`,
        { id: 'lottery', category: 'practical', question: { en: 'Lottery?' }, answer: { en: 'Postponed.' } },
      ],
      ['POST', `${base}/groups/${groupId}/dismiss`, {}],
    ] as const;

  it('shows the groups to a communicator of the authority and audits the read', async () => {
    const communicator = await signedInStaff(bot.app.url, { ...DEMO_COMMUNICATOR, authorityNis: NIS });
    const res = await communicator.get<GroupsBody>(base);
    expect(res.status).toBe(200);
    expect(res.body.groups).toHaveLength(1);
    groupId = res.body.groups[0]!.id;
    messageId = res.body.groups[0]!.examples[0]!.id;
    expect(res.body.groups[0]!.examples[0]!.text).toBe('is the lottery postponed?');
    const detail = await communicator.get(`${base}/groups/${groupId}`);
    expect(detail.status).toBe(200);
    const reads = await AuditLogModel.find({
      actor: communicator.userId,
      action: 'unanswered.read',
      outcome: 'allowed',
      target: `crisis:${SLUG}/unanswered`,
    }).lean();
    expect(reads).toHaveLength(2);
    expect(JSON.stringify(reads)).not.toContain('lottery');
  });

  it.each([
    [
      'a communicator of another authority',
      { roles: ['communicator'], languages: ['fr'], authorityNis: '99999' },
      404,
    ],
    ['an operator', { roles: ['operator'], languages: ['fr', 'nl', 'de', 'en'] }, 403],
    ['a D2 agent', { roles: ['d2-agent'], languages: ['fr', 'nl', 'de', 'en'] }, 403],
    ['an authority user', { roles: ['authority'], languages: ['fr'], authorityNis: NIS }, 403],
  ])('refuses %s on every route, audited, changing nothing', async (_who, options, status) => {
    const client = await signedInStaff(bot.app.url, options);
    for (const [method, path, body] of routes()) {
      const res = await client.request(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
    }
    const refusals = await AuditLogModel.countDocuments({ actor: client.userId, outcome: 'refused' });
    expect(refusals).toBe(routes().length);
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    expect((await admin.get<GroupsBody>(base)).body.groups.map((g) => g.count)).toEqual([1]);
  });

  it('answers 401 without a session', async () => {
    const anonymous = new ApiClient(bot.app.url);
    for (const [method, path, body] of routes()) {
      expect((await anonymous.request(method, path, body)).status).toBe(401);
    }
  });

  it('lets an admin read it too, and a dismissed group leaves the inbox but stays until retention', async () => {
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    expect((await admin.post(`${base}/groups/${groupId}/dismiss`)).body).toEqual({ dismissed: 1 });
    expect((await admin.get<GroupsBody>(base)).body.groups).toEqual([]);
    expect((await admin.post(`${base}/groups/${groupId}/dismiss`)).status).toBe(404);
    expect(
      await mongoose.connection.db!.collection('unansweredmessages').countDocuments({ state: 'dismissed' }),
    ).toBe(1);
  });
});
