/**
 * The browser wiring of the run feature: one runner (bound to the chosen proxy), one controller,
 * the IndexedDB history, and what the server says about itself (`/api/info`). The controller and
 * history are not part of the first load (see core.ts).
 */
import { useSyncExternalStore } from "react";
import type { Runner } from "../../fal/runner";
import { lazyRunner } from "./lazyRunner";
import type { RunController, RunState } from "./controller";
import { observedFetch } from "./connection";
import { onDemand } from "../lazy";
import {
  DEFAULT_PROXY_URL,
  infoUrlFor,
  needsConsent,
  rememberConsent,
  resolveProxyUrl,
  saveProxyUrl,
  type ProxySource,
} from "./settings";

export interface BackendInfo {
  /** "unknown" when the proxy's server has no /api/info (another fal proxy). */
  backend: "standin" | "fal" | "unknown";
}

export interface ProxyState {
  /** Where requests go (once decided). */
  url: string;
  source: ProxySource;
  /** A `?proxy=` on another origin waiting for the user's yes or no; nothing is sent anywhere until then. */
  awaitingConsent: string | null;
}

interface Runtime {
  proxy: ProxyState;
  /** Settles the proxy the runner waits for; a no-op once settled. */
  settleProxy: (url: string) => void;
  runner: Runner;
  controller: RunController;
  /** Resolves with the loaded controller that `controller` defers to. */
  loadController: () => Promise<RunController>;
  controllerLoaded: () => boolean;
  backend: BackendInfo;
}

type RunCore = typeof import("./core");

const core = onDemand<RunCore>(() => import("./core"));

/** Loads the controller, history and run diagnostics once (retrying after a failed fetch). */
export const loadRunCore = (): Promise<RunCore> => core.load();

// Start at once, like the compiler (engine.ts): the fetch overlaps the first render instead of
// waiting for RunMount's effect, so a stored pending run resumes and Run answers sooner.
void loadRunCore().catch(() => undefined);

/** The loaded run core, or null while it is still loading (nothing has run yet then). */
export const runCore = (): RunCore | null => core.current();

/** What the controller reports before it has loaded: no history yet, nothing running. */
const BEFORE_LOAD: RunState = Object.freeze({
  ready: false,
  runs: [],
  live: {},
  connection: "online",
  storageError: null,
});

/**
 * A controller that exists synchronously but loads the real one on first use. Calls made before
 * it arrives wait for it (a Run pressed during the first second still runs, once); state reads
 * answer BEFORE_LOAD until then, and subscribers are told when the real state takes over.
 */
function deferredController(runner: Runner): {
  controller: RunController;
  load: () => Promise<RunController>;
  loaded: () => boolean;
} {
  let real: RunController | null = null;
  let pending: Promise<RunController> | null = null;
  let connection: RunState["connection"] | null = null;
  let disposed = false;
  const listeners = new Set<() => void>();
  const get = () =>
    (pending ??= loadRunCore().then(
      (m) => {
        if (real) return real;
        const c = m.createBrowserController(runner);
        real = c;
        if (connection) c.setConnection(connection);
        c.subscribe(() => {
          for (const l of [...listeners]) l();
        });
        if (disposed) c.dispose();
        for (const l of [...listeners]) l();
        return c;
      },
      (e: unknown) => {
        pending = null;
        throw e;
      },
    ));
  const controller: RunController = {
    getState: () => real?.getState() ?? BEFORE_LOAD,
    subscribe(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    init: async () => (await get()).init(),
    start: async (job) => (await get()).start(job),
    // Before the load there is no history to find a cached run in; runFromEditor waits for the load first.
    findCached: (endpoint, input) => real?.findCached(endpoint, input),
    useCached: async (source, job) => (await get()).useCached(source, job),
    cancel: async (id) => (await get()).cancel(id),
    remove: async (id) => (await get()).remove(id),
    readImage: async (key) => (await get()).readImage(key),
    setConnection(c) {
      if (real) real.setConnection(c);
      else connection = c;
    },
    flush: async () => (real ? real.flush() : undefined),
    dispose() {
      if (real) real.dispose();
      else disposed = true;
    },
  };
  return { controller, load: get, loaded: () => real !== null };
}

/** Resolves with the real controller (loading it if needed): for callers that need its answers now. */
export function whenControllerLoaded(): Promise<RunController> {
  return getRuntime().loadController();
}

export const controllerLoaded = (): boolean => getRuntime().controllerLoaded();

let runtime: Runtime | null = null;
const listeners = new Set<() => void>();
const notify = () => {
  for (const l of [...listeners]) l();
};

function build(): Runtime {
  const choice = resolveProxyUrl();
  const ask = needsConsent(choice);
  let settle: (url: string) => void = () => {};
  const decided = ask ? new Promise<string>((resolve) => (settle = resolve)) : Promise.resolve(choice.url);
  // The controller is created before the runner; the fetch observer reports into it.
  let controller: RunController | null = null;
  const runner = lazyRunner(
    decided.then((proxyUrl) => ({
      proxyUrl,
      fetch: observedFetch(
        (...a) => globalThis.fetch(...a),
        (s) => controller?.setConnection(s),
      ),
    })),
  );
  const deferred = deferredController(runner);
  controller = deferred.controller;
  const rt: Runtime = {
    proxy: ask
      ? { url: DEFAULT_PROXY_URL, source: "default", awaitingConsent: choice.url }
      : { ...choice, awaitingConsent: null },
    settleProxy: (url) => settle(url),
    runner,
    controller,
    loadController: deferred.load,
    controllerLoaded: deferred.loaded,
    backend: { backend: "unknown" },
  };
  void decided
    .then((url) => fetch(infoUrlFor(url), { credentials: "same-origin" }))
    .then((r) => (r.ok ? r.json() : null))
    .then((info: { backend?: unknown } | null) => {
      const b = info?.backend;
      rt.backend = { backend: b === "standin" || b === "fal" ? b : "unknown" };
      notify();
    })
    .catch(() => {});
  return rt;
}

/**
 * The user's answer about a `?proxy=` on another origin. Yes: it is used (and not asked again in
 * this tab). No: this server's proxy is used and `?proxy=` leaves the address bar, so a reload
 * or a bookmark does not bring the question back.
 */
export function answerProxyConsent(agree: boolean): void {
  const rt = getRuntime();
  const url = rt.proxy.awaitingConsent;
  if (url === null) return;
  if (agree) {
    rememberConsent(url);
    rt.proxy = { url, source: "query", awaitingConsent: null };
  } else {
    const address = new URL(location.href);
    address.searchParams.delete("proxy");
    history.replaceState(history.state, "", address);
    rt.proxy = { url: DEFAULT_PROXY_URL, source: "default", awaitingConsent: null };
  }
  rt.settleProxy(rt.proxy.url);
  notify();
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
  return useSyncExternalStore(
    c.subscribe,
    () => selector(c.getState()),
    () => selector(c.getState()),
  );
}

function subscribeRuntime(l: () => void): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}

export function useBackend(): BackendInfo["backend"] {
  return useSyncExternalStore(
    subscribeRuntime,
    () => getRuntime().backend.backend,
    () => "unknown",
  );
}

/** The proxy in use, and whether a link's proxy is waiting for the user's answer. */
export function useProxy(): ProxyState {
  return useSyncExternalStore(
    subscribeRuntime,
    () => getRuntime().proxy,
    () => getRuntime().proxy,
  );
}
