/**
 * Flattening: every component instance replaced by its inner nodes, nested ones too, with the
 * instance's overrides applied and the wires across each border joined up
 * (docs/components.md#compiling). The compiler compiles the flat graph and maps what it says back
 * through `origins`, so a problem deep inside lands on the instance the user sees.
 *
 * Wire order is kept where it means something: the wires into one input stay in the order the
 * file gives them. An inner wire from an input of the component stands, in the inner wire list,
 * for the outer wires into that input, in their own order.
 */
import {
  analyzeComponents,
  DEFAULT_COMPONENT_LIMITS,
  indexComponents,
  instanceRef,
  type ComponentLimits,
  type ComponentProblem,
} from "./components";
import {
  COMPONENT_INPUT,
  type ComponentDefinition,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "./document";

/** Where a flat node came from: the instance ids from the outermost down, then the inner node id. */
export interface FlatOrigin {
  path: string[];
  /** The definition of each instance on the path (one fewer than `path`). */
  defs: ComponentDefinition[];
}

export interface Flattened {
  document: WorkflowDocument;
  /** Flat node id → origin, for nodes that came from inside a component. */
  origins: Map<string, FlatOrigin>;
  /** Flat ids of instances left as they are: their definition is missing or refused. */
  unexpanded: Map<string, string>;
  problems: ComponentProblem[];
}

/** Joins instance ids and the inner id into a flat id no file is likely to use. */
export const FLAT_SEPARATOR = "\u001f";

interface Scope {
  prefix: string;
  path: string[];
  defs: ComponentDefinition[];
  parent?: Scope;
  /** This scope's instance id in its parent. */
  instanceId?: string;
  edges: readonly WorkflowEdge[];
  kids: Map<string, Scope>;
  def?: ComponentDefinition;
  /** Wires into each kid's input, `kid\0port` → wires in file order. */
  intoKid: Map<string, WorkflowEdge[]>;
}

type FlatSource = { id: string; handle: string };

export function hasInstances(doc: Pick<WorkflowDocument, "nodes">): boolean {
  return doc.nodes.some((n) => n.type.startsWith("component:"));
}

/**
 * The document with every instance opened up. A document without instances comes back as it is.
 * Definitions that are missing or refused (cycle, too deep, broken) stay as instance nodes, which
 * the compiler then reports; so does every instance when the result would be over the size limit.
 */
export function flattenDocument(doc: WorkflowDocument, limits: ComponentLimits = DEFAULT_COMPONENT_LIMITS): Flattened {
  const origins = new Map<string, FlatOrigin>();
  const unexpanded = new Map<string, string>();
  if (!hasInstances(doc)) return { document: doc, origins, unexpanded, problems: [] };
  // The loader checked the hashes; hashing every definition on each keystroke's compile would be waste.
  const analysis = analyzeComponents(doc, limits, { checkHashes: false });
  const index = indexComponents(doc.components);
  const tooLarge = analysis.flatNodes > limits.maxFlatNodes;
  const canExpand = (key: string) => !tooLarge && index.has(key) && !analysis.refused.has(key);
  const nodes: WorkflowNode[] = [];
  const root: Scope = { prefix: "", path: [], defs: [], edges: doc.edges, kids: new Map(), intoKid: new Map() };
  const scopes: Scope[] = [];
  const open = (
    scope: Scope,
    inner: readonly WorkflowNode[],
    overrides: Map<string, Record<string, unknown>>,
    bypass: boolean,
  ) => {
    scopes.push(scope);
    for (const node of inner) {
      const ref = instanceRef(node);
      const params = overrides.has(node.id) ? { ...node.params, ...overrides.get(node.id) } : node.params;
      if (ref && canExpand(ref.key)) {
        const def = index.get(ref.key)!;
        const kid: Scope = {
          prefix: `${scope.prefix}${node.id}${FLAT_SEPARATOR}`,
          path: [...scope.path, node.id],
          defs: [...scope.defs, def],
          parent: scope,
          instanceId: node.id,
          edges: def.edges,
          kids: new Map(),
          def,
          intoKid: new Map(),
        };
        scope.kids.set(node.id, kid);
        if (scope.prefix) origins.set(scope.prefix + node.id, { path: kid.path, defs: scope.defs });
        open(kid, def.nodes, overridesOf(def, params), bypass || node.bypass === true);
        continue;
      }
      const id = scope.prefix + node.id;
      if (scope.prefix === "" && !ref) nodes.push(node);
      else nodes.push({ ...node, id, params, ...(bypass ? { bypass: true } : {}) });
      if (scope.prefix) origins.set(id, { path: [...scope.path, node.id], defs: scope.defs });
      if (ref) unexpanded.set(id, ref.key);
    }
    for (const e of scope.edges) {
      if (!scope.kids.has(e.target)) continue;
      const k = `${e.target}\u0000${e.targetHandle}`;
      const list = scope.intoKid.get(k);
      if (list) list.push(e);
      else scope.intoKid.set(k, [e]);
    }
  };
  open(root, doc.nodes, new Map(), false);
  const edges: WorkflowEdge[] = [];
  for (const scope of scopes) {
    for (const e of scope.edges) {
      if (scope.kids.has(e.target)) continue;
      const sources = resolveSource(scope, e.source, e.sourceHandle);
      sources.forEach((src, k) => {
        const id = `${scope.prefix}${e.id}${k > 0 ? `${FLAT_SEPARATOR}${k}` : ""}`;
        if (scope.prefix === "" && src.id === e.source && src.handle === e.sourceHandle && k === 0) edges.push(e);
        else edges.push({ ...e, id, source: src.id, sourceHandle: src.handle, target: scope.prefix + e.target });
      });
    }
  }
  const { components: _used, ...rest } = doc;
  return { document: { ...rest, nodes, edges }, origins, unexpanded, problems: analysis.problems };
}

/** Overrides an instance sets on its definition's inner nodes: inner node id → field → value. */
function overridesOf(def: ComponentDefinition, params: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const p of def.params) {
    const value = Object.hasOwn(params, p.id) && params[p.id] !== undefined ? params[p.id] : p.default;
    if (value === undefined) continue;
    let fields = out.get(p.node);
    if (!fields) out.set(p.node, (fields = {}));
    Object.defineProperty(fields, p.field, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The flat node ports a wire's source stands for, in order: a plain node is itself; an instance's
 * output is the inner port behind it; a component's input is every outer wire into it. Iterative,
 * and each step is taken once, so a loop of pass-through components cannot spin.
 */
function resolveSource(scope: Scope, nodeId: string, handle: string): FlatSource[] {
  const out: FlatSource[] = [];
  const stack = [{ scope, nodeId, handle }];
  const seen = new Set<string>();
  while (stack.length) {
    const t = stack.pop()!;
    const key = `${t.scope.prefix}\u0000${t.nodeId}\u0000${t.handle}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (t.scope.parent && t.nodeId === COMPONENT_INPUT) {
      const wires = t.scope.parent.intoKid.get(`${t.scope.instanceId}\u0000${t.handle}`) ?? [];
      for (let i = wires.length - 1; i >= 0; i--)
        stack.push({ scope: t.scope.parent, nodeId: wires[i].source, handle: wires[i].sourceHandle });
      continue;
    }
    const kid = t.scope.kids.get(t.nodeId);
    const port = kid?.def?.outputs.find((o) => o.id === t.handle);
    if (kid && port) stack.push({ scope: kid, nodeId: port.node, handle: port.port });
    else out.push({ id: t.scope.prefix + t.nodeId, handle: t.handle });
  }
  return out;
}
