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
import type { CancelOutcome, QueueUpdate, Runner, RunnerError } from "../../fal/runner";

/** By name, not instanceof: a value import of the runner would pull @fal-ai/client into the first load (see lazyRunner). */
const isRunnerError = (e: unknown): e is RunnerError => e instanceof Error && e.name === "RunnerError";
import { cacheKeyOf, hasFixedSeed } from "./cacheKey";
import type { RunHistory } from "./history";
import { TERMINAL, type LiveInfo, type RunError, type RunImage, type RunJob, type RunRecord } from "./types";

export interface RunLimits {
  /** Largest single image copied into IndexedDB. Default 8 MiB. */
  maxImageBytes: number;
  /** Total size of copied images; oldest are evicted beyond it. Default 150 MiB. */
  maxStoredBytes: number;
  /** Finished runs kept in history. Default 300. */
  keepRuns: number;
  /** Log lines kept per live run. Default 300. */
  maxLogLines: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  maxImageBytes: 8 * 1024 * 1024,
  maxStoredBytes: 150 * 1024 * 1024,
  keepRuns: 300,
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

const defaultFetchImage: FetchImage = async (url, maxBytes) => {
  const res = await fetch(url, { referrerPolicy: "no-referrer", credentials: "omit" });
  if (!res.ok) return null;
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  const bytes = await res.arrayBuffer();
  if (bytes.byteLength > maxBytes) return null;
  return { bytes, type: (res.headers.get("content-type") ?? "").split(";")[0] || "application/octet-stream" };
};

function randomId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `run-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Result images from fal's output, keeping only http(s) URLs (output is untrusted too). */
export function parseResult(data: unknown): { images: RunImage[]; seed?: number } | null {
  if (!data || typeof data !== "object") return null;
  const d = data as { images?: unknown; seed?: unknown };
  if (!Array.isArray(d.images)) return null;
  const images: RunImage[] = [];
  for (const raw of d.images) {
    if (!raw || typeof raw !== "object") continue;
    const img = raw as { url?: unknown; width?: unknown; height?: unknown; content_type?: unknown };
    if (typeof img.url !== "string" || !/^https?:\/\//i.test(img.url)) continue;
    images.push({
      url: img.url,
      width: typeof img.width === "number" ? img.width : undefined,
      height: typeof img.height === "number" ? img.height : undefined,
      contentType: typeof img.content_type === "string" ? img.content_type : undefined,
    });
  }
  return { images, seed: typeof d.seed === "number" ? d.seed : undefined };
}

/** A RunnerError (or anything thrown) as the error kept with a run. */
export function toRunError(e: unknown): RunError {
  if (isRunnerError(e)) {
    const retryAfter = (e.cause as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return {
      kind: e.kind,
      message: e.message,
      step: e.step,
      status: e.status,
      requestId: e.requestId,
      fieldErrors: e.fieldErrors,
      retryAfterSeconds: typeof retryAfter === "number" ? retryAfter : undefined,
    };
  }
  return { kind: "network", message: e instanceof Error ? e.message : String(e) };
}

export function createRunController(options: RunControllerOptions): RunController {
  const { runner, history } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomId;
  const fetchImage = options.fetchImage ?? defaultFetchImage;
  const limits: RunLimits = { ...DEFAULT_RUN_LIMITS, ...options.limits };
  let lastImageAt = 0;
  /** The fields every new run record takes from its job. */
  const recordFor = (job: Parameters<RunController["start"]>[0], createdAt: number) => ({
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
  });

  let state: RunState = { ready: false, runs: [], live: {}, connection: "online", storageError: null };
  const listeners = new Set<() => void>();
  const following = new Map<string, AbortController>();
  let disposed = false;
  let writes: Promise<void> = Promise.resolve();

  function emit(patch: Partial<RunState>) {
    state = { ...state, ...patch };
    for (const l of [...listeners]) l();
  }

  const find = (id: string) => state.runs.find((r) => r.id === id);

  /** Queues a write; writes are applied in call order, so a later status never lands before an earlier one. */
  function persist(record: RunRecord): Promise<void> {
    writes = writes.then(() =>
      history.put(record).then(
        () => {
          if (state.storageError) emit({ storageError: null });
        },
        (e: unknown) => {
          emit({ storageError: `Run history could not be saved: ${(e as Error)?.message ?? String(e)}` });
          options.onStorageError?.(e);
        },
      ),
    );
    return writes;
  }

  function setRecord(record: RunRecord) {
    const i = state.runs.findIndex((r) => r.id === record.id);
    const runs = i < 0 ? [record, ...state.runs] : state.runs.map((r, k) => (k === i ? record : r));
    emit({ runs });
  }

  function update(id: string, patch: Partial<RunRecord>): RunRecord | undefined {
    const cur = find(id);
    if (!cur) return undefined;
    const next = { ...cur, ...patch };
    setRecord(next);
    void persist(next);
    return next;
  }

  function setLive(id: string, patch: Partial<LiveInfo> | null) {
    const live = { ...state.live };
    if (patch === null) delete live[id];
    else live[id] = { ...{ logs: [], progress: null }, ...live[id], ...patch };
    emit({ live });
  }

  function onUpdate(id: string, u: QueueUpdate) {
    const logs = u.logs.length > limits.maxLogLines ? u.logs.slice(-limits.maxLogLines) : u.logs;
    setLive(id, { queuePosition: u.status === "IN_QUEUE" ? u.queuePosition : undefined, logs, progress: u.progress });
    const cur = find(id);
    if (cur && cur.status === "queued" && u.status !== "IN_QUEUE") update(id, { status: "running", startedAt: now() });
  }

  async function copyImages(record: RunRecord): Promise<RunRecord> {
    let changed = false;
    const images = await Promise.all(
      record.images.map(async (img, i) => {
        try {
          const got = await fetchImage(img.url, limits.maxImageBytes);
          if (!got) return img;
          const key = `${record.id}:${i}`;
          // Strictly increasing so eviction order is copy order even within one millisecond.
          lastImageAt = Math.max(now(), lastImageAt + 1);
          await history.putImage({
            key,
            runId: record.id,
            bytes: got.bytes,
            type: got.type,
            size: got.bytes.byteLength,
            createdAt: lastImageAt,
          });
          changed = true;
          return { ...img, storedKey: key };
        } catch {
          // The CDN copy is still there for now; history just will not outlive it.
          return img;
        }
      }),
    );
    if (!changed) return record;
    const next = update(record.id, { images });
    const evicted = new Set(await history.pruneImages(limits.maxStoredBytes).catch(() => [] as string[]));
    if (evicted.size) {
      // Older runs lose their copies first; their records then point at the CDN URL only.
      for (const r of state.runs) {
        if (!r.images.some((img) => img.storedKey && evicted.has(img.storedKey))) continue;
        update(r.id, {
          images: r.images.map((img) =>
            img.storedKey && evicted.has(img.storedKey) ? { ...img, storedKey: undefined } : img,
          ),
        });
      }
    }
    return find(record.id) ?? next ?? record;
  }

  async function complete(id: string, data: unknown): Promise<RunRecord | undefined> {
    const cur = find(id);
    // Exactly once: a result that arrives for a finished run (a second follower) is ignored.
    if (!cur || TERMINAL.has(cur.status)) return cur;
    const parsed = parseResult(data);
    setLive(id, null);
    if (!parsed || parsed.images.length === 0) {
      return update(id, {
        status: "failed",
        finishedAt: now(),
        error: {
          kind: "bad-result",
          requestId: cur.requestId,
          step: "result",
          message: "fal answered without any image URL.",
        },
      });
    }
    const done = update(id, {
      status: "completed",
      finishedAt: now(),
      images: parsed.images,
      seed: parsed.seed ?? (cur.input.seed as number | undefined),
    });
    await writes;
    return done ? copyImages(done) : done;
  }

  function fail(id: string, e: unknown): RunRecord | undefined {
    const cur = find(id);
    if (!cur || TERMINAL.has(cur.status)) return cur;
    setLive(id, null);
    const error = toRunError(e);
    if (error.kind === "cancelled" && cur.cancelRequested)
      return update(id, { status: "cancelled", finishedAt: now(), error: undefined });
    if (error.status === 404 && error.step !== "submit") {
      error.message = `fal no longer knows request ${cur.requestId} (results are kept for a limited time, or it was never queued).`;
    }
    return update(id, {
      status: error.kind === "cancelled" ? "cancelled" : "failed",
      finishedAt: now(),
      error: { ...error, requestId: error.requestId ?? cur.requestId },
    });
  }

  async function follow(id: string): Promise<RunRecord | undefined> {
    const cur = find(id);
    if (!cur?.requestId || TERMINAL.has(cur.status) || following.has(id)) return cur;
    const ac = new AbortController();
    following.set(id, ac);
    try {
      const res = await runner.follow(cur.endpoint, cur.requestId, {
        signal: ac.signal,
        onUpdate: (u) => !ac.signal.aborted && onUpdate(id, u),
      });
      if (ac.signal.aborted) return find(id);
      return await complete(id, res.data);
    } catch (e) {
      // Stopped by dispose (page going away): leave the record unfinished so the next start resumes it.
      if (disposed || (ac.signal.aborted && !find(id)?.cancelRequested)) return find(id);
      return fail(id, e);
    } finally {
      following.delete(id);
    }
  }

  async function sendCancel(id: string): Promise<CancelResult> {
    const cur = find(id);
    if (!cur?.requestId) return { ok: true, outcome: "before-submit" };
    setLive(id, { cancelling: true });
    try {
      const outcome = await runner.cancel(cur.endpoint, cur.requestId);
      if (outcome === "NOT_FOUND") {
        following.get(id)?.abort();
        update(id, {
          status: "cancelled",
          finishedAt: now(),
          error: {
            kind: "cancelled",
            message: `fal did not find request ${cur.requestId} to cancel.`,
            requestId: cur.requestId,
          },
        });
        setLive(id, null);
      } else if (find(id) && !TERMINAL.has(find(id)!.status)) {
        setLive(id, { cancelling: false });
      }
      // CANCELLATION_REQUESTED: the follower sees the job end as cancelled.
      // ALREADY_COMPLETED: the follower fetches the result as usual.
      return { ok: true, outcome };
    } catch (e) {
      update(id, { cancelRequested: false });
      if (find(id) && !TERMINAL.has(find(id)!.status)) setLive(id, { cancelling: false });
      return { ok: false, message: toRunError(e).message };
    }
  }

  return {
    getState: () => state,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },

    async init() {
      let records: RunRecord[] = [];
      try {
        await history.pruneRuns(limits.keepRuns);
        records = await history.list();
      } catch (e) {
        emit({ storageError: `Run history could not be read: ${(e as Error)?.message ?? String(e)}` });
      }
      const known = new Set(state.runs.map((r) => r.id));
      const loaded = records
        .filter((r) => r && typeof r.id === "string" && !known.has(r.id))
        .sort((a, b) => b.createdAt - a.createdAt);
      emit({ runs: [...state.runs, ...loaded].sort((a, b) => b.createdAt - a.createdAt) });
      for (const r of loaded) {
        if (TERMINAL.has(r.status)) continue;
        if (!r.requestId) {
          // Closed between writing the record and fal's answer: the job may exist, but without its id
          // it cannot be followed, and submitting again could bill twice.
          update(r.id, {
            status: "failed",
            finishedAt: now(),
            error: {
              kind: "interrupted",
              message:
                "The page closed before fal confirmed this job. It was not resent; it may still have run at fal.",
            },
          });
        } else {
          void follow(r.id);
        }
      }
      emit({ ready: true });
    },

    async start(job) {
      const record: RunRecord = { ...recordFor(job, now()), status: "pending", images: [] };
      setRecord(record);
      setLive(record.id, {});
      // The record exists on disk before the request leaves, so a crash in between is visible after reload.
      await persist(record);
      try {
        await runner.submit(job.endpoint, job.input, {
          onEnqueue: (requestId) => void update(record.id, { requestId, status: "queued", submittedAt: now() }),
        });
      } catch (e) {
        return fail(record.id, e) ?? record;
      }
      if (find(record.id)?.cancelRequested) await sendCancel(record.id);
      return (await follow(record.id)) ?? record;
    },

    findCached(endpoint, input) {
      if (!hasFixedSeed(input)) return undefined;
      const key = cacheKeyOf(endpoint, input);
      return state.runs.find((r) => r.status === "completed" && r.cacheKey === key && r.images.length > 0);
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
      setRecord(record);
      await persist(record);
      return record;
    },

    async cancel(id) {
      const cur = find(id);
      if (!cur) return { ok: false, message: "No such run." };
      if (TERMINAL.has(cur.status)) return { ok: true, outcome: "ALREADY_COMPLETED" };
      update(id, { cancelRequested: true });
      return sendCancel(id);
    },

    async remove(id) {
      const cur = find(id);
      if (!cur || !TERMINAL.has(cur.status)) return;
      emit({ runs: state.runs.filter((r) => r.id !== id) });
      await writes;
      await history
        .delete(id)
        .catch((e: unknown) => emit({ storageError: `Could not delete the run: ${(e as Error)?.message}` }));
    },

    readImage: async (key) => {
      const img = await history.getImage(key).catch(() => undefined);
      return img ? { bytes: img.bytes, type: img.type } : undefined;
    },

    setConnection(connection) {
      if (connection !== state.connection) emit({ connection });
    },

    flush: () => writes,

    dispose() {
      disposed = true;
      for (const ac of following.values()) ac.abort();
      following.clear();
    },
  };
}
