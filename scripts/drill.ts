/**
 * `npm run drill -- --crisis SLUG [--rate 420/h] [--minutes 30] --questions FILE [--url URL]
 * [--pause-seconds 8] [--allow-remote] [--seed N]`: simulated citizens for an exercise. New
 * conversations arrive at random (Poisson) at the given rate, each through the bot's own Direct Line
 * endpoint as the web chat does: most ask general questions from the question file (the shape of
 * `npm run eval`'s files) and answer clarifications, some go through a victim inquiry with
 * fictitious data, some ask for a person. Progress every ten seconds; it stops by itself when the
 * time is up (no message is sent after it) and prints what was sent and what came back.
 *
 * It refuses a crisis that is not an exercise (asked of the chat page's configuration), a rate above
 * what one address may start (DIRECT_LINE_STARTS_PER_MINUTE's default), and any URL that is not
 * loopback unless `--allow-remote`: a drill must never load a real service by mistake.
 */
import fs from 'node:fs';
import { exponential, playCitizen, type Behaviour, type DrillCase, type Tally } from './drillCitizen';

const MAX_RATE_PER_HOUR = 1800;
const MAX_MINUTES = 240;
const PROGRESS_MS = 10_000;
/** Out of 20 new citizens: questions, victim inquiries, requests for a person. */
const MIX: Behaviour[] = [
  ...Array<Behaviour>(14).fill('questions'),
  ...Array<Behaviour>(3).fill('d2'),
  ...Array<Behaviour>(3).fill('person'),
];

class Refusal extends Error {}

interface Settings {
  crisis: string;
  ratePerHour: number;
  minutes: number;
  cases: DrillCase[];
  url: string;
  pauseMs: number;
  /** Arrivals and behaviours, then each citizen's own choices from seed + its number: replayable. */
  seed?: number;
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Refusal(`--${name} needs a value`);
  return value;
}

/** A small seeded generator (mulberry32), so a drill can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function readCases(file: string): DrillCase[] {
  let parsed: { cases?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { cases?: unknown };
  } catch (error) {
    throw new Refusal(`--questions ${file}: ${(error as Error).message}`);
  }
  const cases = Array.isArray(parsed.cases) ? (parsed.cases as DrillCase[]) : [];
  const usable = cases.filter(
    (c) => typeof c?.text === 'string' && ['fr', 'nl', 'de', 'en'].includes(c.lang) && c.expect?.kind,
  );
  if (usable.length === 0)
    throw new Refusal(`--questions ${file}: no cases of the shape {text, lang, expect}`);
  return usable;
}

export function parseSettings(args: string[], env: NodeJS.ProcessEnv = process.env): Settings {
  const crisis = flag(args, 'crisis');
  if (!crisis || !/^[a-z0-9-]{3,64}$/.test(crisis))
    throw new Refusal('--crisis SLUG is required (an exercise)');
  const rate = /^(\d+(?:\.\d+)?)(?:\/h)?$/.exec(flag(args, 'rate') ?? '420/h');
  const ratePerHour = rate ? Number(rate[1]) : NaN;
  if (!(ratePerHour > 0 && ratePerHour <= MAX_RATE_PER_HOUR)) {
    throw new Refusal(`--rate takes conversations per hour, e.g. 420/h, at most ${MAX_RATE_PER_HOUR}/h`);
  }
  const minutes = Number(flag(args, 'minutes') ?? 30);
  if (!(minutes > 0 && minutes <= MAX_MINUTES))
    throw new Refusal(`--minutes takes a duration up to ${MAX_MINUTES}`);
  const questions = flag(args, 'questions');
  if (!questions) throw new Refusal('--questions FILE is required');
  const url = new URL(flag(args, 'url') ?? `http://127.0.0.1:${env.PORT ?? 3978}`);
  if (!isLoopback(url) && !args.includes('--allow-remote')) {
    throw new Refusal(
      `${url.origin} is not this machine: a drill runs against loopback unless --allow-remote`,
    );
  }
  const pauseSeconds = Number(flag(args, 'pause-seconds') ?? 8);
  if (!(pauseSeconds >= 0 && pauseSeconds <= 600)) throw new Refusal('--pause-seconds takes 0 to 600');
  const seed = flag(args, 'seed');
  if (seed !== undefined && !Number.isInteger(Number(seed))) throw new Refusal('--seed takes a whole number');
  return {
    crisis,
    ratePerHour,
    minutes,
    cases: readCases(questions),
    url: url.origin,
    pauseMs: pauseSeconds * 1000,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
  };
}

/** The crisis must be an active exercise: what its chat page is told. */
async function requireExercise(url: string, crisis: string): Promise<void> {
  const res = await fetch(`${url}/chat/config?crisis=${crisis}`, {
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new Refusal(`the bot does not answer at ${url} (${cause}): is it running?`);
  });
  const body = (await res.json().catch(() => ({}))) as {
    crisis?: { slug?: string; exercise?: boolean } | null;
  };
  if (res.status !== 200 || body.crisis?.slug !== crisis)
    throw new Refusal(`no active crisis ${crisis} at ${url}`);
  if (body.crisis.exercise !== true)
    throw new Refusal(`${crisis} is a real crisis, not an exercise: refused`);
}

function describe(tally: Tally, elapsedMs: number): string {
  const kinds = Object.entries(tally.kinds)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const times = [...tally.replyMs].sort((a, b) => a - b);
  const at = (q: number) =>
    times.length ? `${Math.round(times[Math.ceil(q * times.length) - 1]!)} ms` : '–';
  return (
    `${(elapsedMs / 1000).toFixed(0)} s: ${tally.conversations} conversations, ${tally.sent} messages sent, ` +
    `${tally.replies} replies (${kinds || 'none yet'}), ${tally.failed} without reply; ` +
    `reply p50 ${at(0.5)}, p95 ${at(0.95)}`
  );
}

export async function runDrill(settings: Settings): Promise<Tally> {
  await requireExercise(settings.url, settings.crisis);
  const started = Date.now();
  const endsAt = started + settings.minutes * 60_000;
  const tally: Tally = { conversations: 0, sent: 0, replies: 0, failed: 0, kinds: {}, replyMs: [] };
  const meanGapMs = 3_600_000 / settings.ratePerHour;
  const { seed } = settings;
  const random = seed === undefined ? Math.random : seeded(seed);
  console.log(
    `drill of ${settings.crisis} at ${settings.url}: ${settings.ratePerHour} conversations/h for ${settings.minutes} min`,
  );
  const progress = setInterval(() => console.log(describe(tally, Date.now() - started)), PROGRESS_MS);
  const citizens: Promise<void>[] = [];
  try {
    // The first arrives at once; each next after a random gap, until the time is up.
    for (let next = started; next < endsAt; next += exponential(meanGapMs, random)) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
      if (Date.now() >= endsAt) break;
      const behaviour = MIX[Math.floor(random() * MIX.length)]!;
      const own = seed === undefined ? Math.random : seeded(seed + 1 + citizens.length);
      citizens.push(
        playCitizen({ ...settings, behaviour, endsAt, tally, random: own }).catch((error: unknown) => {
          tally.failed += 1;
          console.error(`a citizen stopped: ${(error as Error).message}`);
        }),
      );
    }
    await Promise.all(citizens);
  } finally {
    clearInterval(progress);
  }
  console.log(`drill over. ${describe(tally, Date.now() - started)}`);
  return tally;
}

if (require.main === module) {
  (async () => {
    try {
      await runDrill(parseSettings(process.argv.slice(2)));
    } catch (error) {
      console.error(error instanceof Refusal ? `drill refused: ${error.message}` : error);
      process.exitCode = error instanceof Refusal ? 2 : 1;
    }
  })();
}
