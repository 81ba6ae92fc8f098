/**
 * Our retry loop (see runner.ts for why it is ours and not the client's): an idempotent step is
 * retried on network errors, 408, 429 and 502–504 (and 500 for status polls) with a capped,
 * jittered exponential backoff that honours Retry-After, until it has been failing for
 * `budgetMs`. Submit never comes here.
 */
import { NoRetry, isRetryable, toApiError, toRunnerError, unwrap } from "./errors.ts";
import type { RetryPolicy, RunnerStep } from "./types.ts";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * A fetch for @fal-ai/client that makes every failure final for the client (its own retry
 * policies cannot be turned off from config) while keeping ApiError/ValidationError meanings.
 */
export function nonRetrying(baseFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    let res: Response;
    try {
      res = await baseFetch(input, init);
    } catch (e) {
      throw new NoRetry(e);
    }
    if (!res.ok) throw new NoRetry(await toApiError(res));
    return res;
  };
}

export function createRetry(policy: RetryPolicy, sleep: Sleep) {
  /** Run `fn`, retrying as the module comment says; rejects with a RunnerError for `step`. */
  return async function withRetry<T>(
    step: RunnerStep,
    fn: () => Promise<T>,
    signal?: AbortSignal,
    requestId?: string,
  ): Promise<T> {
    let attempt = 0;
    let failingSince: number | null = null;
    for (;;) {
      try {
        return await fn();
      } catch (raw) {
        if (signal?.aborted) throw toRunnerError(signal.reason ?? raw, step, requestId);
        const err = toRunnerError(raw, step, requestId);
        failingSince ??= Date.now();
        if (!isRetryable(err) || Date.now() - failingSince >= policy.budgetMs) throw err;
        let delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
        const retryAfter = (unwrap(raw) as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (typeof retryAfter === "number") delay = Math.min(policy.maxDelayMs, Math.max(delay, retryAfter * 1000));
        delay = delay * (0.8 + Math.random() * 0.4);
        attempt += 1;
        await sleep(delay, signal).catch((reason) => {
          throw toRunnerError(reason, step, requestId);
        });
      }
    }
  };
}

export type WithRetry = ReturnType<typeof createRetry>;
