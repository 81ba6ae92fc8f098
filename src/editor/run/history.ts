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

export async function openRunHistory(name = RUNS_DB_NAME): Promise<RunHistory> {
  const db: IDBPDatabase<RunsDB> = await openDB<RunsDB>(name, RUNS_DB_VERSION, {
    upgrade(db) {
      const runs = db.createObjectStore("runs", { keyPath: "id" });
      runs.createIndex("createdAt", "createdAt");
      const images = db.createObjectStore("images", { keyPath: "key" });
      images.createIndex("createdAt", "createdAt");
      images.createIndex("runId", "runId");
    },
    blocking() {
      // A newer version in another tab wants to upgrade: let it.
      db.close();
    },
  });

  async function deleteImagesOf(runId: string): Promise<void> {
    const tx = db.transaction("images", "readwrite");
    for (const key of await tx.store.index("runId").getAllKeys(runId)) await tx.store.delete(key);
    await tx.done;
  }

  return {
    async list() {
      return db.getAllFromIndex("runs", "createdAt");
    },
    async put(record) {
      await db.put("runs", record);
    },
    async delete(id) {
      await db.delete("runs", id);
      await deleteImagesOf(id);
    },
    async putImage(image) {
      await db.put("images", image);
    },
    async getImage(key) {
      return db.get("images", key);
    },
    async pruneImages(maxBytes) {
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
    async pruneRuns(keep) {
      const drop = prunable(await db.getAllFromIndex("runs", "createdAt"), keep);
      for (const id of drop) {
        await db.delete("runs", id);
        await deleteImagesOf(id);
      }
      return drop;
    },
    close() {
      db.close();
    },
  };
}
