import { directLineActivities } from '../../models';
import { adminEnv } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { DirectLineClient } from '../helpers/directLineClient';
import type { ReceivedActivity } from '../helpers/testChannel';

const BURST = 60;

/** Every activity of the conversation, page after page. */
async function everything(dl: DirectLineClient): Promise<ReceivedActivity[]> {
  const all: ReceivedActivity[] = [];
  let watermark = '';
  for (;;) {
    const page = await dl.activities(watermark);
    expect(page.status).toBe(200);
    if (page.body.activities.length === 0) return all;
    all.push(...page.body.activities);
    watermark = page.body.watermark;
  }
}

describe('a burst of posts to one web chat conversation', () => {
  const bot = useTestBot(adminEnv);

  it(`takes ${BURST} parallel posts: no error, none lost, each answered`, async () => {
    const dl = new DirectLineClient(`${bot.app.url}/v3/directline`);
    expect((await dl.start('en')).status).toBe(201);
    const texts = Array.from({ length: BURST }, (_, i) => `Can I drink tap water? (${i})`);
    const answers = await Promise.all(texts.map((text) => dl.say(text)));

    const failures = answers.filter((a) => a.status !== 200);
    expect(failures).toEqual([]);
    const activities = await everything(dl);
    const fromCitizen = activities.filter((a) => (a.from as { role?: string }).role === 'user');
    expect(fromCitizen.map((a) => a.text).sort()).toEqual([...texts].sort());
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(BURST);
    // Each message got its reply (every turn ran), and ids follow one sequence without gaps.
    const replies = activities.filter((a) => a.replyToId !== undefined);
    expect(new Set(replies.map((a) => a.replyToId)).size).toBe(BURST);
    const sequence = activities.map((a) => Number(String(a.id).split('|')[1]));
    expect(sequence).toEqual(sequence.map((_, i) => i + 1));
  }, 180_000);

  it('answers a fault without its internal detail', async () => {
    const dl = new DirectLineClient(`${bot.app.url}/v3/directline`);
    expect((await dl.start('en')).status).toBe(201);
    // The conversation's collection as it is, but refusing every insert.
    const real = directLineActivities.for.bind(directLineActivities);
    const fault = jest.spyOn(directLineActivities, 'for').mockImplementation(async (conversation) =>
      Object.assign(Object.create(await real(conversation)) as Awaited<ReturnType<typeof real>>, {
        insertOne: () => Promise.reject(new Error(`database said no about ${dl.conversationId}`)),
      }),
    );
    try {
      const answer = await dl.say('Can I drink tap water?');
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({
        error: { code: 'ServiceError', message: 'the request could not be served: try again' },
      });
    } finally {
      fault.mockRestore();
    }
  });
});
