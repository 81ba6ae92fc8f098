// Run controller, headless: queue state machine, resume after reload from stored records,
// exactly-once results, result cache. A fake runner stands in for fal; IndexedDB is fake-indexeddb.
import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import {
  RunnerError,
  type FollowOptions,
  type QueueUpdate,
  type Runner,
  type SubmitOptions,
} from "../../src/fal/runner";
import { createRunController, type RunController } from "../../src/editor/run/controller";
import { openRunHistory, type RunHistory } from "../../src/editor/run/history";
import { stableStringify } from "../../src/editor/run/cacheKey";
import type { RunJob, RunRecord } from "../../src/editor/run/types";

/** A scripted fal: each job is completed, failed or cancelled by the test. */
function fakeFal() {
  interface Job {
    id: string;
    input: Record<string, unknown>;
    updates: Set<(u: QueueUpdate) => void>;
    settle?: { data?: unknown; error?: unknown };
    waiters: Set<() => void>;
  }
  const jobs = new Map<string, Job>();
  const calls = { submit: 0, follow: 0, cancel: 0 };
  let nextId = 0;
  let submitError: unknown = null;
  let cancelAnswer: "CANCELLATION_REQUESTED" | "ALREADY_COMPLETED" | "NOT_FOUND" | Error = "CANCELLATION_REQUESTED";

  const runner: Pick<Runner, "submit" | "follow" | "cancel"> = {
    async submit(_endpoint, input, opts: SubmitOptions = {}) {
      calls.submit++;
      await Promise.resolve();
      if (submitError) throw submitError;
      const id = `req-${++nextId}`;
      jobs.set(id, { id, input, updates: new Set(), waiters: new Set() });
      opts.onEnqueue?.(id);
      return id;
    },
    async follow<T>(_endpoint: string, requestId: string, opts: FollowOptions = {}) {
      calls.follow++;
      const job = jobs.get(requestId);
      if (!job) throw new RunnerError({ kind: "http", status: 404, step: "status", requestId, message: "not found" });
      const onUpdate = (u: QueueUpdate) => opts.onUpdate?.(u);
      job.updates.add(onUpdate);
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => job.settle && resolve();
          job.waiters.add(check);
          check();
          opts.signal?.addEventListener(
            "abort",
            () =>
              reject(
                new RunnerError({
                  kind: "cancelled",
                  step: "status",
                  requestId,
                  message: "Stopped following the request.",
                }),
              ),
            { once: true },
          );
        });
      } finally {
        job.updates.delete(onUpdate);
      }
      if (job.settle!.error) throw job.settle!.error;
      return { data: job.settle!.data as T, requestId };
    },
    async cancel(_endpoint, requestId) {
      calls.cancel++;
      if (cancelAnswer instanceof Error) throw cancelAnswer;
      const job = jobs.get(requestId);
      if (cancelAnswer === "CANCELLATION_REQUESTED" && job) {
        finish(requestId, {
          error: new RunnerError({
            kind: "cancelled",
            step: "result",
            requestId,
            message: "The request was cancelled.",
          }),
        });
      }
      return cancelAnswer;
    },
  };

  function finish(id: string, settle: { data?: unknown; error?: unknown }) {
    const job = jobs.get(id)!;
    job.settle = settle;
    for (const w of job.waiters) w();
  }

  return {
    runner,
    calls,
    jobs,
    update(id: string, u: Omit<QueueUpdate, "requestId">) {
      for (const l of jobs.get(id)!.updates) l({ ...u, requestId: id });
    },
    complete(id: string, seed = 7) {
      finish(id, {
        data: { images: [{ url: `https://cdn.test/${id}.png`, width: 8, height: 8, content_type: "image/png" }], seed },
      });
    },
    fail(id: string, error: unknown) {
      finish(id, { error });
    },
    failSubmit(e: unknown) {
      submitError = e;
    },
    answerCancel(a: typeof cancelAnswer) {
      cancelAnswer = a;
    },
  };
}

let dbn = 0;
const opened: { history: RunHistory; ctl: RunController }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) {
    o.ctl.dispose();
    o.history.close();
  }
});

async function page(dbName: string, fal: ReturnType<typeof fakeFal>, fetched: string[] = []) {
  const history = await openRunHistory(dbName);
  let id = 0;
  const ctl = createRunController({
    runner: fal.runner,
    history,
    newId: () => `${dbName}-run-${++id}-${Math.random().toString(36).slice(2, 6)}`,
    fetchImage: async (url) => {
      fetched.push(url);
      return { bytes: new TextEncoder().encode(`bytes of ${url}`).buffer as ArrayBuffer, type: "image/png" };
    },
  });
  opened.push({ history, ctl });
  await ctl.init();
  return { history, ctl };
}

const job = (over: Partial<RunJob> = {}): RunJob => ({
  endpoint: "fal-ai/lora",
  input: { model_name: "m", prompt: "a cat", seed: 42 },
  sourceMap: { prompt: { nodeId: "p1", field: "text" } },
  outputNodeId: "sampler",
  graph: '{"format":"lora-graph/workflow"}',
  title: "Test",
  ...over,
});

const tick = () => new Promise((r) => setTimeout(r, 0));
async function until(cond: () => boolean, what: string) {
  for (let i = 0; i < 200 && !cond(); i++) await tick();
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

const statusOf = (ctl: RunController, id?: string) =>
  (id ? ctl.getState().runs.find((r) => r.id === id) : ctl.getState().runs[0])?.status;

describe("queue state machine", () => {
  it("pending → queued → running → completed; records the request id at enqueue, progress live, images copied", async () => {
    const fal = fakeFal();
    const fetched: string[] = [];
    const { ctl, history } = await page(`runs-${++dbn}`, fal, fetched);
    const seen: string[] = [];
    ctl.subscribe(() => {
      const s = statusOf(ctl);
      if (s && seen.at(-1) !== s) seen.push(s);
    });
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    const id = ctl.getState().runs[0].id;
    // The request id is on disk while the job is still queued.
    await ctl.flush();
    expect((await history.list()).find((r) => r.id === id)?.requestId).toBe("req-1");
    fal.update("req-1", { status: "IN_QUEUE", queuePosition: 3, logs: [], progress: null });
    expect(ctl.getState().live[id].queuePosition).toBe(3);
    fal.update("req-1", { status: "IN_PROGRESS", logs: [{ message: "Step 4/30" }], progress: { step: 4, total: 30 } });
    expect(ctl.getState().live[id].progress).toEqual({ step: 4, total: 30 });
    expect(statusOf(ctl)).toBe("running");
    fal.complete("req-1", 1234);
    const final = await done;
    expect(seen).toEqual(["pending", "queued", "running", "completed"]);
    expect(final).toMatchObject({
      status: "completed",
      seed: 1234,
      requestId: "req-1",
      images: [{ url: "https://cdn.test/req-1.png", storedKey: `${id}:0` }],
    });
    expect(final.finishedAt).toBeGreaterThanOrEqual(final.createdAt);
    expect(ctl.getState().live[id]).toBeUndefined();
    expect(fetched).toEqual(["https://cdn.test/req-1.png"]);
    const img = await ctl.readImage(`${id}:0`);
    expect(new TextDecoder().decode(img!.bytes)).toBe("bytes of https://cdn.test/req-1.png");
    await ctl.flush();
    expect((await history.list())[0]).toMatchObject({ status: "completed", images: [{ storedKey: `${id}:0` }] });
  });

  it("a failed submit is not retried and keeps the error with its step", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    fal.failSubmit(
      new RunnerError({
        kind: "network",
        step: "submit",
        message: "Submitting failed: network error (Failed to fetch).",
      }),
    );
    const r = await ctl.start(job());
    expect(fal.calls.submit).toBe(1);
    expect(r).toMatchObject({ status: "failed", error: { kind: "network", step: "submit" } });
  });

  it("a job failing at fal keeps the request id, status and message", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    fal.fail(
      "req-1",
      new RunnerError({
        kind: "http",
        status: 500,
        step: "result",
        requestId: "req-1",
        message: "Fetching the result failed (HTTP 500): boom",
      }),
    );
    expect(await done).toMatchObject({
      status: "failed",
      error: { kind: "http", status: 500, step: "result", requestId: "req-1" },
    });
  });

  it("a result without image URLs (or with javascript: URLs) is a failure, not an empty success", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    fal.jobs.get("req-1")!.settle = undefined;
    const j = fal.jobs.get("req-1")!;
    j.settle = { data: { images: [{ url: "javascript:alert(1)" }], seed: 1 } };
    for (const w of j.waiters) w();
    expect(await done).toMatchObject({ status: "failed", error: { kind: "bad-result", requestId: "req-1" } });
  });
});

describe("cancel (EXE-03)", () => {
  it("while queued: cancel is sent, the run ends cancelled", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    const r = await ctl.cancel(ctl.getState().runs[0].id);
    expect(r).toEqual({ ok: true, outcome: "CANCELLATION_REQUESTED" });
    expect(await done).toMatchObject({ status: "cancelled" });
    expect(fal.calls.cancel).toBe(1);
  });

  it("before fal answered the submit: the cancel goes out right after enqueue", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "pending", "pending");
    expect(await ctl.cancel(ctl.getState().runs[0].id)).toEqual({ ok: true, outcome: "before-submit" });
    expect(await done).toMatchObject({ status: "cancelled", requestId: "req-1" });
    expect(fal.calls.cancel).toBe(1);
  });

  it("already completed: the result is still shown", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    fal.answerCancel("ALREADY_COMPLETED");
    expect(await ctl.cancel(ctl.getState().runs[0].id)).toEqual({ ok: true, outcome: "ALREADY_COMPLETED" });
    fal.complete("req-1");
    expect(await done).toMatchObject({ status: "completed" });
  });

  it("cancel failing on the network leaves the run going and says why", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    fal.answerCancel(
      new RunnerError({
        kind: "network",
        step: "cancel",
        message: "Cancelling failed: network error (Failed to fetch).",
      }),
    );
    const id = ctl.getState().runs[0].id;
    expect(await ctl.cancel(id)).toMatchObject({ ok: false, message: expect.stringContaining("Cancelling failed") });
    expect(statusOf(ctl, id)).toBe("queued");
    expect(ctl.getState().live[id].cancelling).toBe(false);
    fal.complete("req-1");
    expect(await done).toMatchObject({ status: "completed" });
  });
});

describe("reload mid-run (EXE-02)", () => {
  it("resumes from the stored request id, never submits again, applies the result once", async () => {
    const fal = fakeFal();
    const db = `runs-${++dbn}`;
    const first = await page(db, fal);
    void first.ctl.start(job());
    await until(() => statusOf(first.ctl) === "queued", "queued");
    fal.update("req-1", { status: "IN_PROGRESS", logs: [], progress: { step: 1, total: 30 } });
    await first.ctl.flush();
    // The page goes away mid-run.
    first.ctl.dispose();
    first.history.close();

    const fetched: string[] = [];
    const second = await page(db, fal, fetched);
    expect(second.ctl.getState().runs).toHaveLength(1);
    expect(second.ctl.getState().runs[0]).toMatchObject({ status: "running", requestId: "req-1" });
    expect(fal.calls.follow).toBe(2);
    let completions = 0;
    let prev = statusOf(second.ctl);
    second.ctl.subscribe(() => {
      const s = statusOf(second.ctl);
      if (s === "completed" && prev !== "completed") completions++;
      prev = s;
    });
    fal.complete("req-1");
    await until(() => statusOf(second.ctl) === "completed", "completed");
    await until(() => fetched.length === 1, "image copy");
    await second.ctl.flush();
    expect(fal.calls.submit).toBe(1);
    expect(fetched).toHaveLength(1);
    // A second init (another mount) must not follow or apply again.
    await second.ctl.init();
    expect(fal.calls.follow).toBe(2);
    expect(second.ctl.getState().runs).toHaveLength(1);
    expect((await second.history.list()).filter((r) => r.status === "completed")).toHaveLength(1);
    expect(completions).toBe(1);
  });

  it("a record left pending (closed before fal answered) is marked interrupted, not resubmitted", async () => {
    const fal = fakeFal();
    const db = `runs-${++dbn}`;
    const history = await openRunHistory(db);
    const rec: RunRecord = { ...job(), id: "x", cacheKey: "k", status: "pending", createdAt: 1, images: [] };
    await history.put(rec);
    history.close();
    const { ctl } = await page(db, fal);
    expect(ctl.getState().runs[0]).toMatchObject({ status: "failed", error: { kind: "interrupted" } });
    expect(fal.calls.submit + fal.calls.follow).toBe(0);
  });

  it("a request fal no longer knows (404) fails with an explanation", async () => {
    const fal = fakeFal();
    const db = `runs-${++dbn}`;
    const history = await openRunHistory(db);
    await history.put({
      ...job(),
      id: "y",
      cacheKey: "k",
      status: "queued",
      requestId: "gone",
      createdAt: 1,
      images: [],
    });
    history.close();
    const { ctl } = await page(db, fal);
    await until(() => statusOf(ctl) === "failed", "failed");
    expect(ctl.getState().runs[0].error?.message).toMatch(/no longer knows request gone/);
  });
});

describe("result cache", () => {
  it("offers a finished identical request with a fixed seed, regardless of key order; never without a seed", async () => {
    const fal = fakeFal();
    const { ctl } = await page(`runs-${++dbn}`, fal);
    const done = ctl.start(job());
    await until(() => statusOf(ctl) === "queued", "queued");
    // Not offered while unfinished.
    expect(ctl.findCached("fal-ai/lora", { seed: 42, prompt: "a cat", model_name: "m" })).toBeUndefined();
    fal.complete("req-1");
    const first = await done;
    expect(ctl.findCached("fal-ai/lora", { seed: 42, prompt: "a cat", model_name: "m" })?.id).toBe(first.id);
    expect(
      ctl.findCached("fal-ai/lora/image-to-image", { seed: 42, prompt: "a cat", model_name: "m" }),
    ).toBeUndefined();
    expect(ctl.findCached("fal-ai/lora", { seed: 43, prompt: "a cat", model_name: "m" })).toBeUndefined();
    expect(ctl.findCached("fal-ai/lora", { prompt: "a cat", model_name: "m" })).toBeUndefined();

    const reused = await ctl.useCached(first, job());
    expect(reused).toMatchObject({ status: "completed", cachedFrom: first.id, images: first.images });
    expect(fal.calls.submit).toBe(1);
  });

  it("stableStringify ignores key order and undefined", () => {
    expect(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
});

describe("image copies are bounded", () => {
  it("evicts the oldest copies beyond the total; the run keeps its CDN URL", async () => {
    const fal = fakeFal();
    const history = await openRunHistory(`runs-${++dbn}`);
    const ctl = createRunController({
      runner: fal.runner,
      history,
      limits: { maxStoredBytes: 150, maxImageBytes: 100 },
      fetchImage: async (url, max) => {
        const bytes = new Uint8Array(url.includes("req-3") ? 500 : 80).buffer;
        return bytes.byteLength > max ? null : { bytes, type: "image/png" };
      },
    });
    opened.push({ history, ctl });
    await ctl.init();
    const runs: RunRecord[] = [];
    for (let i = 1; i <= 3; i++) {
      const done = ctl.start(job());
      await until(() => fal.jobs.has(`req-${i}`), "enqueue");
      fal.complete(`req-${i}`);
      runs.push(await done);
    }
    // 80 + 80 > 150: the first copy was evicted; the third (500 bytes) was too big to copy at all.
    expect(runs.map((r) => r.images[0].storedKey !== undefined)).toEqual([true, true, false]);
    const now = ctl.getState().runs;
    expect(now.find((r) => r.id === runs[0].id)!.images[0].storedKey).toBeUndefined();
    await ctl.flush();
    expect((await history.list()).find((r) => r.id === runs[0].id)!.images[0].storedKey).toBeUndefined();
    expect(await ctl.readImage(`${runs[0].id}:0`)).toBeUndefined();
    expect(await ctl.readImage(`${runs[1].id}:0`)).toBeDefined();
    expect(now.every((r) => r.images[0].url.startsWith("https://cdn.test/"))).toBe(true);
  });
});

describe("connection state", () => {
  it("reports reconnecting and back", async () => {
    const { ctl } = await page(`runs-${++dbn}`, fakeFal());
    let n = 0;
    ctl.subscribe(() => n++);
    ctl.setConnection("reconnecting");
    ctl.setConnection("reconnecting");
    expect(ctl.getState().connection).toBe("reconnecting");
    ctl.setConnection("online");
    expect(n).toBe(2);
  });
});
