/**
 * Parts of the editor that the first paint does not need load on demand (issue #5 §3: initial JS
 * at most 200 kB gzip). `preload()` fetches a part early, e.g. on hover or once the page is idle,
 * so opening it still feels instant; React.lazy shares the same promise.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export type Preloadable<T extends ComponentType<any>> = LazyExoticComponent<T> & { preload(): Promise<unknown> };

export function lazyPart<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): Preloadable<T> {
  let loading: Promise<{ default: T }> | null = null;
  const get = () => {
    // A failed fetch (offline, redeployed) may be retried by the next attempt to open the part.
    loading ??= load().catch((e: unknown) => {
      loading = null;
      throw e;
    });
    return loading;
  };
  return Object.assign(lazy(get), { preload: get });
}

/** Runs `fn` when the main thread is idle after the first paint (or soon, where idle callbacks are missing). */
export function whenIdle(fn: () => void, timeoutMs = 3000): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => fn(), { timeout: timeoutMs });
  else setTimeout(fn, 200);
}
