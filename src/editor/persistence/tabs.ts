/**
 * Which draft slot belongs to this tab, and which drafts and library workflows are open in others.
 *
 * - The tab's slot id lives in sessionStorage, so a reload of the same tab finds its own draft.
 * - Each tab holds a Web Lock named after its slot for as long as it lives. A browser "Duplicate
 *   tab" copies sessionStorage, so a slot id whose lock is already held means "another tab owns
 *   this draft": the duplicate takes a fresh slot instead of writing into the original's.
 * - A new tab adopts the most recent draft whose lock nobody holds (a closed tab's work), so
 *   closing a tab and opening a new one brings the work back; it never takes another tab's draft.
 * - A library workflow opened in a tab is held under a lock too; a second tab opening it is told.
 */

export type Release = () => void;

/** The part of the Web Locks API we use, so tests can run two "tabs" over one in-memory manager. */
export interface TabLocks {
  /** Takes the lock if free and holds it until released; null if another holder has it. */
  tryHold(name: string): Promise<Release | null>;
  /** Names of locks currently held by anyone. */
  heldNames(): Promise<Set<string>>;
}

export const slotLock = (slot: string) => `lora-graph:draft:${slot}`;
export const workflowLock = (id: string) => `lora-graph:workflow:${id}`;
export const TAB_KEY = "lora-graph.tab-slot";

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    cb: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

export function webLocks(): TabLocks | null {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (!locks || typeof locks.request !== "function") return null;
  return {
    tryHold(name) {
      return new Promise<Release | null>((resolve, reject) => {
        locks
          .request(name, { ifAvailable: true }, (lock) => {
            if (!lock) {
              resolve(null);
              return;
            }
            return new Promise<void>((release) => resolve(() => release()));
          })
          .catch(reject);
      });
    },
    async heldNames() {
      const q = await locks.query();
      return new Set((q.held ?? []).map((l) => l.name ?? "").filter(Boolean));
    },
  };
}

/** An in-memory lock manager; share one between several sessions to simulate several tabs. */
export function memoryLocks(shared: Set<string> = new Set()): TabLocks {
  return {
    async tryHold(name) {
      if (shared.has(name)) return null;
      shared.add(name);
      let released = false;
      return () => {
        if (!released) shared.delete(name);
        released = true;
      };
    },
    async heldNames() {
      return new Set(shared);
    },
  };
}

export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** sessionStorage when usable (it throws in some privacy modes), else a per-page map. */
export function tabStorage(): KeyValue {
  try {
    const s = globalThis.sessionStorage;
    const probe = "lora-graph.probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
  }
}

export interface SlotChoice {
  slot: string;
  release: Release;
  /** How the slot was found: this tab's own (reload), a closed tab's draft, or a brand new one. */
  how: "own" | "adopted" | "new";
}

/**
 * Picks this tab's draft slot and holds its lock.
 * `candidates` are existing slots, most recent first, that are not quarantined.
 */
export async function chooseSlot(opts: {
  storage: KeyValue;
  locks: TabLocks;
  candidates: readonly string[];
  /** The lock on the slot `storage` names, when already asked for. */
  ownHold?: Promise<Release | null>;
  makeId: () => string;
}): Promise<SlotChoice> {
  const own = opts.storage.getItem(TAB_KEY);
  if (own) {
    const release = await (opts.ownHold ?? opts.locks.tryHold(slotLock(own)));
    if (release) return { slot: own, release, how: opts.candidates.includes(own) ? "own" : "new" };
  }
  for (const slot of opts.candidates) {
    if (slot === own) continue;
    const release = await opts.locks.tryHold(slotLock(slot));
    if (release) {
      opts.storage.setItem(TAB_KEY, slot);
      return { slot, release, how: "adopted" };
    }
  }
  for (;;) {
    const slot = opts.makeId();
    const release = await opts.locks.tryHold(slotLock(slot));
    if (release) {
      opts.storage.setItem(TAB_KEY, slot);
      return { slot, release, how: "new" };
    }
  }
}

/** Messages between tabs of this origin about open library workflows. */
export interface TabChannel {
  post(msg: { type: "opened-workflow"; workflowId: string; tab: string }): void;
  onMessage(cb: (msg: { type: "opened-workflow"; workflowId: string; tab: string }) => void): () => void;
  close(): void;
}

export function broadcastChannel(name = "lora-graph"): TabChannel | null {
  if (typeof BroadcastChannel === "undefined") return null;
  const ch = new BroadcastChannel(name);
  return {
    post: (msg) => ch.postMessage(msg),
    onMessage(cb) {
      const h = (e: MessageEvent) => {
        const d = e.data as { type?: unknown; workflowId?: unknown; tab?: unknown };
        if (d && d.type === "opened-workflow" && typeof d.workflowId === "string" && typeof d.tab === "string")
          cb({ type: d.type, workflowId: d.workflowId, tab: d.tab });
      };
      ch.addEventListener("message", h);
      return () => ch.removeEventListener("message", h);
    },
    close: () => ch.close(),
  };
}
