// What the session's parts share (session.ts composes them): the tab's stores, its state cell,
// the autosaver and the lock on the open library workflow.
import type { Registry } from "../../graph";
import { createUiStore, type EditorState } from "../store";
import type { WorkflowLibrary, WorkflowSummary } from "./library";
import { browserLibrary } from "./deferredLibrary";
import { createAutosaver, type Autosaver } from "./autosave";
import { newId } from "./db";
import { localBackup, removeBackup, writeBackup, type BackupStorage } from "./backup";
import { encodeDraft } from "./snapshot";
import { createDraftStore, type DraftStore } from "./drafts";
import type { DraftPayload } from "./snapshot";
import {
  memoryLocks,
  tabStorage,
  webLocks,
  workflowLock,
  type KeyValue,
  type Release,
  type TabChannel,
  type TabLocks,
} from "./tabs";
import type { Ask, SessionOptions, SessionState } from "./session";

export interface SessionContext {
  readonly store: SessionOptions["store"];
  readonly registry: Registry;
  readonly ask: Ask;
  readonly now: () => number;
  readonly drafts: DraftStore;
  readonly library: WorkflowLibrary;
  readonly locks: TabLocks;
  readonly storage: KeyValue;
  readonly channel: TabChannel | null;
  readonly firstVisit: () => void | Promise<void>;
  readonly tabId: string;
  readonly autosaver: Autosaver;
  get(): SessionState;
  set(patch: Partial<SessionState>): void;
  subscribe(cb: (s: SessionState) => void): () => void;
  /** What the autosave writes: the document and its view, and the library workflow it came from. */
  payload(): DraftPayload;
  /** What dispose() ends: the tab's locks (slot, library workflow) and its subscriptions. */
  holds: { slot: Release | null; workflow: Release | null; listening: (() => void) | null };
  /** Where the page keeps its synchronous copy of the draft (backup.ts). */
  readonly backup: BackupStorage | null;
  /**
   * The synchronous copy not yet covered by an IndexedDB write. A new object each time a copy is
   * written: a write that began before it (and read older state) leaves it in place.
   */
  backupPending: { slot: string } | null;
  /**
   * The boot's first write is under way: its outcome makes the session ready in the same update,
   * so the autosave chip appears in one React commit (docs/codebase.md#the-first-load).
   */
  firstWrite: boolean;
}

const DEFAULT_STATE: SessionState = {
  ready: false,
  slot: null,
  autosave: { state: "idle" },
  restored: null,
  corrupt: null,
  library: null,
  sharedWarning: null,
  unavailable: null,
  upgraded: null,
};

/**
 * A clock whose readings never repeat: the boot keeps the newer of the page's leave-time copy and
 * the stored draft by `savedAt`, and a boot write and a copy made in the same millisecond must
 * still come out in the order they were made.
 */
function strictlyIncreasing(clock: () => number): () => number {
  let last = -Infinity;
  return () => (last = Math.max(clock(), last + 1));
}

export function createSessionContext(opts: SessionOptions): SessionContext {
  const { store, db } = opts;
  const now = strictlyIncreasing(opts.now ?? Date.now);
  const drafts = createDraftStore(db, now);
  // A zustand store like the editor's other stores (store/uiStore.ts), not a hand-written one.
  const cell = createUiStore<SessionState>(DEFAULT_STATE);
  const payload = (): DraftPayload => {
    const s = store.getState();
    const library = cell.get().library;
    return {
      document: s.document,
      viewport: s.viewport,
      selection: { nodes: [...s.selection.nodes], edges: [...s.selection.edges] },
      dirty: s.dirty,
      libraryId: library?.id,
      libraryUpdatedAt: library?.updatedAt,
      libraryEtag: library?.etag,
    };
  };
  const backup = opts.backup === undefined ? localBackup() : opts.backup;
  const autosaver = createAutosaver({
    read: payload,
    write: async (p) => {
      const slot = cell.get().slot;
      if (!slot) return;
      if (cell.get().upgraded) return keepInTab(slot, p);
      const covers = ctx.backupPending;
      try {
        await drafts.save(slot, p);
      } catch (e) {
        // The connection closed for another tab's upgrade while this write was being made.
        if (cell.get().upgraded) return keepInTab(slot, p);
        throw e;
      }
      if (covers && ctx.backupPending === covers) {
        removeBackup(backup, covers.slot);
        ctx.backupPending = null;
      }
    },
    onStatus: (autosave) =>
      cell.set(ctx.firstWrite && autosave.state !== "saving" ? { autosave, ready: true } : { autosave }),
    debounceMs: opts.debounceMs,
    maxWaitMs: opts.maxWaitMs,
    retryBaseMs: opts.retryBaseMs,
    maxRetryMs: opts.maxRetryMs,
    now,
  });
  /**
   * After another tab upgraded the database this tab's connection is closed, and every IndexedDB
   * write would fail into the retry loop. The draft goes to the synchronous copy instead (the one
   * boot restores when newer than the stored draft), until the user reloads (AUTO-09).
   */
  const keepInTab = (slot: string, p: DraftPayload) => {
    const kept = writeBackup(backup, slot, encodeDraft(p, now()));
    if (kept) ctx.backupPending = { slot };
    const upgraded = cell.get().upgraded;
    if (upgraded && upgraded.copyFailed === kept) cell.set({ upgraded: { ...upgraded, copyFailed: !kept } });
  };
  const ctx: SessionContext = {
    get: cell.get,
    set: cell.set,
    subscribe: (cb) => cell.subscribe((state) => cb(state)),
    store,
    registry: opts.registry,
    ask: opts.ask,
    now,
    drafts,
    library: opts.library ?? browserLibrary(db, now),
    locks: opts.locks ?? webLocks() ?? memoryLocks(),
    storage: opts.storage ?? tabStorage(),
    channel: opts.channel ?? null,
    firstVisit: opts.firstVisit ?? (() => {}),
    tabId: newId("tab"),
    autosaver,
    payload,
    holds: { slot: null, workflow: null, listening: null },
    backup,
    backupPending: null,
    firstWrite: false,
  };
  return ctx;
}

/**
 * Another tab opened the database at a newer version (its connection is closed by db.ts): from
 * now on this tab keeps its draft in the synchronous copy and asks the user to reload.
 */
export function watchUpgrade(ctx: SessionContext, db: SessionOptions["db"]): () => void {
  const onVersionChange = () => {
    if (ctx.get().upgraded) return;
    ctx.set({ upgraded: { at: ctx.now(), copyFailed: false } });
    // Whatever was waiting for IndexedDB (or retrying) goes to the copy now.
    if (ctx.autosaver.hasUnsaved()) void ctx.autosaver.flush();
  };
  db.addEventListener("versionchange", onVersionChange);
  return () => db.removeEventListener("versionchange", onVersionChange);
}

/** Autosaves on every change the draft records. */
export function watchStore(ctx: SessionContext): () => void {
  return ctx.store.subscribe((next: EditorState, prev: EditorState) => {
    if (
      next.document !== prev.document ||
      next.viewport !== prev.viewport ||
      next.selection !== prev.selection ||
      next.dirty !== prev.dirty
    )
      ctx.autosaver.changed();
  });
}

export const sharedText = (name: string) =>
  `“${name}” is also open in another tab. Saving here will not silently overwrite the other tab's changes: you will be asked first.`;

/** Makes `rec` the tab's library workflow, holding its lock (or warning that another tab holds it). */
export async function setLibrary(ctx: SessionContext, rec: WorkflowSummary | null): Promise<void> {
  const current = ctx.get().library;
  if (ctx.holds.workflow && rec?.id !== current?.id) {
    ctx.holds.workflow();
    ctx.holds.workflow = null;
  }
  let sharedWarning: string | null = null;
  if (rec && (!ctx.holds.workflow || rec.id !== current?.id)) {
    ctx.holds.workflow = await ctx.locks.tryHold(workflowLock(rec.id));
    if (!ctx.holds.workflow) sharedWarning = sharedText(rec.name);
    ctx.channel?.post({ type: "opened-workflow", workflowId: rec.id, tab: ctx.tabId });
  }
  ctx.set({ library: rec, sharedWarning });
}

/**
 * The library record as a draft knew it: its updatedAt (ETag, for a workspace file) is the one
 * the draft was based on, so a save notices another tab's newer save or a change on disk.
 */
export function summaryAsDrafted(
  rec: WorkflowSummary | undefined,
  draft: Pick<DraftPayload, "libraryUpdatedAt" | "libraryEtag">,
): WorkflowSummary | null {
  if (!rec) return null;
  const { data: _data, ...summary } = rec as WorkflowSummary & { data?: string };
  return {
    ...summary,
    updatedAt: draft.libraryUpdatedAt ?? rec.updatedAt,
    etag: rec.where === "workspace" ? (draft.libraryEtag ?? rec.etag) : undefined,
  };
}
