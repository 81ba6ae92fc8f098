// Following a submitted run to its end: live updates, the result applied exactly once, failures
// and cancels recorded. Part of the run controller (controller.ts).
import type { QueueUpdate, Runner } from "../../fal/runner";
import type { CancelResult, RunLimits } from "./controller";
import { copyImages, parseResult, type ImageCopier } from "./runImages";
import { toRunError } from "./runErrors";
import { TERMINAL, type RunRecord } from "./types";

/** What the controller's parts share. */
export interface RunContext extends ImageCopier {
  readonly runner: Pick<Runner, "submit" | "follow" | "cancel">;
  readonly limits: RunLimits;
  /** Runs being followed, by id; aborting one stops following it. */
  readonly following: Map<string, AbortController>;
  /** Set by dispose: the page is going away, unfinished runs stay unfinished for the next start. */
  disposed: boolean;
}

function onUpdate(ctx: RunContext, id: string, u: QueueUpdate) {
  const { ledger, limits } = ctx;
  const logs = u.logs.length > limits.maxLogLines ? u.logs.slice(-limits.maxLogLines) : u.logs;
  ledger.setLive(id, {
    queuePosition: u.status === "IN_QUEUE" ? u.queuePosition : undefined,
    logs,
    progress: u.progress,
  });
  const cur = ledger.find(id);
  if (cur && cur.status === "queued" && u.status !== "IN_QUEUE")
    ledger.update(id, { status: "running", startedAt: ctx.now() });
}

async function complete(ctx: RunContext, id: string, data: unknown): Promise<RunRecord | undefined> {
  const { ledger } = ctx;
  const cur = ledger.find(id);
  // Exactly once: a result that arrives for a finished run (a second follower) is ignored.
  if (!cur || TERMINAL.has(cur.status)) return cur;
  const parsed = parseResult(data);
  ledger.setLive(id, null);
  if (!parsed || parsed.images.length === 0) {
    return ledger.update(id, {
      status: "failed",
      finishedAt: ctx.now(),
      error: {
        kind: "bad-result",
        requestId: cur.requestId,
        step: "result",
        message: "fal answered without any image URL.",
      },
    });
  }
  const done = ledger.update(id, {
    status: "completed",
    finishedAt: ctx.now(),
    images: parsed.images,
    seed: parsed.seed ?? (cur.input.seed as number | undefined),
  });
  await ledger.writes;
  return done ? copyImages(ctx, done) : done;
}

export function fail(ctx: RunContext, id: string, e: unknown): RunRecord | undefined {
  const { ledger } = ctx;
  const cur = ledger.find(id);
  if (!cur || TERMINAL.has(cur.status)) return cur;
  ledger.setLive(id, null);
  const error = toRunError(e);
  if (error.kind === "cancelled" && cur.cancelRequested)
    return ledger.update(id, { status: "cancelled", finishedAt: ctx.now(), error: undefined });
  if (error.status === 404 && error.step !== "submit") {
    error.message = `fal no longer knows request ${cur.requestId} (results are kept for a limited time, or it was never queued).`;
  }
  return ledger.update(id, {
    status: error.kind === "cancelled" ? "cancelled" : "failed",
    finishedAt: ctx.now(),
    error: { ...error, requestId: error.requestId ?? cur.requestId },
  });
}

export async function follow(ctx: RunContext, id: string): Promise<RunRecord | undefined> {
  const { ledger, following } = ctx;
  const cur = ledger.find(id);
  if (!cur?.requestId || TERMINAL.has(cur.status) || following.has(id)) return cur;
  const ac = new AbortController();
  following.set(id, ac);
  try {
    const res = await ctx.runner.follow(cur.endpoint, cur.requestId, {
      signal: ac.signal,
      onUpdate: (u) => !ac.signal.aborted && onUpdate(ctx, id, u),
    });
    if (ac.signal.aborted) return ledger.find(id);
    return await complete(ctx, id, res.data);
  } catch (e) {
    // Stopped by dispose (page going away): leave the record unfinished so the next start resumes it.
    if (ctx.disposed || (ac.signal.aborted && !ledger.find(id)?.cancelRequested)) return ledger.find(id);
    return fail(ctx, id, e);
  } finally {
    following.delete(id);
  }
}

const unfinished = (ctx: RunContext, id: string) => {
  const r = ctx.ledger.find(id);
  return !!r && !TERMINAL.has(r.status);
};

export async function sendCancel(ctx: RunContext, id: string): Promise<CancelResult> {
  const { ledger } = ctx;
  const cur = ledger.find(id);
  if (!cur?.requestId) return { ok: true, outcome: "before-submit" };
  ledger.setLive(id, { cancelling: true });
  try {
    const outcome = await ctx.runner.cancel(cur.endpoint, cur.requestId);
    if (outcome === "NOT_FOUND") {
      ctx.following.get(id)?.abort();
      ledger.update(id, {
        status: "cancelled",
        finishedAt: ctx.now(),
        error: {
          kind: "cancelled",
          message: `fal did not find request ${cur.requestId} to cancel.`,
          requestId: cur.requestId,
        },
      });
      ledger.setLive(id, null);
    } else if (unfinished(ctx, id)) {
      ledger.setLive(id, { cancelling: false });
    }
    // CANCELLATION_REQUESTED: the follower sees the job end as cancelled.
    // ALREADY_COMPLETED: the follower fetches the result as usual.
    return { ok: true, outcome };
  } catch (e) {
    ledger.update(id, { cancelRequested: false });
    if (unfinished(ctx, id)) ledger.setLive(id, { cancelling: false });
    return { ok: false, message: toRunError(e).message };
  }
}
