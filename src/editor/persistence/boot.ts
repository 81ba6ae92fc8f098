/**
 * Starts persistence for the page before the editor renders (so the canvas opens on the restored
 * view rather than flashing the starter and refitting), and holds the page's one session and its
 * dialog queue for the React layer.
 */
import type { Registry } from "../../graph";
import type { EditorStore } from "../store";
import { openDatabase } from "./db";
import { attachLifecycle, createSession, type AskRequest, type Session } from "./session";
import { broadcastChannel } from "./tabs";

type Listener = () => void;

/** Pending in-app questions, answered by <DialogHost/>. */
export interface PendingAsk {
  id: number;
  request: AskRequest;
  resolve(answer: string | null): void;
}

let pending: PendingAsk[] = [];
let askSeq = 0;
const askListeners = new Set<Listener>();
const emitAsk = () => askListeners.forEach((l) => l());

export const dialogs = {
  /** Queues a question; the dialog host shows one at a time. */
  ask(request: AskRequest): Promise<string | null> {
    return new Promise((resolve) => {
      const item: PendingAsk = {
        id: ++askSeq,
        request,
        resolve: (answer) => {
          pending = pending.filter((p) => p !== item);
          emitAsk();
          resolve(answer);
        },
      };
      pending = [...pending, item];
      emitAsk();
    });
  },
  current: (): PendingAsk | null => pending[0] ?? null,
  subscribe(l: Listener) {
    askListeners.add(l);
    return () => void askListeners.delete(l);
  },
};

let session: Session | null = null;
let bootError: string | null = null;
const sessionListeners = new Set<Listener>();

export function getSession(): Session | null {
  return session;
}
export function getBootError(): string | null {
  return bootError;
}
export function onSessionChange(l: Listener): () => void {
  sessionListeners.add(l);
  return () => void sessionListeners.delete(l);
}

/**
 * Opens IndexedDB, restores this tab's draft into the store and starts autosave. Never throws:
 * without IndexedDB (private mode, blocked storage) the editor still works, with a banner.
 * Resolves after at most `timeoutMs` so a hung database cannot keep the editor from showing.
 */
export async function startPersistence(
  store: EditorStore,
  registry: Registry,
  timeoutMs = 4000,
): Promise<Session | null> {
  const boot = (async () => {
    const db = await openDatabase();
    const s = createSession({ store, registry, db, ask: dialogs.ask, channel: broadcastChannel() });
    session = s;
    await s.start();
    attachLifecycle(s);
    return s;
  })().catch((e: unknown) => {
    bootError = `Autosave is off: the browser's storage (IndexedDB) is not available (${e instanceof Error ? e.message : String(e)}). Use Save to keep your work.`;
    session = null;
    return null;
  });
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs));
  const result = await Promise.race([boot, timeout]);
  // A slow start still finishes in the background; tell the UI when it does.
  void boot.then(() => sessionListeners.forEach((l) => l()));
  sessionListeners.forEach((l) => l());
  return result;
}
