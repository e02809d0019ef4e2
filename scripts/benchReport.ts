/**
 * `npm run bench:report`: writes BENCH_EVENTS (1,000,000) interaction events of one 72-hour
 * activation through the real interaction log (which keeps the usage counters as it writes),
 * plus tickets, into a fresh embedded database (or MONGODB_URI), then times the activation's
 * cost report. With BENCH_VERIFY=1 it also computes the same usage by aggregating the log
 * itself, to compare the two ways and check that they agree.
 */
import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import { countedUsage, HOUR_MS, InteractionLog, Reports, Tariffs, usageFromLog } from '../accounting';
import { CrisisModel, TicketModel, UsageRollupModel } from '../models';
import { withThrowawayDatabase } from './throwawayDatabase';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const VERIFY = process.env.BENCH_VERIFY === '1';
const RUNS = 5;
const HOURS = 72;
const MESSAGES_PER_CONVERSATION = 8;
/** One conversation in fifty goes to a person. */
const HANDED_EVERY = 50;
const CHANNELS = ['webchat', 'whatsapp', 'sms', 'msteams'];
const LANGS = ['fr', 'nl', 'de', 'en'];
const KINDS = ['answer', 'answer', 'answer', 'clarify', 'info', 'handoff', 'd2'];
const CHUNK = 20_000;
const SLUG = 'bench-activation';
const NIS = '99009';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function generate(start: Date): Promise<number> {
  const logger = pino({ level: 'warn' });
  const log = new InteractionLog({ logger, batchSize: 1000, maxBuffer: CHUNK * 2 });
  const conversations = Math.ceil(EVENTS / MESSAGES_PER_CONVERSATION);
  const spanMs = HOURS * HOUR_MS;
  const tickets: Array<Record<string, unknown>> = [];
  let written = 0;
  for (let c = 0; c < conversations && written < EVENTS; c += 1) {
    const conversationId = `bench-${c}`;
    const channelId = CHANNELS[c % CHANNELS.length]!;
    const lang = LANGS[(c >> 2) % LANGS.length]!;
    const begins = start.getTime() + Math.floor((c / conversations) * (spanMs - HOUR_MS));
    for (let m = 0; m < MESSAGES_PER_CONVERSATION && written < EVENTS; m += 1) {
      const at = new Date(begins + m * 40_000);
      const kind = KINDS[(c + m) % KINDS.length]!;
      log.record({
        crisisSlug: SLUG,
        conversationId,
        channelId,
        lang,
        direction: m % 2 ? 'out' : 'in',
        kind,
        at,
      });
      written += 1;
      if (written % CHUNK === 0) await log.flush();
    }
    if (c % HANDED_EVERY === 0) {
      const claimedAt = new Date(begins + 5 * 60_000 + (c % 7) * 60_000);
      tickets.push({
        queue: c % (HANDED_EVERY * 4) === 0 ? 'd2' : 'd5',
        state: 'closed',
        reason: 'person-request',
        version: 2,
        priority: 1,
        crisisSlug: SLUG,
        conversationId,
        channelId,
        lang,
        consent: true,
        claims: [
          { by: `op${c % 12}`, from: claimedAt, to: new Date(claimedAt.getTime() + (4 + (c % 20)) * 60_000) },
        ],
        createdAt: new Date(begins),
        updatedAt: new Date(begins),
      });
    }
  }
  await log.close(60_000);
  await TicketModel.collection.insertMany(tickets);
  return tickets.length;
}

async function main(): Promise<void> {
  await withThrowawayDatabase(
    { name: 'bench-report', logger: pino({ level: 'warn' }), uri: process.env.MONGODB_URI },
    async () => {
      const start = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (HOURS + 24) * HOUR_MS);
      await CrisisModel.create({
        slug: SLUG,
        status: 'inactive',
        authorityNis: NIS,
        languages: LANGS,
        liveVersion: 1,
        activatedAt: start,
        deactivatedAt: new Date(start.getTime() + HOURS * HOUR_MS),
      });
      const tariffs = new Tariffs();
      await tariffs.add(
        {
          scope: 'default',
          validFrom: new Date(start.getTime() - 24 * HOUR_MS).toISOString(),
          activationCents: 50_000,
          operatorQuarterHourD5Cents: 1_200,
          operatorQuarterHourD2Cents: 1_800,
          personConversationCents: 300,
          messageCents: [
            { channel: 'sms', cents: 8 },
            { channel: 'whatsapp', cents: 4 },
          ],
          tokensInPerMillionCents: 15,
          tokensOutPerMillionCents: 60,
        },
        'bench',
      );

      console.log(`writing ${EVENTS.toLocaleString('en')} interaction events through the interaction log…`);
      const began = Date.now();
      const ticketCount = await generate(start);
      const writeMs = Date.now() - began;
      const rollups = await UsageRollupModel.countDocuments({ crisisSlug: SLUG });
      console.log(
        `  written in ${seconds(writeMs)} (${Math.round(EVENTS / (writeMs / 1000)).toLocaleString('en')} events/s), ` +
          `${ticketCount} tickets, ${rollups} hourly counter documents`,
      );

      const reports = new Reports(tariffs);
      const timings: number[] = [];
      let report;
      for (let run = 0; run < RUNS; run += 1) {
        const t = Date.now();
        report = await reports.build({ scope: 'activation', slug: SLUG });
        timings.push(Date.now() - t);
      }
      timings.sort((a, b) => a - b);
      console.log(
        `activation report (${report!.messages.in + report!.messages.out} messages, ${report!.conversations.started} conversations, ` +
          `total €${(report!.totalCents / 100).toFixed(2)}): median ${timings[RUNS >> 1]} ms, ` +
          `fastest ${timings[0]} ms, slowest ${timings.at(-1)} ms over ${RUNS} runs (target < 2000 ms)`,
      );

      if (VERIFY) {
        const period = { from: new Date(report!.period.from), to: new Date(report!.period.to) };
        const t = Date.now();
        const fromLog = await usageFromLog([SLUG], period);
        const logMs = Date.now() - t;
        const counted = await countedUsage([SLUG], period);
        console.log(
          `the same usage aggregated from the log itself: ${seconds(logMs)}; ` +
            `counters and log agree: ${isDeepStrictEqual(fromLog, counted) ? 'yes' : 'NO'}`,
        );
      }
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
