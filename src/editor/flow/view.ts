import { definePart, type Editor } from "../store/editor";
import type { EditorState } from "../store/types";
import type { FarGeometry } from "./farGeometry";
import { usePart } from "../store/react";

export interface Size {
  width: number;
  height: number;
}

/** What the canvas knows about its view beyond the document: one per editor. */
export interface CanvasView {
  /**
   * Measured node sizes (from xyflow), kept outside the document: layout needs them, saving does
   * not. Those of the graph on the canvas only: ids repeat between documents ("base", "n1") and
   * inside components, so opening another one, or entering or leaving a component, empties it.
   */
  readonly nodeSizes: Map<string, Size>;
  /** The last measured size of any node of each type: the best guess for an unmeasured one. */
  readonly typeSizes: Map<string, Size>;
  /**
   * Which measured sizes changed, in order: geometry built before a change refreshes those boxes
   * (farGeometry's `resized`).
   */
  readonly resized: ResizeLog;
  /**
   * True while the view is the one the last fit chose (the user has not panned or zoomed since): the
   * canvas then refits when it is resized, e.g. when a banner appears above it after the first fit.
   */
  fitted: boolean;
  /** Nodes just added, placed by an estimate of their size: hidden until placed again once drawn (flow/settle.ts). */
  readonly placed: Placing;
  /** Whether the view is moving (a pan, a wheel zoom, a fit): nodes that mount meanwhile come in light. */
  readonly motion: Motion;
  /** The last fit asked for (flow/fit.ts), from the ask until the view starts moving to it. */
  readonly fit: FitMark;
  /**
   * A big graph's nodes as rectangles (null for a small one): xyflow then holds only the nodes
   * near the view, so whatever needs all of them (fit, minimap, reveal) reads them here.
   */
  readonly layout: Layout;
}

export interface Layout {
  get(): FarGeometry | null;
  set(g: FarGeometry | null): void;
  subscribe(fn: () => void): () => void;
}

/** One value and who listens to it; setting the value it already has tells nobody. */
function createCell<T>(initial: T) {
  const listeners = new Set<() => void>();
  let value = initial;
  return {
    get: () => value,
    set(next: T) {
      if (next === value) return;
      value = next;
      for (const fn of [...listeners]) fn();
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

const createLayout = (): Layout => createCell<FarGeometry | null>(null);

export interface ResizeLog {
  /** Counts the changes: a geometry remembers the version it was built at. */
  readonly version: number;
  /**
   * The nodes whose measured size changed after `version`, and the types whose size (the estimate
   * for their unmeasured nodes, sizes.ts) did; null when the log no longer reaches back that far.
   */
  since(version: number): { ids: readonly string[]; types: ReadonlySet<string> } | null;
  /** Logs a change of node `id`'s size, and of `type`'s when given (recordSize). */
  add(id: string, type?: string): void;
  /** Every node's size may have changed (another graph is on the canvas): older versions reach nothing. */
  reset(): void;
}

/** How many changes the log keeps: a geometry older than that is built again. */
const RESIZE_LOG = 4096;

/**
 * Stores a node's measured size (and its type's, for estimates) and logs the change; true when
 * it changed. The log lets a big graph's geometry (5,000 boxes and their wires) refresh only the
 * nodes measured since it was built, where building it again cost most of a frame.
 */
export function recordSize(view: CanvasView, id: string, type: string | undefined, dims: Size): boolean {
  const old = view.nodeSizes.get(id);
  if (old && old.width === dims.width && old.height === dims.height) return false;
  const size = { width: dims.width, height: dims.height };
  view.nodeSizes.set(id, size);
  const was = type ? view.typeSizes.get(type) : undefined;
  const typeChanged = !!type && (!was || was.width !== size.width || was.height !== size.height);
  if (type) view.typeSizes.set(type, size);
  view.resized.add(id, typeChanged ? type : undefined);
  return true;
}

function createResizeLog(): ResizeLog {
  let base = 0;
  const ids: string[] = [];
  /** The last change at which each type's size changed. */
  const types = new Map<string, number>();
  return {
    get version() {
      return base + ids.length;
    },
    add(id, type) {
      ids.push(id);
      if (type) types.set(type, base + ids.length);
      if (ids.length <= 2 * RESIZE_LOG) return;
      ids.splice(0, RESIZE_LOG);
      base += RESIZE_LOG;
    },
    reset() {
      base += ids.length + 1;
      ids.length = 0;
      types.clear();
    },
    since(version) {
      if (version < base) return null;
      const changed = new Set<string>();
      for (const [type, at] of types) if (at > version) changed.add(type);
      return { ids: ids.slice(version - base), types: changed };
    },
  };
}

export interface Motion {
  readonly moving: boolean;
  set(moving: boolean): void;
  subscribe(fn: () => void): () => void;
}

/**
 * The last fit asked for. It is pending from the ask until the view is seen to start moving to it:
 * while it waits for its nodes to be measured, and once handed to xyflow until its animation starts
 * (a frame later) or its promise settles. The view is not at rest meanwhile (flow/settle.ts
 * `whenViewRests`); once the animation runs, the moving transform says so. An interrupted
 * animation's promise never settles, so the mark ends at the start instead (docs/canvas.md#the-lesson-card).
 */
export interface FitMark {
  readonly pending: boolean;
  /** A new fit, which supersedes any before it: its token. */
  ask(): number;
  /** Whether the fit of `token` is still the last asked for (and not given up). */
  current(token: number): boolean;
  /** The fit of `token` is handed to xyflow now. */
  handed(token: number): void;
  /** The fit of `token` is over: set, not needed (the view is there already), or dropped. */
  done(token: number): void;
  /** The view starts to move: the fit handed has started; a gesture of the user's drops the fit. */
  moveStarted(byUser: boolean): void;
}

function createFitMark(): FitMark {
  let asked = 0;
  let state: "idle" | "waiting" | "handed" = "idle";
  return {
    get pending() {
      return state !== "idle";
    },
    ask() {
      state = "waiting";
      return ++asked;
    },
    current: (token) => token === asked && state !== "idle",
    handed(token) {
      if (token === asked) state = "handed";
    },
    done(token) {
      if (token === asked) state = "idle";
    },
    moveStarted(byUser) {
      if (byUser || state === "handed") state = "idle";
    },
  };
}

/**
 * The nodes waiting to be placed by their drawn size, in the batches they were added in (a paste
 * keeps its shape). A node in here is drawn hidden, so nobody sees or grabs it where it may not stay.
 */
export interface Placing {
  readonly size: number;
  /** Changes whenever the set does (for useSyncExternalStore). */
  readonly version: number;
  has(id: string): boolean;
  /** One batch: nodes added by one command. */
  add(ids: readonly string[]): void;
  /** The batches, oldest first, with only the ids still waiting. */
  batches(): string[][];
  delete(ids: Iterable<string>): void;
  subscribe(fn: () => void): () => void;
}

function createPlacing(): Placing {
  const listeners = new Set<() => void>();
  const batchOf = new Map<string, number>();
  let next = 0;
  let version = 0;
  const changed = () => {
    version++;
    for (const fn of [...listeners]) fn();
  };
  return {
    get size() {
      return batchOf.size;
    },
    get version() {
      return version;
    },
    has: (id) => batchOf.has(id),
    add(ids) {
      if (!ids.length) return;
      const b = next++;
      for (const id of ids) batchOf.set(id, b);
      changed();
    },
    batches() {
      const out = new Map<number, string[]>();
      for (const [id, b] of batchOf) out.set(b, [...(out.get(b) ?? []), id]);
      return [...out.entries()].sort((x, y) => x[0] - y[0]).map(([, ids]) => ids);
    },
    delete(ids) {
      let any = false;
      for (const id of ids) any = batchOf.delete(id) || any;
      if (any) changed();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

function createMotion(): Motion {
  const cell = createCell(false);
  return {
    get moving() {
      return cell.get();
    },
    set: cell.set,
    subscribe: cell.subscribe,
  };
}

export const createCanvasView = (): CanvasView => ({
  nodeSizes: new Map(),
  typeSizes: new Map(),
  resized: createResizeLog(),
  fitted: false,
  motion: createMotion(),
  fit: createFitMark(),
  layout: createLayout(),
  placed: createPlacing(),
});

/** Which graph the canvas shows: the document opened (its epoch) and the component path inside it. */
const graphKey = (s: EditorState) => `${s.epoch}/${s.scope.map((x) => x.instance).join("/")}`;

/**
 * The canvas view of `editor`, whose measured node sizes are forgotten when the canvas gets another
 * graph, before it is drawn (the store tells its listeners before React renders). Kept, a size
 * measured of node "base" in one lesson was the next lesson's "base" card's height and went into
 * its fit and its new nodes' places (docs/canvas.md "Readable at fit"). The sizes of types stay:
 * they are only the estimate for a node not measured yet.
 */
export function createEditorCanvasView(editor: Editor): CanvasView & { dispose(): void } {
  const view = createCanvasView();
  const dispose = editor.store.subscribe((s, prev) => {
    if ((s.epoch === prev.epoch && s.scope === prev.scope) || graphKey(s) === graphKey(prev)) return;
    view.nodeSizes.clear();
    view.resized.reset();
  });
  return Object.assign(view, { dispose });
}

const canvasViewPart = definePart("canvasView", createEditorCanvasView, (v) => v.dispose());
export const canvasViewOf = (editor: Editor): CanvasView => editor.part(canvasViewPart);
export const useCanvasView = (): CanvasView => usePart(canvasViewPart);
