import { conversationKeyOf, purgeIdleState } from '../../bot/idleState';
import { IntakeCipher, Tickets } from '../../handoff';
import { botStates } from '../../models';
import { useTestBot } from '../helpers/bot';
import { silentLogger } from '../helpers/db';
import { crisisReplyOf, type TestConversation } from '../helpers/testChannel';
import d2 from '../../locales/en/d2.json';

const HOUR_MS = 3_600_000;
const tickets = new Tickets(new IntakeCipher(Buffer.alloc(32, 3)));
const keyOf = (conversation: TestConversation) => conversationKeyOf('test', conversation.id);
const stateOf = async (conversation: TestConversation) =>
  (await botStates.for(keyOf(conversation))).findOne({ _id: keyOf(conversation) });

/** The hourly sweep as the app runs it, at `now`. */
const sweep = (now: Date) =>
  purgeIdleState({
    now,
    idleHours: 6,
    withOpenTicket: async () =>
      new Set(
        (await tickets.openConversations()).map((t) => conversationKeyOf(t.channelId, t.conversationId)),
      ),
    logger: silentLogger,
  });

describe('conversation state of idle citizens, through the Bot Framework protocol', () => {
  const bot = useTestBot();

  it('is removed after STATE_IDLE_HOURS, unless an intake or a ticket is under way; a returning citizen starts afresh', async () => {
    const idle = bot.channel.conversation();
    await idle.say('Is tap water safe to drink?');
    const intake = bot.channel.conversation();
    expect((await intake.say("I can't reach my son, he was at the station this morning")).at(-1)!.text).toBe(
      d2.consentQuestion.replace('{{days}}', '30'),
    );
    const withTicket = bot.channel.conversation();
    await withTicket.say('Are the schools closed?');
    await tickets.open({
      queue: 'd5',
      reason: 'callback',
      crisisSlug: 'demo',
      conversationId: withTicket.id,
      channelId: 'test',
      lang: 'en',
    });
    const between = new Date();
    const recent = bot.channel.conversation();
    await recent.say('Where is the reception centre?');
    const held = (await stateOf(intake))!;

    // Six hours after `between`: only the citizens who wrote before it have been idle that long.
    expect(await sweep(new Date(between.getTime() + 6 * HOUR_MS))).toBe(1);

    expect(await stateOf(idle)).toBeNull();
    expect(await stateOf(recent)).not.toBeNull();
    expect(await stateOf(withTicket)).not.toBeNull();
    expect(await stateOf(intake)).toMatchObject({ held: true, eTag: held.eTag });
    // The intake goes on where the citizen left it.
    expect((await intake.say(d2.consentYes))[0]!.text).toBe(d2.askCallerName);
    // The idle citizen is answered, from a new conversation state.
    const back = await idle.say('Is tap water safe to drink?');
    expect(crisisReplyOf(back[0]!)).toMatchObject({ kind: 'answer', faqId: 'drinking-water' });
    expect(await stateOf(idle)).toMatchObject({ held: false });
  });

  it('keeps held state until the retention sweep, however long the citizen is away', async () => {
    const intake = bot.channel.conversation();
    await intake.say("I can't reach my son, he was at the station this morning");

    await sweep(new Date(Date.now() + 29 * 24 * HOUR_MS));
    expect(await stateOf(intake)).toMatchObject({ held: true });
  });
});
