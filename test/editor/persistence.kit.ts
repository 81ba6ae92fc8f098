// Shared set-up for the persistence tests: a fresh IndexedDB per test, "tabs" that share one
// database and one lock manager the way browser tabs of one origin do.
import "fake-indexeddb/auto";
import { createEditorStore, counterIds, type EditorStore } from "../../src/editor/store";
import { openDatabase, type Database } from "../../src/editor/persistence/db";
import { createSession, type Ask, type AskRequest, type Session } from "../../src/editor/persistence/session";
import { memoryLocks, type KeyValue, type TabLocks } from "../../src/editor/persistence/tabs";
import { stubRegistry } from "./stubRegistry";

let dbCounter = 0;
export async function freshDb(): Promise<Database> {
  return openDatabase(`lora-graph-test-${process.pid}-${++dbCounter}-${Math.random().toString(36).slice(2)}`);
}

export function memoryStorage(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
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
  /** Opens a tab; pass the storage of a closed tab to simulate reloading it. */
  open(opts?: {
    storage?: ReturnType<typeof memoryStorage>;
    answers?: (string | null)[];
    retryBaseMs?: number;
  }): Promise<Tab>;
}

export async function browser(): Promise<Browser> {
  const db = await freshDb();
  const locks = memoryLocks();
  return {
    db,
    locks,
    async open(opts = {}) {
      const storage = opts.storage ?? memoryStorage();
      const store = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
      const ask = scriptedAsk(...(opts.answers ?? []));
      const session = createSession({
        store,
        registry: stubRegistry,
        db,
        ask,
        locks,
        storage,
        debounceMs: 5,
        maxWaitMs: 20,
        retryBaseMs: opts.retryBaseMs ?? 10,
        maxRetryMs: 40,
      });
      await session.start();
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
