/**
 * Making a component from a selection, and the reverse (docs/components.md#extract-and-inline).
 * Extract keeps the pipeline's meaning exactly: the compiled request of the result equals the
 * original's (a property test holds it to that), and inlining the new instance gives the original
 * graph back, node ids included where they are free.
 */
import {
  analyzeComponents,
  withHash,
  componentKey,
  componentRegistry,
  indexComponents,
  instanceRef,
  usedComponents,
} from "./components";
import { canonicalJson } from "./canonical";
import {
  COMPONENT_INPUT,
  edgeId,
  instanceType,
  type ComponentDefinition,
  type ComponentInput,
  type ComponentOutput,
  type ComponentParam,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "./document";
import type { Registry } from "./registry";

export type ExtractResult =
  | { ok: true; document: WorkflowDocument; definition: ComponentDefinition; instanceId: string }
  | { ok: false; reason: string };

export interface ExtractOptions {
  /** The title; the id's name part is made from it when `id` is not given. */
  name: string;
  /** `namespace/name`; default `local/<name as a slug>`. */
  id?: string;
  version?: string;
  description?: string;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64) || "component";

function uniqueId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Replaces the nodes `ids` with one instance of a new component embedded in the document. The
 * wires crossing the selection become its ports (one input per outer source, one output per
 * inner source), and every param that differs from its type's default is exposed. Refused, with
 * the reason, when the selection is empty, names a missing or unknown-type node, or when a path
 * leaves the selection and comes back into it (the instance would feed itself).
 */
export function extractComponent(
  doc: WorkflowDocument,
  ids: readonly string[],
  options: ExtractOptions,
  registry: Registry,
): ExtractResult {
  const types = componentRegistry(registry, doc.components);
  const selected = new Set(ids);
  const refusal = checkSelection(doc, ids, selected, types);
  if (refusal) return { ok: false, reason: refusal };
  const id = options.id ?? `local/${slug(options.name)}`;
  const version = options.version ?? "1.0.0";
  if (indexComponents(doc.components).has(componentKey(id, version)))
    return {
      ok: false,
      reason: `the document already has a component ${componentKey(id, version)}; choose another name`,
    };

  const inner = doc.nodes.filter((n) => selected.has(n.id));
  const ports = crossingPorts(doc, selected, types);
  const def = withHash({
    id,
    version,
    hash: "",
    title: options.name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    inputs: ports.inputs,
    outputs: ports.outputs,
    params: exposedParams(inner, types),
    nodes: inner,
    edges: ports.innerEdges,
  });
  const instanceId = uniqueId(slug(options.name), (x) => doc.nodes.some((n) => n.id === x && !selected.has(n.id)));
  const xs = inner.map((n) => n.position.x);
  const ys = inner.map((n) => n.position.y);
  const instance: WorkflowNode = {
    id: instanceId,
    type: instanceType(id, version),
    typeVersion: 1,
    position: { x: Math.min(...xs), y: Math.min(...ys) },
    params: {},
    label: options.name,
  };
  const first = doc.nodes.findIndex((n) => selected.has(n.id));
  const nodes = doc.nodes.filter((n, i) => i === first || !selected.has(n.id));
  nodes[nodes.findIndex((n) => selected.has(n.id))] = instance;
  const document: WorkflowDocument = {
    ...doc,
    nodes,
    edges: outerEdges(doc.edges, selected, instanceId, ports),
    components: [...(doc.components ?? []), def],
  };
  return { ok: true, document, definition: def, instanceId };
}

function checkSelection(
  doc: WorkflowDocument,
  ids: readonly string[],
  selected: ReadonlySet<string>,
  types: Registry,
): string | undefined {
  if (ids.length === 0) return "select at least one node";
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  for (const id of ids) {
    const n = byId.get(id);
    if (!n) return `there is no node "${id}"`;
    if (!types.get(n.type)) return `node "${id}" has the unknown type "${n.type}", so its ports are not known`;
  }
  if (selected.size !== ids.length) return "a node is selected twice";
  const loop = pathOutAndBack(doc.edges, selected);
  if (loop)
    return `the wires leave the selection and come back into it (${loop.map((x) => `"${x}"`).join(" → ")}), so the component would feed itself; add the nodes in between to the selection or leave out the ends`;
  return undefined;
}

/** A path selected → outside … outside → selected, when there is one (iterative). */
function pathOutAndBack(edges: readonly WorkflowEdge[], selected: ReadonlySet<string>): string[] | undefined {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const parent = new Map<string, string>();
  const queue: string[] = [];
  for (const e of edges) {
    if (selected.has(e.source) && !selected.has(e.target) && !parent.has(e.target)) {
      parent.set(e.target, e.source);
      queue.push(e.target);
    }
  }
  for (let q = 0; q < queue.length; q++) {
    const at = queue[q];
    for (const next of out.get(at) ?? []) {
      if (selected.has(next)) {
        const path = [next, at];
        for (let p = parent.get(at); p !== undefined; p = parent.get(path[path.length - 1])) {
          path.push(p);
          if (selected.has(p)) break;
        }
        return path.reverse();
      }
      if (!parent.has(next)) {
        parent.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}

interface CrossingPorts {
  inputs: ComponentInput[];
  outputs: ComponentOutput[];
  innerEdges: WorkflowEdge[];
  /** Outer source `node\0port` → the input it feeds. */
  inputOf: Map<string, string>;
  /** Inner source `node\0port` → the output it leaves by. */
  outputOf: Map<string, string>;
}

const portKey = (node: string, port: string) => `${node}\u0000${port}`;

function crossingPorts(doc: WorkflowDocument, selected: ReadonlySet<string>, types: Registry): CrossingPorts {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const ports: CrossingPorts = { inputs: [], outputs: [], innerEdges: [], inputOf: new Map(), outputOf: new Map() };
  const taken = (list: { id: string }[]) => (x: string) => list.some((p) => p.id === x);
  for (const e of doc.edges) {
    const inS = selected.has(e.source);
    const inT = selected.has(e.target);
    if (inS && inT) ports.innerEdges.push(e);
    else if (inT) {
      const spec = types.get(byId.get(e.target)!.type)!.inputs.find((p) => p.id === e.targetHandle);
      const key = portKey(e.source, e.sourceHandle);
      let input = ports.inputs.find((p) => p.id === ports.inputOf.get(key));
      if (!input) {
        input = {
          id: uniqueId(e.targetHandle, taken(ports.inputs)),
          label: spec?.label ?? e.targetHandle,
          kind: spec?.kind ?? "model",
        };
        ports.inputs.push(input);
        ports.inputOf.set(key, input.id);
        if (spec?.multiple) input.multiple = true;
      } else if (!spec?.multiple) delete input.multiple;
      if (spec?.required) input.required = true;
      ports.innerEdges.push({ ...e, source: COMPONENT_INPUT, sourceHandle: input.id });
    } else if (inS) {
      const key = portKey(e.source, e.sourceHandle);
      if (ports.outputOf.has(key)) continue;
      const spec = types.get(byId.get(e.source)!.type)!.outputs.find((p) => p.id === e.sourceHandle);
      const id = uniqueId(e.sourceHandle, taken(ports.outputs));
      ports.outputs.push({
        id,
        label: spec?.label ?? e.sourceHandle,
        kind: spec?.kind ?? "model",
        node: e.source,
        port: e.sourceHandle,
      });
      ports.outputOf.set(key, id);
    }
  }
  return ports;
}

/** A wire list being built: kept wires keep their ids, new ones get the editor's id, made unique. */
function edgeList() {
  const out: WorkflowEdge[] = [];
  const ids = new Set<string>();
  const add = (e: Omit<WorkflowEdge, "id">) => {
    const id = uniqueId(edgeId(e.source, e.sourceHandle, e.target, e.targetHandle), (x) => ids.has(x));
    ids.add(id);
    out.push({ id, ...e });
  };
  const keep = (e: WorkflowEdge) => {
    ids.add(e.id);
    out.push(e);
  };
  return { out, add, keep };
}

/**
 * The outer wires, in their order: inner ones gone, the first wire from each outer source into
 * the selection now going into the instance, wires out of it now leaving the instance.
 */
function outerEdges(
  edges: readonly WorkflowEdge[],
  selected: ReadonlySet<string>,
  instanceId: string,
  ports: CrossingPorts,
): WorkflowEdge[] {
  const { out, add, keep } = edgeList();
  const wiredIn = new Set<string>();
  for (const e of edges) {
    const inS = selected.has(e.source);
    const inT = selected.has(e.target);
    if (inS && inT) continue;
    if (inT) {
      const port = ports.inputOf.get(portKey(e.source, e.sourceHandle))!;
      if (wiredIn.has(port)) continue;
      wiredIn.add(port);
      add({ source: e.source, sourceHandle: e.sourceHandle, target: instanceId, targetHandle: port });
    } else if (inS) {
      const port = ports.outputOf.get(portKey(e.source, e.sourceHandle))!;
      add({ source: instanceId, sourceHandle: port, target: e.target, targetHandle: e.targetHandle });
    } else keep(e);
  }
  return out;
}

/** Every param of the selected nodes that differs from its type's default, exposed under `node.field`. */
function exposedParams(nodes: readonly WorkflowNode[], types: Registry): ComponentParam[] {
  const out: ComponentParam[] = [];
  for (const n of nodes) {
    const def = types.get(n.type);
    if (!def) continue;
    for (const [field, value] of Object.entries(n.params)) {
      const spec = def.params[field];
      if (!spec || value === undefined || canonicalJson(value) === canonicalJson(spec.default)) continue;
      out.push({
        id: `${n.id}.${field}`,
        label: `${n.label || def.title} › ${spec.label}`,
        node: n.id,
        field,
        default: value,
      });
    }
  }
  return out;
}

/**
 * Replaces instance `instanceId` by its inner nodes, with its overrides written into their params
 * and the wires across its border joined up. Inner ids are kept where the document does not use
 * them, and prefixed with the instance id where it does. Definitions no instance uses any more
 * are dropped. Undefined when there is no such instance or its definition is not in the document.
 */
export function inlineInstance(doc: WorkflowDocument, instanceId: string): WorkflowDocument | undefined {
  const at = doc.nodes.findIndex((n) => n.id === instanceId);
  const instance = doc.nodes[at];
  const ref = instance && instanceRef(instance);
  const def = ref && indexComponents(doc.components).get(ref.key);
  if (!def) return undefined;
  const used = new Set(doc.nodes.filter((n) => n.id !== instanceId).map((n) => n.id));
  const rename = new Map<string, string>();
  for (const n of def.nodes) {
    const id = uniqueId(used.has(n.id) ? `${instanceId}.${n.id}` : n.id, (x) => used.has(x));
    used.add(id);
    rename.set(n.id, id);
  }
  const overrides = new Map<string, Record<string, unknown>>();
  for (const p of def.params) {
    const own = Object.hasOwn(instance.params, p.id) ? instance.params[p.id] : undefined;
    const value = own ?? p.default;
    if (value === undefined) continue;
    overrides.set(p.node, { ...overrides.get(p.node), [p.field]: value });
  }
  const x0 = Math.min(...def.nodes.map((n) => n.position.x));
  const y0 = Math.min(...def.nodes.map((n) => n.position.y));
  const innerNodes = def.nodes.map((n) => ({
    ...n,
    id: rename.get(n.id)!,
    position: { x: instance.position.x + n.position.x - x0, y: instance.position.y + n.position.y - y0 },
    params: { ...n.params, ...overrides.get(n.id) },
    ...(instance.bypass ? { bypass: true } : {}),
  }));
  const edges = inlineEdges(doc.edges, def, instanceId, rename);
  const nodes = [...doc.nodes.slice(0, at), ...innerNodes, ...doc.nodes.slice(at + 1)];
  return { ...doc, nodes, edges, components: usedComponents(nodes, doc.components ?? []) };
}

function inlineEdges(
  edges: readonly WorkflowEdge[],
  def: ComponentDefinition,
  instanceId: string,
  rename: ReadonlyMap<string, string>,
): WorkflowEdge[] {
  const { out, add, keep } = edgeList();
  for (const e of edges) {
    if (e.target === instanceId) continue;
    if (e.source !== instanceId) {
      keep(e);
      continue;
    }
    const port = def.outputs.find((o) => o.id === e.sourceHandle);
    if (port)
      add({ source: rename.get(port.node)!, sourceHandle: port.port, target: e.target, targetHandle: e.targetHandle });
  }
  for (const e of def.edges) {
    const target = rename.get(e.target)!;
    if (e.source !== COMPONENT_INPUT) {
      add({ source: rename.get(e.source)!, sourceHandle: e.sourceHandle, target, targetHandle: e.targetHandle });
      continue;
    }
    for (const w of edges)
      if (w.target === instanceId && w.targetHandle === e.sourceHandle)
        add({ source: w.source, sourceHandle: w.sourceHandle, target, targetHandle: e.targetHandle });
  }
  return out;
}

/** Every instance opened, nested ones too, until none is left (or only ones without a definition). */
export function inlineAll(doc: WorkflowDocument): WorkflowDocument | { error: string } {
  const analysis = analyzeComponents(doc);
  const blocking = analysis.problems.find((p) => p.severity === "error");
  if (blocking) return { error: blocking.message };
  let current = doc;
  for (;;) {
    const next = current.nodes.find(
      (n) => instanceRef(n) && indexComponents(current.components).has(instanceRef(n)!.key),
    );
    if (!next) return current;
    current = inlineInstance(current, next.id)!;
  }
}
