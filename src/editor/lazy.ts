/**
 * Parts of the editor that the first paint does not need load on demand
 * (docs/codebase.md#the-first-load). `preload()` fetches a part early, e.g. on hover or once
 * the page is idle, so opening it still feels instant; React.lazy shares the same promise.
 */
import {
  Component,
  createElement,
  lazy,
  useEffect,
  useState,
  type ComponentProps,
  type ComponentType,
  type ReactNode,
} from "react";

export type Preloadable<T extends ComponentType<any>> = ComponentType<ComponentProps<T>> & {
  preload(): Promise<unknown>;
};

/**
 * Once its module has arrived (prefetched), the part renders it directly: through React.lazy it
 * would still suspend once, and React holds a revealed Suspense boundary back for 300 ms, which
 * was the whole of a prefetched part's slow first opening.
 */
export function lazyPart<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): Preloadable<T> {
  const part = onDemand(load);
  // React.lazy keeps a rejected load for good, so a retry needs a new one; onDemand fetches again.
  const fresh = () => lazy(part.load);
  // Chosen once per mount, so a part first shown through React.lazy is never remounted (its state kept).
  const Part = (props: ComponentProps<T>) => {
    const [use, setUse] = useState<ComponentType<any>>(() => part.current()?.default ?? fresh());
    const retry = () => setUse(() => part.current()?.default ?? fresh());
    return createElement(PartFailed, { retry, children: createElement(use, props) });
  };
  return Object.assign(Part, { preload: part.load });
}

/**
 * A part that cannot load (offline, redeployed) or throws while drawing says so in its place, with
 * a retry, instead of taking the whole editor down: an error thrown below React's root unmounts
 * everything, and Chromium does not fetch a failed dynamic import again by itself. A class, because
 * React has no hook that catches a child's error; react-error-boundary would do the same in more
 * first-load bytes (docs/codebase.md#the-first-load).
 */
class PartFailed extends Component<{ retry(): void; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (!this.state.failed) return this.props.children;
    const retry = () => {
      this.props.retry();
      this.setState({ failed: false });
    };
    return createElement(
      "div",
      { role: "alert", className: "part-failed", "data-part-failed": "" },
      "This part of the editor could not load. ",
      createElement("button", { type: "button", onClick: retry }, "Retry"),
    );
  }
}

/** The editor is on screen: main.tsx renders it into #root once the tab's draft is restored. */
const shown = () => typeof document === "undefined" || !!document.getElementById("root")?.firstElementChild;

type IdleJob = () => unknown;
/**
 * The page's idle work, one job at a time. Module state because there is one main thread per
 * page, whatever the number of editors: the queue is what keeps their prefetches apart.
 */
const idle: { jobs: IdleJob[]; running: boolean } = { jobs: [], running: false };

/**
 * The longest the next idle job waits for the one before: a fetch that never settles (a stalled
 * connection, a server that never answers) would otherwise hold every later prefetch back for good.
 */
export const IDLE_JOB_MS = 5000;

/** Runs `job`, then `next` once its promise has settled (rejected or not) or IDLE_JOB_MS have passed. */
function runBounded(job: IdleJob, next: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(late);
    next();
  };
  const late = setTimeout(once, IDLE_JOB_MS);
  void Promise.resolve()
    .then(job)
    .catch(() => undefined)
    .finally(once);
}

function nextIdleJob(): void {
  requestIdleCallback(
    () => {
      if (!shown()) return nextIdleJob();
      const job = idle.jobs.shift();
      if (!job) return void (idle.running = false);
      // The next job waits for this one's promise (a prefetch: its fetch and its evaluation).
      runBounded(job, nextIdleJob);
    },
    { timeout: 3000 },
  );
}

/**
 * Runs `fn` when the main thread is idle after the first render (or soon, where idle callbacks are
 * missing), after the jobs queued before it (`urgent`: before them) and once the promise `fn`
 * returned for the job before it has settled, or IDLE_JOB_MS after it started; a rejected one is
 * ignored.
 *
 * Before the first render the page is idle only while it waits for IndexedDB, and a part fetched
 * then held the render back; after it, a dozen prefetches started in one idle moment made one
 * long task of up to 200 ms, each `import()` starting the fetch of its chunk and of the chunks it
 * needs (docs/benchmarks.md#the-first-load). One at a time, each stays short.
 */
export function whenIdle(fn: IdleJob, opts: { urgent?: boolean } = {}): void {
  if (typeof requestIdleCallback !== "function")
    return void setTimeout(
      () =>
        void Promise.resolve()
          .then(fn)
          .catch(() => undefined),
      200,
    );
  if (opts.urgent) idle.jobs.unshift(fn);
  else idle.jobs.push(fn);
  if (idle.running) return;
  idle.running = true;
  nextIdleJob();
}

/**
 * A module fetched once, on demand: every `load()` shares one promise, a failed fetch (offline,
 * redeployed) is retried by the next call, and `current()` gives the module synchronously once it
 * has arrived. `onLoad` runs once, after `current()` has it.
 */
export function onDemand<M>(
  importer: () => Promise<M>,
  onLoad?: (m: M) => void,
): { load(): Promise<M>; current(): M | null } {
  let mod: M | null = null;
  let loading: Promise<M> | null = null;
  return {
    load: () =>
      (loading ??= importer().then(
        (m) => {
          mod = m;
          onLoad?.(m);
          return m;
        },
        (e: unknown) => {
          loading = null;
          throw e;
        },
      )),
    current: () => mod,
  };
}

/** How long a tab that gets no frames (hidden) waits before `useAfterPaint` loads anyway. */
const NO_FRAME_MS = 1000;
/** The wait before fetching again a part whose fetch failed (server restarting, redeployed). */
const RETRY_MS = 2000;

/**
 * Whether the page's first contentful frame is on screen: the browser reports that paint once the
 * frame has been rastered and composited, which on a busy machine is 60–150 ms after the frame's
 * callback (docs/benchmarks.md#the-first-load). Without paint timing, the frame is taken as shown.
 */
const presented = () =>
  !globalThis.PerformanceObserver?.supportedEntryTypes?.includes("paint") ||
  performance.getEntriesByName("first-contentful-paint").length > 0;

/**
 * Calls `run` in the task after a frame at which `drawn()` (the editor is in `#root`) and the
 * page's first contentful frame is on screen (`presented`); returns a cancel. Work started in the
 * task after the first frame's callback took the cores that frame's raster and compositing needed.
 */
function onScreen(run: () => void, drawn = shown): () => void {
  let raf = 0;
  let task: ReturnType<typeof setTimeout> | undefined;
  // A task queued from a frame's callback runs once that frame is drawn.
  const frame = (): unknown =>
    (raf = requestAnimationFrame(() => (drawn() && presented() ? (task = setTimeout(run)) : frame())));
  frame();
  return () => {
    cancelAnimationFrame(raf);
    clearTimeout(task);
  };
}

/**
 * Runs `fn` once the editor is on screen (`onScreen`): work that the first paint does not show,
 * started before it, ran in the same moments as the first render and the first frame
 * (docs/benchmarks.md#the-first-load). A hidden tab, which gets no frames, runs it after
 * NO_FRAME_MS.
 */
export function afterFirstPaint(fn: () => void): void {
  let done = false;
  const run = () => void (done || ((done = true), fn()));
  onScreen(run);
  setTimeout(run, NO_FRAME_MS);
}

/**
 * `part`'s module once the frame after the component's first commit has been painted and the
 * module has loaded; null until then. Whatever renders it runs its effects behind the first paint:
 * React runs the passive effects of the first render before the browser's first frame when none is
 * due yet (docs/benchmarks.md#the-first-load). Rendered directly, not through React.lazy, which
 * would hold the revealed boundary back for 300 ms.
 */
export function useAfterPaint<M>(part: { load(): Promise<M>; current(): M | null }): M | null {
  const [mod, setMod] = useState<M | null>(part.current);
  useEffect(() => {
    if (mod) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    let live = true;
    let started = false;
    const later = (fn: () => void, ms?: number) => {
      const t = setTimeout(() => (timers.delete(t), fn()), ms);
      timers.add(t);
    };
    const load = (): void =>
      void part.load().then(
        (m) => live && setMod(() => m),
        () => live && later(load, RETRY_MS),
      );
    const start = () => void (started || ((started = true), load()));
    // Committed, so drawn: the component is in the page.
    const cancel = onScreen(start, () => true);
    later(start, NO_FRAME_MS);
    return () => {
      live = false;
      cancel();
      for (const t of timers) clearTimeout(t);
    };
  }, [part, mod]);
  return mod;
}
