import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from "immer";
import {
  canConnect,
  canConnectReplacing,
  edgeId,
  emptyDocument,
  requiredDefaults,
  type ConnectResult,
  type PortRef,
  type Registry,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "../../graph";
import { randomId, type IdFactory } from "./ids";
import { sanitizePaste, serializeNodes } from "./clipboard";

enablePatches();

export const HISTORY_LIMIT = 100;
/** Edits to the same node+field closer together than this are one undo step (a burst of typing). */
export const COALESCE_MS = 600;

export interface Selection {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}
export interface HistoryEntry {
  /** Unique per entry; the dirty flag compares against the entry that was on top when saved. */
  readonly id: number;
  readonly label: string;
  readonly patches: readonly Patch[];
  readonly inverse: readonly Patch[];
}
export interface EditorState {
  readonly document: WorkflowDocument;
  readonly selection: Selection;
  readonly viewport: Viewport;
  readonly history: { readonly past: readonly HistoryEntry[]; readonly future: readonly HistoryEntry[] };
  /** The document differs from the last replaceDocument({markClean}) / markClean(). */
  readonly dirty: boolean;
  /** Bumps on every replaceDocument: a different document was opened (views refit, panels reset). */
  readonly epoch: number;
}
export type Listener = (state: EditorState, previous: EditorState) => void;

export interface EditorStoreOptions {
  makeId?: IdFactory;
  /** Clock used for coalescing typing into one undo step; injectable for tests. */
  now?: () => number;
  historyLimit?: number;
  /**
   * How far to move nodes being added (addNode, paste, duplicate) so they cover none already
   * there; the editor measures nodes, the store does not. Without it, nodes go where asked.
   */
  arrange?: (added: readonly WorkflowNode[], existing: readonly WorkflowNode[]) => XY;
}

export type PasteResult = { ok: true; nodeIds: string[]; warnings: string[] } | { ok: false; error: string };

export interface AddNodeOptions {
  params?: Record<string, unknown>;
  label?: string;
  /** Wire the new node to this handle in the same undo step (drop-a-wire-on-canvas flow). */
  connectFrom?: { nodeId: string; handleId: string; handleType: "source" | "target" };
  /** Select the new node (default true). */
  select?: boolean;
}

export interface EditorStore {
  getState(): EditorState;
  /** Fires after every state change (document, selection, viewport, history); returns an unsubscribe function. */
  subscribe(listener: Listener): () => void;
  readonly registry: Registry;

  // Document commands (enter history).
  addNode(type: string, position: XY, options?: AddNodeOptions): string;
  /**
   * Wires from → to. `replace`: an occupied single input gives up its wire. `reconnect`: this
   * existing wire is moved (judged as if it were gone, swapped in one undo step; refused = untouched).
   */
  connect(from: PortRef, to: PortRef, options?: { replace?: boolean; reconnect?: string }): ConnectResult;
  removeEdges(ids: readonly string[]): void;
  setParam(nodeId: string, key: string, value: unknown): void;
  moveNodes(moves: readonly { id: string; position: XY }[]): void;
  removeNodes(ids: readonly string[]): void;
  removeSelection(): void;
  duplicate(ids?: readonly string[]): string[];
  paste(input: unknown, at?: XY): PasteResult;
  toggleBypass(ids?: readonly string[]): void;
  rename(nodeId: string, label: string): void;
  /** Edits the document's meta (name, description, tags); undefined values remove a key. */
  setMeta(patch: Partial<WorkflowDocument["meta"]>): void;
  undo(): boolean;
  redo(): boolean;
  /**
   * Closes the current typing step: the next edit of the same field starts a new undo step even
   * within COALESCE_MS. Called when a field loses focus or Enter commits it (docs/architecture.md#undo).
   */
  endEdit(): void;

  // Not history steps.
  setExpanded(nodeId: string, expanded: boolean): void;
  setSelection(selection: Partial<Selection>): void;
  selectAll(): void;
  setViewport(viewport: Viewport): void;
  /** Replaces the whole document (open, new, template); clears history and selection. */
  replaceDocument(doc: WorkflowDocument, options?: { markClean?: boolean }): void;
  markClean(): void;
  /** JSON text of the given nodes (default: the selection) and the wires between them. */
  copy(ids?: readonly string[]): string | null;
}

const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };

/**
 * A small external store for the editor: the document, selection, viewport and undo history.
 * Commands are synchronous and pure over the document (immer); every document-changing command
 * except folding params and replaceDocument records patches for undo. Usable headless in tests.
 *
 * @example
 * const store = createEditorStore(registry);
 * const a = store.addNode("prompt", { x: 0, y: 0 });
 * store.setParam(a, "prompt", "a cat");
 * store.undo();
 */
export function createEditorStore(
  registry: Registry,
  initialDoc?: WorkflowDocument,
  options: EditorStoreOptions = {},
): EditorStore {
  const makeId = options.makeId ?? randomId;
  const now = options.now ?? Date.now;
  const limit = options.historyLimit ?? HISTORY_LIMIT;
  const listeners = new Set<Listener>();

  let nextEntryId = 1;
  /** Id of the history entry on top of `past` when the document was last clean; 0 = empty past, null = unreachable. */
  let cleanPoint: number | null = 0;
  let coalesce: { key: string; time: number } | null = null;

  const doc0 = initialDoc ?? emptyDocument();
  let state: EditorState = {
    document: doc0,
    selection: EMPTY_SELECTION,
    viewport: doc0.viewport ?? { x: 0, y: 0, zoom: 1 },
    history: { past: [], future: [] },
    dirty: false,
    epoch: 0,
  };

  const topId = (past: readonly HistoryEntry[]) => (past.length ? past[past.length - 1].id : 0);

  function set(next: EditorState) {
    const prev = state;
    if (next === prev) return;
    state = next;
    for (const l of [...listeners]) l(state, prev);
  }

  function pruneSelection(doc: WorkflowDocument, sel: Selection): Selection {
    if (!sel.nodes.length && !sel.edges.length) return sel;
    const nodeIds = new Set(doc.nodes.map((n) => n.id));
    const edgeIds = new Set(doc.edges.map((e) => e.id));
    const nodes = sel.nodes.filter((id) => nodeIds.has(id));
    const edges = sel.edges.filter((id) => edgeIds.has(id));
    return nodes.length === sel.nodes.length && edges.length === sel.edges.length ? sel : { nodes, edges };
  }

  /**
   * Runs a recipe on the document and records it as one undo step. A `coalesceKey` equal to the
   * previous step's, within COALESCE_MS, extends that step instead (typing in one field).
   */
  function commit(
    label: string,
    recipe: (draft: Draft<WorkflowDocument>) => void,
    opts: { coalesceKey?: string; selection?: Selection } = {},
  ): boolean {
    const [doc, patches, inverse] = produceWithPatches(state.document, recipe);
    if (!patches.length) {
      if (opts.selection) set({ ...state, selection: opts.selection });
      return false;
    }
    const t = now();
    let past = state.history.past;
    const top = past[past.length - 1];
    if (
      opts.coalesceKey &&
      coalesce &&
      coalesce.key === opts.coalesceKey &&
      t - coalesce.time < COALESCE_MS &&
      top &&
      !state.history.future.length
    ) {
      // A new id: if the merged step was the saved one, the document is now dirty.
      const merged: HistoryEntry = {
        id: nextEntryId++,
        label: top.label,
        patches: [...top.patches, ...patches],
        inverse: [...inverse, ...top.inverse],
      };
      past = [...past.slice(0, -1), merged];
    } else {
      past = [...past, { id: nextEntryId++, label, patches, inverse }];
      if (past.length > limit) past = past.slice(past.length - limit);
    }
    coalesce = opts.coalesceKey ? { key: opts.coalesceKey, time: t } : null;
    set({
      ...state,
      document: doc,
      selection: pruneSelection(doc, opts.selection ?? state.selection),
      history: { past, future: [] },
      dirty: cleanPoint === null || topId(past) !== cleanPoint,
    });
    return true;
  }

  /** Document change that is deliberately not an undo step (folding). Only touches node properties, never array shape. */
  function silent(recipe: (draft: Draft<WorkflowDocument>) => void) {
    const [doc, patches] = produceWithPatches(state.document, recipe);
    if (!patches.length) return;
    cleanPoint = cleanPoint === topId(state.history.past) ? null : cleanPoint;
    set({ ...state, document: doc, dirty: cleanPoint === null || topId(state.history.past) !== cleanPoint });
  }

  /**
   * The draft of one node. The index is looked up on the base document: searching the draft array
   * would make immer create a proxy for every node it passes (hundreds per keystroke on big graphs).
   */
  const findNode = (d: Draft<WorkflowDocument>, id: string) => {
    const i = state.document.nodes.findIndex((n) => n.id === id);
    return i < 0 ? undefined : d.nodes[i];
  };

  function freshId(prefix: string, taken: Set<string>): string {
    let id = makeId(prefix);
    while (taken.has(id)) id = makeId(prefix);
    taken.add(id);
    return id;
  }

  /** Moves nodes about to be added clear of the others (options.arrange). */
  function shift(added: WorkflowNode[]) {
    if (!options.arrange || !added.length) return;
    const d = options.arrange(added, state.document.nodes);
    if (d.x || d.y) for (const n of added) n.position = { x: n.position.x + d.x, y: n.position.y + d.y };
  }

  function removeNodesRecipe(ids: ReadonlySet<string>, edgeIds: ReadonlySet<string> = new Set()) {
    return (d: Draft<WorkflowDocument>) => {
      if (ids.size) d.nodes = d.nodes.filter((n) => !ids.has(n.id));
      d.edges = d.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target) && !edgeIds.has(e.id));
    };
  }

  const store: EditorStore = {
    registry,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    addNode(type, position, opts = {}) {
      const def = registry.getOrThrow(type);
      const taken = new Set(state.document.nodes.map((n) => n.id));
      const id = freshId(def.type, taken);
      const node: WorkflowNode = {
        id,
        type: def.type,
        typeVersion: def.version,
        position: { x: position.x, y: position.y },
        params: { ...requiredDefaults(def), ...opts.params },
      };
      if (opts.label) node.label = opts.label;
      shift([node]);
      let wire: WorkflowEdge | undefined;
      if (opts.connectFrom) {
        const { nodeId, handleId, handleType } = opts.connectFrom;
        const withNode = { ...state.document, nodes: [...state.document.nodes, node] };
        const ports = handleType === "source" ? def.inputs : def.outputs;
        for (const p of ports) {
          const from = handleType === "source" ? { node: nodeId, port: handleId } : { node: id, port: p.id };
          const to = handleType === "source" ? { node: id, port: p.id } : { node: nodeId, port: handleId };
          if (canConnect(withNode, from, to, registry).ok) {
            wire = {
              id: edgeId(from.node, from.port, to.node, to.port),
              source: from.node,
              sourceHandle: from.port,
              target: to.node,
              targetHandle: to.port,
            };
            break;
          }
        }
      }
      commit(
        `Add ${def.title}`,
        (d) => {
          d.nodes.push(node);
          if (wire) d.edges.push(wire);
        },
        { selection: opts.select === false ? undefined : { nodes: [id], edges: [] } },
      );
      return id;
    },

    connect(from, to, opts = {}) {
      const moved = opts.reconnect;
      const base = moved
        ? { ...state.document, edges: state.document.edges.filter((e) => e.id !== moved) }
        : state.document;
      const { verdict, replaces: drop } = opts.replace
        ? canConnectReplacing(base, from, to, registry)
        : { verdict: canConnect(base, from, to, registry) };
      if (!verdict.ok) return verdict;
      const edge: WorkflowEdge = {
        id: edgeId(from.node, from.port, to.node, to.port),
        source: from.node,
        sourceHandle: from.port,
        target: to.node,
        targetHandle: to.port,
      };
      if (moved && edge.id === moved) return verdict; // dropped back where it was
      commit(moved ? "Reconnect" : "Connect", (d) => {
        if (drop || moved) d.edges = d.edges.filter((e) => e.id !== drop && e.id !== moved);
        d.edges.push(edge);
      });
      return verdict;
    },

    removeEdges(ids) {
      const set_ = new Set(ids);
      if (!state.document.edges.some((e) => set_.has(e.id))) return;
      commit("Remove wire", (d) => {
        d.edges = d.edges.filter((e) => !set_.has(e.id));
      });
    },

    setParam(nodeId, key, value) {
      commit(
        "Edit",
        (d) => {
          const n = findNode(d, nodeId);
          if (!n) return;
          if (value === undefined) delete n.params[key];
          else n.params[key] = value as never;
        },
        { coalesceKey: `param:${nodeId}:${key}` },
      );
    },

    moveNodes(moves) {
      const byId = new Map(moves.map((m) => [m.id, m.position]));
      commit("Move", (d) => {
        for (const n of d.nodes) {
          const p = byId.get(n.id);
          if (p && (p.x !== n.position.x || p.y !== n.position.y)) n.position = { x: p.x, y: p.y };
        }
      });
    },

    removeNodes(ids) {
      const set_ = new Set(ids);
      if (!set_.size) return;
      commit(set_.size === 1 ? "Delete node" : `Delete ${set_.size} nodes`, removeNodesRecipe(set_));
    },

    removeSelection() {
      const { nodes, edges } = state.selection;
      if (!nodes.length && !edges.length) return;
      commit("Delete", removeNodesRecipe(new Set(nodes), new Set(edges)), { selection: EMPTY_SELECTION });
    },

    duplicate(ids = state.selection.nodes) {
      if (!ids.length) return [];
      const res = store.paste(serializeNodes(state.document, ids));
      return res.ok ? res.nodeIds : [];
    },

    paste(input, at) {
      const res = sanitizePaste(input, state.document, registry, makeId, at);
      if (!res.ok) return res;
      shift(res.nodes);
      if (!res.nodes.length)
        return {
          ok: false,
          error: res.warnings.length ? `Nothing to paste: ${res.warnings.join("; ")}` : "Nothing to paste",
        };
      commit(
        res.nodes.length === 1 ? "Paste node" : `Paste ${res.nodes.length} nodes`,
        (d) => {
          d.nodes.push(...(res.nodes as Draft<WorkflowNode>[]));
          d.edges.push(...res.edges);
        },
        { selection: { nodes: res.nodes.map((n) => n.id), edges: [] } },
      );
      return { ok: true, nodeIds: res.nodes.map((n) => n.id), warnings: res.warnings };
    },

    toggleBypass(ids = state.selection.nodes) {
      const set_ = new Set(ids);
      const targets = state.document.nodes.filter((n) => set_.has(n.id) && !registry.get(n.type)?.inert);
      if (!targets.length) return;
      // Mixed selection: bypass all (like ComfyUI); all bypassed: switch all back on.
      const turnOn = targets.every((n) => n.bypass);
      commit(turnOn ? "Enable" : "Bypass", (d) => {
        for (const n of d.nodes) {
          if (!set_.has(n.id) || registry.get(n.type)?.inert) continue;
          if (turnOn) delete n.bypass;
          else n.bypass = true;
        }
      });
    },

    rename(nodeId, label) {
      const clean = label.trim().slice(0, 120);
      commit("Rename", (d) => {
        const n = findNode(d, nodeId);
        if (!n) return;
        if (clean) n.label = clean;
        else delete n.label;
      });
    },

    setMeta(patch) {
      commit(
        "Edit pipeline info",
        (d) => {
          for (const [k, v] of Object.entries(patch) as [keyof WorkflowDocument["meta"], never][]) {
            if (v === undefined) delete d.meta[k];
            else d.meta[k] = v;
          }
        },
        { coalesceKey: `meta:${Object.keys(patch).join(",")}` },
      );
    },

    endEdit() {
      coalesce = null;
    },

    undo() {
      const { past, future } = state.history;
      const entry = past[past.length - 1];
      if (!entry) return false;
      coalesce = null;
      const doc = applyPatches(state.document, entry.inverse as Patch[]);
      const nextPast = past.slice(0, -1);
      set({
        ...state,
        document: doc,
        selection: pruneSelection(doc, state.selection),
        history: { past: nextPast, future: [entry, ...future] },
        dirty: cleanPoint === null || topId(nextPast) !== cleanPoint,
      });
      return true;
    },

    redo() {
      const { past, future } = state.history;
      const entry = future[0];
      if (!entry) return false;
      coalesce = null;
      const doc = applyPatches(state.document, entry.patches as Patch[]);
      const nextPast = [...past, entry];
      set({
        ...state,
        document: doc,
        selection: pruneSelection(doc, state.selection),
        history: { past: nextPast, future: future.slice(1) },
        dirty: cleanPoint === null || topId(nextPast) !== cleanPoint,
      });
      return true;
    },

    setExpanded(nodeId, expanded) {
      silent((d) => {
        const n = findNode(d, nodeId);
        if (!n || !!n.expanded === expanded) return;
        if (expanded) n.expanded = true;
        else delete n.expanded;
      });
    },

    setSelection(sel) {
      const next = { nodes: sel.nodes ?? state.selection.nodes, edges: sel.edges ?? state.selection.edges };
      const same = (a: readonly string[], b: readonly string[]) =>
        a.length === b.length && a.every((x, i) => x === b[i]);
      if (same(next.nodes, state.selection.nodes) && same(next.edges, state.selection.edges)) return;
      set({ ...state, selection: next });
    },

    selectAll() {
      store.setSelection({
        nodes: state.document.nodes.map((n) => n.id),
        edges: state.document.edges.map((e) => e.id),
      });
    },

    setViewport(viewport) {
      const v = state.viewport;
      if (v.x === viewport.x && v.y === viewport.y && v.zoom === viewport.zoom) return;
      set({ ...state, viewport: { x: viewport.x, y: viewport.y, zoom: viewport.zoom } });
    },

    replaceDocument(doc, opts = {}) {
      coalesce = null;
      cleanPoint = opts.markClean ? 0 : null;
      set({
        document: doc,
        selection: EMPTY_SELECTION,
        viewport: doc.viewport ?? state.viewport,
        history: { past: [], future: [] },
        dirty: !opts.markClean,
        epoch: state.epoch + 1,
      });
    },

    markClean() {
      cleanPoint = topId(state.history.past);
      if (state.dirty) set({ ...state, dirty: false });
    },

    copy(ids = state.selection.nodes) {
      if (!ids.length) return null;
      return JSON.stringify(serializeNodes(state.document, ids), null, 2);
    },
  };
  return store;
}
