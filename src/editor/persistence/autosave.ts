/**
 * When to write a draft: ~300 ms after the last change, but never later than 1 s after the first
 * unsaved one (so steady typing or panning still lands on disk every second), and at once on
 * `flush()` (tab hidden, page hide, before replacing the document).
 *
 * A failed write (QuotaExceededError above all) never turns autosave off: the next change tries
 * again, and with no change a retry timer backs off 1 s, 2 s, 4 s … up to `maxRetryMs`. This is
 * the ComfyUI "quota error latches autosave off for the session" bug, avoided
 * (docs/persistence.md#losing-work).
 */
import { isQuotaError } from "./db";

export type AutosaveState = "idle" | "pending" | "saving" | "saved" | "error";

export interface AutosaveStatus {
  state: AutosaveState;
  lastSavedAt?: number;
  error?: { kind: "quota" | "other"; message: string; failures: number; retryInMs: number };
}

export interface AutosaverOptions<T> {
  /** The state to save, read at write time (always the latest). */
  read: () => T;
  write: (value: T) => Promise<void>;
  onStatus?: (status: AutosaveStatus) => void;
  debounceMs?: number;
  maxWaitMs?: number;
  retryBaseMs?: number;
  maxRetryMs?: number;
  now?: () => number;
}

export interface Autosaver {
  /** Something worth saving changed. */
  changed(): void;
  /** Writes now if anything is unsaved; resolves when the state at call time is on disk (or the write failed). */
  flush(): Promise<void>;
  status(): AutosaveStatus;
  /** True while some change is not yet written. */
  hasUnsaved(): boolean;
  /**
   * What is on disk, written at `savedAt`, already is the state now (a reload of a draft that
   * nothing changed): saved, with no write. Ignored once a change is waiting.
   */
  onDisk(savedAt: number): void;
  dispose(): void;
}

export function createAutosaver<T>(opts: AutosaverOptions<T>): Autosaver {
  const debounceMs = opts.debounceMs ?? 300;
  const maxWaitMs = opts.maxWaitMs ?? 1000;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const maxRetryMs = opts.maxRetryMs ?? 15_000;
  const now = opts.now ?? Date.now;

  let changeGen = 0;
  let savedGen = 0;
  let firstUnsavedAt: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<void> | null = null;
  let failures = 0;
  let disposed = false;
  let status: AutosaveStatus = { state: "idle" };

  function setStatus(s: AutosaveStatus) {
    status = s;
    opts.onStatus?.(s);
  }

  function clearTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function schedule() {
    if (disposed) return;
    clearTimer();
    const since = firstUnsavedAt ?? now();
    const delay = Math.max(0, Math.min(debounceMs, maxWaitMs - (now() - since)));
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, delay);
  }

  async function attempt(): Promise<void> {
    const gen = changeGen;
    if (gen === savedGen) return;
    if (status.state !== "error") setStatus({ ...status, state: "saving" });
    try {
      await opts.write(opts.read());
      savedGen = Math.max(savedGen, gen);
      failures = 0;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      if (savedGen === changeGen) firstUnsavedAt = null;
      setStatus({ state: savedGen === changeGen ? "saved" : "pending", lastSavedAt: now() });
    } catch (e) {
      failures++;
      const retryInMs = Math.min(maxRetryMs, retryBaseMs * 2 ** (failures - 1));
      setStatus({
        state: "error",
        lastSavedAt: status.lastSavedAt,
        error: {
          kind: isQuotaError(e) ? "quota" : "other",
          message: e instanceof Error ? e.message : String(e),
          failures,
          retryInMs,
        },
      });
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = disposed
        ? null
        : setTimeout(() => {
            retryTimer = null;
            void run();
          }, retryInMs);
    }
  }

  /** One write at a time; a change made during a write is saved by a follow-up write. */
  function run(): Promise<void> {
    if (inflight) return inflight.then(() => run());
    if (changeGen === savedGen) return Promise.resolve();
    clearTimer();
    inflight = attempt().finally(() => {
      inflight = null;
      // Changes made while writing: save them on the usual schedule (not if the write failed; the
      // retry timer covers that).
      if (!disposed && changeGen !== savedGen && status.state !== "error" && timer === null) schedule();
    });
    return inflight;
  }

  return {
    changed() {
      if (disposed) return;
      changeGen++;
      if (firstUnsavedAt === null) firstUnsavedAt = now();
      if (status.state !== "error" && status.state !== "saving") setStatus({ ...status, state: "pending" });
      schedule();
    },
    async flush() {
      clearTimer();
      await run();
    },
    status: () => status,
    hasUnsaved: () => changeGen !== savedGen,
    onDisk(savedAt) {
      if (changeGen === savedGen && !inflight) setStatus({ state: "saved", lastSavedAt: savedAt });
    },
    dispose() {
      disposed = true;
      clearTimer();
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
    },
  };
}
