/**
 * The run controller: submits compiled requests, follows them, keeps them. Plain TypeScript
 * (no React, no DOM beyond fetch), so the whole state machine runs headless in tests.
 *
 * Guarantees, in order of importance:
 * 1. Submit happens at most once per user action. A record is written before submit, and fal's
 *    request id is written the moment fal returns it (onEnqueue), before anything else.
 * 2. After a reload, `init()` follows every unfinished record by its request id (never submits
 *    again) and applies its result exactly once.
 * 3. The result is stored as soon as it arrives, and images are copied into IndexedDB
 *    (bounded), because fal keeps results only minutes and CDN files only for a while.
 */
import type { CancelOutcome, Runner } from "../../fal/runner";
import { cacheKeyOf, hasFixedSeed } from "./cacheKey";
import type { HistoryUpgrade, RunHistory } from "./history";
import { defaultFetchImage } from "./runImages";
import { RunLedger } from "./runLedger";
import { fail, follow, sendCancel, type RunContext } from "./runFollow";
import { HISTORY_KEEP_RUNS, TERMINAL, type LiveInfo, type RunJob, type RunRecord } from "./types";

export { parseResult } from "./runImages";
export { toRunError } from "./runErrors";

export interface RunLimits {
  /** Largest single image copied into IndexedDB. Default 8 MiB. */
  maxImageBytes: number;
  /** Total size of copied images; oldest are evicted beyond it. Default 150 MiB. */
  maxStoredBytes: number;
  /** Finished runs kept in history, apart from the newest batch's. Default HISTORY_KEEP_RUNS. */
  keepRuns: number;
  /** Log lines kept per live run. Default 300. */
  maxLogLines: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  maxImageBytes: 8 * 1024 * 1024,
  maxStoredBytes: 150 * 1024 * 1024,
  keepRuns: HISTORY_KEEP_RUNS,
  maxLogLines: 300,
};

export type FetchImage = (url: string, maxBytes: number) => Promise<{ bytes: ArrayBuffer; type: string } | null>;

export interface RunControllerOptions {
  runner: Pick<Runner, "submit" | "follow" | "cancel">;
  history: RunHistory;
  /** Reads an image for the offline copy; null when it is too big or unreadable. Default: fetch. */
  fetchImage?: FetchImage;
  now?: () => number;
  newId?: () => string;
  limits?: Partial<RunLimits>;
  /** Called when a history write fails (storage full, private mode): the run goes on in memory. */
  onStorageError?: (error: unknown) => void;
}

export interface RunState {
  /** History loaded and unfinished runs resumed. */
  ready: boolean;
  /** Newest first. */
  runs: readonly RunRecord[];
  live: Readonly<Record<string, LiveInfo>>;
  /** "reconnecting" while requests to the proxy fail with network errors (the runner retries). */
  connection: "online" | "reconnecting";
  /** Last history write failure, if the latest write failed. */
  storageError: string | null;
  /** Another tab upgraded the history's database: writes are kept in this tab until a reload (AUTO-10). */
  historyUpgraded?: HistoryUpgrade | null;
}

export type CancelResult = { ok: true; outcome: CancelOutcome | "before-submit" } | { ok: false; message: string };

export interface RunController {
  getState(): RunState;
  subscribe(listener: () => void): () => void;
  /** Loads history and resumes unfinished runs. Call once at start-up. */
  init(): Promise<void>;
  /** Runs one job; resolves with the final record (never rejects). The record appears in state at once. */
  start(job: RunJob): Promise<RunRecord>;
  /** The newest finished run with the same endpoint and input, if the input fixes the seed. */
  findCached(endpoint: string, input: Record<string, unknown>): RunRecord | undefined;
  /** Records a run that reuses `source`'s result without sending anything. */
  useCached(source: RunRecord, job: RunJob): Promise<RunRecord>;
  cancel(id: string): Promise<CancelResult>;
  /** Forgets a finished run (and its image copies). */
  remove(id: string): Promise<void>;
  readImage(key: string): Promise<{ bytes: ArrayBuffer; type: string } | undefined>;
  setConnection(connection: RunState["connection"]): void;
  /** Resolves when every pending history write has finished (tests, before unload). */
  flush(): Promise<void>;
  /** Stops following (jobs keep running at fal and are resumed by the next init). */
  dispose(): void;
}

function randomId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `run-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Loads history, then follows every unfinished run by its request id (never submits again). */
async function resume(ctx: RunContext, keepRuns: number): Promise<void> {
  const { ledger, history } = ctx;
  let records: RunRecord[] = [];
  try {
    await history.pruneRuns(keepRuns);
    records = await history.list();
  } catch (e) {
    ledger.emit({ storageError: `Run history could not be read: ${(e as Error)?.message ?? String(e)}` });
  }
  const runs = ledger.getState().runs;
  const known = new Set(runs.map((r) => r.id));
  const loaded = records
    .filter((r) => r && typeof r.id === "string" && !known.has(r.id))
    .sort((a, b) => b.createdAt - a.createdAt);
  ledger.emit({ runs: [...runs, ...loaded].sort((a, b) => b.createdAt - a.createdAt) });
  for (const r of loaded) {
    if (TERMINAL.has(r.status)) continue;
    if (r.requestId) {
      void follow(ctx, r.id);
      continue;
    }
    // Closed between writing the record and fal's answer: the job may exist, but without its id
    // it cannot be followed, and submitting again could bill twice.
    ledger.update(r.id, {
      status: "failed",
      finishedAt: ctx.now(),
      error: {
        kind: "interrupted",
        message: "The page closed before fal confirmed this job. It was not resent; it may still have run at fal.",
      },
    });
  }
  ledger.emit({ ready: true });
}

/** Submits a job once and follows it; the record is written before the request leaves. */
async function startJob(ctx: RunContext, record: RunRecord, job: RunJob): Promise<RunRecord> {
  const { ledger } = ctx;
  ledger.setRecord(record);
  ledger.setLive(record.id, {});
  // The record exists on disk before the request leaves, so a crash in between is visible after reload.
  await ledger.persist(record);
  try {
    await ctx.runner.submit(job.endpoint, job.input, {
      onEnqueue: (requestId) => void ledger.update(record.id, { requestId, status: "queued", submittedAt: ctx.now() }),
    });
  } catch (e) {
    return fail(ctx, record.id, e) ?? record;
  }
  if (ledger.find(record.id)?.cancelRequested) await sendCancel(ctx, record.id);
  return (await follow(ctx, record.id)) ?? record;
}

function createContext(options: RunControllerOptions): RunContext {
  const ledger = new RunLedger(options.history, options.onStorageError);
  options.history.onUpgrade?.((historyUpgraded) => ledger.emit({ historyUpgraded }));
  return {
    ledger,
    history: options.history,
    runner: options.runner,
    fetchImage: options.fetchImage ?? defaultFetchImage,
    limits: { ...DEFAULT_RUN_LIMITS, ...options.limits },
    now: options.now ?? Date.now,
    lastImageAt: 0,
    following: new Map(),
    disposed: false,
  };
}

/** Forgets a finished run: from state at once, from history after the writes before it. */
async function removeRun(ctx: RunContext, id: string): Promise<void> {
  const { ledger } = ctx;
  const cur = ledger.find(id);
  if (!cur || !TERMINAL.has(cur.status)) return;
  ledger.emit({ runs: ledger.getState().runs.filter((r) => r.id !== id) });
  await ledger.writes;
  await ctx.history
    .delete(id)
    .catch((e: unknown) => ledger.emit({ storageError: `Could not delete the run: ${(e as Error)?.message}` }));
}

/** The controller's parts: runLedger.ts (state, writes), runFollow.ts (following), runImages.ts (results). */
export function createRunController(options: RunControllerOptions): RunController {
  const ctx = createContext(options);
  const { ledger, history, now } = ctx;
  const newId = options.newId ?? randomId;
  /** The fields every new run record takes from its job. */
  const recordFor = (job: RunJob, createdAt: number) => ({
    id: newId(),
    endpoint: job.endpoint,
    input: job.input,
    cacheKey: cacheKeyOf(job.endpoint, job.input),
    outputNodeId: job.outputNodeId,
    sourceMap: job.sourceMap,
    graph: job.graph,
    title: job.title,
    createdAt,
    ...(job.batch ? { batch: job.batch } : {}),
    ...(job.label ? { label: job.label } : {}),
  });
  return {
    getState: ledger.getState,
    subscribe: ledger.subscribe,
    init: () => resume(ctx, ctx.limits.keepRuns),
    start: (job) => startJob(ctx, { ...recordFor(job, now()), status: "pending", images: [] }, job),
    findCached(endpoint, input) {
      if (!hasFixedSeed(input)) return undefined;
      const key = cacheKeyOf(endpoint, input);
      return ledger.getState().runs.find((r) => r.status === "completed" && r.cacheKey === key && r.images.length > 0);
    },
    async useCached(source, job) {
      const t = now();
      const record: RunRecord = {
        ...recordFor(job, t),
        status: "completed",
        finishedAt: t,
        requestId: source.requestId,
        seed: source.seed,
        images: source.images,
        cachedFrom: source.id,
      };
      ledger.setRecord(record);
      await ledger.persist(record);
      return record;
    },
    async cancel(id) {
      const cur = ledger.find(id);
      if (!cur) return { ok: false, message: "No such run." };
      if (TERMINAL.has(cur.status)) return { ok: true, outcome: "ALREADY_COMPLETED" };
      ledger.update(id, { cancelRequested: true });
      return sendCancel(ctx, id);
    },
    remove: (id) => removeRun(ctx, id),
    readImage: async (key) => {
      const img = await history.getImage(key).catch(() => undefined);
      return img ? { bytes: img.bytes, type: img.type } : undefined;
    },
    setConnection(connection) {
      if (connection !== ledger.getState().connection) ledger.emit({ connection });
    },
    flush: () => ledger.writes,
    dispose() {
      ctx.disposed = true;
      for (const ac of ctx.following.values()) ac.abort();
      ctx.following.clear();
    },
  };
}
