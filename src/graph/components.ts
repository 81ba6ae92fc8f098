/**
 * Components: saved sub-graphs with typed ports and exposed params (docs/components.md). This
 * module holds what every user of a definition needs: its hash, the checks a set of definitions
 * must pass (cycles, nesting depth, total size, inner structure), and a registry in which an
 * instance node looks like any other node type.
 *
 * Definitions come from files and are untrusted: every walk here is iterative and every count is
 * capped before anything is expanded, so a component nested 10,000 deep or one that contains
 * itself is refused with its path instead of hanging or overflowing the stack.
 */
import { canonicalJson, sha256Hex } from "./canonical";
import type { NodeCategory, NodeDefinition } from "./defineNode";
import {
  COMPONENT_INPUT,
  instanceType,
  parseInstanceType,
  type ComponentDefinition,
  type WorkflowNode,
} from "./document";
import type { ParamSpec } from "./params";
import type { Registry } from "./registry";
import { z } from "./zodMini";

export interface ComponentLimits {
  /** Components inside components, counting the outermost as 1; default 32. */
  maxComponentDepth: number;
  /** Nodes of the document once every instance is replaced by its inner nodes; default 10,000. */
  maxFlatNodes: number;
}

export const DEFAULT_COMPONENT_LIMITS: ComponentLimits = { maxComponentDepth: 32, maxFlatNodes: 10_000 };

/** The palette group and colour instances wear. */
export const COMPONENT_CATEGORY: NodeCategory = { name: "Components", color: "#94a3b8" };

export const componentKey = (id: string, version: string) => `${id}@${version}`;

/** The content hash of a definition: every field but `hash`, in canonical JSON. */
export function hashComponent(def: ComponentDefinition): string {
  const { hash: _ignored, ...content } = def;
  return sha256Hex(canonicalJson(content));
}

/** The same definition with its hash computed from its content. */
export function withHash(def: ComponentDefinition): ComponentDefinition {
  return { ...def, hash: hashComponent(def) };
}

/** Definitions by `id@version`; the first of two with one key wins (the second is reported). */
export function indexComponents(defs: readonly ComponentDefinition[] | undefined): Map<string, ComponentDefinition> {
  const out = new Map<string, ComponentDefinition>();
  for (const d of defs ?? []) if (!out.has(componentKey(d.id, d.version))) out.set(componentKey(d.id, d.version), d);
  return out;
}

/** The definition an instance node names, when it is an instance. */
export function instanceRef(
  node: Pick<WorkflowNode, "type">,
): { id: string; version: string; key: string } | undefined {
  const ref = parseInstanceType(node.type);
  return ref && { ...ref, key: componentKey(ref.id, ref.version) };
}

/**
 * How an instance of `key` would hold one of `enclosing` (the definitions a canvas is inside): the
 * keys from `key` down to the first enclosing one met, `[key]` when `key` itself is one of them;
 * undefined when it holds none. Placing such an instance there would make a component contain
 * itself. Breadth-first and iterative: the shortest path, and no recursion on hostile nesting.
 */
export function containmentPath(
  key: string,
  enclosing: ReadonlySet<string>,
  defs: readonly ComponentDefinition[] | undefined,
): string[] | undefined {
  const index = indexComponents(defs);
  const parent = new Map<string, string | null>([[key, null]]);
  const path = (end: string) => {
    const out = [end];
    for (let k = parent.get(end); k; k = parent.get(k)) out.unshift(k);
    return out;
  };
  for (let queue = [key], i = 0; i < queue.length; i++) {
    const at = queue[i];
    if (enclosing.has(at)) return path(at);
    for (const n of index.get(at)?.nodes ?? []) {
      const ref = instanceRef(n);
      if (!ref || parent.has(ref.key)) continue;
      parent.set(ref.key, at);
      queue.push(ref.key);
    }
  }
  return undefined;
}

export type ComponentProblemCode =
  | "component-duplicate"
  | "component-invalid"
  | "component-missing"
  | "component-cycle"
  | "component-too-deep"
  | "component-too-large"
  | "component-hash-mismatch";

export interface ComponentProblem {
  code: ComponentProblemCode;
  severity: "error" | "warning";
  message: string;
  /** Where in the document: `["components", 2, "nodes", 0]`, or `["nodes", 4]` for an outer instance. */
  at: (string | number)[];
  nodeId?: string;
}

export interface ComponentAnalysis {
  problems: ComponentProblem[];
  /** Keys of definitions that must not be expanded (on a cycle, too deep, or invalid). */
  refused: Set<string>;
  /** Nodes once flattened, capped at `maxFlatNodes + 1`. */
  flatNodes: number;
  /** Each definition's hash as its content gives it (as the file says when hashes are not checked). */
  hashes: string[];
}

/** `alice/a@1.0.0 › alice/b@1.0.0 › alice/a@1.0.0` */
const chain = (keys: readonly string[]) => keys.join(" › ");

/**
 * Checks a document's definitions and instances: each definition's inner structure, the hashes,
 * instances of missing definitions, cycles, nesting depth and the flattened size. Never throws;
 * linear in the definitions' size.
 */
export function analyzeComponents(
  doc: { nodes: readonly WorkflowNode[]; components?: readonly ComponentDefinition[] },
  limits: ComponentLimits = DEFAULT_COMPONENT_LIMITS,
  { checkHashes = true }: { checkHashes?: boolean } = {},
): ComponentAnalysis {
  const problems: ComponentProblem[] = [];
  const refused = new Set<string>();
  const defs = doc.components ?? [];
  const hashes: string[] = defs.map((d) => d.hash);
  const index = new Map<string, number>();
  defs.forEach((d, i) => {
    const key = componentKey(d.id, d.version);
    if (index.has(key)) {
      const message = `Two component definitions are ${key} (components[${index.get(key)}] and components[${i}]); the first is used`;
      problems.push({ code: "component-duplicate", severity: "warning", message, at: ["components", i] });
      return;
    }
    index.set(key, i);
    const hash = checkHashes ? hashComponent(d) : d.hash;
    hashes[i] = hash;
    if (d.hash !== hash) {
      const message = `Component ${key}: its hash says ${d.hash.slice(0, 20)}… but its content hashes to ${hash.slice(0, 20)}…; the content is used and the hash corrected (it was edited by hand or damaged)`;
      problems.push({ code: "component-hash-mismatch", severity: "warning", message, at: ["components", i, "hash"] });
    }
    for (const p of innerProblems(d, i)) {
      problems.push(p);
      refused.add(key);
    }
  });
  const walk = walkNesting(doc, defs, index, limits, problems, refused);
  return { problems, refused, flatNodes: walk, hashes };
}

/** Inner structure of one definition: unique node ids, wires and ports that name real things. */
function innerProblems(d: ComponentDefinition, i: number): ComponentProblem[] {
  const out: ComponentProblem[] = [];
  const key = componentKey(d.id, d.version);
  const bad = (message: string, at: (string | number)[]) =>
    out.push({
      code: "component-invalid",
      severity: "error",
      message: `Component ${key}: ${message}`,
      at: ["components", i, ...at],
    });
  const ids = new Set<string>();
  d.nodes.forEach((n, j) => {
    if (n.id === COMPONENT_INPUT)
      bad(`an inner node is named "${COMPONENT_INPUT}", which is reserved for its inputs`, ["nodes", j, "id"]);
    else if (ids.has(n.id)) bad(`two inner nodes have the id "${n.id}"`, ["nodes", j, "id"]);
    ids.add(n.id);
  });
  const inputs = new Set(d.inputs.map((p) => p.id));
  if (inputs.size !== d.inputs.length) bad("two inputs share an id", ["inputs"]);
  if (new Set(d.outputs.map((p) => p.id)).size !== d.outputs.length) bad("two outputs share an id", ["outputs"]);
  if (new Set(d.params.map((p) => p.id)).size !== d.params.length) bad("two exposed params share an id", ["params"]);
  d.edges.forEach((e, j) => {
    if (e.source === COMPONENT_INPUT ? !inputs.has(e.sourceHandle) : !ids.has(e.source))
      bad(
        `wire "${e.id}" comes from ${e.source === COMPONENT_INPUT ? `an input "${e.sourceHandle}" it does not declare` : `a missing node "${e.source}"`}`,
        ["edges", j],
      );
    if (!ids.has(e.target)) bad(`wire "${e.id}" goes to a missing node "${e.target}"`, ["edges", j]);
  });
  d.outputs.forEach((o, j) => {
    if (!ids.has(o.node))
      bad(`output "${o.label || o.id}" comes from a missing node "${o.node}"`, ["outputs", j, "node"]);
  });
  d.params.forEach((p, j) => {
    if (!ids.has(p.node))
      bad(`exposed param "${p.label || p.id}" belongs to a missing node "${p.node}"`, ["params", j, "node"]);
  });
  return out;
}

/**
 * Follows instances into definitions, iteratively: cycles (reported once each, with their path),
 * nesting depth and the flattened node count, memoised per definition so shared sub-components
 * are counted without being walked again. Returns the document's flattened node count.
 */
function walkNesting(
  doc: { nodes: readonly WorkflowNode[] },
  defs: readonly ComponentDefinition[],
  index: ReadonlyMap<string, number>,
  limits: ComponentLimits,
  problems: ComponentProblem[],
  refused: Set<string>,
): number {
  const cap = limits.maxFlatNodes + 1;
  const depth = new Map<string, number>();
  const size = new Map<string, number>();
  const active = new Set<string>();
  const missing = new Set<string>();
  const childrenOf = (nodes: readonly WorkflowNode[]) =>
    nodes.flatMap((n) => {
      const ref = instanceRef(n);
      return ref ? [ref.key] : [];
    });
  const visit = (root: string) => {
    const stack: { key: string; kids: string[]; at: number }[] = [];
    const enter = (key: string) => {
      active.add(key);
      stack.push({ key, kids: childrenOf(defs[index.get(key)!].nodes), at: 0 });
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.at < top.kids.length) {
        const kid = top.kids[top.at++];
        if (!index.has(kid) || depth.has(kid)) continue;
        if (active.has(kid)) {
          const from = stack.findIndex((f) => f.key === kid);
          const path = [...stack.slice(from).map((f) => f.key), kid];
          for (const k of path) refused.add(k);
          const message = `Component ${kid} contains itself: ${chain(path)}; a component cannot be inside itself`;
          problems.push({ code: "component-cycle", severity: "error", message, at: ["components", index.get(kid)!] });
          continue;
        }
        enter(kid);
        continue;
      }
      stack.pop();
      active.delete(top.key);
      let d = 1;
      let s = 0;
      for (const n of defs[index.get(top.key)!].nodes) {
        const ref = instanceRef(n);
        const known = ref && index.has(ref.key) && depth.has(ref.key);
        d = Math.max(d, known ? depth.get(ref.key)! + 1 : 1);
        s = Math.min(cap, s + (known ? size.get(ref.key)! : 1));
      }
      depth.set(top.key, d);
      size.set(top.key, s);
    }
  };
  for (const key of index.keys()) if (!depth.has(key)) visit(key);
  reportDepthAndMissing(defs, index, depth, limits, problems, refused, missing);
  let total = 0;
  doc.nodes.forEach((n, i) => {
    const ref = instanceRef(n);
    if (ref && !index.has(ref.key)) {
      const message = `Node "${n.id}" is an instance of component ${ref.key}, which is neither in the file nor in the library`;
      problems.push({
        code: "component-missing",
        severity: "warning",
        message,
        at: ["nodes", i, "type"],
        nodeId: n.id,
      });
    }
    total = Math.min(cap, total + (ref && size.has(ref.key) ? size.get(ref.key)! : 1));
  });
  if (total >= cap) {
    const message = `Once its components are opened up the pipeline has more than ${limits.maxFlatNodes} nodes (the limit); use fewer instances or smaller components`;
    problems.push({ code: "component-too-large", severity: "error", message, at: ["nodes"] });
  }
  return total;
}

function reportDepthAndMissing(
  defs: readonly ComponentDefinition[],
  index: ReadonlyMap<string, number>,
  depth: ReadonlyMap<string, number>,
  limits: ComponentLimits,
  problems: ComponentProblem[],
  refused: Set<string>,
  missing: Set<string>,
): void {
  // Only the first definition past the limit on each chain is named, and any outermost one: the
  // ones inside are counted in its depth.
  const used = new Set(defs.flatMap((o) => o.nodes.flatMap((n) => instanceRef(n)?.key ?? [])));
  for (const [key, i] of index) {
    const d = depth.get(key) ?? 1;
    if (d > limits.maxComponentDepth) {
      refused.add(key);
      if (d === limits.maxComponentDepth + 1 || !used.has(key)) {
        const message = `Component ${key} nests components ${d} deep; the limit is ${limits.maxComponentDepth}`;
        problems.push({ code: "component-too-deep", severity: "error", message, at: ["components", i] });
      }
    }
    defs[i].nodes.forEach((n, j) => {
      const ref = instanceRef(n);
      if (!ref || index.has(ref.key) || missing.has(`${key}|${ref.key}`)) return;
      missing.add(`${key}|${ref.key}`);
      refused.add(key);
      const message = `Component ${key}: inner node "${n.id}" is an instance of component ${ref.key}, which is neither in the file nor in the library`;
      problems.push({
        code: "component-missing",
        severity: "error",
        message,
        at: ["components", i, "nodes", j, "type"],
        nodeId: n.id,
      });
    });
  }
}

/**
 * The registry with every definition of `defs` as a node type (`component:id@version`), so the
 * loader's wire checks, canConnect and the editor treat an instance like any node: its ports are
 * the component's, its params the exposed ones (with the inner field's schema and widget).
 */
/** `base` with its lookups answered by `get`, so every view over a registry throws the same way. */
export function registryWithGet(base: Registry, get: (type: string) => NodeDefinition | undefined): Registry {
  return {
    ...base,
    get,
    getOrThrow(type) {
      const def = get(type);
      if (!def) throw new Error(`Unknown node type "${type}"`);
      return def;
    },
  };
}

export function componentRegistry(base: Registry, defs: readonly ComponentDefinition[] | undefined): Registry {
  if (!defs?.length) return base;
  const index = indexComponents(defs);
  const made = new Map<string, NodeDefinition | undefined>();
  const get = (type: string): NodeDefinition | undefined => {
    const own = base.get(type);
    if (own) return own;
    if (made.has(type)) return made.get(type);
    const ref = parseInstanceType(type);
    const def = ref && index.get(componentKey(ref.id, ref.version));
    // Marked before building, so a definition that contains itself finds "nothing" instead of looping.
    made.set(type, undefined);
    const built = def && nodeDefinitionOf(def, get);
    made.set(type, built);
    return built;
  };
  return registryWithGet(base, get);
}

const ANY_VALUE: ParamSpec = { schema: z.unknown(), label: "", description: "", widget: "text" };

function nodeDefinitionOf(def: ComponentDefinition, get: (type: string) => NodeDefinition | undefined): NodeDefinition {
  const params: Record<string, ParamSpec> = {};
  for (const p of def.params) {
    const node = def.nodes.find((n) => n.id === p.node);
    const inner = node ? get(node.type)?.params[p.field] : undefined;
    const own = node && Object.hasOwn(node.params, p.field) ? node.params[p.field] : undefined;
    params[p.id] = {
      ...(inner ?? ANY_VALUE),
      label: p.label,
      default: p.default ?? own ?? inner?.default,
      required: false,
      advanced: false,
      request: undefined,
    };
  }
  return {
    type: instanceType(def.id, def.version),
    version: 1,
    title: def.title,
    category: COMPONENT_CATEGORY,
    description: def.description ?? "",
    inputs: def.inputs.map((p) => ({
      id: p.id,
      kind: p.kind,
      label: p.label,
      required: p.required,
      multiple: p.multiple,
    })),
    outputs: def.outputs.map((p) => ({ id: p.id, kind: p.kind, label: p.label })),
    params,
    explain: { summary: def.explainer ?? def.description ?? def.title },
  };
}

/** The definitions the nodes reach, through nested instances too, in their original order. */
export function usedComponents(
  nodes: readonly WorkflowNode[],
  defs: readonly ComponentDefinition[],
): ComponentDefinition[] | undefined {
  const index = indexComponents(defs);
  const keep = new Set<string>();
  const queue = [...nodes];
  while (queue.length) {
    const ref = instanceRef(queue.pop()!);
    if (!ref || keep.has(ref.key) || !index.has(ref.key)) continue;
    keep.add(ref.key);
    queue.push(...index.get(ref.key)!.nodes);
  }
  const out = defs.filter((d) => keep.has(componentKey(d.id, d.version)));
  return out.length ? out : undefined;
}
