/**
 * One simulated citizen of `npm run drill`, through the bot's own Direct Line endpoint as the web
 * chat page talks to it: a token for the exercise's entry link, then messages posted and the
 * bot's activities read after the watermark.
 */

export interface DrillCase {
  text: string;
  lang: 'fr' | 'nl' | 'de' | 'en';
  expect: { kind: 'answer' | 'd2' | 'handoff' | 'not-answer'; faqId?: string };
}

export type Behaviour = 'questions' | 'd2' | 'person';

export interface Tally {
  conversations: number;
  sent: number;
  replies: number;
  failed: number;
  kinds: Record<string, number>;
  /** Milliseconds from posting each message to reading the bot's reply, as Web Chat waits. */
  replyMs: number[];
}

interface BotActivity {
  type: string;
  from?: { role?: string };
  text?: string;
  replyToId?: string;
  suggestedActions?: { actions?: Array<{ title?: string; value?: unknown }> };
  entities?: Array<{ type: string; kind?: string; queue?: string }>;
}

const PERSON_REQUEST = {
  fr: 'Je voudrais parler à une personne, s’il vous plaît',
  nl: 'Ik wil graag met een medewerker spreken',
  de: 'Ich möchte bitte mit einem Menschen sprechen',
  en: 'I would like to talk to a person please',
};

/** Fictitious answers to the intake's questions, in its order (dialogs/victimInquiryDialog.ts). */
const INTAKE_ANSWERS = [
  'Alex Exercise',
  '+32 470 12 34 56',
  'neighbour',
  'Sam Example',
  '42',
  'tall, short grey hair, blue coat',
  'at home, this morning around eight',
];

const REQUEST_TIMEOUT_MS = 20_000;

export interface CitizenOptions {
  url: string;
  crisis: string;
  behaviour: Behaviour;
  cases: DrillCase[];
  /** Mean pause between two messages of a citizen, as people read and type. */
  pauseMs: number;
  /** No message is sent after this instant. */
  endsAt: number;
  tally: Tally;
  random: () => number;
}

const pick = <T>(list: T[], random: () => number): T => list[Math.floor(random() * list.length)]!;

/** Exponentially distributed, as the gaps between independent people's messages are. */
export function exponential(meanMs: number, random: () => number): number {
  return -Math.log(1 - random()) * meanMs;
}

class DirectLineChat {
  private watermark = '';

  private constructor(
    private readonly base: string,
    private readonly conversationId: string,
    private readonly token: string,
    private readonly crisis: string,
  ) {}

  /** A conversation opened from the exercise's entry link, as the chat page opens it. */
  static async open(url: string, crisis: string): Promise<DirectLineChat> {
    const res = await fetch(`${url}/chat/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ crisis }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (res.status !== 200) throw new Error(`no conversation: /chat/token answered ${res.status}`);
    const body = (await res.json()) as { conversationId: string; token: string; domain?: string };
    return new DirectLineChat(body.domain ?? `${url}/v3/directline`, body.conversationId, body.token, crisis);
  }

  /** Posts a message and returns the bot's activities that answer it. */
  async say(text: string, lang: string): Promise<BotActivity[]> {
    const posted = await this.call('POST', '/activities', {
      type: 'message',
      text,
      locale: lang,
      from: { id: 'drill-citizen', role: 'user' },
      channelData: { crisis: this.crisis, clientActivityID: `drill-${Date.now()}-${Math.random()}` },
    });
    const { id } = (await posted.json()) as { id?: string };
    if (posted.status !== 200 || !id) throw new Error(`message refused: ${posted.status}`);
    const read = await this.call('GET', `/activities?watermark=${this.watermark}`);
    const set = (await read.json()) as { activities?: BotActivity[]; watermark?: string };
    this.watermark = set.watermark ?? this.watermark;
    return (set.activities ?? []).filter((a) => a.type === 'message' && a.replyToId === id);
  }

  private call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.base}/conversations/${this.conversationId}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }
}

const metaOf = (replies: BotActivity[]) =>
  replies.flatMap((r) => r.entities ?? []).find((e) => e.type === 'crisis.reply');
const kindOf = (replies: BotActivity[]) => metaOf(replies)?.kind ?? 'none';
const choicesOf = (replies: BotActivity[]) =>
  replies.flatMap((r) => r.suggestedActions?.actions ?? []).map((a) => String(a.title ?? a.value ?? ''));

/**
 * Plays one citizen to the end of its script or of the drill: general questions (answering a
 * clarification by choosing one of the offered entries), a victim inquiry through the intake with
 * fictitious data, or a request for a person.
 */
export async function playCitizen(options: CitizenOptions): Promise<void> {
  const { tally, random, cases } = options;
  const lang = pick(cases, random).lang;
  const inLanguage = cases.filter((c) => c.lang === lang);
  const ofKind = (kinds: string[]) => inLanguage.filter((c) => kinds.includes(c.expect.kind));
  const chat = await DirectLineChat.open(options.url, options.crisis);
  tally.conversations += 1;

  const say = async (text: string): Promise<BotActivity[] | undefined> => {
    if (Date.now() >= options.endsAt) return undefined;
    tally.sent += 1;
    const before = performance.now();
    const replies = await chat.say(text, lang);
    tally.replyMs.push(performance.now() - before);
    if (replies.length === 0) tally.failed += 1;
    tally.replies += replies.length;
    const kind = kindOf(replies);
    tally.kinds[kind] = (tally.kinds[kind] ?? 0) + 1;
    return replies;
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, exponential(options.pauseMs, random)));

  if (options.behaviour === 'person') {
    await say(PERSON_REQUEST[lang]);
    return;
  }
  if (options.behaviour === 'd2') {
    const inquiry = ofKind(['d2'])[0] ?? pick(inLanguage, random);
    let replies = await say(inquiry.text);
    let field = 0;
    // Each question of the intake in turn: a choice offered is accepted (its first), else the next fictitious answer.
    // Handed to the D2 queue (`queue` set): the intake is done.
    for (let step = 0; replies && kindOf(replies) === 'd2' && !metaOf(replies)?.queue && step < 12; step++) {
      await pause();
      const choices = choicesOf(replies);
      const answer = choices[0] ?? INTAKE_ANSWERS[field++];
      if (answer === undefined) return;
      replies = await say(answer);
    }
    return;
  }
  const questions = ofKind(['answer', 'not-answer']);
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const replies = await say(pick(questions.length ? questions : inLanguage, random).text);
    if (!replies) return;
    await pause();
    const choices = choicesOf(replies);
    if (kindOf(replies) === 'clarify' && choices.length > 0 && random() < 0.7) {
      if (!(await say(pick(choices, random)))) return;
      await pause();
    }
  }
}
