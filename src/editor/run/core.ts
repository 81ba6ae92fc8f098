/**
 * The part of the run feature the first paint does not need (docs/codebase.md#the-first-load):
 * the controller, the IndexedDB history and the run-diagnostics mapping. runtime.ts loads it right
 * after the first paint (RunMount's init) or on first use, and stands in for the controller until
 * it is here.
 */
import { createRunController, type RunController, type RunControllerOptions } from "./controller";
import { openRunHistory, type RunHistory, type StoredImage } from "./history";
import type { RunRecord } from "./types";

export { activeRunDiagnostics } from "./runDiagnostics";

/** History in memory, when IndexedDB is unavailable (private mode, blocked): runs still work. */
export function memoryHistory(): RunHistory {
  const runs = new Map<string, RunRecord>();
  const images = new Map<string, StoredImage>();
  return {
    list: async () => [...runs.values()],
    put: async (r) => void runs.set(r.id, r),
    delete: async (id) => {
      runs.delete(id);
      for (const [k, v] of images) if (v.runId === id) images.delete(k);
    },
    putImage: async (i) => void images.set(i.key, i),
    getImage: async (k) => images.get(k),
    pruneImages: async (max) => {
      const evicted: string[] = [];
      let total = [...images.values()].reduce((n, i) => n + i.size, 0);
      for (const [k, v] of images) {
        if (total <= max) break;
        images.delete(k);
        total -= v.size;
        evicted.push(k);
      }
      return evicted;
    },
    pruneRuns: async () => [],
    close() {},
  };
}

/** Defers to the real history once it has opened, so the controller exists synchronously. */
function lazyHistory(opening: Promise<RunHistory>): RunHistory {
  const call =
    <K extends Exclude<keyof RunHistory, "onUpgrade">>(k: K) =>
    async (...args: Parameters<RunHistory[K]>) =>
      ((await opening)[k] as (...a: unknown[]) => unknown)(...args);
  return {
    list: call("list") as RunHistory["list"],
    put: call("put") as RunHistory["put"],
    delete: call("delete") as RunHistory["delete"],
    putImage: call("putImage") as RunHistory["putImage"],
    getImage: call("getImage") as RunHistory["getImage"],
    pruneImages: call("pruneImages") as RunHistory["pruneImages"],
    pruneRuns: call("pruneRuns") as RunHistory["pruneRuns"],
    onUpgrade: (listener) => void opening.then((h) => h.onUpgrade?.(listener)),
    close: () => void opening.then((h) => h.close()),
  };
}

/** The browser's controller: IndexedDB history, falling back to memory when it cannot open. */
export function createBrowserController(runner: RunControllerOptions["runner"]): RunController {
  return createRunController({ runner, history: lazyHistory(openRunHistory().catch(() => memoryHistory())) });
}
