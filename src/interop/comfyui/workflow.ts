/**
 * Reads a ComfyUI UI workflow (version 0.4 with list links, or 1.x with object links and
 * `definitions.subgraphs`) into the graph ComfyUI would send to its server, following the
 * frontend's own rules (ComfyUI_frontend's graphToPrompt and ExecutableNodeDTO):
 * - muted nodes (mode 2) are left out, and so is every wire from them;
 * - a bypassed node (mode 4) passes through: a wire from its output N continues from its input N
 *   when the types fit, else from its first input of the wanted type;
 * - Reroute nodes pass their input on; a PrimitiveNode's wire carries its value;
 * - subgraph instances are flattened; inner nodes get the ids ComfyUI executes them under
 *   ("instance:inner"), and the subgraph's structure is kept for later.
 */
import { emptyGraph, isObj, MAX_NODES, type FlatGraph, type InputValue, type Obj } from "./graph";
import { namedWidgets } from "./widgets";

interface RawSlot {
  name: string;
  type: string;
  link: number | null;
}
interface RawNode {
  id: string;
  type: string;
  mode: number;
  title?: string;
  inputs: RawSlot[];
  outputTypes: string[];
  widgets: unknown;
}
interface RawLink {
  originId: string;
  originSlot: number;
}
interface RawGraph {
  nodes: RawNode[];
  byId: Map<string, RawNode>;
  links: Map<number, RawLink>;
}
interface SubgraphDef {
  id: string;
  name: string;
  graph: RawGraph;
  /** Per output of the subgraph, the inner link that feeds it. */
  outputLinks: (number | undefined)[];
}
interface Scope {
  graph: RawGraph;
  path: string[];
  parent?: { scope: Scope; node: RawNode };
  /** Mode inherited from a muted or bypassed instance around this scope. */
  inherited?: 2 | 4;
}

type Resolved = { link: { nodeId: string; slot: number } } | { value: unknown } | { muted: string } | undefined;

const SUBGRAPH_INPUT = "-10";
const MUTED = 2;
const BYPASSED = 4;
/** Subgraphs nest; real files go two or three deep. */
const MAX_SUBGRAPH_DEPTH = 16;
const MAX_VISITS = 4 * MAX_NODES;
const MAX_HOPS = 512;
const REROUTES = new Set(["Reroute", "Reroute (rgthree)"]);
const NOTES = new Set(["Note", "MarkdownNote", "Note Plus (mtb)"]);
const GET_NODES = new Set(["GetNode", "GetNode (KJNodes)"]);
const SET_NODES = new Set(["SetNode", "SetNode (KJNodes)"]);
const VIRTUAL = new Set([...REROUTES, ...NOTES, ...GET_NODES, ...SET_NODES, "PrimitiveNode"]);

/** Does this look like a UI workflow: `{nodes: [{type}], …}`? */
export function looksLikeWorkflow(v: unknown): v is Obj {
  return (
    isObj(v) &&
    Array.isArray(v.nodes) &&
    (Array.isArray(v.links) || typeof v.version === "number" || "last_node_id" in v || isObj(v.state)) &&
    v.nodes.every((n) => isObj(n) && typeof n.type === "string")
  );
}

const idOf = (v: unknown): string | undefined =>
  typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" ? v : undefined;
const slotOf = (v: unknown): number | undefined => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
};
const typeText = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) ? v.join(",") : "*");

function readLinks(list: unknown): Map<number, RawLink> {
  const links = new Map<number, RawLink>();
  if (!Array.isArray(list)) return links;
  for (const l of list) {
    // 0.4: [id, origin, originSlot, target, targetSlot, type]; 1.x: {id, origin_id, origin_slot, …}.
    const [id, origin, slot] = Array.isArray(l)
      ? [l[0], l[1], l[2]]
      : isObj(l)
        ? [l.id, l.origin_id, l.origin_slot]
        : [undefined, undefined, undefined];
    const originId = idOf(origin);
    const originSlot = slotOf(slot);
    if (typeof id === "number" && originId !== undefined && originSlot !== undefined)
      links.set(id, { originId, originSlot });
  }
  return links;
}

function readNode(n: Obj): RawNode | undefined {
  const id = idOf(n.id);
  if (id === undefined || typeof n.type !== "string") return undefined;
  const inputs: RawSlot[] = (Array.isArray(n.inputs) ? n.inputs : []).map((s) => {
    const slot = isObj(s) ? s : {};
    return {
      name: typeof slot.name === "string" ? slot.name : "",
      type: typeText(slot.type),
      link: typeof slot.link === "number" ? slot.link : null,
    };
  });
  const outputTypes = (Array.isArray(n.outputs) ? n.outputs : []).map((s) => typeText(isObj(s) ? s.type : undefined));
  return {
    id,
    type: n.type,
    mode: typeof n.mode === "number" ? n.mode : 0,
    ...(typeof n.title === "string" ? { title: n.title } : {}),
    inputs,
    outputTypes,
    widgets: n.widgets_values,
  };
}

function readGraph(g: Obj): RawGraph {
  const nodes: RawNode[] = [];
  const byId = new Map<string, RawNode>();
  for (const n of Array.isArray(g.nodes) ? g.nodes : []) {
    const node = isObj(n) ? readNode(n) : undefined;
    if (!node || byId.has(node.id)) continue;
    nodes.push(node);
    byId.set(node.id, node);
  }
  return { nodes, byId, links: readLinks(g.links) };
}

/** Every subgraph definition, nested ones included, by id. */
function readDefinitions(root: Obj): Map<string, SubgraphDef> {
  const defs = new Map<string, SubgraphDef>();
  const stack: unknown[] = [root.definitions];
  while (stack.length) {
    const d = stack.pop();
    if (!isObj(d) || !Array.isArray(d.subgraphs)) continue;
    for (const s of d.subgraphs) {
      if (!isObj(s) || typeof s.id !== "string" || defs.has(s.id)) continue;
      const outputLinks = (Array.isArray(s.outputs) ? s.outputs : []).map((o) =>
        isObj(o) && Array.isArray(o.linkIds) && typeof o.linkIds[0] === "number" ? o.linkIds[0] : undefined,
      );
      defs.set(s.id, {
        id: s.id,
        name: typeof s.name === "string" ? s.name : s.id,
        graph: readGraph(s),
        outputLinks,
      });
      stack.push(s.definitions);
    }
  }
  return defs;
}

/** litegraph's isValidConnection: "*" or empty fits anything; "A,B" fits A and B. */
function fits(a: string, b: string): boolean {
  if (!a || !b || a === "*" || b === "*") return true;
  const as = a.toUpperCase().split(",");
  const bs = new Set(b.toUpperCase().split(","));
  return as.some((t) => bs.has(t));
}

/** Which input a bypassed node's output `slot` passes through from (the frontend's rule). */
function bypassInput(node: RawNode, slot: number, wanted: string): number {
  const { inputs } = node;
  const outType = node.outputTypes[slot] ?? "*";
  if (wanted === "*" || wanted === "") return inputs.length > slot ? slot : 0;
  const same = inputs[slot];
  if (same && fits(same.type, outType) && fits(same.type, wanted)) return slot;
  const exact = inputs.findIndex((i) => i.type === wanted);
  if (exact !== -1) return exact;
  return inputs.findIndex((i) => fits(i.type, outType) && fits(i.type, wanted));
}

class Flattener {
  readonly g: FlatGraph = emptyGraph();
  /** Ids of the nodes read (kept or skipped), in reading order. */
  private readonly order: string[] = [];
  private visits = 0;
  private stopped = false;

  constructor(private readonly defs: Map<string, SubgraphDef>) {}

  private execId(scope: Scope, node: RawNode): string {
    return [...scope.path, node.id].join(":");
  }

  private modeOf(scope: Scope, node: RawNode): number {
    return scope.inherited ?? node.mode;
  }

  private inner(scope: Scope, instance: RawNode, def: SubgraphDef): Scope {
    const mode = this.modeOf(scope, instance);
    return {
      graph: def.graph,
      path: [...scope.path, instance.id],
      parent: { scope, node: instance },
      ...(mode === MUTED || mode === BYPASSED ? { inherited: mode } : {}),
    };
  }

  resolveInput(scope: Scope, node: RawNode, index: number, seen: Set<string>): Resolved {
    const input = node.inputs[index];
    if (!input || input.link === null) return undefined;
    const link = scope.graph.links.get(input.link);
    if (!link) return undefined;
    return this.resolveLink(scope, link, input.type, seen);
  }

  private resolveLink(scope: Scope, link: RawLink, wanted: string, seen: Set<string>): Resolved {
    if (link.originId === SUBGRAPH_INPUT) {
      if (!scope.parent) return undefined;
      return this.resolveInput(scope.parent.scope, scope.parent.node, link.originSlot, seen);
    }
    const origin = scope.graph.byId.get(link.originId);
    return origin ? this.resolveOutput(scope, origin, link.originSlot, wanted, seen) : undefined;
  }

  private resolveOutput(scope: Scope, node: RawNode, slot: number, wanted: string, seen: Set<string>): Resolved {
    const key = `${this.execId(scope, node)}[${slot}]`;
    // A cycle of bypasses or reroutes, or a chain longer than any real one (and than the stack allows).
    if (seen.has(key) || seen.size > MAX_HOPS) return undefined;
    seen.add(key);
    const mode = this.modeOf(scope, node);
    if (mode === MUTED) return { muted: this.execId(scope, node) };
    if (mode === BYPASSED) {
      const from = bypassInput(node, slot, wanted);
      return from < 0 ? undefined : this.resolveInput(scope, node, from, seen);
    }
    const def = this.defs.get(node.type);
    if (def) {
      const linkId = def.outputLinks[slot];
      const link = linkId === undefined ? undefined : def.graph.links.get(linkId);
      return link ? this.resolveLink(this.inner(scope, node, def), link, wanted, seen) : undefined;
    }
    if (REROUTES.has(node.type)) return this.resolveInput(scope, node, 0, seen);
    if (node.type === "PrimitiveNode") return { value: namedWidgets("PrimitiveNode", node.widgets).named.get("value") };
    if (GET_NODES.has(node.type)) {
      const name = Array.isArray(node.widgets) ? node.widgets[0] : undefined;
      const setter = scope.graph.nodes.find(
        (n) => SET_NODES.has(n.type) && Array.isArray(n.widgets) && n.widgets[0] === name,
      );
      return setter ? this.resolveInput(scope, setter, 0, seen) : undefined;
    }
    if (VIRTUAL.has(node.type)) return undefined;
    return { link: { nodeId: this.execId(scope, node), slot } };
  }

  /** Visits every node of `scope`, descending into subgraph instances. */
  walk(scope: Scope, defStack: string[]): void {
    for (const node of scope.graph.nodes) {
      // Counts instances too: nested subgraphs of empty subgraphs add no nodes but can fan out.
      if (++this.visits > MAX_VISITS || this.order.length >= MAX_NODES) {
        if (!this.stopped)
          this.g.problems.push({
            severity: "error",
            message: `The workflow has more than ${MAX_NODES} nodes (subgraphs flattened); only the first were read`,
          });
        this.stopped = true;
        return;
      }
      const def = this.defs.get(node.type);
      if (def) this.walkInstance(scope, node, def, defStack);
      else this.add(scope, node);
    }
  }

  private walkInstance(scope: Scope, node: RawNode, def: SubgraphDef, defStack: string[]): void {
    const id = this.execId(scope, node);
    if (defStack.includes(def.id) || defStack.length >= MAX_SUBGRAPH_DEPTH) {
      this.g.problems.push({
        severity: "error",
        nodeId: id,
        classType: def.name,
        message: `Subgraph "${def.name}" contains itself (or nests more than ${MAX_SUBGRAPH_DEPTH} deep); its nodes were not read`,
      });
      return;
    }
    const before = this.order.length;
    this.walk(this.inner(scope, node, def), [...defStack, def.id]);
    let entry = this.g.subgraphs.find((s) => s.id === def.id);
    if (!entry) {
      entry = { id: def.id, name: def.name, instances: [] };
      this.g.subgraphs.push(entry);
    }
    entry.instances.push({ nodeId: id, innerNodeIds: this.order.slice(before) });
  }

  private add(scope: Scope, node: RawNode): void {
    const nodeId = this.execId(scope, node);
    if (VIRTUAL.has(node.type) && !NOTES.has(node.type)) return;
    this.order.push(nodeId);
    const title = node.title !== undefined ? { title: node.title } : {};
    const mode = this.modeOf(scope, node);
    if (NOTES.has(node.type)) {
      const text = Array.isArray(node.widgets) && typeof node.widgets[0] === "string" ? node.widgets[0] : "";
      this.g.skipped.push({ nodeId, classType: node.type, ...title, why: "note", text });
      return;
    }
    if (mode === MUTED || mode === BYPASSED) {
      this.g.skipped.push({ nodeId, classType: node.type, ...title, why: mode === MUTED ? "muted" : "bypassed" });
      return;
    }
    const { named, problem } = namedWidgets(node.type, node.widgets);
    if (problem) this.g.problems.push({ ...problem, nodeId });
    const inputs = new Map<string, InputValue>();
    for (const [name, value] of named) inputs.set(name, { value });
    node.inputs.forEach((input, i) => {
      if (input.link === null || !input.name) return;
      const r = this.resolveInput(scope, node, i, new Set());
      if (!r) return;
      if ("muted" in r) this.g.cut.push({ nodeId, input: input.name, from: r.muted });
      else inputs.set(input.name, r);
    });
    this.g.nodes.set(nodeId, { id: nodeId, classType: node.type, ...title, inputs });
  }
}

/** Reads a UI workflow. Never throws on any JSON value. */
export function readWorkflow(wf: Obj): FlatGraph & { version?: number } {
  const f = new Flattener(readDefinitions(wf));
  f.walk({ graph: readGraph(wf), path: [] }, []);
  return { ...f.g, ...(typeof wf.version === "number" ? { version: wf.version } : {}) };
}
