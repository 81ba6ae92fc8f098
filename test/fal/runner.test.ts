import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { PNG } from "pngjs";
import {
  createRunner,
  parseProgress,
  RunnerError,
  type QueueUpdate,
  type Runner,
  type RunnerOptions,
} from "../../src/fal/runner.ts";
import type { OpFault } from "../../src/server/standin/index.ts";
import { sleep } from "../../src/shared/sleep.ts";
import { startServer, type StartedServer } from "../harness/server.ts";

const MODEL = "stabilityai/stable-diffusion-xl-base-1.0";
const INPUT = { model_name: MODEL, prompt: "a lighthouse", num_inference_steps: 3, image_size: "square" };

let srv: StartedServer;
const fast: Partial<RunnerOptions> = { pollIntervalMs: 15, retry: { baseDelayMs: 10, maxDelayMs: 40, budgetMs: 1500 } };
const runner = (extra: Partial<RunnerOptions> = {}): Runner =>
  createRunner({ proxyUrl: srv.proxyUrl, ...fast, ...extra });

beforeAll(async () => {
  srv = await startServer({ standinOptions: { latencyMs: 40, queueDelayMs: 15 }, limits: { upstreamTimeoutMs: 200 } });
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.standin!.faults.clear();
  srv.standin!.resetStats();
});

const calls = () => srv.standin!.stats().calls;

/**
 * A runner whose requests and waits can be watched. Polling can only go on through a request
 * on the wire or a pending wait, so "both are zero once the last request has settled" proves
 * that it stopped, without watching the clock for a while.
 */
function observedRunner(extra: Partial<RunnerOptions> = {}) {
  let inFlight = 0;
  let waits = 0;
  const settled = new Set<() => void>();
  const r = runner({
    ...extra,
    fetch: async (input, init) => {
      inFlight += 1;
      try {
        return await fetch(input, init);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) for (const f of [...settled]) f();
      }
    },
    sleep: async (ms, signal) => {
      waits += 1;
      try {
        await sleep(ms, signal);
      } finally {
        waits -= 1;
      }
    },
  });
  const idle = () =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            settled.delete(done);
            resolve();
          };
          settled.add(done);
        });
  return { runner: r, idle, pending: () => ({ inFlight, waits }) };
}

/** Resolves with the first update a follow reports (the first poll or stream event has arrived). */
function firstUpdate(): { onUpdate: (u: QueueUpdate) => void; seen: Promise<QueueUpdate> } {
  let resolve!: (u: QueueUpdate) => void;
  const seen = new Promise<QueueUpdate>((r) => (resolve = r));
  return { onUpdate: (u) => resolve(u), seen };
}

async function rejection(p: Promise<unknown>): Promise<RunnerError> {
  const e = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RunnerError);
  return e as RunnerError;
}

describe("runner happy paths", () => {
  it.each(["polling", "streaming"] as const)(
    "runs a job end to end (%s) with onEnqueue and progress updates",
    async (mode) => {
      const enqueued: string[] = [];
      const updates: QueueUpdate[] = [];
      const res = await runner({ mode }).run<{ images: { width: number }[] }>("fal-ai/lora", INPUT, {
        onEnqueue: (id) => enqueued.push(id),
        onUpdate: (u) => updates.push(u),
      });
      expect(enqueued).toEqual([res.requestId]);
      expect(res.data.images[0].width).toBe(512);
      expect(updates[updates.length - 1].status).toBe("COMPLETED");
      const progress = updates.map((u) => u.progress).filter((p) => p !== null);
      expect(progress[progress.length - 1]).toEqual({ step: 3, total: 3 });
      expect(calls().submit).toBe(1);
      expect(calls()[mode === "streaming" ? "stream" : "status"]).toBeGreaterThan(0);
    },
  );

  it("uploads Blobs in the input before submitting and never sends credentials", async () => {
    const prev = process.env.FAL_KEY;
    process.env.FAL_KEY = "fal-canary-env-key";
    const sent: Headers[] = [];
    try {
      const png = new PNG({ width: 8, height: 8 });
      const blob = new Blob([PNG.sync.write(png) as BlobPart], { type: "image/png" });
      const r = runner({
        fetch: (input, init) => {
          sent.push(new Headers(init?.headers));
          return fetch(input, init);
        },
      });
      const res = await r.run<{ images: { width: number }[] }>("fal-ai/lora/image-to-image", {
        ...INPUT,
        image_size: undefined,
        image_url: blob,
      });
      expect(res.data.images[0].width).toBe(768);
      expect(calls()).toMatchObject({ upload: 1, uploadPut: 1, submit: 1 });
      expect(sent.length).toBeGreaterThan(3);
      for (const h of sent) expect(h.get("authorization")).toBeNull();
    } finally {
      if (prev === undefined) delete process.env.FAL_KEY;
      else process.env.FAL_KEY = prev;
    }
  });

  it("upload(blob) returns a URL serving the same bytes", async () => {
    const url = await runner().upload(new Blob(["hello"], { type: "text/plain" }));
    expect(await (await fetch(url)).text()).toBe("hello");
  });

  it("maps a 422 to kind validation with fal's field errors, at the submit step", async () => {
    const e = await rejection(runner().run("fal-ai/lora", { model_name: MODEL, prompt: "x", num_images: 0 }));
    expect(e.kind).toBe("validation");
    expect(e.step).toBe("submit");
    expect(e.status).toBe(422);
    expect(e.fieldErrors?.map((f) => f.loc)).toContainEqual(["body", "num_images"]);
  });
});

describe("EXE-01 fault matrix", () => {
  // Faults on idempotent steps: the runner retries and the job completes, with one submit.
  // [name, fault, mode, minimum calls of the faulted op (a retry shows as a second call)]
  const recoverable: Array<[string, OpFault, RunnerOptions["mode"], number]> = [
    ["status 502 ×2", { op: "status", kind: "http", status: 502, times: 2 }, "polling", 3],
    ["status 500", { op: "status", kind: "http", status: 500 }, "polling", 2],
    ["status 429 with Retry-After", { op: "status", kind: "http", status: 429, retryAfterSeconds: 1 }, "polling", 2],
    ["status dropped connection", { op: "status", kind: "drop" }, "polling", 2],
    ["status delayed", { op: "status", kind: "delay", ms: 60 }, "polling", 1],
    ["result 503", { op: "result", kind: "http", status: 503 }, "polling", 2],
    ["result 504", { op: "result", kind: "http", status: 504 }, "polling", 2],
    ["result hangs (proxy 504)", { op: "result", kind: "hang" }, "polling", 2],
    ["result dropped connection", { op: "result", kind: "drop" }, "polling", 2],
    ["upload 502", { op: "upload", kind: "http", status: 502 }, "polling", 2],
    ["upload PUT dropped", { op: "uploadPut", kind: "drop" }, "polling", 2],
    ["submit delayed", { op: "submit", kind: "delay", ms: 50 }, "polling", 1],
  ];
  it.each(recoverable)("EXE-01 recovers from %s with exactly one submit", async (_name, fault, mode, minCalls) => {
    srv.standin!.faults.add(fault);
    const withImage = fault.op.startsWith("upload");
    const endpoint = withImage ? "fal-ai/lora/image-to-image" : "fal-ai/lora";
    const input = withImage
      ? { ...INPUT, image_size: undefined, image_url: new Blob(["img"], { type: "image/png" }) }
      : INPUT;
    const res = await runner({ mode }).run<{ images: unknown[] }>(endpoint, input);
    expect(res.data.images).toHaveLength(1);
    expect(calls().submit).toBe(1);
    expect(calls()[fault.op]).toBeGreaterThanOrEqual(minCalls);
  });

  it.each([
    ["500", { op: "stream", kind: "http", status: 500 }],
    ["dropped connection", { op: "stream", kind: "drop" }],
  ] as Array<[string, OpFault]>)("EXE-01 a status stream failing with %s falls back to polling", async (_n, fault) => {
    srv.standin!.faults.add(fault);
    const res = await runner({ mode: "streaming" }).run<{ images: unknown[] }>("fal-ai/lora", INPUT);
    expect(res.data.images).toHaveLength(1);
    expect(calls()).toMatchObject({ submit: 1, stream: 1, result: 1 });
    expect(calls().status).toBeGreaterThanOrEqual(1);
  });

  // Submit is never retried: an ambiguous failure could have queued the job already.
  const submitFaults: Array<[string, OpFault, string]> = [
    ["502", { op: "submit", kind: "http", status: 502 }, "http"],
    ["429", { op: "submit", kind: "http", status: 429 }, "http"],
    ["503", { op: "submit", kind: "http", status: 503 }, "http"],
    ["dropped connection", { op: "submit", kind: "drop" }, "network"],
    ["hang (proxy 504)", { op: "submit", kind: "hang" }, "timeout"],
  ];
  it.each(submitFaults)("EXE-01 submit %s fails once, is not resent, and names the step", async (_n, fault, kind) => {
    srv.standin!.faults.add(fault);
    const enqueued: string[] = [];
    const e = await rejection(runner().run("fal-ai/lora", INPUT, { onEnqueue: (id) => enqueued.push(id) }));
    expect(e.step).toBe("submit");
    expect(e.kind).toBe(kind);
    expect(e.message.length).toBeGreaterThan(10);
    expect(enqueued).toEqual([]);
    expect(calls().submit).toBe(1);
  });

  it("EXE-01 gives up on a persistent status failure after the retry budget, naming step and request id", async () => {
    srv.standin!.faults.add({ op: "status", kind: "http", status: 502, times: 1000 });
    const r = runner({ mode: "polling", retry: { baseDelayMs: 10, maxDelayMs: 30, budgetMs: 200 } });
    let id = "";
    const e = await rejection(r.run("fal-ai/lora", INPUT, { onEnqueue: (x) => (id = x) }));
    expect(e).toMatchObject({ kind: "http", step: "status", status: 502, requestId: id });
    expect(calls().submit).toBe(1);
  });

  it("EXE-01 a failed job surfaces as an error at the result step, without retries", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "jobError", status: 500, detail: "CUDA out of memory" });
    const e = await rejection(runner().run("fal-ai/lora", INPUT));
    expect(e).toMatchObject({ kind: "http", step: "result", status: 500 });
    expect(e.message).toContain("CUDA out of memory");
    expect(calls().result).toBe(1);
  });

  it("EXE-01 follows through an offline period and gets the result once", async () => {
    // The outage ends when the runner has run into it, not after a time: no race between the
    // outage's length and the retries on a busy machine.
    let refused = 0;
    const r = runner({
      retry: { baseDelayMs: 20, maxDelayMs: 60, budgetMs: 3000 },
      fetch: async (input, init) => {
        try {
          return await fetch(input, init);
        } catch (e) {
          if (srv.standin!.isOffline()) {
            refused += 1;
            srv.standin!.faults.clear();
          }
          throw e;
        }
      },
    });
    const id = await r.submit("fal-ai/lora", INPUT);
    srv.standin!.faults.add({ kind: "offline", ms: 600_000 });
    const res = await r.follow<{ images: unknown[] }>("fal-ai/lora", id);
    expect(refused).toBe(1);
    expect(res.requestId).toBe(id);
    expect(res.data.images).toHaveLength(1);
    expect(calls().submit).toBe(1);
    expect(calls().result).toBe(1);
  });

  it("EXE-01 a job stuck in the queue hits the follow deadline as kind timeout", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "stuck" });
    const r = runner();
    const id = await r.submit("fal-ai/lora", INPUT);
    const e = await rejection(r.follow("fal-ai/lora", id, { timeoutMs: 120 }));
    expect(e).toMatchObject({ kind: "timeout", requestId: id });
  });
});

describe("EXE-03 cancel", () => {
  it("EXE-03 cancel while queued: CANCELLATION_REQUESTED, follow ends as cancelled, polling stops", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "stuck" });
    const { runner: r, idle, pending } = observedRunner({ mode: "polling" });
    const id = await r.submit("fal-ai/lora", INPUT);
    const first = firstUpdate();
    const following = r.follow("fal-ai/lora", id, { onUpdate: first.onUpdate });
    expect((await first.seen).status).toBe("IN_QUEUE");
    expect(await r.cancel("fal-ai/lora", id)).toBe("CANCELLATION_REQUESTED");
    const e = await rejection(following);
    expect(e).toMatchObject({ kind: "cancelled", requestId: id });
    await idle();
    expect(pending()).toEqual({ inFlight: 0, waits: 0 });
  });

  it("EXE-03 cancel while in progress (streaming)", async () => {
    // A job that would run for ten minutes: the cancel cannot come too late on a busy machine.
    const slow = await startServer({ standinOptions: { latencyMs: 600_000, queueDelayMs: 0 } });
    try {
      const r = createRunner({ proxyUrl: slow.proxyUrl, mode: "streaming", ...fast });
      const id = await r.submit("fal-ai/lora", INPUT);
      let inProgress!: () => void;
      const started = new Promise<void>((res) => (inProgress = res));
      const following = r.follow("fal-ai/lora", id, { onUpdate: (u) => u.status === "IN_PROGRESS" && inProgress() });
      await started;
      expect(await r.cancel("fal-ai/lora", id)).toBe("CANCELLATION_REQUESTED");
      expect((await rejection(following)).kind).toBe("cancelled");
    } finally {
      await slow.close();
    }
  });

  it("EXE-03 cancel after completion → ALREADY_COMPLETED; unknown id → NOT_FOUND", async () => {
    const r = runner();
    const { requestId } = await r.run("fal-ai/lora", INPUT);
    expect(await r.cancel("fal-ai/lora", requestId)).toBe("ALREADY_COMPLETED");
    expect(await r.cancel("fal-ai/lora", "00000000-0000-0000-0000-000000000000")).toBe("NOT_FOUND");
  });

  it("EXE-03 cancel while offline is a network error at the cancel step", async () => {
    const r = runner({ retry: { baseDelayMs: 10, maxDelayMs: 20, budgetMs: 100 } });
    // Offline until the test ends it, however long the retries take.
    srv.standin!.faults.add({ kind: "offline", ms: 600_000 });
    try {
      const e = await rejection(r.cancel("fal-ai/lora", "00000000-0000-0000-0000-000000000000"));
      expect(e).toMatchObject({ kind: "network", step: "cancel" });
    } finally {
      srv.standin!.faults.clear();
    }
  });

  it("EXE-03 aborting follow stops polling without cancelling the job", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "stuck" });
    const { runner: r, idle, pending } = observedRunner({ mode: "polling" });
    const id = await r.submit("fal-ai/lora", INPUT);
    const ac = new AbortController();
    const first = firstUpdate();
    const following = r.follow("fal-ai/lora", id, { signal: ac.signal, onUpdate: first.onUpdate });
    await first.seen;
    ac.abort();
    expect((await rejection(following)).kind).toBe("cancelled");
    // A poll already on the wire when we aborted may still land; after that, nothing is scheduled.
    await idle();
    expect(pending()).toEqual({ inFlight: 0, waits: 0 });
    expect(calls().cancel).toBe(0);
    const status = await fetch(srv.proxyUrl, {
      headers: { "x-fal-target-url": `https://queue.fal.run/fal-ai/lora/requests/${id}/status` },
    });
    expect(((await status.json()) as { status: string }).status).toBe("IN_QUEUE");
  });
});

describe("parseProgress", () => {
  it("finds the latest step in fal logs", () => {
    expect(parseProgress([{ message: "Loading" }, { message: "Step 3/30" }, { message: "Step 4/30" }])).toEqual({
      step: 4,
      total: 30,
    });
    expect(parseProgress([{ message: " 40%|████      | 12/30 [00:02<00:03,  5.1it/s]" }])).toEqual({
      step: 12,
      total: 30,
    });
    expect(parseProgress([{ message: "Step 31/30" }])).toBeNull();
    expect(parseProgress([])).toBeNull();
    expect(parseProgress(null)).toBeNull();
  });

  it("never throws and round-trips any Step i/N line", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ message: fc.string() })),
        fc.nat(1000),
        fc.integer({ min: 1, max: 1000 }),
        (noise, a, total) => {
          const step = Math.min(a, total);
          expect(() => parseProgress(noise)).not.toThrow();
          expect(parseProgress([...noise, { message: `Step ${step}/${total}` }])).toEqual({ step, total });
        },
      ),
    );
    fc.assert(fc.property(fc.anything(), (x) => void parseProgress(x as never)));
  });
});
