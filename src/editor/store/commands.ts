// The editor store's document commands: each a pure change of the document, recorded through the
// history (history.ts) as one undo step. createEditorStore.ts hands them to the store.
import { isDraft, original, type Draft } from "immer";
import {
  canConnect,
  canConnectReplacing,
  componentKey,
  componentRegistry,
  containmentPath,
  instanceRef,
  nodeDisplayNames,
  type ComponentDefinition,
  type ConnectResult,
  edgeBetween,
  requiredDefaults,
  type NodeDefinition,
  type PortRef,
  type Registry,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "../../graph";
import type { SanitizeResult } from "./clipboard";
import { onDemand } from "../lazy";
import type { History } from "./history";
import { freshId, type IdFactory } from "./ids";
import { COPY_OFFSET, copyNodes } from "./copy";
import { planNewNodeSplice } from "./canvasCommands";
import { definitionOf, isPortStandIn } from "./scope";
import {
  EditRefused,
  EMPTY_SELECTION,
  type AddNodeOptions,
  type EditResult,
  type EditorStoreOptions,
  type PasteResult,
} from "./types";

/** What every command works on: one store's history, registry and id factory. */
export interface StoreContext {
  readonly history: History;
  readonly registry: Registry;
  readonly makeId: IdFactory;
  readonly arrange?: EditorStoreOptions["arrange"];
}

/** What commands read and edit: the view of the current scope (the document at the top). */
const doc = (ctx: StoreContext) => ctx.history.getState().view;

/**
 * The draft of one node. The index is looked up on the base document: searching the draft array
 * would make immer create a proxy for every node it passes (hundreds per keystroke on big graphs).
 */
export function findNode(ctx: StoreContext, d: Draft<WorkflowDocument>, id: string) {
  const i = doc(ctx).nodes.findIndex((n) => n.id === id);
  return i < 0 ? undefined : d.nodes[i];
}

/** Moves nodes about to be added clear of the others (options.arrange). */
function shift(ctx: StoreContext, added: WorkflowNode[]) {
  if (!ctx.arrange || !added.length) return;
  const d = ctx.arrange(added, doc(ctx).nodes);
  if (d.x || d.y) for (const n of added) n.position = { x: n.position.x + d.x, y: n.position.y + d.y };
}

function removeNodesRecipe(ids: ReadonlySet<string>, edgeIds: ReadonlySet<string> = new Set()) {
  return (d: Draft<WorkflowDocument>) => {
    if (ids.size) d.nodes = d.nodes.filter((n) => !ids.has(n.id));
    d.edges = d.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target) && !edgeIds.has(e.id));
  };
}

/** The first wire a new node can take from the handle it was dropped on, if any. */
function wireForNewNode(
  ctx: StoreContext,
  registry: Registry,
  node: WorkflowNode,
  def: NodeDefinition,
  { nodeId, handleId, handleType }: NonNullable<AddNodeOptions["connectFrom"]>,
): WorkflowEdge | undefined {
  const withNode = { ...doc(ctx), nodes: [...doc(ctx).nodes, node] };
  const ports = handleType === "source" ? def.inputs : def.outputs;
  for (const p of ports) {
    const from = handleType === "source" ? { node: nodeId, port: handleId } : { node: node.id, port: p.id };
    const to = handleType === "source" ? { node: node.id, port: p.id } : { node: nodeId, port: handleId };
    if (canConnect(withNode, from, to, registry).ok) return edgeBetween(from, to);
  }
  return undefined;
}

/** The definitions of `wanted` the document lacks (by id and version). */
function missingComponents(ctx: StoreContext, wanted: readonly ComponentDefinition[] | undefined) {
  const have = new Set((doc(ctx).components ?? []).map((c) => componentKey(c.id, c.version)));
  return (wanted ?? []).filter((c) => !have.has(componentKey(c.id, c.version)));
}

/**
 * Why `nodes` cannot go on the canvas: inside a component, an instance of that component, or of
 * one that holds it, would make the component contain itself (docs/components.md#the-editor).
 */
export function selfContaining(
  ctx: StoreContext,
  nodes: readonly Pick<WorkflowNode, "type">[],
  defs: readonly ComponentDefinition[] | undefined,
): string | undefined {
  const { scope } = ctx.history.getState();
  if (!scope.length) return undefined;
  const enclosing = new Set(scope.map((s) => s.key));
  const title = (key: string) => defs?.find((c) => componentKey(c.id, c.version) === key)?.title ?? key;
  for (const n of nodes) {
    const ref = instanceRef(n);
    const path = ref && containmentPath(ref.key, enclosing, defs);
    if (!path) continue;
    const inside = title(path[path.length - 1]);
    if (path.length === 1) return `${inside} cannot go inside itself: this canvas is inside ${inside}`;
    return `${title(path[0])} cannot go here: it holds ${inside} (${path.map(title).join(" › ")}), and this canvas is inside ${inside}, so ${inside} would contain itself`;
  }
  return undefined;
}

export function addNode(ctx: StoreContext, type: string, position: XY, opts: AddNodeOptions = {}): string {
  const added = missingComponents(ctx, opts.components);
  // An instance whose definition arrives with it is known only once the document carries it.
  const registry = added.length
    ? componentRegistry(ctx.registry, [...(doc(ctx).components ?? []), ...added])
    : ctx.registry;
  const def = registry.getOrThrow(type);
  const refused = selfContaining(ctx, [{ type }], [...(doc(ctx).components ?? []), ...added]);
  if (refused) throw new EditRefused(refused);
  const taken = new Set(doc(ctx).nodes.map((n) => n.id));
  const id = freshId(ctx.makeId, def.type, taken);
  const node: WorkflowNode = {
    id,
    type: def.type,
    typeVersion: def.version,
    position: { x: position.x, y: position.y },
    params: { ...requiredDefaults(def), ...opts.params },
  };
  if (opts.label) node.label = opts.label;
  if (opts.fileInfo) node.fileInfo = { ...opts.fileInfo };
  shift(ctx, [node]);
  const edge = opts.connectFrom ? wireForNewNode(ctx, registry, node, def, opts.connectFrom) : undefined;
  const splice = opts.spliceInto ? planNewNodeSplice(ctx, node, opts.spliceInto, registry) : undefined;
  ctx.history.commit(
    `Add ${def.title}`,
    (d) => {
      if (added.length) d.components = [...(d.components ?? []), ...structuredClone(added)];
      d.nodes.push(node);
      if (edge) d.edges.push(edge);
      splice?.(d);
    },
    { selection: opts.select === false ? undefined : { nodes: [id], edges: [] } },
  );
  return id;
}

export function connect(
  ctx: StoreContext,
  from: PortRef,
  to: PortRef,
  opts: { replace?: boolean; reconnect?: string } = {},
): ConnectResult {
  const moved = opts.reconnect;
  const base = moved ? { ...doc(ctx), edges: doc(ctx).edges.filter((e) => e.id !== moved) } : doc(ctx);
  const { verdict, replaces: drop } = opts.replace
    ? canConnectReplacing(base, from, to, ctx.registry)
    : { verdict: canConnect(base, from, to, ctx.registry) };
  if (!verdict.ok) return verdict;
  const edge = edgeBetween(from, to);
  if (moved && edge.id === moved) return verdict; // dropped back where it was
  ctx.history.commit(moved ? "Reconnect" : "Connect", (d) => {
    if (drop || moved) d.edges = d.edges.filter((e) => e.id !== drop && e.id !== moved);
    d.edges.push(edge);
  });
  return verdict;
}

export function removeEdges(ctx: StoreContext, ids: readonly string[]): void {
  const set_ = new Set(ids);
  if (!doc(ctx).edges.some((e) => set_.has(e.id))) return;
  ctx.history.commit("Remove wire", (d) => {
    d.edges = d.edges.filter((e) => !set_.has(e.id));
  });
}

export function moveNodes(
  ctx: StoreContext,
  moves: readonly { id: string; position: XY }[],
  opts: { silent?: boolean; keepClean?: boolean } = {},
): void {
  const byId = new Map(moves.map((m) => [m.id, m.position]));
  const recipe = (d: Draft<WorkflowDocument>) => {
    // Looked up in the base array: reading a node through the draft drafts it, and finishing
    // 5,000 drafted nodes for one moved node was most of a drop's immer time.
    const base: readonly WorkflowNode[] = isDraft(d.nodes) ? original(d.nodes)! : d.nodes;
    base.forEach((n, i) => {
      const p = byId.get(n.id);
      if (p && (p.x !== n.position.x || p.y !== n.position.y)) d.nodes[i].position = { x: p.x, y: p.y };
    });
  };
  if (opts.silent) ctx.history.silent(recipe, opts.keepClean);
  else ctx.history.commit("Move", recipe);
}

/**
 * Inside a component, why `ids` cannot be deleted: one of them gives one of the component's
 * outputs, and every instance would be left with a port that leads nowhere.
 */
function givesOutputs(ctx: StoreContext, ids: ReadonlySet<string>): string | undefined {
  const { scope, document } = ctx.history.getState();
  const def = scope.length ? definitionOf(document, scope[scope.length - 1].key) : undefined;
  const lost = def?.outputs.filter((o) => ids.has(o.node)) ?? [];
  if (!def || !lost.length) return undefined;
  const name = nodeDisplayNames(def.nodes, ctx.registry).get(lost[0].node) ?? lost[0].node;
  const ports = lost.map((o) => `“${o.label}”`).join(" and ");
  return `${name} gives the component's output ${ports}: wire another node to that port of Component outputs first, or select Component outputs and remove the port`;
}

export function removeNodes(ctx: StoreContext, ids: readonly string[]): EditResult {
  const set_ = new Set(ids);
  if (!set_.size) return { ok: true };
  const refused = givesOutputs(ctx, set_);
  if (refused) return { ok: false, reason: refused };
  ctx.history.commit(set_.size === 1 ? "Delete node" : `Delete ${set_.size} nodes`, removeNodesRecipe(set_));
  return { ok: true };
}

export function removeSelection(ctx: StoreContext): EditResult {
  const { nodes, edges } = ctx.history.getState().selection;
  if (!nodes.length && !edges.length) return { ok: true };
  const refused = givesOutputs(ctx, new Set(nodes));
  if (refused) return { ok: false, reason: refused };
  ctx.history.commit("Delete", removeNodesRecipe(new Set(nodes), new Set(edges)), { selection: EMPTY_SELECTION });
  return { ok: true };
}

/**
 * The reader of pasted content, fetched on the first paste (or a copy, or once the page is idle):
 * the first paint does not need it (docs/codebase.md#the-first-load).
 */
export const pasteReader = onDemand(() => import("./clipboard"));

/**
 * Pastes untrusted clipboard content once its reader has loaded. Pastes made before it arrives
 * are made in the order they were asked for, each against the document as it is then: every
 * call waits on the same load, whose callbacks run in the order they were added.
 */
export function paste(ctx: StoreContext, input: unknown, at?: XY): Promise<PasteResult> {
  return pasteReader
    .load()
    .then((m) => insertPasted(ctx, m.sanitizePaste(input, doc(ctx), ctx.registry, ctx.makeId, at)));
}

function insertPasted(ctx: StoreContext, res: SanitizeResult): PasteResult {
  if (!res.ok) return res;
  shift(ctx, res.nodes);
  if (!res.nodes.length)
    return {
      ok: false,
      error: res.warnings.length ? `Nothing to paste: ${res.warnings.join("; ")}` : "Nothing to paste",
    };
  const refused = selfContaining(ctx, res.nodes, [...(doc(ctx).components ?? []), ...res.components]);
  if (refused) return { ok: false, error: `Not pasted: ${refused}` };
  addCopies(ctx, "Paste", res.nodes, res.edges, res.components);
  return { ok: true, nodeIds: res.nodes.map((n) => n.id), warnings: res.warnings };
}

/**
 * Puts pasted or duplicated nodes (already shifted), their wires and the components they need into
 * the document as one undo step named "<verb> node(s)", and selects them.
 */
function addCopies(
  ctx: StoreContext,
  verb: "Paste" | "Duplicate",
  nodes: readonly WorkflowNode[],
  edges: readonly WorkflowEdge[],
  components: readonly ComponentDefinition[] = [],
): void {
  ctx.history.commit(
    nodes.length === 1 ? `${verb} node` : `${verb} ${nodes.length} nodes`,
    (d) => {
      if (components.length) d.components = [...(d.components ?? []), ...structuredClone(components)];
      d.nodes.push(...(nodes as Draft<WorkflowNode>[]));
      d.edges.push(...edges);
    },
    { selection: { nodes: nodes.map((n) => n.id), edges: [] } },
  );
}

/**
 * Copies of the nodes, with fresh ids and the wires between them, one step down and right, as a
 * paste of them would be (copy.ts `copyNodes`). The document's own nodes are already checked, so
 * unlike a paste this needs no reader and stays synchronous (Ctrl+D); the ports of a component's
 * inside are not copied.
 */
export function duplicate(ctx: StoreContext, ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  const originals = doc(ctx).nodes.filter((n) => wanted.has(n.id) && !isPortStandIn(n));
  if (!originals.length) return [];
  const taken = new Set(doc(ctx).nodes.map((n) => n.id));
  const { nodes, edges } = copyNodes(originals, doc(ctx).edges, taken, ctx.makeId, COPY_OFFSET);
  shift(ctx, nodes);
  addCopies(ctx, "Duplicate", nodes, edges);
  return nodes.map((n) => n.id);
}
