/**
 * Draft slots (one per tab) and the "recent drafts" list, over IndexedDB.
 *
 * A save is one readwrite transaction over `snapshots` and `drafts`: put the new snapshot,
 * then move the slot's pointer to it, keeping the previous snapshot as the last good one and
 * deleting the one before. IndexedDB commits a transaction all or nothing, so a crash or a full
 * disk mid-save leaves the old pointer and both old snapshots exactly as they were.
 */
import type { Database, DraftRecord, RecentDraftRecord, SnapshotRecord } from "./db";
import { newId } from "./db";
import { draftName, type DraftPayload, encodeDraft } from "./snapshot";

export const RECENT_LIMIT = 20;
/** Slots beyond this many (oldest first, not open in a tab) are moved to the recent list. */
export const SLOT_LIMIT = 20;

export interface SlotRead {
  record: DraftRecord;
  current?: SnapshotRecord;
  previous?: SnapshotRecord;
}

export interface DraftStore {
  /** Writes a snapshot of the payload into the slot and switches the slot's pointer to it. */
  save(slot: string, payload: DraftPayload, savedAt?: number): Promise<void>;
  /**
   * The same write for a page that is going away (`pagehide`): issued whole at once and committed
   * explicitly, so it lands even though none of this page's code runs afterwards.
   */
  saveNow(slot: string, payload: DraftPayload, savedAt?: number): Promise<void>;
  /** Saves pre-encoded text (tests, and re-saving a recovered draft). */
  saveText(
    slot: string,
    text: string,
    meta: { name: string; nodeCount: number; libraryId?: string },
    savedAt?: number,
  ): Promise<void>;
  read(slot: string): Promise<SlotRead | undefined>;
  listSlots(): Promise<DraftRecord[]>;
  /** Marks a slot unreadable so no tab restores it again; its snapshots are left as they are. */
  quarantine(slot: string, reason: string): Promise<void>;
  /** Deletes a slot and all its snapshots (the user chose to discard it). */
  removeSlot(slot: string): Promise<void>;
  /** Moves slots beyond SLOT_LIMIT, oldest first, that `isOpen` says no tab holds, into the recent list. */
  pruneSlots(isOpen: (slot: string) => boolean): Promise<void>;

  pushRecent(
    entry: { name: string; nodeCount: number; reason: string; data: string },
    savedAt?: number,
  ): Promise<RecentDraftRecord | null>;
  listRecent(): Promise<RecentDraftRecord[]>;
  getRecent(id: string): Promise<RecentDraftRecord | undefined>;
  removeRecent(id: string): Promise<void>;
}

type DraftMeta = { name: string; nodeCount: number; libraryId?: string };

/** The slot's record once snapshot `id` is its current one and the old current its previous. */
function nextRecord(slot: string, id: string, old: DraftRecord | undefined, savedAt: number, meta: DraftMeta) {
  const record: DraftRecord = {
    slot,
    current: id,
    previous: old?.current,
    updatedAt: savedAt,
    name: meta.name,
    nodeCount: meta.nodeCount,
  };
  if (meta.libraryId) record.libraryId = meta.libraryId;
  return record;
}

const metaOf = (payload: DraftPayload): DraftMeta => ({
  name: draftName(payload.document),
  nodeCount: payload.document.nodes.length,
  libraryId: payload.libraryId,
});

/** The "recent drafts" list: drafts set aside (New over unsaved work, pruned slots), newest last. */
function recentDrafts(db: Database, clock: () => number) {
  return {
    async pushRecent(
      entry: { name: string; nodeCount: number; reason: string; data: string },
      savedAt = clock(),
    ): Promise<RecentDraftRecord | null> {
      const tx = db.transaction("recent", "readwrite");
      const all = await tx.store.index("savedAt").getAll();
      const newest = all[all.length - 1];
      // The same draft set aside twice in a row (e.g. New, then New again) is kept once.
      if (newest && newest.data === entry.data) {
        await tx.done;
        return null;
      }
      const rec: RecentDraftRecord = { id: newId("recent"), savedAt, ...entry };
      await tx.store.put(rec);
      const overflow = all.length + 1 - RECENT_LIMIT;
      for (let i = 0; i < overflow; i++) await tx.store.delete(all[i].id);
      await tx.done;
      return rec;
    },

    async listRecent(): Promise<RecentDraftRecord[]> {
      const all = await db.getAllFromIndex("recent", "savedAt");
      return all.reverse();
    },

    getRecent: (id: string) => db.get("recent", id),

    async removeRecent(id: string): Promise<void> {
      await db.delete("recent", id);
    },
  };
}

export function createDraftStore(db: Database, clock: () => number = Date.now): DraftStore {
  // Each slot's record as this page last read or wrote it: saveNow() cannot read it first.
  const known = new Map<string, DraftRecord>();
  async function saveText(slot: string, text: string, meta: DraftMeta, savedAt = clock()) {
    const tx = db.transaction(["snapshots", "drafts"], "readwrite");
    const snapshots = tx.objectStore("snapshots");
    const drafts = tx.objectStore("drafts");
    try {
      const old = await drafts.get(slot);
      // A quarantined slot holds the only copy of data we could not read; never write over it.
      if (old?.quarantined) throw new Error(`Draft slot ${slot} is set aside as unreadable and cannot be written`);
      const id = newId("snap");
      await snapshots.put({ id, slot, savedAt, data: text });
      const record = nextRecord(slot, id, old, savedAt, meta);
      await drafts.put(record);
      if (old?.previous && old.previous !== old.current) await snapshots.delete(old.previous);
      await tx.done;
      known.set(slot, record);
    } catch (e) {
      // Reject with the original error (QuotaExceededError…); make sure nothing half-done commits.
      try {
        tx.abort();
      } catch {
        /* already finished or aborted */
      }
      await tx.done.catch(() => undefined);
      throw e;
    }
  }

  const store: DraftStore = {
    async save(slot, payload, savedAt = clock()) {
      await saveText(slot, encodeDraft(payload, savedAt), metaOf(payload), savedAt);
    },
    saveText,

    /**
     * Nothing of a page runs after `pagehide`: a transaction waiting on its own read never gets
     * to write, and Chromium drops one not committed before the page goes. So every request goes
     * out now, built on the slot's record as this page knows it (the tab holds the slot's lock;
     * no other tab writes it), and the transaction is committed at once. A write already in
     * flight can still hold it back, hence also the localStorage copy (backup.ts).
     */
    saveNow(slot, payload, savedAt = clock()) {
      const text = encodeDraft(payload, savedAt);
      const old = known.get(slot);
      const tx = db.transaction(["snapshots", "drafts"], "readwrite");
      const id = newId("snap");
      const record = nextRecord(slot, id, old, savedAt, metaOf(payload));
      const done = Promise.all([
        tx.objectStore("snapshots").put({ id, slot, savedAt, data: text }),
        tx.objectStore("drafts").put(record),
        old?.previous && old.previous !== old.current ? tx.objectStore("snapshots").delete(old.previous) : undefined,
        tx.done,
      ]);
      tx.commit();
      return done.then(() => void known.set(slot, record));
    },

    /**
     * The slot's record and its snapshots (by the `slot` index) are asked for together: one round
     * trip to the browser instead of two, on the path to a reload's first frame
     * (docs/benchmarks.md#the-first-load). Saves keep a slot at the two snapshots its record names.
     */
    async read(slot) {
      const tx = db.transaction(["snapshots", "drafts"], "readonly");
      const [record, snapshots] = await Promise.all([
        tx.objectStore("drafts").get(slot),
        tx.objectStore("snapshots").index("slot").getAll(slot),
        tx.done,
      ]);
      if (!record) return undefined;
      known.set(slot, record);
      const byId = (id: string | undefined) => (id ? snapshots.find((s) => s.id === id) : undefined);
      return { record, current: byId(record.current), previous: byId(record.previous) };
    },

    async listSlots() {
      const all = await db.getAll("drafts");
      return all.sort((a, b) => b.updatedAt - a.updatedAt);
    },

    async quarantine(slot, reason) {
      const tx = db.transaction("drafts", "readwrite");
      const rec = await tx.store.get(slot);
      if (rec) await tx.store.put({ ...rec, quarantined: { reason, at: clock() } });
      await tx.done;
    },

    async removeSlot(slot) {
      const tx = db.transaction(["snapshots", "drafts"], "readwrite");
      const keys = await tx.objectStore("snapshots").index("slot").getAllKeys(slot);
      for (const k of keys) await tx.objectStore("snapshots").delete(k);
      await tx.objectStore("drafts").delete(slot);
      await tx.done;
      known.delete(slot);
    },

    async pruneSlots(isOpen) {
      const slots = await store.listSlots();
      const extra = slots.slice(SLOT_LIMIT).filter((s) => !isOpen(s.slot) && !s.quarantined);
      for (const s of extra) {
        const read = await store.read(s.slot);
        const snap = read?.current ?? read?.previous;
        if (snap)
          await store.pushRecent(
            { name: s.name, nodeCount: s.nodeCount, reason: "Set aside: too many open drafts", data: snap.data },
            s.updatedAt,
          );
        await store.removeSlot(s.slot);
      }
    },

    ...recentDrafts(db, clock),
  };
  return store;
}
