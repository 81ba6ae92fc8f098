/**
 * Parts of the editor that the first paint does not need load on demand
 * (docs/architecture.md#the-first-load). `preload()` fetches a part early, e.g. on hover or once
 * the page is idle, so opening it still feels instant; React.lazy shares the same promise.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export type Preloadable<T extends ComponentType<any>> = LazyExoticComponent<T> & { preload(): Promise<unknown> };

export function lazyPart<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): Preloadable<T> {
  const part = onDemand(load);
  return Object.assign(lazy(part.load), { preload: part.load });
}

/** Runs `fn` when the main thread is idle after the first paint (or soon, where idle callbacks are missing). */
export function whenIdle(fn: () => void, timeoutMs = 3000): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => fn(), { timeout: timeoutMs });
  else setTimeout(fn, 200);
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
