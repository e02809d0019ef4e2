import type { ChildProcess } from 'node:child_process';

/** How long a started bot may take to answer `/healthz` and load its crises' vectors. */
const START_TIMEOUT_MS = 300_000;
/**
 * A first run on a machine fits the D2 classifier once (about 7,000 exemplar vectors through the
 * model: ten minutes or more on two busy cores); that is progress, not a bot stuck at start.
 */
const FIRST_FIT_TIMEOUT_MS = 45 * 60_000;

export type Health = Record<string, unknown>;

/**
 * Waits until a bot a script measures understands as it will in service: `/healthz` answers and,
 * with a model, the D2 classifier is fitted and every crisis's content vectors are loaded.
 * Measuring before would measure the lexicon alone, with the fit's model requests slowing the
 * questions' ones. Without a model (off, or down) word search is all there is, and it is ready.
 */
export async function untilUnderstanding(url: string, child?: ChildProcess): Promise<Health> {
  let deadline = Date.now() + START_TIMEOUT_MS;
  let fitting = false;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}`);
    const health = await fetch(`${url}/healthz`).then(
      async (r) => (r.ok ? ((await r.json()) as Health) : undefined),
      () => undefined,
    );
    const ready =
      health?.understanding !== 'hybrid' ||
      (health.secondOpinion !== 'fitting' && health.crisesByMeaning === health.crises);
    if (health && ready) return health;
    if (health?.secondOpinion === 'fitting' && !fitting) {
      fitting = true;
      deadline = Date.now() + FIRST_FIT_TIMEOUT_MS;
      console.log('fitting the D2 classifier once on this machine (cached in .cache/ for later runs)');
    }
    if (Date.now() > deadline) throw new Error('the bot did not become ready in time');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
