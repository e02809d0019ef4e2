import fs from 'node:fs';
import path from 'node:path';
import { publishContent, validateContent } from '../../knowledge';
import { ADMIN, adminEnv, ApiClient, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';
import { prewarmExemplarVectors } from '../triage/testModel';

beforeAll(() => prewarmExemplarVectors(), 300_000);

type Lang = 'fr' | 'nl' | 'de' | 'en';
interface Case {
  text: string;
  lang: Lang;
  expect: { kind: string; faqId?: string };
}
interface Group {
  id: string;
  count: number;
}
interface GroupDetail {
  messages: { id: string; text: string; lang: string }[];
}

const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures', name), 'utf8')) as unknown;
const helpfulNo = (lang: Lang) =>
  (
    JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/bot.json`), 'utf8')) as Record<
      string,
      string
    >
  ).helpfulNo!;

/** Collection is off the reply path: the test waits for it, within a deadline. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the inbox did not collect every message in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The acceptance of the inbox: a crisis receives half of a question set written for it by someone
 * else (its content was never written from these questions' phrasings); the
 * groups the inbox shows are attached through the API to the entries their questions belong to,
 * as a communicator would, and published; the other half is then answered right more often.
 */
describe.each([
  ['storm-dev', 'storm-dev.json', 'storm-dev-questions.json', '99504'],
  ['hautrive-river-flood', 'holdout-flood.json', 'holdout-flood-questions.json', '99002'],
])(
  'teaching the FAQ of %s from the inbox (half of its questions, measured on the other half)',
  (SLUG, contentFile, questionsFile, nis) => {
    const bot = useTestBot(adminEnv);
    const base = `/api/crises/${SLUG}`;
    const cases = (fixture(questionsFile) as { cases: Case[] }).cases.filter(
      (c) => c.expect.kind === 'answer',
    );
    // Each entry's questions alternate between the halves, so that both halves ask about every entry.
    const nth = cases.map(
      (c, i) => cases.slice(0, i).filter((o) => o.expect.faqId === c.expect.faqId).length,
    );
    const fed = cases.filter((_, i) => nth[i]! % 2 === 0);
    const measured = cases.filter((_, i) => nth[i]! % 2 === 1);
    const figures: Record<string, { right: number; wrong: number; clarify: number; of: number }> = {};

    const ask = async (c: Case) => {
      const conversation = bot.channel.conversation({ channelData: { crisis: SLUG } });
      const replies = await conversation.say(c.text);
      const meta = replies[0] ? crisisReplyOf(replies[0]) : undefined;
      return { conversation, kind: meta?.kind, faqId: meta?.faqId };
    };
    const measure = async (label: string) => {
      const f = { right: 0, wrong: 0, clarify: 0, of: measured.length };
      for (const c of measured) {
        const { kind, faqId } = await ask(c);
        if (kind === 'answer' && faqId === c.expect.faqId) f.right++;
        else if (kind === 'answer') f.wrong++;
        else if (kind === 'clarify') f.clarify++;
      }
      figures[label] = f;
    };

    beforeAll(async () => {
      const content = validateContent(fixture(contentFile));
      if (!content.ok) throw new Error(content.problems.join('; '));
      await publishContent(content.content, { note: 'storm', createdBy: 'test' });
      // Published again through the studio, which prepares the passages' vectors before it goes live.
      const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
      expect((await admin.post(`${base}/publish`, { note: 'with vectors' })).status).toBe(201);
    }, 300_000);

    it('answers the taught phrasings, and the other half no worse, once the groups are taught and published', async () => {
      const communicator = await signedInStaff(bot.app.url, {
        roles: ['communicator'],
        languages: ['fr', 'nl'],
        authorityNis: nis,
      });
      const inboxCount = async () =>
        (await communicator.get<{ groups: Group[] }>(`${base}/unanswered`)).body.groups.reduce(
          (sum, g) => sum + g.count,
          0,
        );
      await measure('before');
      // What the measured half left in the inbox is dismissed: only the fed half may teach the FAQ.
      await waitFor(async () => (await inboxCount()) >= figures.before!.clarify);
      for (const group of (await communicator.get<{ groups: Group[] }>(`${base}/unanswered`)).body.groups) {
        expect((await communicator.post(`${base}/unanswered/groups/${group.id}/dismiss`)).status).toBe(200);
      }

      let expected = 0;
      for (const c of fed) {
        const { conversation, kind, faqId } = await ask(c);
        if (kind === 'clarify') expected++;
        if (kind === 'answer' && faqId !== c.expect.faqId) {
          expected++;
          await conversation.say(helpfulNo(c.lang));
        }
      }

      await waitFor(async () => (await inboxCount()) >= expected);
      expect(await inboxCount()).toBe(expected);
      const groups = (await communicator.get<{ groups: Group[] }>(`${base}/unanswered`)).body.groups;

      // As a communicator would: each group to the entry most of its questions are about, with those phrasings.
      const entryOf = new Map(fed.map((c) => [c.text, c.expect.faqId!]));
      let attached = 0;
      const taught = new Set<string>();
      for (const group of groups) {
        const { messages } = (await communicator.get<GroupDetail>(`${base}/unanswered/groups/${group.id}`))
          .body;
        const votes = new Map<string, string[]>();
        for (const m of messages) {
          const faqId = entryOf.get(m.text);
          if (faqId) votes.set(faqId, [...(votes.get(faqId) ?? []), m.id]);
        }
        const [faqId, ids] = [...votes.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
        if (!faqId || !ids) continue;
        const res = await communicator.post(`${base}/unanswered/groups/${group.id}/attach`, {
          faqId,
          messageIds: ids,
        });
        expect(res.status).toBe(200);
        attached += ids.length;
        for (const m of messages) if (ids.includes(m.id)) taught.add(m.text);
      }
      expect((await communicator.post(`${base}/publish`, { note: 'taught from the inbox' })).status).toBe(
        201,
      );
      expect((await communicator.get<{ groups: Group[] }>(`${base}/unanswered`)).body.groups).toEqual([]);

      await measure('after');
      let taughtRight = 0;
      for (const c of fed.filter((f) => taught.has(f.text))) {
        const { kind, faqId } = await ask(c);
        if (kind === 'answer' && faqId === c.expect.faqId) taughtRight++;
      }
      console.log(
        `inbox held-out ${SLUG}: fed ${fed.length} questions, ${expected} collected in ${groups.length} groups, ` +
          `${attached} phrasings attached (${taughtRight} of them answered right after); other half (${measured.length}) answered right ` +
          `${figures.before!.right} before, ${figures.after!.right} after; wrong ${figures.before!.wrong} → ${figures.after!.wrong}`,
      );
      // The taught phrasings themselves are answered; the other half must not lose ground. How much
      // it gains depends on how alike the halves are (README, "Unanswered questions").
      expect(taughtRight).toBeGreaterThanOrEqual(Math.ceil(taught.size / 2));
      expect(figures.after!.right).toBeGreaterThanOrEqual(figures.before!.right);
      expect(figures.after!.wrong).toBeLessThanOrEqual(figures.before!.wrong + 1);
    }, 600_000);
  },
);
