/**
 * The persistence session of one tab: picks its draft slot, restores it, autosaves every change,
 * and guards every action that replaces the document (New, Open, template, library, recover) so
 * the work it replaces stays recoverable. Plain TypeScript over the editor store and IndexedDB;
 * the React layer (react.tsx) only renders its state and answers its questions.
 */
import type { LoadIssue, LoadResult, Registry, WorkflowDocument } from "../../graph";
import type { EditorStore } from "../store";
import type { WorkflowLibrary, WorkflowSummary } from "./library";
import type { AutosaveStatus } from "./autosave";
import type { Database, WorkflowRecord } from "./db";
import type { DraftStore } from "./drafts";
import type { CorruptReason, DraftPayload } from "./snapshot";
import type { KeyValue, TabChannel, TabLocks } from "./tabs";
import { writeBackup, type BackupStorage } from "./backup";
import { encodeDraft } from "./snapshot";
import { createSessionContext, watchUpgrade, type SessionContext } from "./sessionContext";
import type { SaveOutcome } from "./sessionLibrary";
import { startSession } from "./sessionStart";

// Replacing the document (with the file loader) and the library's actions (with the conflict
// question) only run when the user acts, never to show the draft: their code loads on first use,
// and the module loader keeps it (docs/codebase.md#the-first-load).
const opening = () => import("./sessionOpen");
const libraryActions = () => import("./sessionLibrary");

export interface AskAction {
  id: string;
  label: string;
  kind?: "primary" | "danger" | "default";
}
export interface AskRequest {
  title: string;
  message: string;
  actions: AskAction[];
}
/** Shows an in-app dialog; resolves with the chosen action's id, or null when dismissed. */
export type Ask = (req: AskRequest) => Promise<string | null>;

export interface CorruptDraft {
  slot: string;
  reason: CorruptReason;
  message: string;
  /** The stored text exactly as found, for download. */
  raw: string;
  /** An older good autosave of the same slot was restored instead. */
  restoredPrevious: boolean;
}

export interface SessionState {
  ready: boolean;
  slot: string | null;
  autosave: AutosaveStatus;
  /** Set after a draft was brought back on boot; the UI shows a small notice. */
  restored: { name: string; savedAt: number; how: "own" | "adopted"; fromPrevious: boolean } | null;
  corrupt: CorruptDraft | null;
  /** The library workflow this tab is editing. */
  library: WorkflowSummary | null;
  /** The same library workflow is open in another tab. */
  sharedWarning: string | null;
  /** Why persistence is off entirely (IndexedDB unavailable); editing still works. */
  unavailable: string | null;
  /**
   * Another tab upgraded the database: this tab no longer writes there, keeps its draft in the
   * page's synchronous copy (`copyFailed` when that copy could not be written) and asks for a reload.
   */
  upgraded: { at: number; copyFailed: boolean } | null;
}

export type OpenOutcome =
  | { ok: true; warnings: LoadIssue[] }
  | { ok: false; cancelled: true }
  | { ok: false; cancelled: false; errors: LoadIssue[] };

export interface SessionOptions {
  store: EditorStore;
  registry: Registry;
  db: Database;
  ask: Ask;
  /** The library to use instead of the browser's own (the workspace's, when served by our server). */
  library?: WorkflowLibrary;
  locks?: TabLocks;
  storage?: KeyValue;
  /** Where the synchronous copy of the draft goes when the page is left (default localStorage; null: none). */
  backup?: BackupStorage | null;
  channel?: TabChannel | null;
  /**
   * Called when the tab has no draft to bring back (a first visit), before autosave starts and
   * waited for: the page loads and puts its starter in then, so a reload never builds it
   * (docs/benchmarks.md#the-first-load).
   */
  firstVisit?: () => void | Promise<void>;
  now?: () => number;
  debounceMs?: number;
  maxWaitMs?: number;
  retryBaseMs?: number;
  maxRetryMs?: number;
}

export interface Session {
  readonly drafts: DraftStore;
  readonly library: WorkflowLibrary;
  state(): SessionState;
  subscribe(cb: (s: SessionState) => void): () => void;
  /**
   * Chooses the slot, restores its draft, starts autosave. Call once. `restored` is called once the
   * draft is in the editor, before the slot's first write is on disk.
   */
  start(restored?: () => void): Promise<void>;
  flush(): Promise<void>;
  /**
   * The page is hidden (`unloading` false) or going away (`pagehide`, true): keeps any unsaved
   * edit by means that need no later turn of the event loop, then flushes as usual.
   */
  leave(unloading: boolean): void;
  /** Replaces the document after asking if there is unsaved work; the replaced draft goes to the recent list. */
  replace(
    doc: WorkflowDocument,
    opts: {
      reason: string;
      title?: string;
      markClean?: boolean;
      library?: WorkflowSummary | null;
      view?: Partial<Pick<DraftPayload, "viewport" | "selection">>;
    },
  ): Promise<boolean>;
  /** `read`: the file as the import door already read it (loadWorkflowFile). */
  openFile(file: Blob & { name?: string }, read?: LoadResult): Promise<OpenOutcome>;
  openLibrary(id: string): Promise<OpenOutcome>;
  recoverRecent(id: string): Promise<OpenOutcome>;
  /** Saves over the open library workflow, or asks the caller for a name (returns "need-name"). */
  /**
   * Saves over the open library workflow, or asks the caller for a name ("need-name"; "save-as"
   * when the user chose Save as… over a conflict).
   */
  saveToLibrary(): Promise<SaveOutcome>;
  /**
   * The library copy of the open pipeline changed to `etag` (seen on disk; null: deleted): asks
   * with the conflict choices and carries out the answer. "same" when it is the version open here.
   */
  libraryChanged(etag: string | null): Promise<"reloaded" | "saved" | "save-as" | "kept" | "same">;
  /** Opens the library copy again; this tab's version goes to the recent drafts. */
  reloadLibrary(): Promise<boolean>;
  saveAsToLibrary(name: string): Promise<WorkflowSummary>;
  /** Deletes a library entry (kept under the recent drafts); resolves with what was deleted. */
  deleteFromLibrary(id: string): Promise<WorkflowRecord | undefined>;
  /** Renames a library entry, and the pipeline with it when it is the open one. */
  renameInLibrary(id: string, name: string): Promise<WorkflowSummary>;
  /** The open entry `from` was renamed elsewhere to `rec`: follows it (false when not open here). */
  followLibrary(from: string, rec: WorkflowSummary): Promise<boolean>;
  /** The document was written to a file: it is no longer unsaved work. */
  markSavedToFile(): void;
  discardCorrupt(slot?: string): Promise<void>;
  dismissCorrupt(): void;
  dismissRestored(): void;
  dispose(): void;
}

/**
 * The session is composed of parts over one shared context (sessionContext.ts): booting the tab
 * (sessionStart.ts), replacing the document (sessionOpen.ts) and the library (sessionLibrary.ts),
 * the last two loaded on first use.
 */
export function createSession(opts: SessionOptions): Session {
  const ctx = createSessionContext(opts);
  const { store, drafts, autosaver, holds } = ctx;
  const unwatchUpgrade = watchUpgrade(ctx, opts.db);
  return {
    drafts,
    library: ctx.library,
    state: ctx.get,
    subscribe: ctx.subscribe,
    start: (restored) => startSession(ctx, restored),
    flush: () => autosaver.flush(),
    leave: (unloading) => leave(ctx, unloading),
    replace: async (doc, o) => (await opening()).replace(ctx, doc, o),
    openFile: async (file, read) => (await opening()).openFile(ctx, file, read),
    openLibrary: async (id) => (await opening()).openLibrary(ctx, id),
    recoverRecent: async (id) => (await opening()).recoverRecent(ctx, id),
    saveToLibrary: async () => (await libraryActions()).saveToLibrary(ctx),
    libraryChanged: async (etag) => (await libraryActions()).libraryChanged(ctx, etag),
    reloadLibrary: async () => (await libraryActions()).reloadLibrary(ctx),
    saveAsToLibrary: async (name) => (await libraryActions()).saveAsToLibrary(ctx, name),
    deleteFromLibrary: async (id) => (await libraryActions()).deleteFromLibrary(ctx, id),
    renameInLibrary: async (id, name) => (await libraryActions()).renameInLibrary(ctx, id, name),
    followLibrary: async (from, rec) => (await libraryActions()).followLibrary(ctx, from, rec),
    markSavedToFile: () => store.markClean(),
    async discardCorrupt(slot = ctx.get().corrupt?.slot) {
      if (!slot) return;
      await drafts.removeSlot(slot);
      if (ctx.get().corrupt?.slot === slot) ctx.set({ corrupt: null });
    },
    dismissCorrupt: () => ctx.set({ corrupt: null }),
    dismissRestored: () => ctx.set({ restored: null }),
    dispose() {
      unwatchUpgrade();
      autosaver.dispose();
      holds.listening?.();
      holds.slot?.();
      holds.workflow?.();
    },
  };
}

/**
 * Keeps unsaved work as the page is hidden or left. The autosave's own write needs several turns
 * of the event loop (it reads the slot before writing), and none come after `pagehide`: a reload
 * within the debounce lost every edit since the last write (AUTO-08). So the latest draft is
 * copied to localStorage at once, and on `pagehide` also written to IndexedDB in one committed
 * transaction; boot restores the newer of the two.
 */
function leave(ctx: SessionContext, unloading: boolean): void {
  const slot = ctx.get().slot;
  if (slot && ctx.get().ready && ctx.autosaver.hasUnsaved()) {
    const payload = ctx.payload();
    const at = ctx.now();
    if (writeBackup(ctx.backup, slot, encodeDraft(payload, at))) ctx.backupPending = { slot };
    if (unloading && !ctx.get().upgraded) void ctx.drafts.saveNow(slot, payload, at).catch(() => undefined);
  }
  void ctx.autosaver.flush();
}

/**
 * Keeps the draft when the page is hidden or left: `visibilitychange`→hidden is the last event
 * mobile browsers reliably deliver (docs/persistence.md#losing-work); `pagehide` covers the rest.
 */
export function attachLifecycle(
  session: Pick<Session, "leave">,
  doc: Pick<Document, "addEventListener" | "removeEventListener" | "visibilityState"> = document,
  win: Pick<Window, "addEventListener" | "removeEventListener"> = window,
): () => void {
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") session.leave(false);
  };
  const onPageHide = () => session.leave(true);
  doc.addEventListener("visibilitychange", onVisibility);
  win.addEventListener("pagehide", onPageHide);
  return () => {
    doc.removeEventListener("visibilitychange", onVisibility);
    win.removeEventListener("pagehide", onPageHide);
  };
}
