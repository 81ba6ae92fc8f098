/**
 * The loop behind a batch (see batchRun.ts): a few runs at a time through the run controller,
 * pause, resume and cancel, a 429 on submit waited out and sent again, and the state saved as it
 * goes so a reload resumes it without sending a finished or running run again.
 */
import { loadWorkflow, type Registry } from "../../graph";
import { sleep as abortableSleep } from "../../shared/sleep";
import {
  createBatchState,
  isTerminal,
  prepareBatch,
  MAX_BATCH_CONCURRENCY,
  type BatchController,
  type BatchItem,
  type BatchItemState,
  type BatchRunState,
  type BatchSaver,
  type Batches,
  type PreparedBatch,
  type SavedBatch,
} from "./batchRun";
import type { RunJob, RunRecord } from "../run/types";

/** Backoff for a submit refused with 429: it was never queued, so it waits and goes again, never dropped. */
const RATE_BACKOFF = { firstMs: 1000, maxMs: 30_000 };

export interface BatchDeps {
  controller: () => Promise<BatchController>;
  saver: BatchSaver;
  registry: Registry;
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchRunner extends Batches {
  /** Starts a prepared batch; throws while another one is running. */
  start(prepared: PreparedBatch): void;
  /** Picks up the batch saved before a reload; false when there is none. */
  resumeSaved(): Promise<boolean>;
}

const outcome = (r: RunRecord): BatchItemState => (r.status === "completed" ? "done" : "failed");

/** Waits until a history record reaches a final state (the controller follows it). */
function settled(controller: BatchController, runId: string): Promise<RunRecord | undefined> {
  return new Promise((resolve) => {
    const check = () => {
      const s = controller.getState();
      const r = s.runs.find((x) => x.id === runId);
      if (isTerminal(r) || (s.ready && !r)) {
        unsubscribe();
        resolve(r);
        return true;
      }
      return false;
    };
    const unsubscribe = controller.subscribe(() => void check());
    check();
  });
}

function whenReady(controller: BatchController): Promise<void> {
  return new Promise((resolve) => {
    const un = controller.subscribe(() => {
      if (controller.getState().ready) {
        un();
        resolve();
      }
    });
    if (controller.getState().ready) {
      un();
      resolve();
    }
  });
}

type Book = ReturnType<typeof createBook>;

/** The batch's state and what is saved of it: each change is published and saved together. */
function createBook(saver: BatchSaver) {
  const state = createBatchState();
  let jobs: (RunJob | null)[] = [];
  let saved: SavedBatch | null = null;
  const finishedWaiters: (() => void)[] = [];

  const current = () => state.get().current;
  const publish = (next: BatchRunState) => {
    state.set({ current: next });
    if (saved) {
      saved = { ...saved, paused: next.paused, cancelled: next.cancelled, finished: next.finished };
      saver.save(saved);
    }
    if (next.finished) for (const w of finishedWaiters.splice(0)) w();
  };
  const setItem = (i: number, patch: Partial<BatchItem>) => {
    const s = current();
    if (s) publish({ ...s, items: s.items.map((it) => (it.index === i ? { ...it, ...patch } : it)) });
  };
  const remember = (i: number, runId: string | undefined) => {
    if (!saved) return;
    const runIds = { ...saved.runIds };
    if (runId) runIds[i] = runId;
    else delete runIds[i];
    saved = { ...saved, runIds };
    saver.save(saved);
  };
  const checkFinished = () => {
    const s = current();
    if (!s || s.finished) return;
    if (s.items.every((it) => it.state !== "waiting" && it.state !== "running")) publish({ ...s, finished: true });
  };
  function begin(prepared: PreparedBatch, from: SavedBatch): BatchRunState {
    jobs = prepared.runs.map((r) => r.job);
    saved = from;
    const items: BatchItem[] = prepared.runs.map((r) => ({
      index: r.index,
      row: r.row,
      label: r.label,
      state: r.job ? "waiting" : "skipped",
      problem: r.problem,
    }));
    const s: BatchRunState = {
      setup: prepared.setup,
      items,
      paused: from.paused,
      cancelled: from.cancelled,
      finished: false,
    };
    publish(s);
    return s;
  }
  const job = (i: number) => jobs[i]!;
  const whenFinished = (): Promise<void> => {
    const s = current();
    if (!s || s.finished) return Promise.resolve();
    return new Promise((resolve) => finishedWaiters.push(resolve));
  };
  return { state, current, publish, setItem, remember, checkFinished, begin, job, whenFinished };
}

/** The workers that send the batch's waiting runs, a few at a time, and follow runs sent before a reload. */
function createWorkers(book: Book, deps: BatchDeps) {
  const sleep = deps.sleep ?? ((ms: number) => abortableSleep(ms));
  const { current, setItem, remember, checkFinished } = book;
  let workers = 0;

  async function runItem(controller: BatchController, i: number): Promise<void> {
    const job = book.job(i);
    setItem(i, { state: "running" });
    for (let attempt = 0; ; attempt++) {
      const pending = controller.start(job);
      // The record is in the controller's state as soon as start() is called: saved before the submit returns.
      const early = controller.getState().runs.find((r) => r.input === job.input);
      if (early) {
        remember(i, early.id);
        setItem(i, { runId: early.id });
      }
      const rec = await pending;
      const rateLimited = rec.status === "failed" && rec.error?.status === 429 && rec.error.step === "submit";
      if (rateLimited && !current()?.cancelled) {
        // Refused before queueing: nothing ran, so drop the record and send it again after the wait.
        await controller.remove(rec.id);
        remember(i, undefined);
        const wait = Math.max((rec.error?.retryAfterSeconds ?? 0) * 1000, RATE_BACKOFF.firstMs * 2 ** attempt);
        await sleep(Math.min(RATE_BACKOFF.maxMs, wait));
        if (!current()?.cancelled) continue;
        setItem(i, { state: "skipped", runId: undefined, problem: "Cancelled" });
        return;
      }
      remember(i, rec.id);
      setItem(i, { state: outcome(rec), runId: rec.id, problem: rec.error?.message });
      return;
    }
  }

  async function worker(controller: BatchController): Promise<void> {
    workers++;
    try {
      for (;;) {
        const s = current();
        if (!s || s.paused || s.cancelled) return;
        const next = s.items.find((it) => it.state === "waiting");
        if (!next) return;
        try {
          await runItem(controller, next.index);
        } catch (e) {
          setItem(next.index, { state: "failed", problem: `Could not run: ${(e as Error)?.message ?? String(e)}` });
        }
      }
    } finally {
      workers--;
      checkFinished();
    }
  }

  async function launch(): Promise<void> {
    const controller = await deps.controller();
    const s = current();
    if (!s) return;
    const want = Math.min(MAX_BATCH_CONCURRENCY, Math.max(1, s.setup.concurrency)) - workers;
    for (let k = 0; k < want; k++) void worker(controller);
    checkFinished();
  }

  /** A run sent before the reload: waited for, never sent again. */
  async function follow(controller: BatchController, i: number, runId: string): Promise<void> {
    setItem(i, { state: "running", runId });
    const rec = await settled(controller, runId);
    if (rec) setItem(i, { state: outcome(rec), problem: rec.error?.message });
    else setItem(i, { state: "failed", problem: "Its run is no longer in the history" });
    checkFinished();
  }

  return { launch, follow };
}

export function createBatchRunner(deps: BatchDeps): BatchRunner {
  const book = createBook(deps.saver);
  const { state, current, publish, setItem, remember, checkFinished, begin } = book;
  const { launch, follow } = createWorkers(book, deps);

  const runner: BatchRunner = {
    state,
    get: current,
    start(prepared) {
      const s = current();
      if (s && !s.finished) throw new Error("A batch is already running; cancel it or wait for it to finish.");
      if (prepared.errors.length) throw new Error(`This batch cannot run: ${prepared.errors[0]}`);
      begin(prepared, { setup: prepared.setup, runIds: {}, paused: false, cancelled: false, finished: false });
      void launch();
    },
    async resumeSaved() {
      const from = deps.saver.load();
      if (!from) return false;
      const loaded = loadWorkflow(from.setup.graph, deps.registry);
      if (!loaded.ok) {
        deps.saver.save(null);
        return false;
      }
      const controller = await deps.controller();
      await whenReady(controller);
      const s = begin(prepareBatch(deps.registry, loaded.document, from.setup), from);
      const known = new Set(controller.getState().runs.map((r) => r.id));
      for (const it of s.items) {
        const runId = from.runIds[it.index];
        // The controller writes a run's record before its submit: a record missing after the
        // reload was never sent (the page closed first), so the run is sent now.
        if (runId && known.has(runId)) void follow(controller, it.index, runId);
        else {
          if (runId) remember(it.index, undefined);
          if (from.cancelled || from.finished) setItem(it.index, { state: "skipped", problem: "Cancelled" });
        }
      }
      if (!from.paused && !from.cancelled && !from.finished) await launch();
      checkFinished();
      return true;
    },
    pause() {
      const s = current();
      if (s && !s.finished && !s.cancelled) publish({ ...s, paused: true });
    },
    resume() {
      const s = current();
      if (!s || s.finished || s.cancelled || !s.paused) return;
      publish({ ...s, paused: false });
      void launch();
    },
    cancel() {
      const s = current();
      if (!s || s.finished || s.cancelled) return;
      publish({
        ...s,
        cancelled: true,
        items: s.items.map((it) => (it.state === "waiting" ? { ...it, state: "skipped", problem: "Cancelled" } : it)),
      });
      void deps.controller().then((c) => {
        for (const it of s.items) if (it.state === "running" && it.runId) void c.cancel(it.runId);
      });
      checkFinished();
    },
    done: book.whenFinished,
  };
  return runner;
}
