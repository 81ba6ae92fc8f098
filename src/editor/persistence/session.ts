/**
 * The persistence session of one tab: picks its draft slot, restores it, autosaves every change,
 * and guards every action that replaces the document (New, Open, template, library, recover) so
 * the work it replaces stays recoverable. Plain TypeScript over the editor store and IndexedDB;
 * the React layer (react.tsx) only renders its state and answers its questions.
 */
import { loadWorkflow, type LoadIssue, type Registry, type WorkflowDocument } from "../../graph";
import type { EditorState, EditorStore } from "../store";
import { createLibrary, type WorkflowLibrary, type WorkflowSummary } from "../library/library";
import { createAutosaver, type AutosaveStatus, type Autosaver } from "./autosave";
import { newId, type Database } from "./db";
import { createDraftStore, type DraftStore } from "./drafts";
import { loadWorkflowFile } from "../load/loadOffThread";
import { decodeDraft, draftName, encodeDraft, type CorruptReason, type DraftPayload } from "./snapshot";
import {
  chooseSlot,
  memoryLocks,
  slotLock,
  tabStorage,
  webLocks,
  workflowLock,
  type KeyValue,
  type Release,
  type TabChannel,
  type TabLocks,
} from "./tabs";

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
  locks?: TabLocks;
  storage?: KeyValue;
  channel?: TabChannel | null;
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
  /** Chooses the slot, restores its draft, starts autosave. Call once. */
  start(): Promise<void>;
  flush(): Promise<void>;
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
  openFile(file: Blob & { name?: string }): Promise<OpenOutcome>;
  openLibrary(id: string): Promise<OpenOutcome>;
  recoverRecent(id: string): Promise<OpenOutcome>;
  /** Saves over the open library workflow, or asks the caller for a name (returns "need-name"). */
  saveToLibrary(): Promise<"saved" | "need-name" | "cancelled" | "copied">;
  saveAsToLibrary(name: string): Promise<WorkflowSummary>;
  deleteFromLibrary(id: string): Promise<void>;
  /** The document was written to a file: it is no longer unsaved work. */
  markSavedToFile(): void;
  discardCorrupt(slot?: string): Promise<void>;
  dismissCorrupt(): void;
  dismissRestored(): void;
  dispose(): void;
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
};

export function createSession(opts: SessionOptions): Session {
  const { store, registry, db, ask } = opts;
  const now = opts.now ?? Date.now;
  const drafts = createDraftStore(db, now);
  const library = createLibrary(db, now);
  const locks = opts.locks ?? webLocks() ?? memoryLocks();
  const storage = opts.storage ?? tabStorage();
  const channel = opts.channel ?? null;
  const tabId = newId("tab");

  let state: SessionState = DEFAULT_STATE;
  const listeners = new Set<(s: SessionState) => void>();
  const set = (patch: Partial<SessionState>) => {
    state = { ...state, ...patch };
    for (const l of [...listeners]) l(state);
  };

  let slotRelease: Release | null = null;
  let workflowRelease: Release | null = null;
  let unsubscribeStore: (() => void) | null = null;
  let unsubscribeChannel: (() => void) | null = null;

  const payload = (): DraftPayload => {
    const s = store.getState();
    return {
      document: s.document,
      viewport: s.viewport,
      selection: { nodes: [...s.selection.nodes], edges: [...s.selection.edges] },
      dirty: s.dirty,
      libraryId: state.library?.id,
      libraryUpdatedAt: state.library?.updatedAt,
    };
  };

  const autosaver: Autosaver = createAutosaver({
    read: payload,
    write: async (p) => {
      if (!state.slot) return;
      await drafts.save(state.slot, p);
    },
    onStatus: (autosave) => set({ autosave }),
    debounceMs: opts.debounceMs,
    maxWaitMs: opts.maxWaitMs,
    retryBaseMs: opts.retryBaseMs,
    maxRetryMs: opts.maxRetryMs,
    now,
  });

  function watchStore() {
    unsubscribeStore = store.subscribe((next: EditorState, prev: EditorState) => {
      if (
        next.document !== prev.document ||
        next.viewport !== prev.viewport ||
        next.selection !== prev.selection ||
        next.dirty !== prev.dirty
      )
        autosaver.changed();
    });
  }

  async function setLibrary(rec: WorkflowSummary | null) {
    if (workflowRelease && rec?.id !== state.library?.id) {
      workflowRelease();
      workflowRelease = null;
    }
    let sharedWarning: string | null = null;
    if (rec && (!workflowRelease || rec.id !== state.library?.id)) {
      workflowRelease = await locks.tryHold(workflowLock(rec.id));
      if (!workflowRelease) sharedWarning = sharedText(rec.name);
      channel?.post({ type: "opened-workflow", workflowId: rec.id, tab: tabId });
    }
    set({ library: rec, sharedWarning });
  }

  const sharedText = (name: string) =>
    `“${name}” is also open in another tab. Saving here will not silently overwrite the other tab's changes: you will be asked first.`;

  async function restoreInto(p: DraftPayload) {
    // The view rides on the document too: the canvas shows a newly opened document at its own viewport.
    store.replaceDocument({ ...p.document, viewport: p.viewport }, { markClean: !p.dirty });
    store.setViewport(p.viewport);
    store.setSelection(p.selection);
  }

  const session: Session = {
    drafts,
    library,
    state: () => state,
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },

    async start() {
      const slots = await drafts.listSlots();
      const candidates = slots.filter((s) => !s.quarantined).map((s) => s.slot);
      let choice = await chooseSlot({ storage, locks, candidates, makeId: () => newId("slot") });
      let restored: SessionState["restored"] = null;
      let corrupt: CorruptDraft | null = null;

      if (choice.how !== "new") {
        const read = await drafts.read(choice.slot);
        const cur = read?.current;
        const decoded = cur ? decodeDraft(cur.data, registry) : null;
        if (decoded?.ok) {
          await restoreInto(decoded.draft);
          restored = {
            name: draftName(decoded.draft.document),
            savedAt: decoded.savedAt,
            how: choice.how,
            fromPrevious: false,
          };
          if (decoded.draft.libraryId) {
            const rec = await library.get(decoded.draft.libraryId);
            // Keep the updatedAt the draft was based on, so a save notices another tab's newer save.
            if (rec)
              await setLibrary({
                id: rec.id,
                name: rec.name,
                createdAt: rec.createdAt,
                nodeCount: rec.nodeCount,
                updatedAt: decoded.draft.libraryUpdatedAt ?? rec.updatedAt,
              });
          }
        } else if (read) {
          // Unreadable: set the slot aside untouched and work in a fresh one. The last good copy, if any, is restored.
          const reason: CorruptReason = decoded && !decoded.ok ? decoded.reason : "bad-json";
          const message = decoded && !decoded.ok ? decoded.message : "The autosave record is missing its data";
          const prev = read.previous ? decodeDraft(read.previous.data, registry) : null;
          corrupt = { slot: choice.slot, reason, message, raw: cur?.data ?? "", restoredPrevious: !!prev?.ok };
          await drafts.quarantine(choice.slot, message);
          choice.release();
          choice = await chooseSlot({
            storage: { getItem: () => null, setItem: (k, v) => storage.setItem(k, v) },
            locks,
            candidates: [],
            makeId: () => newId("slot"),
          });
          if (prev?.ok) {
            await restoreInto(prev.draft);
            restored = { name: draftName(prev.draft.document), savedAt: prev.savedAt, how: "own", fromPrevious: true };
          }
        }
      }
      slotRelease = choice.release;
      set({ slot: choice.slot, restored, corrupt });

      if (channel) {
        unsubscribeChannel = channel.onMessage((msg) => {
          if (msg.tab !== tabId && state.library && msg.workflowId === state.library.id)
            set({ sharedWarning: sharedText(state.library.name) });
        });
      }
      watchStore();
      // The slot exists from the first moment, so a tab closed before any edit is still found.
      autosaver.changed();
      await autosaver.flush();
      set({ ready: true });
      const held = await locks.heldNames().catch(() => new Set<string>());
      await drafts.pruneSlots((slot) => slot === state.slot || held.has(slotLock(slot))).catch(() => undefined);
    },

    flush: () => autosaver.flush(),

    async replace(doc, o) {
      const s = store.getState();
      if (s.dirty) {
        const choice = await ask({
          title: o.title ?? "Replace the current pipeline?",
          message: `“${draftName(s.document)}” has changes that are not saved to the library or a file. It will stay recoverable under Library › Recover drafts.`,
          actions: [
            { id: "cancel", label: "Cancel" },
            { id: "replace", label: "Continue", kind: "primary" },
          ],
        });
        if (choice !== "replace") return false;
      }
      if (s.document.nodes.length > 0) {
        try {
          await drafts.pushRecent({
            name: draftName(s.document),
            nodeCount: s.document.nodes.length,
            reason: o.reason,
            data: encodeDraft(payload(), now()),
          });
        } catch (e) {
          if (s.dirty) {
            const go = await ask({
              title: "Could not keep a copy",
              message: `The current pipeline could not be stored for recovery (${(e as Error).message}). Download it with Save first, or continue and lose it.`,
              actions: [
                { id: "cancel", label: "Cancel", kind: "primary" },
                { id: "replace", label: "Continue and lose it", kind: "danger" },
              ],
            });
            if (go !== "replace") return false;
          }
        }
      }
      await setLibrary(o.library ?? null);
      store.replaceDocument(o.view?.viewport ? { ...doc, viewport: o.view.viewport } : doc, {
        markClean: o.markClean ?? true,
      });
      if (o.view?.viewport) store.setViewport(o.view.viewport);
      if (o.view?.selection) store.setSelection(o.view.selection);
      await autosaver.flush();
      return true;
    },

    async openFile(file) {
      // Parsed and checked in a worker: a file at the node cap must not freeze the editor.
      const result = await loadWorkflowFile(file, registry);
      if (!result.ok) return { ok: false, cancelled: false, errors: result.errors };
      const done = await session.replace(result.document, {
        reason: `Replaced by opening ${file.name ?? "a file"}`,
        title: "Open this file?",
      });
      return done ? { ok: true, warnings: result.warnings } : { ok: false, cancelled: true };
    },

    async openLibrary(id) {
      const opened = await library.open(id, registry);
      if (!opened)
        return {
          ok: false,
          cancelled: false,
          errors: [{ code: "internal-error", path: "$", message: "This workflow is no longer in the library" }],
        };
      if (!opened.result.ok) return { ok: false, cancelled: false, errors: opened.result.errors };
      const done = await session.replace(opened.result.document, {
        reason: `Replaced by opening “${opened.record.name}” from the library`,
        title: "Open this workflow?",
        library: opened.record,
      });
      return done ? { ok: true, warnings: opened.result.warnings } : { ok: false, cancelled: true };
    },

    async recoverRecent(id) {
      const rec = await drafts.getRecent(id);
      if (!rec)
        return {
          ok: false,
          cancelled: false,
          errors: [{ code: "internal-error", path: "$", message: "This draft is no longer stored" }],
        };
      const decoded = decodeDraft(rec.data, registry);
      if (!decoded.ok)
        return {
          ok: false,
          cancelled: false,
          errors: decoded.issues.length
            ? decoded.issues
            : [{ code: "internal-error", path: "$", message: decoded.message }],
        };
      const lib = decoded.draft.libraryId ? await library.get(decoded.draft.libraryId) : undefined;
      const done = await session.replace(decoded.draft.document, {
        reason: "Replaced by recovering another draft",
        title: "Recover this draft?",
        markClean: false,
        library: lib
          ? {
              id: lib.id,
              name: lib.name,
              createdAt: lib.createdAt,
              nodeCount: lib.nodeCount,
              updatedAt: decoded.draft.libraryUpdatedAt ?? lib.updatedAt,
            }
          : null,
        view: decoded.draft,
      });
      if (!done) return { ok: false, cancelled: true };
      await drafts.removeRecent(id);
      return { ok: true, warnings: decoded.warnings };
    },

    async saveToLibrary() {
      const lib = state.library;
      if (!lib) return "need-name";
      const doc = store.getState().document;
      let res = await library.save(lib.id, doc, lib.updatedAt);
      if (!res.ok) {
        const gone = res.conflict === null;
        const choice = await ask({
          title: gone ? "This workflow was deleted" : "Changed in another tab",
          message: gone
            ? `“${lib.name}” is no longer in the library (deleted in another tab?).`
            : `“${lib.name}” was saved from another tab after you opened it. Overwrite those changes, or keep both by saving yours as a copy?`,
          actions: [
            { id: "cancel", label: "Cancel" },
            { id: "copy", label: "Save as a copy", kind: gone ? "primary" : "default" },
            ...(gone ? [] : [{ id: "overwrite", label: "Overwrite", kind: "danger" as const }]),
          ],
        });
        if (choice === "copy") {
          await session.saveAsToLibrary(gone ? lib.name : `${lib.name} (copy)`);
          return "copied";
        }
        if (choice !== "overwrite") return "cancelled";
        res = await library.save(lib.id, doc, lib.updatedAt, { force: true });
        if (!res.ok) return "cancelled";
      }
      await setLibrary(res.record);
      store.markClean();
      await autosaver.flush();
      return "saved";
    },

    async saveAsToLibrary(name) {
      const rec = await library.saveAs(name, store.getState().document);
      await setLibrary(rec);
      store.markClean();
      await autosaver.flush();
      return rec;
    },

    async deleteFromLibrary(id) {
      const rec = await library.remove(id);
      if (!rec) return;
      // A deleted workflow can be recovered like a replaced draft.
      const loaded = loadWorkflow(rec.data, registry);
      if (loaded.ok) {
        const doc = loaded.document;
        await drafts
          .pushRecent({
            name: rec.name,
            nodeCount: rec.nodeCount,
            reason: "Deleted from the library",
            data: encodeDraft(
              {
                document: doc,
                viewport: doc.viewport ?? { x: 0, y: 0, zoom: 1 },
                selection: { nodes: [], edges: [] },
                dirty: true,
              },
              now(),
            ),
          })
          .catch(() => undefined);
      }
      if (state.library?.id === id) {
        await setLibrary(null);
        autosaver.changed();
      }
    },

    markSavedToFile() {
      store.markClean();
    },

    async discardCorrupt(slot = state.corrupt?.slot) {
      if (!slot) return;
      await drafts.removeSlot(slot);
      if (state.corrupt?.slot === slot) set({ corrupt: null });
    },
    dismissCorrupt: () => set({ corrupt: null }),
    dismissRestored: () => set({ restored: null }),

    dispose() {
      autosaver.dispose();
      unsubscribeStore?.();
      unsubscribeChannel?.();
      slotRelease?.();
      workflowRelease?.();
    },
  };
  return session;
}

/**
 * Flushes the autosave when the page is hidden or left: `visibilitychange`→hidden is the last event
 * mobile browsers reliably deliver (docs/reliability.md#losing-work); `pagehide` covers the rest.
 */
export function attachLifecycle(
  session: Pick<Session, "flush">,
  doc: Pick<Document, "addEventListener" | "removeEventListener" | "visibilityState"> = document,
  win: Pick<Window, "addEventListener" | "removeEventListener"> = window,
): () => void {
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") void session.flush();
  };
  const onPageHide = () => void session.flush();
  doc.addEventListener("visibilitychange", onVisibility);
  win.addEventListener("pagehide", onPageHide);
  return () => {
    doc.removeEventListener("visibilitychange", onVisibility);
    win.removeEventListener("pagehide", onPageHide);
  };
}
