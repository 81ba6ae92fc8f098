// A batch and the run history's cap (300 runs): the newest batch's runs are never pruned, so a
// reload mid-batch finds every finished run's record (none is sent again) and no recorded value is
// lost while the batch runs. The real run controller over fake-indexeddb; a scripted fal.
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { loadWorkflow, serializeWorkflow, type WorkflowDocument } from "../../src/graph";
import { starterDocument } from "../../src/editor/starter";
import { createBatchRunner } from "../../src/editor/batch/batchLoop";
import { prepareBatch, type BatchSaver, type SavedBatch } from "../../src/editor/batch/batchRun";
import { createRunController } from "../../src/editor/run/controller";
import { openRunHistory, prunable } from "../../src/editor/run/history";
import type { Runner } from "../../src/fal/runner";
import type { RunRecord } from "../../src/editor/run/types";
import { completedRecord, pendingRecord } from "./runRecords";

function starter(): WorkflowDocument {
  const r = loadWorkflow(structuredClone(starterDocument), registry);
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
}

/** fal, scripted: `hold` jobs (by submit order, from 1) stay running until released. */
function scriptedFal(hold: Set<number>) {
  let submits = 0;
  const gates = new Map<string, () => void>();
  const released = new Set<string>();
  const runner: Pick<Runner, "submit" | "follow" | "cancel"> = {
    async submit(_endpoint, _input, opts = {}) {
      const id = `req-${++submits}`;
      if (!hold.has(submits)) released.add(id);
      opts.onEnqueue?.(id);
      return id;
    },
    async follow<T>(_endpoint: string, id: string, opts: { signal?: AbortSignal } = {}) {
      if (!released.has(id))
        await new Promise<void>((resolve, reject) => {
          gates.set(id, resolve);
          opts.signal?.addEventListener("abort", () => reject(new Error("stopped following")), { once: true });
        });
      const data = { images: [{ url: `https://v3.fal.media/files/${id}.png`, width: 8, height: 8 }], seed: 1 };
      return { data: data as T, requestId: id };
    },
    async cancel() {
      return "CANCELLATION_REQUESTED" as const;
    },
  };
  return {
    runner,
    submits: () => submits,
    release(id: string) {
      released.add(id);
      gates.get(id)?.();
    },
  };
}

const memorySaver = (): BatchSaver & { saved: SavedBatch | null } => ({
  saved: null,
  load() {
    return this.saved;
  },
  save(b) {
    this.saved = b ? structuredClone(b) : null;
  },
});

async function until(cond: () => boolean, what: string) {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!cond()) throw new Error(`never: ${what}`);
}

const setupFor = (doc: WorkflowDocument) => ({
  id: "b",
  title: "batch",
  graph: serializeWorkflow(doc),
  lists: {},
  count: 6,
  concurrency: 2,
  seed: 7,
  seedPolicy: "increment" as const,
  mode: "random" as const,
});

const finished = (id: string, createdAt: number, batch?: string): RunRecord =>
  completedRecord({
    id,
    title: id,
    createdAt,
    ...(batch
      ? { batch: { id: batch, index: createdAt, seed: 1, values: {}, picks: [] } as unknown as RunRecord["batch"] }
      : {}),
  });

describe("run history cap and batches", () => {
  it("BAT-04 the newest batch's runs outlive the cap; single runs and older batches' runs go oldest first", () => {
    const runs = [
      ...Array.from({ length: 5 }, (_, i) => finished(`old-batch-${i}`, i, "b-old")),
      finished("single-1", 10),
      ...Array.from({ length: 8 }, (_, i) => finished(`new-batch-${i}`, 20 + i, "b-new")),
      finished("single-2", 40),
    ];
    const drop = prunable(runs, 9);
    expect(drop).toEqual(["old-batch-0", "old-batch-1", "old-batch-2", "old-batch-3", "old-batch-4", "single-1"]);
    // Running ones stay too.
    expect(prunable([{ ...finished("r", 0), status: "running" } as RunRecord, finished("s", 1)], 0)).toEqual(["s"]);
  });

  it("BAT-04 a reload mid-batch with more finished runs than the cap sends nothing twice and keeps every record", async () => {
    const doc = starter();
    const setup = { ...setupFor(doc), id: "b-cap" };
    const name = `runs-cap-${Math.random().toString(36).slice(2)}`;
    const fal = scriptedFal(new Set([5, 6]));
    const saver = memorySaver();
    const limits = { keepRuns: 3 };
    const fetchImage = async () => null;

    // The first page: four runs finish, two are still running at fal when it reloads.
    const history1 = await openRunHistory(name);
    const c1 = createRunController({ runner: fal.runner, history: history1, limits, fetchImage });
    await c1.init();
    const b1 = createBatchRunner({ controller: async () => c1, saver, registry });
    b1.start(prepareBatch(registry, doc, setup));
    await until(
      () => fal.submits() === 6 && b1.get()!.items.filter((it) => it.state === "done").length === 4,
      "4 done",
    );
    await c1.flush();
    // What the page had saved when it went (its batch loop does not outlive it).
    const atReload = memorySaver();
    atReload.saved = structuredClone(saver.saved);
    c1.dispose();
    history1.close();

    // The reload: history pruned to the cap at start-up, then the saved batch picked up.
    const history2 = await openRunHistory(name);
    const c2 = createRunController({ runner: fal.runner, history: history2, limits, fetchImage });
    await c2.init();
    const b2 = createBatchRunner({ controller: async () => c2, saver: atReload, registry });
    expect(await b2.resumeSaved()).toBe(true);
    fal.release("req-5");
    fal.release("req-6");
    await b2.done();
    await c2.flush();
    expect(fal.submits()).toBe(6);
    expect(b2.get()!.items.map((it) => it.state)).toEqual(Array(6).fill("done"));
    const kept = (await history2.list()).filter((r) => r.batch?.id === "b-cap");
    expect(kept.map((r) => r.batch!.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(kept.every((r) => r.status === "completed")).toBe(true);
    c2.dispose();
    history2.close();
  });

  it("BAT-05 a run whose submit was out when the page died (no request id stored) is not sent again, and says it may have run", async () => {
    const doc = starter();
    const setup = { ...setupFor(doc), id: "b-unconfirmed", count: 2, concurrency: 1 };
    const prepared = prepareBatch(registry, doc, setup);
    const name = `runs-unconfirmed-${Math.random().toString(36).slice(2)}`;
    const history = await openRunHistory(name);
    const job = prepared.runs[0].job!;
    // Written before the submit; the page died before fal's answer (its request id) was stored.
    await history.put(pendingRecord(job, "run-0", 1));
    const saver = memorySaver();
    saver.saved = { setup: prepared.setup, runIds: { 0: "run-0" }, paused: false, cancelled: false, finished: false };
    const fal = scriptedFal(new Set());
    const c = createRunController({ runner: fal.runner, history, fetchImage: async () => null });
    await c.init();
    const b = createBatchRunner({ controller: async () => c, saver, registry });
    expect(await b.resumeSaved()).toBe(true);
    await b.done();
    expect(fal.submits()).toBe(1); // run 1 only
    const [first, second] = b.get()!.items;
    expect(first).toMatchObject({ state: "failed", runId: "run-0" });
    expect(first.problem).toMatch(/not resent; it may still have run at fal/);
    expect(second.state).toBe("done");
    c.dispose();
    history.close();
  });
});
