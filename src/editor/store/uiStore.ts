import { createStore, type StoreApi } from "zustand/vanilla";
import { useStoreWithEqualityFn } from "zustand/traditional";

/** A zustand store of view state, with the two calls the views use most spelled short. */
export interface UiStore<S> extends StoreApi<S> {
  get(): S;
  /** Merges `patch` into the state and notifies every subscriber. */
  set(patch: Partial<S>): void;
}

/** A small store of view state kept outside the document (panels, dialogs, drawers): not undoable, not saved. */
export function createUiStore<S extends object>(initial: S): UiStore<S> {
  const store = createStore<S>()(() => initial);
  return Object.assign(store, { get: store.getState, set: (patch: Partial<S>) => store.setState(patch) });
}

/** A React view of one slice of `store`; re-renders only when the slice changes (by `equal`, default identity). */
export function useUiStore<S, T>(
  store: StoreApi<S>,
  selector: (s: S) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): T {
  return useStoreWithEqualityFn(store, selector, equal);
}
