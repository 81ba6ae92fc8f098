/**
 * Run history in IndexedDB, in its own database (`lora-graph-runs`) so its upgrades never touch
 * the autosave database. Runs are small JSON records; image copies are kept apart, bounded in
 * total size, oldest evicted first (the run record survives; the UI falls back to the CDN URL).
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import { TERMINAL, type RunRecord } from "./types";

export const RUNS_DB_NAME = "lora-graph-runs";
export const RUNS_DB_VERSION = 1;

export interface StoredImage {
  /** `${runId}:${index}` */
  key: string;
  runId: string;
  /** ArrayBuffer rather than Blob: clones the same in every IndexedDB implementation. */
  bytes: ArrayBuffer;
  type: string;
  size: number;
  createdAt: number;
}

interface RunsDB extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { createdAt: number } };
  images: { key: string; value: StoredImage; indexes: { createdAt: number; runId: string } };
}

/** Storage the run controller needs; IndexedDB in the app, the same class over fake-indexeddb in tests. */
export interface RunHistory {
  list(): Promise<RunRecord[]>;
  put(record: RunRecord): Promise<void>;
  delete(id: string): Promise<void>;
  putImage(image: StoredImage): Promise<void>;
  getImage(key: string): Promise<StoredImage | undefined>;
  /** Evicts the oldest images until the total is at most `maxBytes`; returns the evicted keys. */
  pruneImages(maxBytes: number): Promise<string[]>;
  /** Deletes the oldest runs (and their images) beyond `keep`. */
  pruneRuns(keep: number): Promise<string[]>;
  /** Told when another tab upgrades the database (and again when a kept write is lost). */
  onUpgrade?(listener: (u: HistoryUpgrade) => void): void;
  close(): void;
}

/**
 * The runs beyond `keep` that may go, oldest first. Unfinished runs are never dropped: their
 * request id is the only way back to the result. Nor are the runs of the newest batch: it may
 * still be running, and after a reload its saved state tells a finished run from one never sent
 * by its record, so a pruned record would be sent (and billed) again, and its values would be
 * gone (docs/batches.md#recording). Older batches' runs go one by one like any others.
 */
export function prunable(all: readonly RunRecord[], keep: number): string[] {
  let newestBatch: string | undefined;
  let newestAt = -Infinity;
  for (const r of all)
    if (r.batch && r.createdAt >= newestAt) {
      newestAt = r.createdAt;
      newestBatch = r.batch.id;
    }
  const finished = [...all]
    .sort((a, b) => a.createdAt - b.createdAt)
    .filter((r) => TERMINAL.has(r.status) && (r.batch === undefined || r.batch.id !== newestBatch))
    .map((r) => r.id);
  return finished.slice(0, Math.max(0, all.length - keep));
}

/**
 * What this tab knows after another tab opened the database at a newer version (a newer
 * lora-graph): this connection is closed so the upgrade can go on, and history writes are kept in
 * this tab until the reload writes them (AUTO-10).
 */
export interface HistoryUpgrade {
  /** Run record writes that could not be kept either (localStorage full or blocked). */
  lost: number;
}

/** localStorage keys (one per tab, so two tabs never overwrite each other) of writes kept meanwhile. */
export const RUNS_PENDING_PREFIX = "lora-graph.runs-pending:";

type KeyValue = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

function safeStorage(): KeyValue | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // disabled storage throws on access
  }
}

/** This tab's kept writes: run id → its latest record, or null when it was deleted. */
function pendingWrites(storage: KeyValue | null) {
  const key = `${RUNS_PENDING_PREFIX}${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const kept: Record<string, RunRecord | null> = {};
  return (id: string, record: RunRecord | null): boolean => {
    kept[id] = record;
    try {
      if (!storage) return false;
      storage.setItem(key, JSON.stringify(kept));
      return true;
    } catch {
      return false;
    }
  };
}

/** Writes what tabs kept while the database was being upgraded, then forgets it. */
async function writePending(db: IDBPDatabase<RunsDB>, storage: KeyValue | null): Promise<void> {
  if (!storage) return;
  const keys: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k?.startsWith(RUNS_PENDING_PREFIX)) keys.push(k);
    }
  } catch {
    return;
  }
  for (const key of keys) {
    let kept: Record<string, RunRecord | null> = {};
    try {
      kept = JSON.parse(storage.getItem(key) ?? "{}") as typeof kept;
    } catch {
      // Unreadable: nothing in it can be written back.
    }
    for (const [id, record] of Object.entries(kept ?? {})) {
      if (record && typeof record === "object" && record.id === id) await db.put("runs", record);
      else if (record === null) await db.delete("runs", id);
    }
    storage.removeItem(key);
  }
}

const HISTORY_STORES = ["runs", "images"] as const;

/**
 * Opens the history. A database a newer lora-graph already upgraded is opened at its own version
 * when it still holds both stores (versions only add), as the autosave database is (db.ts).
 */
async function openRunsDb(name: string, blocking: () => void): Promise<IDBPDatabase<RunsDB>> {
  try {
    return await openDB<RunsDB>(name, RUNS_DB_VERSION, {
      upgrade(db) {
        const runs = db.createObjectStore("runs", { keyPath: "id" });
        runs.createIndex("createdAt", "createdAt");
        const images = db.createObjectStore("images", { keyPath: "key" });
        images.createIndex("createdAt", "createdAt");
        images.createIndex("runId", "runId");
      },
      blocking,
    });
  } catch (e) {
    if ((e as { name?: string } | null)?.name !== "VersionError") throw e;
  }
  const db = await openDB<RunsDB>(name, undefined, { blocking });
  if (HISTORY_STORES.some((s) => !db.objectStoreNames.contains(s))) {
    db.close();
    throw new Error(`the run history is version ${db.version}, written by a newer lora-graph; reload the page`);
  }
  return db;
}

export async function openRunHistory(name = RUNS_DB_NAME, storage = safeStorage()): Promise<RunHistory> {
  let upgraded: HistoryUpgrade | null = null;
  const listeners = new Set<(u: HistoryUpgrade) => void>();
  const keep = pendingWrites(storage);
  const tell = (u: HistoryUpgrade) => {
    upgraded = u;
    for (const l of listeners) l(u);
  };
  /** Kept for the reload to write; a write that cannot be kept is counted, so the banner can say so. */
  const keepInTab = (id: string, record: RunRecord | null) => {
    if (!keep(id, record)) tell({ lost: (upgraded?.lost ?? 0) + 1 });
  };
  const db = await openRunsDb(name, () => {
    // A newer version in another tab wants to upgrade: let it, and stop using this connection.
    db.close();
    if (!upgraded) tell({ lost: 0 });
  });
  await writePending(db, storage);
  /** Runs `write` on the database, or `instead` once it was upgraded (also when that happens meanwhile). */
  const guarded = async <T>(write: () => Promise<T>, instead: () => T): Promise<T> => {
    if (upgraded) return instead();
    try {
      return await write();
    } catch (e) {
      if (upgraded) return instead();
      throw e;
    }
  };

  async function deleteImagesOf(runId: string): Promise<void> {
    const tx = db.transaction("images", "readwrite");
    for (const key of await tx.store.index("runId").getAllKeys(runId)) await tx.store.delete(key);
    await tx.done;
  }

  return {
    async list() {
      return db.getAllFromIndex("runs", "createdAt");
    },
    put: (record) =>
      guarded(
        () => db.put("runs", record).then(() => undefined),
        () => keepInTab(record.id, record),
      ),
    delete: (id) =>
      guarded(
        async () => {
          await db.delete("runs", id);
          await deleteImagesOf(id);
        },
        () => keepInTab(id, null),
      ),
    // Image copies are not kept meanwhile (too big for localStorage): the run shows fal's URL.
    putImage: (image) =>
      guarded(
        () => db.put("images", image).then(() => undefined),
        () => undefined,
      ),
    getImage: (key) =>
      guarded(
        () => db.get("images", key),
        () => undefined,
      ),
    pruneImages: (maxBytes) =>
      guarded(
        async () => {
          const tx = db.transaction("images", "readwrite");
          const all = await tx.store.index("createdAt").getAll();
          let total = all.reduce((n, i) => n + i.size, 0);
          const evicted: string[] = [];
          for (const img of all) {
            if (total <= maxBytes) break;
            await tx.store.delete(img.key);
            total -= img.size;
            evicted.push(img.key);
          }
          await tx.done;
          return evicted;
        },
        () => [],
      ),
    async pruneRuns(keep) {
      const drop = prunable(await db.getAllFromIndex("runs", "createdAt"), keep);
      for (const id of drop) {
        await db.delete("runs", id);
        await deleteImagesOf(id);
      }
      return drop;
    },
    onUpgrade(listener) {
      listeners.add(listener);
      if (upgraded) listener(upgraded);
    },
    close() {
      db.close();
    },
  };
}
