/**
 * Starts persistence before the editor renders (so the canvas opens on the restored view rather
 * than flashing the starter and refitting), and holds each editor's session and its dialog queue
 * for the React layer.
 */
import { openDatabase, type Database } from "./db";
import type { WorkflowLibrary } from "./library";
import { browserLibrary, deferredLibrary } from "./deferredLibrary";
import { attachLifecycle, createSession, type AskRequest, type Session } from "./session";
import { broadcastChannel, tabStorage } from "./tabs";
import { localBackup } from "./backup";
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import type { WorkflowDocument } from "../../graph";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";

/** Pending in-app questions, answered by <DialogHost/>. */
export interface PendingAsk {
  id: number;
  request: AskRequest;
  resolve(answer: string | null): void;
}

export interface Dialogs {
  /** Queues a question; the dialog host shows one at a time. */
  ask(request: AskRequest): Promise<string | null>;
  readonly queue: UiStore<{ pending: readonly PendingAsk[] }>;
}

function createDialogs(): Dialogs {
  const queue = createUiStore<{ pending: readonly PendingAsk[] }>({ pending: [] });
  let askSeq = 0;
  return {
    queue,
    ask: (request) =>
      new Promise((resolve) => {
        const item: PendingAsk = {
          id: ++askSeq,
          request,
          resolve: (answer) => {
            queue.set({ pending: queue.get().pending.filter((p) => p !== item) });
            resolve(answer);
          },
        };
        queue.set({ pending: [...queue.get().pending, item] });
      }),
  };
}

export interface Persistence {
  readonly dialogs: Dialogs;
  /** The session once IndexedDB is open; the reason autosave is off when it could not open. */
  readonly state: UiStore<{ session: Session | null; bootError: string | null }>;
}

const persistencePart = definePart(
  "persistence",
  (): Persistence => ({ dialogs: createDialogs(), state: createUiStore({ session: null, bootError: null }) }),
  (p) => {
    p.state.get().session?.dispose();
  },
);

export const persistenceOf = (editor: Editor): Persistence => editor.part(persistencePart);
export const dialogsOf = (editor: Editor): Dialogs => persistenceOf(editor).dialogs;
export const getSession = (editor: Editor): Session | null => persistenceOf(editor).state.get().session;

/** The question the dialog host shows now. */
export const useCurrentAsk = (): PendingAsk | null =>
  useUiStore(usePart(persistencePart).dialogs.queue, (s) => s.pending[0] ?? null);
/** This editor's session (null before IndexedDB opened, or without it). */
export const useSession = (): Session | null => useUiStore(usePart(persistencePart).state, (s) => s.session);
export const useBootError = (): string | null => useUiStore(usePart(persistencePart).state, (s) => s.bootError);

/**
 * Opens IndexedDB, restores this tab's draft into the editor and starts autosave. Never throws:
 * without IndexedDB (private mode, blocked storage) the editor still works, with a banner.
 * Resolves once the draft is in the editor (the slot's first write and the pruning of old slots
 * go on behind the first render), or after at most `timeoutMs` so a hung database cannot keep the
 * editor from showing.
 *
 * `fresh` is what a tab with no draft opens on (the starter): loaded and built only then, as long
 * as the editor still holds the document it was made with; the draft is shown once it is in. A
 * reload restores its draft and never loads it.
 */
export async function startPersistence(
  editor: Editor,
  opts: {
    timeoutMs?: number;
    library?: (db: Database) => Promise<WorkflowLibrary | undefined>;
    fresh?: () => WorkflowDocument | Promise<WorkflowDocument>;
    /** The database already asked for (persistence/early.ts); else opened here. */
    database?: Promise<Database>;
    /** Given the session once made, before it starts: what follows its state sees the restore. */
    made?: (session: Session) => void;
  } = {},
): Promise<Session | null> {
  const timeoutMs = opts.timeoutMs ?? 4000;
  const { dialogs, state } = persistenceOf(editor);
  const initial = editor.store.getState().document;
  const untouched = () => editor.store.getState().document === initial;
  const firstVisit = async () => {
    if (!opts.fresh || !untouched()) return;
    // Not there (its code failed to load): the tab opens empty, and autosave still starts.
    const doc = await (async () => opts.fresh!())().catch(() => null);
    if (doc && untouched()) editor.store.replaceDocument(doc, { markClean: true, first: true });
  };
  let session: Session | null = null;
  let bootError: string | null = null;
  const failed = (e: unknown) => {
    bootError = `Autosave is off: the browser's storage (IndexedDB) is not available (${e instanceof Error ? e.message : String(e)}). Use Save to keep your work.`;
    session = null;
    return null;
  };
  const boot = (async () => {
    const opening = opts.database ?? openDatabase();
    // Read while the database opens. The first touch of the two storages (a synchronous round trip
    // to the browser, 40–95 ms at load 20) is persistence/early.ts's, made before the entry evaluates.
    const backup = localBackup();
    const storage = tabStorage();
    const db = await opening;
    // The workspace's library needs an answer from the server: its calls wait for it, else use the
    // browser's own. Only a draft linked to a library entry asks anything before the first paint.
    const own = () => browserLibrary(db);
    const known = opts.library?.(db).then((l) => l ?? own(), own);
    const library = known && deferredLibrary(() => known);
    const s = createSession({
      backup,
      storage,
      library,
      store: editor.store,
      registry: editor.registry,
      db,
      ask: dialogs.ask,
      channel: broadcastChannel(),
      firstVisit,
    });
    session = s;
    opts.made?.(s);
    let shown = () => {};
    const restored = new Promise<void>((r) => (shown = r));
    const started = s.start(() => shown());
    // A start that fails after the draft was shown still turns autosave off, with the banner.
    void started.catch((e: unknown) => {
      failed(e);
      state.set({ session, bootError });
    });
    await Promise.race([restored, started]);
    attachLifecycle(s);
    return s;
  })().catch(failed);
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs));
  const result = await Promise.race([boot, timeout]);
  // Without a session (no IndexedDB, or not yet) there is no draft to show: the tab opens fresh.
  if (!result) await firstVisit();
  // A slow start still finishes in the background; tell the UI when it does.
  void boot.then(() => state.set({ session, bootError }));
  state.set({ session, bootError });
  return result;
}
