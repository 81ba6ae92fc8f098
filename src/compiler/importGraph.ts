/**
 * Request → graph, derived from the node definitions. Nothing here names a node type or a request
 * field: every field goes to the param or input port that declares it (`request: "loras[].scale"`),
 * and the graph's shape follows the catalogue's ports (docs/codebase.md, "A node type lives in
 * its folder"):
 *
 * - one node per item of a list, of the type that appends to that list;
 * - one node per other type that sends a top-level field the request sets to something other than
 *   fal's documented default ("defaults create nothing");
 * - a value arriving on a port (an image URL) becomes a node of the type whose output carries it;
 * - streams (kinds a node passes through: model, conditioning) are chained from a head (a node
 *   that only emits the kind) through the pass-through nodes, in catalogue then request order,
 *   into the output node; a head the output requires is always made;
 * - any other output is wired into every node that takes its kind, or into the output node when
 *   no other node does (one image encoder serves every IP-Adapter, else the Sampler);
 * - an input that sends an index links to the item at that index of the list its source appends to.
 */
import {
  defaultParams,
  edgeId,
  emptyDocument,
  type Diagnostic,
  type DiagnosticCode,
  type NodeDefinition,
  type PortKind,
  type PortSpec,
  type Registry,
  type RequestFeeder,
  type RequestList,
  type Severity,
  type WorkflowDocument,
  type WorkflowNode,
  requestListOf,
  REQUEST_LISTS,
} from "../graph";
import { FAL_DEFAULTS, FAL_NESTED_DEFAULTS } from "./falSchema";
import { weakMemo } from "../shared/weakMemo";

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** More list items than any real request has; keeps the graph and its layout small. */
export const MAX_LIST_ITEMS = 64;

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return v.length > 40 ? `text "${v.slice(0, 37)}..."` : `text "${v}"`;
  return String(v);
}

const sameJson = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
const present = (v: unknown) => v !== undefined && v !== null;

/** fal's documented default for a declared request path, if it has one. */
function falDefault(f: Pick<RequestFeeder, "list" | "field">): { value: unknown } | undefined {
  const table = (f.list ? (FAL_NESTED_DEFAULTS as Record<string, Obj>)[f.list] : FAL_DEFAULTS) as Obj | undefined;
  return table && Object.hasOwn(table, f.field) ? { value: table[f.field] } : undefined;
}

/** What the importer reads off a catalogue once: its output, streams, and who sends what. */
interface CatalogueShape {
  output?: NodeDefinition;
  /** Kinds some node type passes through (an input and an output of the kind). */
  streams: Set<PortKind>;
  /** Top-level request field → who sends it. */
  topLevel: Map<string, RequestFeeder>;
  /** List → the type that makes its items, and who sends each item field. */
  lists: Map<RequestList, { def: NodeDefinition; fields: Map<string, RequestFeeder> }>;
  /** Port kind → the type (and output) that carries a value of that kind in a param. */
  carriers: Map<PortKind, { def: NodeDefinition; port: PortSpec; param: string }>;
}

/** What the importer needs to know of a catalogue, worked out once per registry. */
export const catalogueShape = weakMemo((registry: Registry): CatalogueShape => {
  const defs = registry.list();
  const shape: CatalogueShape = {
    output: defs.find((d) => d.isOutput),
    streams: new Set(defs.flatMap((d) => d.outputs.filter((o) => passesThrough(d, o.kind)).map((o) => o.kind))),
    topLevel: new Map(),
    lists: new Map(),
    carriers: new Map(),
  };
  for (const f of registry.feeders()) {
    if (!f.list) shape.topLevel.set(f.field, f);
    else {
      const entry = shape.lists.get(f.list) ?? { def: f.def, fields: new Map() };
      entry.fields.set(f.field, f);
      shape.lists.set(f.list, entry);
    }
  }
  for (const def of defs)
    for (const port of def.outputs)
      if (port.carries !== undefined && !shape.carriers.has(port.kind))
        shape.carriers.set(port.kind, { def, port, param: port.carries });
  return shape;
});

const passesThrough = (def: NodeDefinition, kind: PortKind) =>
  !def.isOutput && def.inputs.some((p) => p.kind === kind) && def.outputs.some((p) => p.kind === kind);

/** A node the importer made, with the request values it stands for. */
export interface Placed {
  id: string;
  def: NodeDefinition;
  /** Its fields' values: the list item, or the top-level fields it sends. */
  values: Obj;
  /** For a list item: its list and index. */
  item?: { list: RequestList; index: number };
}

/** Builds the document: nodes, wires, diagnostics, and which node stands for which request path. */
export class Builder {
  readonly doc: WorkflowDocument;
  readonly diagnostics: Diagnostic[] = [];
  /** Request path ("model_name", "loras.0", "controlnets.1.image_url") → the node that holds it. */
  readonly owners = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly registry: Registry,
    name: string,
  ) {
    this.doc = emptyDocument({ name, createdWith: "lora-graph import" });
  }

  report(
    severity: Severity,
    code: DiagnosticCode,
    message: string,
    path?: string,
    at?: Pick<Diagnostic, "nodeId" | "field">,
  ) {
    this.diagnostics.push({ severity, code, message, ...(at ?? {}), ...(path !== undefined ? { path } : {}) });
  }

  /**
   * Adds a node. `given` holds the request's values (kept as they are, bad ones included): a param
   * the request leaves out gets the node default only if that default is fal's default for the
   * field it is sent as, so compiling gives back what was sent.
   */
  node(def: NodeDefinition, given: Obj, options: { id?: string; label?: string } = {}): string {
    let id = options.id;
    if (!id || this.doc.nodes.some((n) => n.id === id)) {
      const n = (this.counters.get(def.type) ?? 0) + 1;
      this.counters.set(def.type, n);
      id = `${def.type}_${n}`;
    }
    const params: Obj = {};
    const defaults = defaultParams(def);
    for (const [key, spec] of Object.entries(def.params)) {
      if (Object.hasOwn(given, key) && given[key] !== undefined) params[key] = given[key];
      else if (spec.request !== undefined && Object.hasOwn(defaults, key)) {
        const fal = falDefault(this.registry.feeder(spec.request) ?? { field: key });
        if (fal && sameJson(defaults[key], fal.value)) params[key] = defaults[key];
      }
    }
    const node: WorkflowNode = { id, type: def.type, typeVersion: def.version, position: { x: 0, y: 0 }, params };
    if (options.label) node.label = options.label;
    this.doc.nodes.push(node);
    return id;
  }

  wire(source: string, sourceHandle: string, target: string, targetHandle: string): void {
    this.doc.edges.push({
      id: edgeId(source, sourceHandle, target, targetHandle),
      source,
      sourceHandle,
      target,
      targetHandle,
    });
  }
}

/** The request path of one of a placed node's fields: "guidance_scale" or "loras.0.scale". */
const pathIn = (p: Placed, field: string) => (p.item ? `${p.item.list}.${p.item.index}.${field}` : field);

/**
 * Places one node for `values` (an item of a list, or the top-level fields one type sends), then a
 * carrier node for each port value it holds. Records which request paths the node stands for.
 */
export function place(b: Builder, def: NodeDefinition, values: Obj, item?: Placed["item"]): Placed {
  const given: Obj = {};
  for (const [key, spec] of Object.entries(def.params)) if (spec.request !== undefined) given[key] = values[key];
  const id = b.node(def, given, { id: item ? undefined : def.type });
  const placed: Placed = { id, def, values, item };
  if (item) b.owners.set(`${item.list}.${item.index}`, id);
  for (const spec of Object.values(def.params)) {
    const f = spec.request !== undefined ? b.registry.feeder(spec.request) : undefined;
    if (f) b.owners.set(pathIn(placed, f.field), id);
  }
  for (const port of def.inputs) if (port.request !== undefined && !port.sendsIndex) placePortValue(b, placed, port);
  return placed;
}

/** A value sent through a port (an image URL) becomes the node that carries it, wired in. */
function placePortValue(b: Builder, to: Placed, port: PortSpec): void {
  const f = b.registry.feeder(port.request!)!;
  const value = to.values[f.field];
  const carrier = catalogueShape(b.registry).carriers.get(port.kind);
  if (!present(value) || !carrier) return;
  const path = pathIn(to, f.field);
  const prefix = to.item ? `${to.def.title} ${to.item.index + 1} ` : to.def.isOutput ? "" : `${to.def.title} `;
  const word = to.def.isOutput ? port.label : port.label.toLowerCase();
  const one = (v: unknown, label: string, at: string) => {
    const id = b.node(carrier.def, { [carrier.param]: v }, { label });
    b.owners.set(at, id);
    b.wire(id, carrier.port.id, to.id, port.id);
  };
  if (port.multiple && Array.isArray(value)) {
    if (port.listParam) b.doc.nodes.find((n) => n.id === to.id)!.params[port.listParam] = value.length === 1;
    if (value.length > MAX_LIST_ITEMS)
      b.report(
        "error",
        "request-invalid",
        `${path} has ${value.length} values; only the first ${MAX_LIST_ITEMS} were imported`,
        path,
      );
    value.slice(0, MAX_LIST_ITEMS).forEach((v, j) => one(v, `${prefix}${word} ${j + 1}`, `${path}.${j}`));
  } else {
    if (port.listParam) b.doc.nodes.find((n) => n.id === to.id)!.params[port.listParam] = false;
    one(value, `${prefix}${word}`, path);
  }
}

/**
 * Wires the index links: an input that sends an index (a ControlNet's ip_adapter_index) gets the
 * item at that index of the list its source kind's type appends to.
 */
export function linkIndices(b: Builder, placed: readonly Placed[]): void {
  for (const to of placed) {
    for (const port of to.def.inputs) {
      if (!port.sendsIndex) continue;
      const f = b.registry.feeder(port.request!)!;
      const ref = to.values[f.field];
      if (!present(ref)) continue;
      const sources = placed.filter((p) => p.item && p.def.outputs.some((o) => o.kind === port.kind));
      const source = Number.isInteger(ref) ? sources[ref as number] : undefined;
      if (source) {
        b.wire(source.id, source.def.outputs.find((o) => o.kind === port.kind)!.id, to.id, port.id);
        continue;
      }
      const from = b.registry.list().find((d) => requestListOf(d) && d.outputs.some((o) => o.kind === port.kind));
      const n = sources.length;
      const why =
        typeof ref === "number" && Number.isInteger(ref)
          ? `points at ${from?.title ?? port.label} ${ref}, but the request has ${n === 0 ? "none" : `only ${n} (0–${n - 1})`}`
          : `must be a whole-number index into ${from ? requestListOf(from) : "a list"}, got ${describe(ref)}`;
      const path = pathIn(to, f.field);
      b.report("error", "request-invalid", `${path} ${why}; the link was dropped`, path, {
        nodeId: to.id,
        field: port.id,
      });
    }
  }
}

/**
 * Wires a placed value node (one whose outputs are no stream) into every other node that takes
 * its kind, or into the output node when none does.
 */
export function wireValue(b: Builder, from: Placed, placed: readonly Placed[], output: Placed): void {
  for (const out of from.def.outputs) {
    if (catalogueShape(b.registry).streams.has(out.kind)) continue;
    const takers = placed.filter((p) => p !== from && p !== output && p.def.inputs.some((i) => i.kind === out.kind));
    const targets = takers.length ? takers : output.def.inputs.some((i) => i.kind === out.kind) ? [output] : [];
    for (const t of targets) b.wire(from.id, out.id, t.id, t.def.inputs.find((i) => i.kind === out.kind)!.id);
  }
}

/** True when at least one of the values is not fal's documented default for its field. */
export function setsSomething(def: NodeDefinition, values: Obj, registry: Registry): boolean {
  return Object.entries(values).some(([field, v]) => {
    const f = registry.feeder(field);
    const fal = f && f.def === def ? falDefault(f) : undefined;
    return !fal || !sameJson(v, fal.value);
  });
}

/**
 * Lays the request's values out as a graph (see the file comment). `R` holds only fields the
 * endpoint takes, without nulls. `labels` name nodes by request path ("loras.0", "model_name"),
 * for models another tool knew only by a local name.
 */
export function placeRequest(R: Obj, b: Builder, labels: Readonly<Record<string, unknown>> = {}): void {
  const shape = catalogueShape(b.registry);
  const output = shape.output;
  if (!output) {
    b.report("error", "no-output", "The catalogue has no output node type, so the request has nowhere to go");
    return;
  }
  const tops = topLevelValues(R, b, shape);
  const items = listItems(R, b, shape);
  const placed: Placed[] = [];
  const chains = placeStreams(b, output, tops, items, placed);
  for (const def of b.registry.list()) {
    if (def === output || placed.some((p) => p.def === def)) continue;
    for (const it of items.get(def) ?? []) placed.push(place(b, def, it.values, it.item));
    const values = tops.get(def);
    if (values && setsSomething(def, values, b.registry)) placed.push(place(b, def, values));
  }
  const out = place(b, output, tops.get(output) ?? {});
  for (const [port, chain] of chains) {
    chain.forEach((p, i) => {
      const to = chain[i + 1] ?? out;
      const toPort = to === out ? port : to.def.inputs.find((x) => x.kind === port.kind)!;
      b.wire(p.id, p.def.outputs.find((o) => o.kind === port.kind)!.id, to.id, toPort.id);
    });
  }
  const chained = new Set([...chains.values()].flat());
  for (const p of placed) if (!chained.has(p)) wireValue(b, p, placed, out);
  linkIndices(b, [...placed, out]);
  applyLabels(b, labels, [...placed, out]);
}

/**
 * For each stream the output takes (model, conditioning): its head, then the nodes that pass it
 * through, in catalogue order and, within a list, request order. A head the output requires is
 * always made, so an import without a model still shows where one goes.
 */
function placeStreams(
  b: Builder,
  output: NodeDefinition,
  tops: Map<NodeDefinition, Obj>,
  items: Map<NodeDefinition, { values: Obj; item: NonNullable<Placed["item"]> }[]>,
  placed: Placed[],
): Map<PortSpec, Placed[]> {
  const chains = new Map<PortSpec, Placed[]>();
  const defs = b.registry.list();
  for (const port of output.inputs) {
    if (!catalogueShape(b.registry).streams.has(port.kind)) continue;
    const chain: Placed[] = [];
    const heads = defs.filter(
      (d) => d !== output && d.outputs.some((o) => o.kind === port.kind) && !d.inputs.some((i) => i.kind === port.kind),
    );
    const head = heads.find((d) => tops.has(d)) ?? heads[0];
    const headValues = head ? tops.get(head) : undefined;
    if (head && (port.required || (headValues && setsSomething(head, headValues, b.registry))))
      chain.push(place(b, head, headValues ?? {}));
    for (const def of defs) {
      if (!passesThrough(def, port.kind) || placed.some((p) => p.def === def)) continue;
      for (const it of items.get(def) ?? []) chain.push(place(b, def, it.values, it.item));
      const values = tops.get(def);
      if (values && setsSomething(def, values, b.registry)) chain.push(place(b, def, values));
    }
    placed.push(...chain);
    chains.set(port, chain);
  }
  return chains;
}

/** The top-level fields, grouped by the node type that sends them. */
function topLevelValues(R: Obj, b: Builder, shape: CatalogueShape): Map<NodeDefinition, Obj> {
  const out = new Map<NodeDefinition, Obj>();
  for (const [key, value] of Object.entries(R)) {
    if ((REQUEST_LISTS as readonly string[]).includes(key)) continue;
    const f = shape.topLevel.get(key);
    if (!f) {
      b.report("warning", "unknown-field", `no node type in this catalogue sends ${key}; dropped`, key);
      continue;
    }
    const values = out.get(f.def) ?? {};
    values[key] = value;
    out.set(f.def, values);
  }
  return out;
}

/** Each list's usable items, by the node type that makes them. */
function listItems(
  R: Obj,
  b: Builder,
  shape: CatalogueShape,
): Map<NodeDefinition, { values: Obj; item: NonNullable<Placed["item"]> }[]> {
  const out = new Map<NodeDefinition, { values: Obj; item: NonNullable<Placed["item"]> }[]>();
  for (const list of REQUEST_LISTS) {
    if (R[list] === undefined) continue;
    const entry = shape.lists.get(list);
    if (!entry) {
      b.report("warning", "unknown-field", `no node type in this catalogue appends to ${list}; dropped`, list);
      continue;
    }
    const found = [...usableItems(R[list], list, b)].map(([index, raw]) => ({
      values: itemValues(raw, list, index, entry.fields, b),
      item: { list, index },
    }));
    out.set(entry.def, found);
  }
  return out;
}

/** The items of a list field that can become nodes; reports the rest. */
function* usableItems(v: unknown, list: string, b: Builder): Generator<[number, Obj]> {
  if (!Array.isArray(v)) {
    b.report("error", "request-invalid", `${list} must be a list, got ${describe(v)}; it was dropped`, list);
    return;
  }
  if (v.length > MAX_LIST_ITEMS) {
    b.report(
      "error",
      "request-invalid",
      `${list} has ${v.length} entries; only the first ${MAX_LIST_ITEMS} were imported`,
      list,
    );
  }
  for (let i = 0; i < Math.min(v.length, MAX_LIST_ITEMS); i++) {
    const item = v[i];
    if (isObj(item)) yield [i, item];
    else
      b.report(
        "error",
        "request-invalid",
        `${list}.${i} must be an object, got ${describe(item)}; it was dropped`,
        `${list}.${i}`,
      );
  }
}

/** An item's values; unknown keys and nulls are reported and dropped. */
function itemValues(item: Obj, list: string, index: number, fields: Map<string, RequestFeeder>, b: Builder): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(item)) {
    const path = `${list}.${index}.${key}`;
    if (!fields.has(key)) b.report("warning", "unknown-field", `unknown field ${path}, dropped`, path);
    else if (value === null) b.report("warning", "request-invalid", `${path} is null; treated as absent`, path);
    else out[key] = value;
  }
  return out;
}

/**
 * Names nodes by request path. A named node whose required param the request left empty (a LoRA
 * another tool knew only by its file name) gets an error saying so.
 */
function applyLabels(b: Builder, labels: Readonly<Record<string, unknown>>, placed: readonly Placed[]): void {
  const named = new Set<string>();
  for (const [path, raw] of Object.entries(labels)) {
    const label = typeof raw === "string" ? raw.trim() : "";
    const id = b.owners.get(path);
    if (!label || !id) {
      b.report(
        "warning",
        "unknown-field",
        `the name ${JSON.stringify(raw)} for ${path} fits no imported node; not used`,
        path,
      );
      continue;
    }
    const node = b.doc.nodes.find((n) => n.id === id)!;
    node.label = label;
    const p = placed.find((x) => x.id === id);
    if (!p || named.has(id)) continue;
    named.add(id);
    for (const [key, spec] of Object.entries(p.def.params)) {
      if (spec.required && spec.request !== undefined && node.params[key] === undefined)
        b.report("error", "path-needed", `${p.def.title} \`${label}\`: ${key} needed`, pathIn(p, key), {
          nodeId: id,
          field: key,
        });
    }
  }
}
