/**
 * The one place that talks to fal through @fal-ai/client: via our proxy (browser, editor), or
 * directly with a fal key (Node only: the CLI's `run` without --proxy).
 *
 * Retries are ours, not the client's: the client's per-operation retry policies cannot be
 * turned off from config (its own policy overrides `config.retry`), they wait ≥1 s, and they
 * miss browser network errors ("Failed to fetch"). So every client call is made non-retryable
 * by a fetch wrapper, and this module retries idempotent steps (status, result, cancel,
 * upload) with a capped backoff. Submit is never retried: a failure after the request left
 * the browser is ambiguous, and a replay could enqueue (and bill) the job twice.
 */
import { ApiError, ValidationError, createFalClient } from "@fal-ai/client";
import { sleep } from "../shared/sleep.ts";

export type LoraEndpointId = "fal-ai/lora" | "fal-ai/lora/image-to-image" | "fal-ai/lora/inpaint";

export type RunnerStep = "submit" | "status" | "result" | "cancel" | "upload";
export type RunnerErrorKind = "validation" | "http" | "network" | "cancelled" | "timeout";

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The normalised error shape every runner method rejects with. */
export interface RunnerErrorInfo {
  kind: RunnerErrorKind;
  message: string;
  step: RunnerStep;
  status?: number;
  requestId?: string;
  fieldErrors?: FieldError[];
}

export class RunnerError extends Error implements RunnerErrorInfo {
  readonly kind: RunnerErrorKind;
  readonly step: RunnerStep;
  readonly status?: number;
  readonly requestId?: string;
  readonly fieldErrors?: FieldError[];
  constructor(info: RunnerErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = "RunnerError";
    this.kind = info.kind;
    this.step = info.step;
    this.status = info.status;
    this.requestId = info.requestId;
    this.fieldErrors = info.fieldErrors;
  }
  toJSON(): RunnerErrorInfo {
    const { kind, message, step, status, requestId, fieldErrors } = this;
    return { kind, message, step, status, requestId, fieldErrors };
  }
}

export function isRunnerError(e: unknown): e is RunnerError {
  return e instanceof RunnerError;
}

export interface RequestLog {
  message: string;
  level?: string;
  source?: string;
  timestamp?: string;
}

export interface Progress {
  step: number;
  total: number;
}

export interface QueueUpdate {
  status: "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";
  requestId: string;
  queuePosition?: number;
  /** All logs received so far for this request. */
  logs: RequestLog[];
  /** Latest "Step i/N" found in the logs. */
  progress: Progress | null;
}

export interface RunResult<T = unknown> {
  data: T;
  requestId: string;
}

export interface RetryPolicy {
  /** First backoff delay. Default 500 ms. */
  baseDelayMs: number;
  /** Backoff cap. Default 5 s. */
  maxDelayMs: number;
  /** Give up after failing continuously this long. Default 60 s. */
  budgetMs: number;
}

export interface RunnerOptions {
  /** Proxy route, absolute (Node) or relative (browser), e.g. "/api/fal/proxy". Give this or `credentials`. */
  proxyUrl?: string;
  /**
   * A fal key, to talk to fal directly instead of through a proxy. Node only (the CLI): in a
   * browser the key would be readable by every script on the page.
   */
  credentials?: string;
  /** Status via SSE (falls back to polling if the stream fails) or plain polling. Default "streaming". */
  mode?: "streaming" | "polling";
  fetch?: typeof fetch;
  /** Delay between status polls. Default 500 ms (the client's default). */
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface SubmitOptions {
  /** Called with the request id as soon as fal has queued the job (persist it here). */
  onEnqueue?: (requestId: string) => void;
  webhookUrl?: string;
  signal?: AbortSignal;
}

export interface FollowOptions {
  onUpdate?: (update: QueueUpdate) => void;
  /** Stops following (does not cancel the job at fal; call cancel for that). */
  signal?: AbortSignal;
  /** Give up following after this long (kind "timeout"). Default: no deadline. */
  timeoutMs?: number;
}

export type CancelOutcome = "CANCELLATION_REQUESTED" | "ALREADY_COMPLETED" | "NOT_FOUND";

export interface Runner {
  submit(endpoint: LoraEndpointId, input: Record<string, unknown>, options?: SubmitOptions): Promise<string>;
  follow<T = unknown>(endpoint: LoraEndpointId, requestId: string, options?: FollowOptions): Promise<RunResult<T>>;
  /** `signal` gives up on the cancel call (and its retries), e.g. when a CLI must exit now. */
  cancel(endpoint: LoraEndpointId, requestId: string, options?: { signal?: AbortSignal }): Promise<CancelOutcome>;
  upload(blob: Blob): Promise<string>;
  run<T = unknown>(
    endpoint: LoraEndpointId,
    input: Record<string, unknown>,
    options?: SubmitOptions & FollowOptions,
  ): Promise<RunResult<T>>;
}

const STEP_PATTERNS = [/\bstep\s+(\d+)\s*\/\s*(\d+)/i, /(\d+)\s*\/\s*(\d+)\s*\[/];

/**
 * The latest progress found in fal logs ("Step 3/30" or a tqdm bar "9/30 [00:01<…").
 * @example parseProgress([{ message: "Step 3/30" }]) // → { step: 3, total: 30 }
 */
export function parseProgress(logs: readonly RequestLog[] | null | undefined): Progress | null {
  if (!Array.isArray(logs)) return null;
  for (let i = logs.length - 1; i >= 0; i--) {
    const msg = logs[i]?.message;
    if (typeof msg !== "string") continue;
    for (const re of STEP_PATTERNS) {
      const m = re.exec(msg);
      if (!m) continue;
      const step = Number(m[1]);
      const total = Number(m[2]);
      if (Number.isSafeInteger(step) && Number.isSafeInteger(total) && total > 0 && step >= 0 && step <= total) {
        return { step, total };
      }
    }
  }
  return null;
}

/** Wraps any error so the client's retry logic treats it as final (see module comment). */
class NoRetry extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = "NoRetry";
  }
}

function unwrap(e: unknown): unknown {
  return e instanceof NoRetry ? e.original : e;
}

/** Mirrors the client's error construction, so ValidationError/ApiError keep their meaning. */
async function toApiError(res: Response): Promise<ApiError<unknown>> {
  const contentType = res.headers.get("content-type") ?? "";
  const requestId = res.headers.get("x-fal-request-id") ?? undefined;
  const timeoutType = res.headers.get("x-fal-request-timeout-type") ?? undefined;
  let body: unknown;
  if (contentType.includes("application/json")) body = await res.json().catch(() => undefined);
  else await res.body?.cancel().catch(() => {});
  const bodyMessage = extractMessage(body);
  const args = {
    message: bodyMessage ?? `HTTP ${res.status}${res.statusText ? `: ${res.statusText}` : ""}`,
    status: res.status,
    body,
    requestId,
    timeoutType,
  };
  const err = res.status === 422 && body !== undefined ? new ValidationError(args) : new ApiError(args);
  const retryAfter = Number(res.headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter >= 0)
    (err as ApiError<unknown> & { retryAfterSeconds?: number }).retryAfterSeconds = retryAfter;
  return err;
}

function extractMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { message?: unknown; detail?: unknown; error?: { message?: unknown } };
  if (typeof b.message === "string") return b.message;
  if (typeof b.detail === "string") return b.detail;
  if (b.error && typeof b.error.message === "string") return b.error.message;
  return undefined;
}

function isAbort(e: unknown): boolean {
  return (
    typeof e === "object" && e !== null && ((e as Error).name === "AbortError" || (e as Error).name === "TimeoutError")
  );
}

// Gateway/overload answers are worth retrying. A 500 is retried only for status polls (as the
// client does): a result's 500 is the job's own failure and will not change.
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

/** Convert anything thrown during `step` into a RunnerError. */
export function toRunnerError(raw: unknown, step: RunnerStep, requestId?: string): RunnerError {
  const e = unwrap(raw);
  if (e instanceof RunnerError) return e;
  if (e instanceof ApiError) {
    const body = e.body as { error_type?: unknown; error?: { code?: unknown } } | undefined;
    const rid = e.requestId || requestId;
    if (e instanceof ValidationError || e.status === 422) {
      return new RunnerError(
        {
          kind: "validation",
          step,
          status: e.status,
          requestId: rid,
          message: e.message || "fal rejected the request as invalid.",
          fieldErrors: (e as ValidationError).fieldErrors ?? [],
        },
        { cause: e },
      );
    }
    if (body?.error_type === "request_cancelled") {
      return new RunnerError(
        { kind: "cancelled", step, status: e.status, requestId: rid, message: "The request was cancelled." },
        { cause: e },
      );
    }
    const timeout = e.status === 504 || e.status === 408;
    return new RunnerError(
      {
        kind: timeout ? "timeout" : "http",
        step,
        status: e.status,
        requestId: rid,
        message: `${stepLabel(step)} failed (HTTP ${e.status}): ${e.message}`,
      },
      { cause: e },
    );
  }
  if (isAbort(e)) {
    return new RunnerError({ kind: "cancelled", step, requestId, message: `${stepLabel(step)} was aborted.` });
  }
  const detail = e instanceof Error ? e.message : String(e);
  const ambiguous =
    step === "submit" ? " The job may or may not have been queued; it was not resent, to avoid a duplicate." : "";
  return new RunnerError({
    kind: "network",
    step,
    requestId,
    message: `${stepLabel(step)} failed: network error (${detail}).${ambiguous}`,
  });
}

function stepLabel(step: RunnerStep): string {
  return {
    submit: "Submitting",
    status: "Checking status",
    result: "Fetching the result",
    cancel: "Cancelling",
    upload: "Uploading",
  }[step];
}

function isRetryable(err: RunnerError): boolean {
  if (err.kind === "network") return true;
  if ((err.kind !== "http" && err.kind !== "timeout") || err.status === undefined) return false;
  return RETRYABLE_STATUS.has(err.status) || (err.step === "status" && err.status === 500);
}

type LooseQueue = {
  submit(
    id: string,
    o: { input: unknown; webhookUrl?: string; abortSignal?: AbortSignal },
  ): Promise<{ request_id: string }>;
  status(
    id: string,
    o: { requestId: string; logs?: boolean; abortSignal?: AbortSignal },
  ): Promise<Record<string, unknown>>;
  streamStatus(
    id: string,
    o: { requestId: string; logs?: boolean },
  ): Promise<{
    on(type: "data", l: (d: Record<string, unknown>) => void): void;
    done(): Promise<unknown>;
    abort(): void;
  }>;
  result(
    id: string,
    o: { requestId: string; abortSignal?: AbortSignal },
  ): Promise<{ data: unknown; requestId: string }>;
  cancel(id: string, o: { requestId: string; abortSignal?: AbortSignal }): Promise<void>;
};

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
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const mode = options.mode ?? "streaming";

  const nonRetryingFetch: typeof fetch = async (input, init) => {
    let res: Response;
    try {
      res = await baseFetch(input, init);
    } catch (e) {
      throw new NoRetry(e);
    }
    if (!res.ok) throw new NoRetry(await toApiError(res));
    return res;
  };

  const { proxyUrl, credentials } = options;
  // Both would be ambiguous (the client would send the key through the proxy); neither would
  // make the client fall back to FAL_KEY from the environment behind the caller's back.
  if ((proxyUrl !== undefined) === (credentials !== undefined) || proxyUrl === "" || credentials === "") {
    throw new TypeError(
      "createRunner needs exactly one of proxyUrl (through a proxy) or credentials (a fal key, direct)",
    );
  }
  const client = createFalClient({
    ...(proxyUrl !== undefined
      ? {
          proxyUrl: { url: proxyUrl, when: "always" as const },
          // Never send a key through the proxy: the proxy owns it (and in Node, FAL_KEY may be in env).
          credentials: () => undefined,
        }
      : { credentials }),
    fetch: nonRetryingFetch,
    retry: { maxRetries: 0 },
  });
  const queue = client.queue as unknown as LooseQueue;

  /** Retry an idempotent step on network errors and 408/429/5xx, with capped backoff. */
  async function withRetry<T>(
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
  }

  async function upload(blob: Blob): Promise<string> {
    return withRetry("upload", () => client.storage.upload(blob));
  }

  /** Upload Blobs anywhere in the input (as the client would), with our retry policy. */
  async function transformInput(value: unknown): Promise<unknown> {
    if (typeof Blob !== "undefined" && value instanceof Blob) return upload(value);
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

  function toUpdate(requestId: string, raw: Record<string, unknown>, logs: RequestLog[]): QueueUpdate {
    const status = raw.status as QueueUpdate["status"];
    return {
      status,
      requestId,
      queuePosition: typeof raw.queue_position === "number" ? raw.queue_position : undefined,
      logs,
      progress: parseProgress(logs),
    };
  }

  /** Follow via SSE. Resolves true if the stream reported COMPLETED, false if it ended early. */
  async function followStream(
    endpoint: LoraEndpointId,
    requestId: string,
    opts: FollowOptions,
    logs: RequestLog[],
    signal: AbortSignal,
  ): Promise<boolean> {
    const stream = await queue.streamStatus(endpoint, { requestId, logs: true });
    const onAbort = () => stream.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    let completed = false;
    stream.on("data", (d) => {
      if (!d || typeof d !== "object" || typeof d.status !== "string") return;
      if (Array.isArray(d.logs)) logs.push(...(d.logs as RequestLog[]));
      if (d.status === "COMPLETED") completed = true;
      opts.onUpdate?.(toUpdate(requestId, d, [...logs]));
    });
    try {
      await stream.done();
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    return completed;
  }

  async function follow<T>(
    endpoint: LoraEndpointId,
    requestId: string,
    opts: FollowOptions = {},
  ): Promise<RunResult<T>> {
    const controller = new AbortController();
    const stop = (reason: unknown) => controller.abort(reason);
    const onOuterAbort = () => stop(opts.signal!.reason);
    if (opts.signal?.aborted) stop(opts.signal.reason);
    opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
    let timedOut = false;
    const deadline =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop(new DOMException("follow deadline", "TimeoutError"));
          }, opts.timeoutMs)
        : undefined;
    const signal = controller.signal;
    try {
      let completed = false;
      if (mode === "streaming") {
        const logs: RequestLog[] = [];
        try {
          completed = await followStream(endpoint, requestId, opts, logs, signal);
        } catch {
          // Stream unavailable or broken: polling below picks up where it left off.
        }
      }
      while (!completed) {
        if (signal.aborted) throw signal.reason;
        const raw = await withRetry(
          "status",
          () => queue.status(endpoint, { requestId, logs: true, abortSignal: signal }),
          signal,
          requestId,
        );
        const logs = Array.isArray(raw.logs) ? (raw.logs as RequestLog[]) : [];
        opts.onUpdate?.(toUpdate(requestId, raw, logs));
        if (raw.status === "COMPLETED") completed = true;
        else await sleep(pollIntervalMs, signal);
      }
      const res = await withRetry(
        "result",
        () => queue.result(endpoint, { requestId, abortSignal: signal }),
        signal,
        requestId,
      );
      return { data: res.data as T, requestId: res.requestId || requestId };
    } catch (e) {
      if (timedOut) {
        throw new RunnerError({
          kind: "timeout",
          step: "status",
          requestId,
          message: `Gave up waiting for the result after ${opts.timeoutMs} ms; the job may still finish at fal.`,
        });
      }
      if (signal.aborted && !(e instanceof RunnerError && e.kind !== "cancelled")) {
        throw new RunnerError({
          kind: "cancelled",
          step: "status",
          requestId,
          message: "Stopped following the request.",
        });
      }
      throw toRunnerError(e, "status", requestId);
    } finally {
      if (deadline) clearTimeout(deadline);
      opts.signal?.removeEventListener("abort", onOuterAbort);
    }
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
    return follow<T>(endpoint, requestId, opts);
  }

  return { submit, follow, cancel, upload, run };
}
