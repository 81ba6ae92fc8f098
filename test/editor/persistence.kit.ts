// Shared set-up for the persistence tests: a fresh IndexedDB per test, "tabs" that share one
// database and one lock manager the way browser tabs of one origin do.
import "fake-indexeddb/auto";
import { createEditorStore, counterIds, type EditorStore } from "../../src/editor/store";
import { openDatabase, type Database } from "../../src/editor/persistence/db";
import { createSession, type Ask, type AskRequest, type Session } from "../../src/editor/persistence/session";
import { memoryLocks, type KeyValue, type TabLocks } from "../../src/editor/persistence/tabs";
import type { BackupStorage } from "../../src/editor/persistence/backup";
import { stubRegistry } from "./stubRegistry";

let dbCounter = 0;
export async function freshDb(): Promise<Database> {
  return openDatabase(`lora-graph-test-${process.pid}-${++dbCounter}-${Math.random().toString(36).slice(2)}`);
}

export function memoryStorage(): KeyValue & BackupStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

/**
 * What a browser does to a page's IndexedDB work when the page goes (reload, close), as measured
 * in Chromium (docs/persistence.md#losing-work): none of the page's code runs after `pagehide`,
 * so a transaction not committed explicitly by then is dropped. Records the transactions begun
 * from now on; `unload()` aborts each one not committed. `honoursCommit: false` models an engine
 * that drops even those.
 */
export function pageLifetime(opts: { honoursCommit?: boolean } = {}): { unload(): void } {
  const open = new Set<IDBTransaction>();
  const committed = new WeakSet<IDBTransaction>();
  const dbProto = IDBDatabase.prototype;
  const txProto = IDBTransaction.prototype;
  const { transaction, commit } = { transaction: dbProto.transaction, commit: txProto.commit };
  dbProto.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase["transaction"]>) {
    const tx = transaction.apply(this, args);
    open.add(tx);
    const forget = () => open.delete(tx);
    tx.addEventListener("complete", forget);
    tx.addEventListener("abort", forget);
    return tx;
  } as IDBDatabase["transaction"];
  txProto.commit = function (this: IDBTransaction) {
    if (opts.honoursCommit === false) return;
    committed.add(this);
    commit.call(this);
  };
  return {
    unload() {
      dbProto.transaction = transaction;
      txProto.commit = commit;
      for (const tx of open) {
        if (committed.has(tx)) continue;
        try {
          tx.abort();
        } catch {
          // already finished
        }
      }
    },
  };
}

/** A scripted in-app dialog: answers in order, records what was asked. */
export function scriptedAsk(...answers: (string | null)[]): Ask & { asked: AskRequest[] } {
  const asked: AskRequest[] = [];
  const fn = (async (req: AskRequest) => {
    asked.push(req);
    return answers.length ? answers.shift()! : null;
  }) as Ask & { asked: AskRequest[] };
  fn.asked = asked;
  return fn;
}

export interface Tab {
  store: EditorStore;
  session: Session;
  storage: ReturnType<typeof memoryStorage>;
  ask: ReturnType<typeof scriptedAsk>;
  close(): void;
}

export interface Browser {
  db: Database;
  locks: TabLocks;
  /** The origin's localStorage, shared by its tabs. */
  local: ReturnType<typeof memoryStorage>;
  /** Opens a tab; pass the storage of a closed tab to simulate reloading it. */
  open(opts?: {
    storage?: ReturnType<typeof memoryStorage>;
    /** The synchronous draft copy's storage (default: the shared `local`; null: none). */
    backup?: BackupStorage | null;
    answers?: (string | null)[];
    retryBaseMs?: number;
    /** Another connection to the database (a reloaded page opens its own). */
    db?: Database;
    /** Called when start() reports the draft restored (the editor may show it then). */
    onRestored?: (tab: Pick<Tab, "store" | "session">) => void;
  }): Promise<Tab>;
}

export async function browser(): Promise<Browser> {
  const db = await freshDb();
  const locks = memoryLocks();
  const local = memoryStorage();
  return {
    db,
    locks,
    local,
    async open(opts = {}) {
      const storage = opts.storage ?? memoryStorage();
      const store = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
      const ask = scriptedAsk(...(opts.answers ?? []));
      const session = createSession({
        store,
        registry: stubRegistry,
        db: opts.db ?? db,
        ask,
        locks,
        storage,
        backup: opts.backup === undefined ? local : opts.backup,
        debounceMs: 5,
        maxWaitMs: 20,
        retryBaseMs: opts.retryBaseMs ?? 10,
        maxRetryMs: 40,
      });
      await session.start(() => opts.onRestored?.({ store, session }));
      return { store, session, storage, ask, close: () => session.dispose() };
    },
  };
}

/** Adds a small connected graph and returns its node ids. */
export function buildGraph(store: EditorStore, prompt = "a cat") {
  const m = store.addNode("base_model", { x: 0, y: 0 });
  const p = store.addNode("prompt", { x: 0, y: 200 }, { params: { prompt } });
  const s = store.addNode("sampler", { x: 300, y: 100 });
  store.connect({ node: m, port: "model" }, { node: s, port: "model" });
  return { m, p, s };
}
