import fs from 'node:fs';
import path from 'node:path';
import { adminEnv, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';
import { activateFromTemplate, ALL_LANGUAGES, drillingAuthority, MARKERS } from '../helpers/exercise';

const ROOT = path.resolve(__dirname, '../..');
const flood = JSON.parse(fs.readFileSync(path.join(ROOT, 'content/templates/flood.json'), 'utf8')) as {
  faqs: Array<{ id: string; question: Record<string, string> }>;
};
const PERSON = {
  fr: 'Je veux parler à une personne',
  nl: 'Ik wil met iemand spreken',
  de: 'Ich möchte mit einem Menschen sprechen',
  en: 'I want to talk to a person',
};

const messages = (activities: ReceivedActivity[]) => activities.filter((a) => a.type === 'message');

describe('the exercise marker', () => {
  const bot = useTestBot(adminEnv);

  beforeAll(async () => {
    const authority = await drillingAuthority(bot.app.url, '21901');
    expect(
      await activateFromTemplate(authority, {
        slug: 'drill-flood',
        template: 'flood',
        exercise: true,
        step: 0,
      }),
    ).toMatchObject({ exercise: true });
    expect(
      await activateFromTemplate(authority, {
        slug: 'real-flood',
        template: 'flood',
        exercise: false,
        step: 1,
      }),
    ).toMatchObject({ exercise: false });
  });

  it.each(ALL_LANGUAGES)(
    'heads every reply of an exercise in %s, greeting, answer, handoff and operator alike',
    async (lang) => {
      // An operator is online, so the request for a person opens a ticket at once.
      const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: [lang] });
      const citizen = bot.channel.conversation({ channelData: { crisis: 'drill-flood' }, locale: lang });
      const marker = MARKERS[lang];
      const greeting = messages(await citizen.join());
      const answer = messages(await citizen.say(flood.faqs[0]!.question[lang]!));
      const handoff = messages(await citizen.say(PERSON[lang]));
      expect(crisisReplyOf(answer[0]!)).toMatchObject({ kind: 'answer', lang, exercise: true });
      expect(handoff.map((a) => crisisReplyOf(a)?.kind)).toContain('handoff');

      const claimed = await operator.post<{ id: string; exercise?: boolean }>('/api/tickets/claim-next');
      expect(claimed.body).toMatchObject({ exercise: true, crisisSlug: 'drill-flood' });
      const before = bot.channel.activities(citizen.id).length;
      expect(
        (await operator.post(`/api/tickets/${claimed.body.id}/messages`, { text: 'Hello from the desk' }))
          .status,
      ).toBe(201);
      const relayed = messages(await bot.channel.waitFor(citizen.id, before + 1)).slice(-1);
      await operator.post(`/api/tickets/${claimed.body.id}/close`, { outcome: 'resolved' });

      const all = [...greeting, ...answer, ...handoff, ...relayed];
      expect(greeting.length).toBeGreaterThan(0);
      for (const reply of all) expect(reply.text).toMatch(new RegExp(`^\\*\\*${marker}\\*\\* · `));
    },
  );

  it.each(ALL_LANGUAGES)('never marks a reply of the real crisis beside it, in %s', async (lang) => {
    const citizen = bot.channel.conversation({ channelData: { crisis: 'real-flood' } });
    const replies = messages([
      ...(await citizen.join()),
      ...(await citizen.say(flood.faqs[0]!.question[lang]!)),
    ]);
    expect(crisisReplyOf(replies.at(-1)!)).toMatchObject({ kind: 'answer', lang });
    for (const reply of replies) {
      expect(reply.text).not.toMatch(/EXERCICE|OEFENING|ÜBUNG|EXERCISE/);
      expect(crisisReplyOf(reply)?.exercise).toBeUndefined();
    }
  });

  it('is never offered to a citizen who came without its link, and says so on the chat configuration', async () => {
    const config = (slug: string) => fetch(`${bot.app.url}/chat/config?crisis=${slug}`).then((r) => r.json());
    expect((await config('drill-flood')).crisis).toMatchObject({ exercise: true });
    expect((await config('real-flood')).crisis.exercise).toBeUndefined();
    // The demo crisis and the real flood are active: a citizen without a link chooses among the real ones only.
    const citizen = bot.channel.conversation();
    const replies = messages(await citizen.say('Is het water drinkbaar?'));
    const offered = replies.flatMap((r) => (r.suggestedActions?.actions ?? []).map((a) => String(a.title)));
    expect(offered.join(' ')).not.toMatch(/drill-flood/);
    expect(replies.map((r) => r.text).join(' ')).not.toMatch(/OEFENING|drill-flood/);
  });
});
