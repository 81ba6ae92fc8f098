/**
 * The one place that talks to fal through @fal-ai/client: via our proxy (browser, editor), or
 * directly with a fal key (Node only: the CLI's `run` without --proxy).
 *
 * Retries are ours, not the client's: the client's per-operation retry policies cannot be
 * turned off from config (its own policy overrides `config.retry`), they wait ≥1 s, and they
 * miss browser network errors ("Failed to fetch"). So every client call is made non-retryable
 * by a fetch wrapper, and this module retries idempotent steps (status, result, cancel,
 * upload) with a capped backoff (retry.ts). Submit is never retried: a failure after the
 * request left the browser is ambiguous, and a replay could enqueue (and bill) the job twice.
 * Following a job is follow.ts; errors are errors.ts; the public types are types.ts.
 */
import { ApiError, createFalClient } from "@fal-ai/client";
import { sleep as defaultSleep } from "../shared/sleep.ts";
import { toRunnerError, RunnerError } from "./errors.ts";
import { follow, type LooseQueue } from "./follow.ts";
import { createRetry, nonRetrying } from "./retry.ts";
import type {
  CancelOutcome,
  LoraEndpointId,
  RetryPolicy,
  Runner,
  RunnerOptions,
  RunResult,
  SubmitOptions,
  FollowOptions,
} from "./types.ts";

export type * from "./types.ts";
export { RunnerError, isRunnerError, toRunnerError } from "./errors.ts";
export { parseProgress } from "./progress.ts";

/** The @fal-ai/client instance: through the proxy (never with a key) or direct with one. */
function createClient(options: RunnerOptions, fetch: typeof globalThis.fetch) {
  const { proxyUrl, credentials } = options;
  // Both would be ambiguous (the client would send the key through the proxy); neither would
  // make the client fall back to FAL_KEY from the environment behind the caller's back.
  if ((proxyUrl !== undefined) === (credentials !== undefined) || proxyUrl === "" || credentials === "") {
    throw new TypeError(
      "createRunner needs exactly one of proxyUrl (through a proxy) or credentials (a fal key, direct)",
    );
  }
  return createFalClient({
    ...(proxyUrl !== undefined
      ? {
          proxyUrl: { url: proxyUrl, when: "always" as const },
          // Never send a key through the proxy: the proxy owns it (and in Node, FAL_KEY may be in env).
          credentials: () => undefined,
        }
      : { credentials }),
    fetch,
    retry: { maxRetries: 0 },
  });
}

/**
 * Create a runner bound to a proxy, or (Node only) to fal directly with a key.
 * @example
 * const runner = createRunner({ proxyUrl: "/api/fal/proxy" });
 * const direct = createRunner({ credentials: process.env.FAL_KEY });
 * const { data } = await runner.run("fal-ai/lora", input, { onEnqueue: persist, onUpdate: showProgress });
 */
export function createRunner(options: RunnerOptions): Runner {
  const baseFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a));
  const policy: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 5000, budgetMs: 60_000, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const withRetry = createRetry(policy, sleep);
  const client = createClient(options, nonRetrying(baseFetch));
  const queue = client.queue as unknown as LooseQueue;
  const followDeps = {
    queue,
    withRetry,
    sleep,
    mode: options.mode ?? "streaming",
    pollIntervalMs: options.pollIntervalMs ?? 500,
  };

  async function upload(blob: Blob, opts: { signal?: AbortSignal } = {}): Promise<string> {
    return withRetry("upload", () => client.storage.upload(blob), opts.signal);
  }

  /** Upload Blobs anywhere in the input (as the client would), with our retry policy. */
  async function transformInput(value: unknown): Promise<unknown> {
    if (typeof Blob !== "undefined" && value instanceof Blob) return upload(value, {});
    if (Array.isArray(value)) return Promise.all(value.map(transformInput));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      const entries = await Promise.all(
        Object.entries(value).map(async ([k, v]) => [k, await transformInput(v)] as const),
      );
      return Object.fromEntries(entries);
    }
    return value;
  }

  async function submit(
    endpoint: LoraEndpointId,
    input: Record<string, unknown>,
    opts: SubmitOptions = {},
  ): Promise<string> {
    const prepared = await transformInput(input);
    let requestId: string;
    try {
      const res = await queue.submit(endpoint, {
        input: prepared,
        webhookUrl: opts.webhookUrl,
        abortSignal: opts.signal,
      });
      requestId = res.request_id;
    } catch (e) {
      throw toRunnerError(e, "submit");
    }
    if (typeof requestId !== "string" || requestId === "") {
      throw new RunnerError({
        kind: "http",
        step: "submit",
        message: "fal accepted the job but returned no request id.",
      });
    }
    opts.onEnqueue?.(requestId);
    return requestId;
  }

  async function cancel(
    endpoint: LoraEndpointId,
    requestId: string,
    opts: { signal?: AbortSignal } = {},
  ): Promise<CancelOutcome> {
    try {
      await withRetry(
        "cancel",
        () => queue.cancel(endpoint, { requestId, abortSignal: opts.signal }),
        opts.signal,
        requestId,
      );
      return "CANCELLATION_REQUESTED";
    } catch (raw) {
      const err = toRunnerError(raw, "cancel", requestId);
      // fal answers "already completed" / "not found" with a non-2xx status and a {status} body.
      const body = err.cause instanceof ApiError ? (err.cause.body as { status?: unknown } | undefined) : undefined;
      if (body?.status === "ALREADY_COMPLETED" || body?.status === "NOT_FOUND") return body.status;
      throw err;
    }
  }

  async function run<T>(
    endpoint: LoraEndpointId,
    input: Record<string, unknown>,
    opts: SubmitOptions & FollowOptions = {},
  ): Promise<RunResult<T>> {
    const requestId = await submit(endpoint, input, opts);
    return follow<T>(followDeps, endpoint, requestId, opts);
  }

  return {
    submit,
    follow: <T>(endpoint: LoraEndpointId, requestId: string, opts?: FollowOptions) =>
      follow<T>(followDeps, endpoint, requestId, opts),
    cancel,
    upload,
    run,
  };
}
