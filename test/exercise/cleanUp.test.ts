import fs from 'node:fs';
import path from 'node:path';
import { purgeExerciseData } from '../../bot/exerciseRetention';
import { conversationKeyOf } from '../../bot/idleState';
import {
  botStates,
  CrisisModel,
  InsertLocks,
  InteractionModel,
  ticketMessages,
  TicketModel,
  UnansweredMessageModel,
} from '../../models';
import { adminEnv, authorityUser, signedInStaff, type ApiClient } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { silentLogger, waitFor } from '../helpers/db';
import { activateFromTemplate, drillingAuthority } from '../helpers/exercise';

const NIS = '21903';
const EXERCISE = 'drill-river';
const REAL = 'real-river';
const DAY_MS = 86_400_000;
const flood = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/templates/flood.json'), 'utf8'),
) as { faqs: Array<{ question: Record<string, string> }> };

interface Handed {
  crisis: string;
  conversation: string;
  ticketId: string;
}

describe('cleaning up an exercise', () => {
  const bot = useTestBot(adminEnv);

  beforeAll(async () => {
    const authority = await drillingAuthority(bot.app.url, NIS);
    await activateFromTemplate(authority, { slug: EXERCISE, template: 'flood', exercise: true, step: 0 });
    await activateFromTemplate(authority, { slug: REAL, template: 'flood', exercise: false, step: 1 });
  });

  /** A citizen of `crisis` who asks a question, is handed to `operator`, and exchanges a message each way. */
  async function handedOver(crisis: string, operator: ApiClient): Promise<Handed> {
    const citizen = bot.channel.conversation({ channelData: { crisis }, locale: 'en' });
    await citizen.join();
    await citizen.say(flood.faqs[0]!.question.en!);
    // A question the FAQ does not answer: it goes to the communicators' inbox.
    await citizen.say('who won the cycling race on the coast yesterday?');
    await waitFor(
      async () => (await UnansweredMessageModel.countDocuments({ crisisSlug: crisis })) > 0,
      'the question in the inbox',
    );
    await citizen.say('I want to talk to a person');
    const claimed = await operator.post<{ id: string; crisisSlug: string }>('/api/tickets/claim-next');
    expect(claimed.body).toMatchObject({ crisisSlug: crisis });
    const ticketId = claimed.body.id;
    expect(
      (await operator.post(`/api/tickets/${ticketId}/messages`, { text: 'This is the desk.' })).status,
    ).toBe(201);
    await citizen.say('My street is flooded, what should I do?');
    await waitFor(
      async () =>
        (await InteractionModel.countDocuments({ conversationId: citizen.id, direction: 'in' })) >= 3,
      'the conversation logged',
    );
    return { crisis, conversation: citizen.id, ticketId };
  }

  /** What is stored of a conversation: its state, its ticket's relayed messages and personal data, its crisis's inbox. */
  async function storedOf({ crisis, conversation, ticketId }: Handed) {
    const key = conversationKeyOf('test', conversation);
    const ticket = await TicketModel.findById(ticketId).lean();
    return {
      state: await (await botStates.for(key)).countDocuments({ _id: key }),
      relayed: await (await ticketMessages.for(ticketId)).countDocuments({ ticketId }),
      transcript: Boolean(ticket?.transcript),
      ticket: Boolean(ticket),
      inbox: await UnansweredMessageModel.countDocuments({ crisisSlug: crisis }),
    };
  }

  it("deletes an ended exercise's conversation state, relayed messages, ticket data and inbox questions, and leaves a real crisis's", async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const drill = await handedOver(EXERCISE, operator);
    const real = await handedOver(REAL, operator);
    const kept = { state: 1, relayed: 2, transcript: true, ticket: true, inbox: 1 };
    expect(await storedOf(drill)).toEqual(kept);
    expect(await storedOf(real)).toEqual(kept);

    const second = await authorityUser(bot.app.url, NIS);
    const ended = await second.post(`/api/crises/${EXERCISE}/deactivate`, { totp: second.code(0) });
    expect(ended.status).toBe(200);
    // Its retention period over, the hourly clean-up runs, while an operator's change holds the
    // ticket: the ticket keeps its data, and the next run goes over the same period again.
    const cleanUp = () =>
      purgeExerciseData({ now: new Date(Date.now() + 8 * DAY_MS), retentionDays: 7, logger: silentLogger });
    const locks = new InsertLocks('ticketlocks');
    const { version } = (await TicketModel.findById(drill.ticketId).lean())!;
    const changing = `${drill.ticketId}:v${version}`;
    expect(await locks.take(changing)).toBe(true);
    await cleanUp();
    expect(await storedOf(drill)).toMatchObject({ state: 0, relayed: 0, transcript: true });
    expect((await CrisisModel.findOne({ slug: EXERCISE }).lean())!.dataPurgedUntil).toBeUndefined();
    await locks.release(changing);
    await cleanUp();

    // The ticket stays, without personal data, for the after-action report's figures.
    expect(await storedOf(drill)).toEqual({
      state: 0,
      relayed: 0,
      transcript: false,
      ticket: true,
      inbox: 0,
    });
    expect(await storedOf(real)).toEqual(kept);
    expect(await TicketModel.findById(drill.ticketId).lean()).toMatchObject({
      crisisSlug: EXERCISE,
      state: 'closed',
    });
  });
});
