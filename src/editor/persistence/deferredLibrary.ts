import type { Database } from "./db";
import type { WorkflowLibrary } from "./library";

/**
 * A library usable at once, whose calls wait for the one `load` brings; `load` runs on the first
 * call (again after a failed one).
 */
export function deferredLibrary(load: () => Promise<WorkflowLibrary>): WorkflowLibrary {
  let lib: Promise<WorkflowLibrary> | undefined;
  const get = () =>
    (lib ??= load().catch((e: unknown) => {
      lib = undefined;
      throw e;
    }));
  return {
    list: (...a) => get().then((l) => l.list(...a)),
    get: (...a) => get().then((l) => l.get(...a)),
    open: (...a) => get().then((l) => l.open(...a)),
    saveAs: (...a) => get().then((l) => l.saveAs(...a)),
    save: (...a) => get().then((l) => l.save(...a)),
    rename: (...a) => get().then((l) => l.rename(...a)),
    duplicate: (...a) => get().then((l) => l.duplicate(...a)),
    remove: (...a) => get().then((l) => l.remove(...a)),
  };
}

/**
 * The browser's own library (library.ts, in IndexedDB). Restoring a draft not linked to it asks
 * it nothing, so its code loads on the first call (docs/codebase.md#the-first-load).
 */
export const browserLibrary = (db: Database, clock?: () => number): WorkflowLibrary =>
  deferredLibrary(() => import("./library").then((m) => m.createLibrary(db, clock)));
