/**
 * The stored-conversations part of `npm run bench` (`--stored`, `--webchat`): fills the bot with
 * conversations through its own endpoints, then measures what a new citizen gets.
 */

import os from 'node:os';

const MINUTE_MS = 60_000;
/** The acceptance of issue 19: a new web chat's first reply, with thousands stored. */
const FIRST_REPLY_TARGET_MS = 300;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (sorted: number[], p: number) => `${percentile(sorted, p).toFixed(1)} ms`;

/**
 * Runs `send(n)` for n = 0..count-1, `concurrency` at a time, and describes the fill: how long it
 * took, and how many were stored per second in its first and in its last minute, which shows
 * whether storing slows down as conversations accumulate.
 */
export async function fillConversations(
  name: string,
  count: number,
  concurrency: number,
  send: (n: number) => Promise<number>,
): Promise<string> {
  const doneAt: number[] = [];
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  let lastReport = started;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const before = performance.now();
      const status = await send(n);
      const now = performance.now();
      latencies.push(now - before);
      doneAt.push(now - started);
      if (status < 200 || status >= 300) failed++;
      if (now - lastReport > MINUTE_MS) {
        lastReport = now;
        console.log(`  ${name} fill: ${doneAt.length} stored after ${((now - started) / 1000).toFixed(0)} s`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const totalMs = performance.now() - started;
  const window = Math.min(MINUTE_MS, totalMs);
  const firstMinute = doneAt.filter((t) => t <= window).length / (window / 1000);
  const lastMinute = doneAt.filter((t) => t > totalMs - window).length / (window / 1000);
  latencies.sort((a, b) => a - b);
  return (
    `${name} fill: ${count} conversations stored in ${(totalMs / 1000).toFixed(0)} s, ${failed} failed; ` +
    `${firstMinute.toFixed(1)}/s in the first minute, ${lastMinute.toFixed(1)}/s in the last; ` +
    `per conversation p50 ${ms(latencies, 50)}, p95 ${ms(latencies, 95)}`
  );
}

interface Started {
  conversationId: string;
  token: string;
  /** What the chat has read so far, as Web Chat keeps it. */
  watermark?: string;
}

async function call(url: string, init: RequestInit & { token?: string }): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
}

/** Starts a web chat as the page does (the welcome is stored); undefined when refused. */
async function startWebChat(base: string): Promise<Started | undefined> {
  const start = await call(`${base}/conversations`, { method: 'POST', body: '{}' });
  return start.status === 201 ? ((await start.json()) as Started) : undefined;
}

/** Posts a question and reads the bot's reply to it from the activities; the time both took, or undefined without a reply. */
async function ask(base: string, chat: Started, text: string): Promise<number | undefined> {
  const before = performance.now();
  const posted = await call(`${base}/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    token: chat.token,
    body: JSON.stringify({ type: 'message', text, from: { id: 'citizen' }, locale: 'en-US' }),
  });
  const { id } = (await posted.json().catch(() => ({}))) as { id?: string };
  if (posted.status !== 200 || !id) return undefined;
  const after = chat.watermark ? `?watermark=${chat.watermark}` : '';
  const read = await call(`${base}/conversations/${chat.conversationId}/activities${after}`, {
    token: chat.token,
  });
  const set = (await read.json().catch(() => ({}))) as {
    activities?: { replyToId?: string }[];
    watermark?: string;
  };
  chat.watermark = set.watermark ?? chat.watermark;
  return set.activities?.some((a) => a.replyToId === id) ? performance.now() - before : undefined;
}

/** Exponentially distributed, as the gaps between independent people's messages are. */
function pause(meanMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * meanMs));
}

/**
 * Stores `fill` web-chat conversations through the bot's Direct Line endpoint (start, one
 * question), then runs `conversations` new web chats at once, each pausing `pauseMs` on average
 * before starting and before each of its `messages` questions, as people do; times the first
 * reply of each (from posting the question to reading the answer, as Web Chat does) and all replies.
 */
export async function webChatRound(options: {
  botUrl: string;
  fill: number;
  /** Waits, after the fill, for what it left to finish in the background. */
  settle: () => Promise<unknown>;
  concurrency: number;
  conversations: number;
  messages: number;
  pauseMs: number;
  questions: string[];
}): Promise<string> {
  const { questions } = options;
  const base = `${options.botUrl}/v3/directline`;
  const filled = await fillConversations('web chat', options.fill, options.concurrency, async (n) => {
    const chat = await startWebChat(base);
    return chat && (await ask(base, chat, questions[n % questions.length]!)) !== undefined ? 200 : 0;
  });
  await options.settle();
  const loadBefore = os.loadavg()[0]!;
  const first: number[] = [];
  const all: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: options.conversations }, async (_, n) => {
      await pause(options.pauseMs);
      const chat = await startWebChat(base);
      if (!chat) return void (failed += options.messages);
      for (let i = 0; i < options.messages; i++) {
        await pause(options.pauseMs);
        const took = await ask(base, chat, questions[(n + i) % questions.length]!);
        if (took === undefined) failed++;
        else {
          if (i === 0) first.push(took);
          all.push(took);
        }
      }
    }),
  );
  first.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  const met = percentile(first, 95) <= FIRST_REPLY_TARGET_MS && failed === 0;
  return (
    `${filled}\nweb chat paced: ${options.conversations} new conversations x ${options.messages} questions, ` +
    `a pause of ${options.pauseMs} ms on average before each; first reply p50 ${ms(first, 50)}, ` +
    `p95 ${ms(first, 95)}; every reply p50 ${ms(all, 50)}, p95 ${ms(all, 95)}, p99 ${ms(all, 99)}; ` +
    `${failed} without a reply\n` +
    `first reply p95 with ${options.fill} web chats stored: ${ms(first, 95)} (target ${FIRST_REPLY_TARGET_MS} ms, ` +
    `${met ? 'met' : 'not met'}); load average ${loadBefore.toFixed(1)} before the round, ${os.loadavg()[0]!.toFixed(1)} after`
  );
}
