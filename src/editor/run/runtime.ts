/**
 * The browser wiring of the run feature, one per editor: a runner (bound to the chosen proxy), a
 * controller, the IndexedDB history, and what the server says about itself (`/api/info`). The
 * controller and history are not part of the first load (see core.ts).
 */
import { useSyncExternalStore } from "react";
import type { Runner } from "../../fal/runner";
import { lazyRunner } from "./lazyRunner";
import type { RunController, RunState } from "./controller";
import { observedFetch } from "./connection";
import { onDemand } from "../lazy";
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import { ownServerInfo, type ServerInfo } from "../library/workspaceInfo";
import {
  DEFAULT_PROXY_URL,
  infoUrlFor,
  isOwnServer,
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

export interface Runtime {
  /** The proxy in use and the backend behind it, for the banner and the settings. */
  readonly info: UiStore<{ proxy: ProxyState; backend: BackendInfo["backend"] }>;
  /** Settles the proxy the runner waits for; a no-op once settled. */
  settleProxy: (url: string) => void;
  /** The proxy URL once decided (after the user's yes or no to a `?proxy=` on another origin). */
  proxyUrl: () => Promise<string>;
  runner: Runner;
  controller: RunController;
  /** Resolves with the loaded controller that `controller` defers to. */
  loadController: () => Promise<RunController>;
  controllerLoaded: () => boolean;
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
  // Subscribers of the stand-in hear the real controller once it is here.
  const changes = createUiStore({ n: 0 });
  const notify = () => changes.set({ n: changes.get().n + 1 });
  const get = () =>
    (pending ??= loadRunCore().then(
      (m) => {
        if (real) return real;
        const c = m.createBrowserController(runner);
        real = c;
        if (connection) c.setConnection(connection);
        c.subscribe(notify);
        if (disposed) c.dispose();
        notify();
        return c;
      },
      (e: unknown) => {
        pending = null;
        throw e;
      },
    ));
  const controller: RunController = {
    getState: () => real?.getState() ?? BEFORE_LOAD,
    subscribe: (l) => changes.subscribe(() => l()),
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

function build(editor: Editor): Runtime {
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
    info: createUiStore({
      proxy: ask
        ? { url: DEFAULT_PROXY_URL, source: "default" as const, awaitingConsent: choice.url }
        : { ...choice, awaitingConsent: null },
      backend: "unknown" as BackendInfo["backend"],
    }),
    settleProxy: (url) => settle(url),
    proxyUrl: () => decided,
    runner,
    controller,
    loadController: deferred.load,
    controllerLoaded: deferred.loaded,
  };
  const tell = (info: ServerInfo | null) => {
    const b = info?.backend;
    rt.info.set({ backend: b === "standin" || b === "fal" ? b : "unknown" });
  };
  // The page's own server was asked at start-up (main.tsx): its answer, taken as it is, puts the
  // stand-in banner in the first frame when it came before the draft, and asks nothing twice.
  const own = ownServerInfo(editor);
  if (!ask && own.answer && isOwnServer(choice.url)) {
    if (own.settled) tell(own.settled[0]);
    else void own.answer.then(tell);
    return rt;
  }
  void decided
    .then((url) => fetch(infoUrlFor(url), { credentials: "same-origin" }))
    .then((r) => (r.ok ? r.json() : null))
    .then(tell)
    .catch(() => {});
  return rt;
}

/**
 * The user's answer about a `?proxy=` on another origin. Yes: it is used (and not asked again in
 * this tab). No: this server's proxy is used and `?proxy=` leaves the address bar, so a reload
 * or a bookmark does not bring the question back.
 */
export function answerProxyConsent(rt: Runtime, agree: boolean): void {
  const url = rt.info.get().proxy.awaitingConsent;
  if (url === null) return;
  let proxy: ProxyState;
  if (agree) {
    rememberConsent(url);
    proxy = { url, source: "query", awaitingConsent: null };
  } else {
    const address = new URL(location.href);
    address.searchParams.delete("proxy");
    history.replaceState(history.state, "", address);
    proxy = { url: DEFAULT_PROXY_URL, source: "default", awaitingConsent: null };
  }
  rt.info.set({ proxy });
  rt.settleProxy(proxy.url);
}

const runtimePart = definePart("runtime", build, (rt) => rt.controller.dispose());

/** This editor's runtime, made on first use. */
export const runtimeOf = (editor: Editor): Runtime => editor.part(runtimePart);
export const useRuntime = (): Runtime => usePart(runtimePart);

/** Saves a new proxy URL; it takes effect after a reload (runs in flight keep their proxy). */
export function setProxyUrl(url: string): void {
  saveProxyUrl(url);
}

export function useRunState<T>(selector: (s: RunState) => T): T {
  const c = useRuntime().controller;
  return useSyncExternalStore(
    c.subscribe,
    () => selector(c.getState()),
    () => selector(c.getState()),
  );
}

export function useBackend(): BackendInfo["backend"] {
  return useUiStore(useRuntime().info, (s) => s.backend);
}

/** The proxy in use, and whether a link's proxy is waiting for the user's answer. */
export function useProxy(): ProxyState {
  return useUiStore(useRuntime().info, (s) => s.proxy);
}
