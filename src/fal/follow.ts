/**
 * Following a queued job until its result: the status stream (SSE) when it works, status polls
 * when it does not (or in polling mode), then the result, each idempotent step under our retry
 * loop. Stops on the caller's signal or deadline without cancelling the job at fal.
 */
import { parseProgress } from "./progress.ts";
import { RunnerError, toRunnerError } from "./errors.ts";
import type { Sleep, WithRetry } from "./retry.ts";
import type { FollowOptions, LoraEndpointId, QueueUpdate, RequestLog, RunResult } from "./types.ts";

/** The part of the client's queue API we use, typed loosely (its endpoint typings are wrong for fal-ai/lora). */
export type LooseQueue = {
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

export interface FollowDeps {
  queue: LooseQueue;
  withRetry: WithRetry;
  sleep: Sleep;
  mode: "streaming" | "polling";
  pollIntervalMs: number;
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
  queue: LooseQueue,
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

export async function follow<T>(
  deps: FollowDeps,
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
    if (deps.mode === "streaming") {
      const logs: RequestLog[] = [];
      try {
        completed = await followStream(deps.queue, endpoint, requestId, opts, logs, signal);
      } catch {
        // Stream unavailable or broken: polling below picks up where it left off.
      }
    }
    while (!completed) {
      if (signal.aborted) throw signal.reason;
      const raw = await deps.withRetry(
        "status",
        () => deps.queue.status(endpoint, { requestId, logs: true, abortSignal: signal }),
        signal,
        requestId,
      );
      const logs = Array.isArray(raw.logs) ? (raw.logs as RequestLog[]) : [];
      opts.onUpdate?.(toUpdate(requestId, raw, logs));
      if (raw.status === "COMPLETED") completed = true;
      else await deps.sleep(deps.pollIntervalMs, signal);
    }
    const res = await deps.withRetry(
      "result",
      () => deps.queue.result(endpoint, { requestId, abortSignal: signal }),
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
