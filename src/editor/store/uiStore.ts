import { useSyncExternalStore } from "react";

export interface UiStore<S> {
  get(): S;
  /** Merges `patch` into the state and notifies every subscriber. */
  set(patch: Partial<S>): void;
  subscribe(listener: () => void): () => void;
  /** A React view of one slice; re-renders only when the slice changes identity. */
  use<T>(selector: (s: S) => T): T;
}

/** A small store of view state kept outside the document (panels, dialogs, drawers): not undoable, not saved. */
export function createUiStore<S extends object>(initial: S): UiStore<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  const store: UiStore<S> = {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    use: (selector) =>
      useSyncExternalStore(
        store.subscribe,
        () => selector(state),
        () => selector(state),
      ),
  };
  return store;
}
