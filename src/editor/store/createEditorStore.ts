import type { Registry, WorkflowDocument } from "../../graph";
import { serializeNodes } from "./copy";
import * as doc from "./commands";
import * as edit from "./editCommands";
import * as canvas from "./canvasCommands";
import { History } from "./history";
import { randomId } from "./ids";
import { isPortStandIn } from "./scope";
import { EMPTY_SELECTION, type EditorStore, type EditorStoreOptions, type Selection, type Viewport } from "./types";

export * from "./types";

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function setSelection(history: History, sel: Partial<Selection>): void {
  const state = history.getState();
  const next = { nodes: sel.nodes ?? state.selection.nodes, edges: sel.edges ?? state.selection.edges };
  if (sameIds(next.nodes, state.selection.nodes) && sameIds(next.edges, state.selection.edges)) return;
  history.set({ ...state, selection: next });
}

/**
 * The pipeline's own view, the one saved with it. Moves inside a component are the canvas's
 * business (each component keeps its view there, flow/useViewport.ts) and never overwrite it.
 */
function setViewport(history: History, viewport: Viewport): void {
  const state = history.getState();
  if (state.scope.length) return;
  const v = state.viewport;
  if (v.x === viewport.x && v.y === viewport.y && v.zoom === viewport.zoom) return;
  history.set({ ...state, viewport: { x: viewport.x, y: viewport.y, zoom: viewport.zoom } });
}

/**
 * A small external store for the editor: the document, selection, viewport and undo history.
 * Commands are synchronous (paste waits for its reader, loaded once) and pure over the document
 * (immer); every document-changing command except folding params and replaceDocument records
 * patches for undo. Usable headless in tests.
 * The state and its history live in history.ts; the commands in commands.ts and editCommands.ts.
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
  const history = new History(initialDoc, options);
  const ctx: doc.StoreContext = { history, registry, makeId: options.makeId ?? randomId, arrange: options.arrange };
  const state = history.getState;
  return {
    registry,
    getState: history.getState,
    subscribe: history.subscribe,

    addNode: (type, position, opts) => doc.addNode(ctx, type, position, opts),
    connect: (from, to, opts) => doc.connect(ctx, from, to, opts),
    removeEdges: (ids) => doc.removeEdges(ctx, ids),
    moveNodes: (moves, opts) => doc.moveNodes(ctx, moves, opts),
    removeNodes: (ids) => doc.removeNodes(ctx, ids),
    removeSelection: () => doc.removeSelection(ctx),
    duplicate: (ids = state().selection.nodes) => doc.duplicate(ctx, ids),
    paste: (input, at) => doc.paste(ctx, input, at),
    setParam: (nodeId, key, value) => edit.setParam(ctx, nodeId, key, value),
    toggleBypass: (ids = state().selection.nodes) => edit.toggleBypass(ctx, ids),
    rename: (nodeId, label) => edit.rename(ctx, nodeId, label),
    setMeta: (patch) => edit.setMeta(ctx, patch),
    nameSaved: (name) => edit.nameSaved(ctx, name),
    setExpanded: (nodeId, expanded) => edit.setExpanded(ctx, nodeId, expanded),
    setFileInfo: (nodeId, key, facts) => edit.setFileInfo(ctx, nodeId, key, facts),
    spliceNode: (nodeId, wireId, moves) => canvas.spliceNode(ctx, nodeId, wireId, moves),
    toggleCollapsed: (ids = state().selection.nodes) => canvas.toggleCollapsed(ctx, ids),
    addReroute: (wireId, index, at) => canvas.addReroute(ctx, wireId, index, at),
    moveReroute: (wireId, index, to) => canvas.moveReroute(ctx, wireId, index, to),
    removeReroute: (wireId, index) => canvas.removeReroute(ctx, wireId, index),
    addGroup: (bounds, title, color) => canvas.addGroup(ctx, bounds, title, color),
    updateGroup: (id, patch) => canvas.updateGroup(ctx, id, patch),
    removeGroup: (id) => canvas.removeGroup(ctx, id),
    moveGroup: (id, delta, nodeIds, groupIds) => canvas.moveGroup(ctx, id, delta, nodeIds, groupIds),

    undo: () => history.undo(),
    redo: () => history.redo(),
    endEdit: () => history.endEdit(),
    replaceDocument: (d, opts) => history.replaceDocument(d, opts),
    markClean: () => history.markClean(),

    setSelection: (sel) => setSelection(history, sel),
    selectAll: () =>
      setSelection(history, {
        nodes: state().view.nodes.map((n) => n.id),
        edges: state().view.edges.map((e) => e.id),
      }),
    setViewport: (viewport) => setViewport(history, viewport),
    setScope: (scope, selection = EMPTY_SELECTION) => history.set({ ...state(), scope, selection }),
    applyChange: (label, next, opts) =>
      void history.commit(
        label,
        (d) => {
          if (next.nodes) d.nodes = next.nodes as typeof d.nodes;
          if (next.edges) d.edges = next.edges as typeof d.edges;
          if (next.components) d.components = next.components as typeof d.components;
        },
        opts,
      ),
    copy(ids = state().selection.nodes) {
      const own = ids.filter((id) => !state().view.nodes.some((n) => n.id === id && isPortStandIn(n)));
      if (!own.length) return null;
      // A paste usually follows: its reader is fetched now rather than after the key press.
      void doc.pasteReader.load().catch(() => undefined);
      return JSON.stringify(serializeNodes(state().view, own), null, 2);
    },
  };
}
