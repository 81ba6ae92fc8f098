// The editor's batch loop, headless: a scripted run controller stands in for the real one, so each
// test decides when every run ends. Concurrency stays bounded, a 429 on submit is waited out and
// sent again (never dropped), pause/resume/cancel hold, and a saved batch resumes by record id.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { loadWorkflow, serializeWorkflow, type WorkflowDocument } from "../../src/graph";
import { starterDocument } from "../../src/editor/starter";
import { createBatchRunner } from "../../src/editor/batch/batchLoop";
import {
  prepareBatch,
  type BatchController,
  type BatchSaver,
  type BatchSetup,
  type SavedBatch,
} from "../../src/editor/batch/batchRun";
import type { RunJob, RunRecord } from "../../src/editor/run/types";
import { pendingRecord } from "./runRecords";

function starter(): WorkflowDocument {
  const r = loadWorkflow(structuredClone(starterDocument), registry);
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
}

function setupOf(doc: WorkflowDocument, patch: Partial<BatchSetup> = {}): BatchSetup {
  return {
    id: "b1",
    title: "test",
    graph: serializeWorkflow(doc),
    lists: {},
    count: 6,
    concurrency: 2,
    seed: 7,
    seedPolicy: "increment",
    mode: "random",
    ...patch,
  };
}

/** A run controller whose runs end only when the test says so. */
function scriptedController(initial: RunRecord[] = []) {
  let runs: RunRecord[] = initial;
  const listeners = new Set<() => void>();
  const open = new Map<string, (r: RunRecord) => void>();
  const starts: RunJob[] = [];
  const removed: string[] = [];
  const cancelled: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let n = 0;
  const emit = () => listeners.forEach((l) => l());
  const update = (id: string, patch: Partial<RunRecord>) => {
    runs = runs.map((r) => (r.id === id ? { ...r, ...patch } : r));
    emit();
    return runs.find((r) => r.id === id)!;
  };
  const controller: BatchController = {
    getState: () => ({ ready: true, runs, live: {}, connection: "online", storageError: null }),
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    start(job) {
      starts.push(job);
      const rec = pendingRecord(job, `run-${++n}`, n);
      runs = [rec, ...runs];
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      emit();
      return new Promise((resolve) => open.set(rec.id, resolve));
    },
    async cancel(id) {
      cancelled.push(id);
      return { ok: true, outcome: "before-submit" };
    },
    async remove(id) {
      removed.push(id);
      runs = runs.filter((r) => r.id !== id);
      emit();
    },
  };
  return {
    controller,
    starts,
    removed,
    cancelled,
    get maxInFlight() {
      return maxInFlight;
    },
    /** Ids of runs started and not yet ended, oldest first. */
    openIds: () => [...open.keys()],
    end(id: string, patch: Partial<RunRecord> = { status: "completed", images: [{ url: "x" }] }) {
      const resolve = open.get(id)!;
      open.delete(id);
      inFlight--;
      resolve(update(id, patch));
    },
    /** A run the controller follows by itself (resumed after a reload) reaches an end. */
    update,
  };
}

const memorySaver = (saved: SavedBatch | null = null): BatchSaver & { saved: SavedBatch | null } => ({
  saved,
  load() {
    return this.saved;
  },
  save(b) {
    this.saved = b ? structuredClone(b) : null;
  },
});

/** Lets the loop's promise chains run. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

async function until(cond: () => boolean, what: string) {
  for (let i = 0; i < 200 && !cond(); i++) await settle();
  if (!cond()) throw new Error(`never: ${what}`);
}

function runnerFor(fake: ReturnType<typeof scriptedController>, saver = memorySaver(), sleeps: number[] = []) {
  return createBatchRunner({
    controller: async () => fake.controller,
    saver,
    registry,
    sleep: async (ms) => void sleeps.push(ms),
  });
}

describe("the batch loop", () => {
  it("keeps at most `concurrency` runs in flight and finishes every run once", async () => {
    const doc = starter();
    const fake = scriptedController();
    const batches = runnerFor(fake);
    batches.start(prepareBatch(registry, doc, setupOf(doc, { count: 7, concurrency: 3 })));
    await until(() => fake.openIds().length === 3, "three in flight");
    while (fake.starts.length < 7 || fake.openIds().length) {
      await until(() => fake.openIds().length > 0, "a run in flight");
      fake.end(fake.openIds()[0]);
      await settle();
    }
    await batches.done();
    expect(fake.maxInFlight).toBe(3);
    expect(fake.starts).toHaveLength(7);
    expect(new Set(fake.starts.map((j) => j.batch!.index))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(batches.get()!.items.every((it) => it.state === "done")).toBe(true);
  });

  it("waits out a 429 on submit and sends the run again: never dropped, its refused record removed", async () => {
    const doc = starter();
    const fake = scriptedController();
    const sleeps: number[] = [];
    const batches = runnerFor(fake, memorySaver(), sleeps);
    batches.start(prepareBatch(registry, doc, setupOf(doc, { count: 2, concurrency: 1 })));
    const refuse = async (retryAfterSeconds?: number) => {
      await until(() => fake.openIds().length === 1, "a submit");
      fake.end(fake.openIds()[0], {
        status: "failed",
        error: { kind: "http", status: 429, step: "submit", message: "rate limited", retryAfterSeconds },
      });
    };
    const accept = async () => {
      await until(() => fake.openIds().length === 1, "a submit");
      fake.end(fake.openIds()[0]);
    };
    await refuse(3);
    await refuse();
    await accept(); // the third try of run 0 is taken; then run 1
    await accept();
    await batches.done();
    expect(sleeps[0]).toBe(3000); // Retry-After wins over the first backoff step
    expect(sleeps[1]).toBe(2000); // then the backoff doubles
    expect(fake.removed).toHaveLength(2);
    expect(fake.starts.map((j) => j.batch!.index)).toEqual([0, 0, 0, 1]);
    expect(batches.get()!.items.map((it) => it.state)).toEqual(["done", "done"]);
  });

  it("pauses (nothing new is sent), resumes, and cancels: waiting runs skipped, running ones cancelled", async () => {
    const doc = starter();
    const fake = scriptedController();
    const batches = runnerFor(fake);
    batches.start(prepareBatch(registry, doc, setupOf(doc, { count: 6, concurrency: 2 })));
    await until(() => fake.openIds().length === 2, "two in flight");
    batches.pause();
    for (const id of fake.openIds()) fake.end(id);
    await settle();
    expect(fake.starts).toHaveLength(2);
    expect(batches.get()!.paused).toBe(true);
    expect(batches.get()!.finished).toBe(false);

    batches.resume();
    await until(() => fake.openIds().length === 2, "two in flight after resume");
    expect(fake.starts).toHaveLength(4);
    const running = fake.openIds();
    batches.cancel();
    await until(() => fake.cancelled.length === 2, "running runs cancelled");
    expect(fake.cancelled.sort()).toEqual([...running].sort());
    for (const id of running) fake.end(id, { status: "cancelled" });
    await batches.done();
    const s = batches.get()!;
    expect(s.cancelled && s.finished).toBe(true);
    expect(s.items.map((it) => it.state)).toEqual(["done", "done", "failed", "failed", "skipped", "skipped"]);
    expect(fake.starts).toHaveLength(4);
  });

  it("resumes a saved batch by record id: finished runs left alone, in-flight ones followed, the rest sent", async () => {
    const doc = starter();
    const setup = setupOf(doc, { count: 5, concurrency: 2 });
    const plan = prepareBatch(registry, doc, setup);
    const record = (id: string, index: number, status: RunRecord["status"]): RunRecord =>
      ({
        ...plan.runs[index].job!,
        id,
        requestId: `req-${id}`,
        cacheKey: "",
        status,
        createdAt: 1,
        images: [],
      }) as RunRecord;
    const fake = scriptedController([record("old-0", 0, "completed"), record("old-1", 1, "running")]);
    // Run 2's record never made it to the history: its submit never went out.
    const saver = memorySaver({
      setup,
      runIds: { 0: "old-0", 1: "old-1", 2: "lost" },
      paused: false,
      cancelled: false,
      finished: false,
    });
    const batches = runnerFor(fake, saver);
    expect(await batches.resumeSaved()).toBe(true);
    await until(() => fake.openIds().length === 2, "the rest sent");
    expect(fake.starts.map((j) => j.batch!.index)).toEqual([2, 3]);
    expect(batches.get()!.items[0].state).toBe("done");
    expect(batches.get()!.items[1]).toMatchObject({ state: "running", runId: "old-1" });
    // The controller, resuming by request id, brings run 1 to its end.
    fake.update("old-1", { status: "completed" });
    await until(() => batches.get()!.items[1].state === "done", "followed run done");
    while (fake.openIds().length || fake.starts.length < 3) {
      await until(() => fake.openIds().length > 0, "a run in flight");
      fake.end(fake.openIds()[0]);
      await settle();
    }
    await batches.done();
    expect(fake.starts.map((j) => j.batch!.index)).toEqual([2, 3, 4]);
    expect(batches.get()!.items.every((it) => it.state === "done")).toBe(true);
    expect(saver.saved!.finished).toBe(true);
    expect(saver.saved!.runIds[1]).toBe("old-1");
  });

  it("refuses to start a second batch while one runs", async () => {
    const doc = starter();
    const fake = scriptedController();
    const batches = runnerFor(fake);
    const prepared = prepareBatch(registry, doc, setupOf(doc, { count: 1 }));
    batches.start(prepared);
    expect(() => batches.start(prepared)).toThrow(/already running/);
  });
});
