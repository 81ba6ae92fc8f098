/**
 * Parts of the editor that the first paint does not need load on demand
 * (docs/architecture.md#the-first-load). `preload()` fetches a part early, e.g. on hover or once
 * the page is idle, so opening it still feels instant; React.lazy shares the same promise.
 */
import { createElement, lazy, useState, type ComponentProps, type ComponentType } from "react";

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
  const Lazy = lazy(part.load);
  // Chosen once per mount, so a part first shown through React.lazy is never remounted (its state kept).
  const Part = (props: ComponentProps<T>) => {
    const [use] = useState<ComponentType<any>>(() => part.current()?.default ?? Lazy);
    return createElement(use, props);
  };
  return Object.assign(Part, { preload: part.load });
}

/** The editor is on screen: main.tsx renders it into #root once the tab's draft is restored. */
const shown = () => typeof document === "undefined" || !!document.getElementById("root")?.firstElementChild;

/**
 * Runs `fn` when the main thread is idle after the first render (or soon, where idle callbacks are
 * missing). Before that render the page is idle only while it waits for IndexedDB, and a part
 * fetched and run then held the render back by as long as it took (docs/benchmarks.md#the-first-load).
 */
export function whenIdle(fn: () => void, timeoutMs = 3000): void {
  if (typeof requestIdleCallback !== "function") return void setTimeout(fn, 200);
  const wait = () => requestIdleCallback(() => (shown() ? fn() : wait()), { timeout: timeoutMs });
  wait();
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
