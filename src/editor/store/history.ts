import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from "immer";
import { emptyDocument, type WorkflowDocument, type WorkflowEdge } from "../../graph";
import { weakMemo } from "../../shared/weakMemo";
import { nodeIndex } from "./nodeIndex";
import { scopedRecipe, scopeView, validScope, type Scope } from "./scope";
import {
  COALESCE_MS,
  EMPTY_SELECTION,
  HISTORY_LIMIT,
  type EditorState,
  type HistoryEntry,
  type Listener,
  type Selection,
} from "./types";

enablePatches();

export type Recipe = (draft: Draft<WorkflowDocument>) => void;

const viewOf = (doc: WorkflowDocument, scope: Scope) => scopeView(doc, validScope(doc, scope));

/** The state with its view worked out again, and the scope cut short where it no longer holds. */
function withView(state: EditorState): EditorState {
  const scope = validScope(state.document, state.scope);
  const cut = scope.length !== state.scope.length;
  return {
    ...state,
    scope: cut ? scope : state.scope,
    view: scopeView(state.document, scope),
    selection: cut ? EMPTY_SELECTION : state.selection,
  };
}

const topId = (past: readonly HistoryEntry[]) => (past.length ? past[past.length - 1].id : 0);

const edgeIds = weakMemo((edges: readonly WorkflowEdge[]): ReadonlySet<string> => new Set(edges.map((e) => e.id)));

/**
 * The selection without what the edit removed. The ids are looked up in indexes kept per array
 * (the views build the node index of a new node list anyway; a drop leaves the wires' array as it
 * was): two new sets of every id made each drop in a 5,000-node graph cost a few ms more.
 */
function pruneSelection(doc: WorkflowDocument, sel: Selection): Selection {
  if (!sel.nodes.length && !sel.edges.length) return sel;
  const nodeIds = nodeIndex(doc.nodes);
  const wires = sel.edges.length ? edgeIds(doc.edges) : null;
  const nodes = sel.nodes.filter((id) => nodeIds.has(id));
  const edges = sel.edges.filter((id) => wires!.has(id));
  return nodes.length === sel.nodes.length && edges.length === sel.edges.length ? sel : { nodes, edges };
}

function initialState(initialDoc?: WorkflowDocument): EditorState {
  const doc0 = initialDoc ?? emptyDocument();
  return {
    document: doc0,
    scope: [],
    view: doc0,
    selection: EMPTY_SELECTION,
    viewport: doc0.viewport ?? { x: 0, y: 0, zoom: 1 },
    history: { past: [], future: [] },
    dirty: false,
    epoch: 0,
  };
}

/**
 * The editor store's state cell and its undo history: the one place that writes the state. The
 * commands (documentCommands.ts, viewCommands.ts) change the document only through `commit` (an
 * undo step) or `silent` (not one), so history, dirty and selection pruning stay in one place.
 */
export class History {
  private state: EditorState;
  private readonly listeners = new Set<Listener>();
  private readonly now: () => number;
  private readonly limit: number;
  private nextEntryId = 1;
  /** Id of the history entry on top of `past` when the document was last clean; 0 = empty past, null = unreachable. */
  private cleanPoint: number | null = 0;
  private coalesce: { key: string; time: number } | null = null;

  constructor(initialDoc: WorkflowDocument | undefined, options: { now?: () => number; historyLimit?: number }) {
    this.state = initialState(initialDoc);
    this.now = options.now ?? Date.now;
    this.limit = options.historyLimit ?? HISTORY_LIMIT;
  }

  getState = (): EditorState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Replaces the state and tells the listeners; a no-op when `next` is the current state. */
  set(next: EditorState): void {
    const prev = this.state;
    if (next === prev) return;
    if (next.document !== prev.document || next.scope !== prev.scope) next = withView(next);
    this.state = next;
    for (const l of [...this.listeners]) l(next, prev);
  }

  /**
   * Runs a recipe on the document and records it as one undo step. A `coalesceKey` equal to the
   * previous step's, within COALESCE_MS, extends that step instead (typing in one field).
   */
  commit(
    label: string,
    recipe: Recipe,
    // `pipeline`: the recipe edits the whole document even inside a component (a port's wires outside).
    opts: { coalesceKey?: string; selection?: Selection; pipeline?: boolean } = {},
  ): boolean {
    const state = this.state;
    const [doc, patches, inverse] = produceWithPatches(
      state.document,
      opts.pipeline ? recipe : scopedRecipe(state.document, state.scope, recipe),
    );
    if (!patches.length) {
      if (opts.selection) this.set({ ...state, selection: opts.selection });
      return false;
    }
    const past = this.pushStep({ label, patches, inverse }, opts.coalesceKey);
    this.set({
      ...state,
      document: doc,
      selection: pruneSelection(viewOf(doc, state.scope), opts.selection ?? state.selection),
      history: { past, future: [] },
      dirty: this.dirtyAt(past),
    });
    return true;
  }

  /**
   * Document change that is deliberately not an undo step (folding). Only touches node properties,
   * never array shape.
   */
  silent(recipe: Recipe, keepClean = false): void {
    const state = this.state;
    const [doc, patches] = produceWithPatches(state.document, scopedRecipe(state.document, state.scope, recipe));
    if (!patches.length) return;
    // Facts read about a file change nothing the user made: a clean document stays clean.
    if (keepClean) return this.set({ ...state, document: doc });
    this.cleanPoint = this.cleanPoint === topId(state.history.past) ? null : this.cleanPoint;
    this.set({ ...state, document: doc, dirty: this.dirtyAt(state.history.past) });
  }

  undo(): boolean {
    return this.travel("undo");
  }

  redo(): boolean {
    return this.travel("redo");
  }

  endEdit(): void {
    this.coalesce = null;
  }

  replaceDocument(doc: WorkflowDocument, opts: { markClean?: boolean; first?: boolean } = {}): void {
    this.coalesce = null;
    this.cleanPoint = opts.markClean ? 0 : null;
    this.set({
      document: doc,
      scope: [],
      view: doc,
      selection: EMPTY_SELECTION,
      viewport: doc.viewport ?? this.state.viewport,
      history: { past: [], future: [] },
      dirty: !opts.markClean,
      epoch: opts.first ? this.state.epoch : this.state.epoch + 1,
    });
  }

  markClean(): void {
    this.cleanPoint = topId(this.state.history.past);
    if (this.state.dirty) this.set({ ...this.state, dirty: false });
  }

  private dirtyAt(past: readonly HistoryEntry[]): boolean {
    return this.cleanPoint === null || topId(past) !== this.cleanPoint;
  }

  /** `past` with a new step on top, or the top step extended when this edit continues it. */
  private pushStep(entry: Omit<HistoryEntry, "id">, coalesceKey: string | undefined): readonly HistoryEntry[] {
    const t = this.now();
    const { past, future } = this.state.history;
    const top = past[past.length - 1];
    const c = this.coalesce;
    const continues = coalesceKey && c && c.key === coalesceKey && t - c.time < COALESCE_MS && top && !future.length;
    this.coalesce = coalesceKey ? { key: coalesceKey, time: t } : null;
    if (continues) {
      // A new id: if the merged step was the saved one, the document is now dirty.
      const merged: HistoryEntry = {
        id: this.nextEntryId++,
        label: top.label,
        patches: [...top.patches, ...entry.patches],
        inverse: [...entry.inverse, ...top.inverse],
      };
      return [...past.slice(0, -1), merged];
    }
    const grown = [...past, { id: this.nextEntryId++, ...entry }];
    return grown.length > this.limit ? grown.slice(grown.length - this.limit) : grown;
  }

  /** Moves one step between past and future, applying its inverse (undo) or its patches (redo). */
  private travel(direction: "undo" | "redo"): boolean {
    const state = this.state;
    const { past, future } = state.history;
    const entry = direction === "undo" ? past[past.length - 1] : future[0];
    if (!entry) return false;
    this.coalesce = null;
    const doc = applyPatches(state.document, (direction === "undo" ? entry.inverse : entry.patches) as Patch[]);
    const history =
      direction === "undo"
        ? { past: past.slice(0, -1), future: [entry, ...future] }
        : { past: [...past, entry], future: future.slice(1) };
    this.set({
      ...state,
      document: doc,
      selection: pruneSelection(viewOf(doc, state.scope), state.selection),
      history,
      dirty: this.dirtyAt(history.past),
    });
    return true;
  }
}
