/**
 * The browser wiring of the run feature: one runner (bound to the chosen proxy), one controller,
 * the IndexedDB history, and what the server says about itself (`/api/info`).
 */
import { useSyncExternalStore } from "react";
import type { Runner } from "../../fal/runner";
import { lazyRunner } from "./lazyRunner";
import { createRunController, type RunController, type RunState } from "./controller";
import { observedFetch } from "./connection";
import { openRunHistory, type RunHistory, type StoredImage } from "./history";
import { infoUrlFor, resolveProxyUrl, saveProxyUrl, type ProxySource } from "./settings";
import type { RunRecord } from "./types";

export interface BackendInfo {
  /** "unknown" when the proxy's server has no /api/info (another fal proxy). */
  backend: "standin" | "fal" | "unknown";
}

interface Runtime {
  proxyUrl: string;
  proxySource: ProxySource;
  runner: Runner;
  controller: RunController;
  backend: BackendInfo;
}

/** History in memory, when IndexedDB is unavailable (private mode, blocked): runs still work. */
function memoryHistory(): RunHistory {
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
    <K extends keyof RunHistory>(k: K) =>
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
    close: () => void opening.then((h) => h.close()),
  };
}

let runtime: Runtime | null = null;
const infoListeners = new Set<() => void>();

function build(): Runtime {
  const { url, source } = resolveProxyUrl();
  const history = lazyHistory(openRunHistory().catch(() => memoryHistory()));
  // The controller is created before the runner; the fetch observer reports into it.
  let controller: RunController | null = null;
  const runner = lazyRunner({
    proxyUrl: url,
    fetch: observedFetch((...a) => globalThis.fetch(...a), (s) => controller?.setConnection(s)),
  });
  controller = createRunController({ runner, history });
  const rt: Runtime = { proxyUrl: url, proxySource: source, runner, controller, backend: { backend: "unknown" } };
  void fetch(infoUrlFor(url), { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((info: { backend?: unknown } | null) => {
      const b = info?.backend;
      rt.backend = { backend: b === "standin" || b === "fal" ? b : "unknown" };
      for (const l of [...infoListeners]) l();
    })
    .catch(() => {});
  return rt;
}

export function getRuntime(): Runtime {
  runtime ??= build();
  return runtime;
}

export function getController(): RunController {
  return getRuntime().controller;
}

/** Saves a new proxy URL; it takes effect after a reload (runs in flight keep their proxy). */
export function setProxyUrl(url: string): void {
  saveProxyUrl(url);
}

export function useRunState<T>(selector: (s: RunState) => T): T {
  const c = getController();
  return useSyncExternalStore(c.subscribe, () => selector(c.getState()), () => selector(c.getState()));
}

export function useBackend(): BackendInfo["backend"] {
  return useSyncExternalStore(
    (l) => {
      infoListeners.add(l);
      return () => infoListeners.delete(l);
    },
    () => getRuntime().backend.backend,
    () => "unknown",
  );
}
