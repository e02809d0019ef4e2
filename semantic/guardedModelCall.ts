import {
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
} from 'cockatiel';

/**
 * The circuit breaker of a model service (embeddings or chat): after `failures` failures in a row
 * it stops asking for `resetMs`, then lets one request try again.
 */
export function modelBreaker(failures: number, resetMs: number): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, { halfOpenAfter: resetMs, breaker: new ConsecutiveBreaker(failures) });
}

/**
 * One request to a model service: through its breaker, aborted at `timeoutMs` (a citizen never
 * waits longer), and timed for the metrics whether it succeeded or not. A request that throws,
 * including one whose answer `call` found malformed, counts as a failure for the breaker.
 */
export function guardedModelCall<T>(
  breaker: CircuitBreakerPolicy,
  timeoutMs: number,
  observe: ((seconds: number, ok: boolean) => void) | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = timeout(timeoutMs, TimeoutStrategy.Aggressive);
  return breaker.execute(() =>
    deadline.execute(async ({ signal }) => {
      const sent = performance.now();
      let ok = false;
      try {
        const result = await call(signal);
        ok = true;
        return result;
      } finally {
        observe?.((performance.now() - sent) / 1000, ok);
      }
    }),
  );
}
