import {
  Sourced,
  type ContributeContext,
  type Diagnostic,
  type DiagnosticCode,
  type Endpoint,
  type FastCheck,
  type NodeDefinition,
  type ParamSpec,
  type Registry,
  type Severity,
  type SetOptions,
  type Source,
  type WorkflowDocument,
  type WorkflowNode,
  PORT_KIND_INFO,
  fastCheckOf,
} from "../graph";
import { checkRequestSize } from "./requestSize";
import { teachingWarnings } from "./teaching";

export type SourceMap = Record<string, Source>;

export interface CompiledOutput {
  /** The Sampler output node id. */
  output: string;
  endpoint: Endpoint;
  /** True when there are no errors; `input` is then present and passes the request schema. */
  ok: boolean;
  input?: Record<string, unknown>;
  /** Request path ("loras.1.scale") → the node and field that produced it. */
  sourceMap: SourceMap;
  diagnostics: Diagnostic[];
}

export interface CompileResult {
  outputs: CompiledOutput[];
  /** Every diagnostic of the document, each once (per-output ones included). */
  diagnostics: Diagnostic[];
}

/**
 * Checks a built request against fal's schema and returns problems keyed by request path.
 * Injected so this module has no dependency on a particular schema (tests use fakes).
 */
export interface RequestValidator {
  validate(
    endpoint: Endpoint,
    input: Record<string, unknown>,
  ): { path: (string | number)[]; message: string; severity: Severity }[];
  /** Canonical top-level key order for readable, stable requests. */
  keyOrder?(endpoint: Endpoint): readonly string[];
}

export interface CompileOptions {
  validator?: RequestValidator;
}

interface NodeState {
  node: WorkflowNode;
  def: NodeDefinition | undefined;
  params: Record<string, unknown>;
  paramsOk: boolean;
}

/**
 * The document as the walk sees it. Nodes are numbered by their position among the unique ids, so
 * the walk uses arrays instead of maps keyed by id strings: on a 10,000-node graph the maps (and
 * the garbage they left) were the largest cost after validation.
 *
 * Accepted wires are grouped by (target node, input port position) in one compressed array
 * (`slotStart`/`slotEdges`), ordered by port position and then by file order, which is the order
 * the walk and `ctx.inputs()` see them in.
 */
interface Graph {
  ids: string[];
  states: NodeState[];
  indexOf: Map<string, number>;
  /** Input ports per node in the slot layout: the most any definition has. */
  width: number;
  /** Wires into slot s = node * width + port are slotEdges[slotStart[s] .. slotStart[s + 1]). */
  slotStart: Int32Array;
  /** Edge positions in doc.edges. */
  slotEdges: Int32Array;
  /** Per edge position: its source node, and its source port position (-1 when the source type is unknown). */
  edgeSource: Int32Array;
  edgeSourcePort: Int32Array;
  edges: WorkflowDocument["edges"];
}

/** Per compiled output: the value each node emitted on each output port, at node * outWidth + port. */
type Values = (Sourced | undefined)[];

/**
 * Compiles every Sampler output of a workflow into one fal request each.
 * Pure and deterministic: never mutates `doc`, never throws on user data (a bug inside a node's
 * contribute() becomes an `internal-error` diagnostic), and runs in linear time in the graph size.
 *
 * @example
 * const { outputs } = compile(doc, registry, { validator: falValidator });
 * if (outputs[0].ok) submit(outputs[0].endpoint, outputs[0].input);
 */
export function compile(doc: WorkflowDocument, registry: Registry, options: CompileOptions = {}): CompileResult {
  const docDiagnostics: Diagnostic[] = [];
  const ids: string[] = [];
  const states: NodeState[] = [];
  const indexOf = new Map<string, number>();
  const prev = previous;
  const generation: Generation = [];
  let j = 0; // position in the previous compile's nodes, advanced as its nodes are met again
  for (const node of doc.nodes) {
    let candidate: PreparedEntry | undefined;
    if (prev) {
      // Nodes kept from the previous document are in the same order, give or take the few
      // added or removed by an edit, so each is looked for a short way ahead of the last match.
      for (let k = j; k < j + LOOKAHEAD && k < prev.length; k++) {
        if (prev[k]?.node === node) {
          candidate = prev[k];
          j = k + 1;
          break;
        }
      }
    }
    if (indexOf.has(node.id)) {
      generation.push(undefined);
      docDiagnostics.push({
        severity: "error",
        code: "invalid-edge",
        message: `Two nodes share the id "${node.id}"`,
        nodeId: node.id,
      });
      continue;
    }
    const def = registry.get(node.type);
    const entry = prepareNodeCached(node, def, candidate, docDiagnostics, node.bypass === true && !def?.isOutput);
    generation.push(entry);
    indexOf.set(node.id, ids.length);
    ids.push(node.id);
    states.push(entry);
  }
  previous = generation;

  const graph = indexEdges(doc, ids, states, indexOf, docDiagnostics);

  const outputs: CompiledOutput[] = [];
  for (let i = 0; i < states.length; i++) {
    if (states[i].def?.isOutput) outputs.push(compileOutput(i, graph, options.validator));
  }
  if (outputs.length === 0 && doc.nodes.some((n) => !registry.get(n.type)?.inert)) {
    docDiagnostics.push({
      severity: "warning",
      code: "no-output",
      message: "Add a Sampler output node: nothing is compiled without one",
    });
  }

  const seen = new Set<string>();
  const all: Diagnostic[] = [];
  for (const d of [...docDiagnostics, ...outputs.flatMap((o) => o.diagnostics)]) {
    const key = `${d.severity}|${d.code}|${d.nodeId ?? ""}|${d.field ?? ""}|${d.edgeId ?? ""}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    all.push(d);
  }
  // Document-level problems (bad edges, unknown types) concern every output that reaches them too.
  for (const o of outputs) {
    for (const d of docDiagnostics) {
      if (d.severity === "error" && o.ok && d.nodeId && reachedBy(o, d.nodeId)) o.ok = false;
    }
    if (!o.ok) delete o.input;
  }
  return { outputs, diagnostics: all };
}

function reachedBy(o: CompiledOutput & { reached?: Set<string> }, nodeId: string): boolean {
  return o.reached?.has(nodeId) ?? false;
}

/** A node's state plus what is needed to reuse it (one object per node, not two). */
interface PreparedEntry extends NodeState {
  bypassed: boolean;
  /** The node's own params object when checked. */
  rawParams: Record<string, unknown> | undefined;
  /**
   * The raw param values seen, so a value changed in place is not mistaken for a hit. Only kept
   * when some raw value differs from the checked one in `params` (missing, invalid, or copied by
   * zod); otherwise `params` is the record, and no array is made per node.
   */
  raw: unknown[] | undefined;
  diags: readonly Diagnostic[];
}
/**
 * Checked params of the previous compile's node objects, in document order. The editor recompiles
 * on every keystroke and immer keeps every unchanged node object, so only the edited node's params
 * are validated again. Entries are reused only when the node object, the definition, the bypass
 * flag and every raw param value are the same.
 *
 * One generation, matched by position rather than a WeakMap keyed by node: registering 10,000
 * nodes in a WeakMap on every cold compile cost more than a third of its time (and GC work),
 * while an edit keeps almost every node object in place.
 */
/** Entries by position in doc.nodes (undefined for a node skipped as a duplicate id); each knows its node. */
type Generation = (PreparedEntry | undefined)[];
let previous: Generation | undefined;
/** How far ahead of the last match a node is looked for: covers a few nodes added or removed at once. */
const LOOKAHEAD = 8;
const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);
const hasOwn = Object.prototype.hasOwnProperty;

function rawValue(node: WorkflowNode, key: string): unknown {
  const raw = node.params;
  return raw != null && hasOwn.call(raw, key) ? raw[key] : undefined;
}

/** True when every raw param value is the one the entry was made from. */
function sameRawValues(entry: PreparedEntry, node: WorkflowNode, def: NodeDefinition): boolean {
  const entries = paramEntries(def);
  const checked = entry.params;
  for (let i = 0; i < entries.length; i++) {
    const key = entries[i][0];
    if (rawValue(node, key) !== (entry.raw ? entry.raw[i] : checked[key])) return false;
  }
  return true;
}

function prepareNodeCached(
  node: WorkflowNode,
  def: NodeDefinition | undefined,
  hit: PreparedEntry | undefined,
  diags: Diagnostic[],
  bypassed: boolean,
): PreparedEntry {
  if (
    hit &&
    hit.def === def &&
    hit.bypassed === bypassed &&
    hit.rawParams === node.params &&
    (!def || sameRawValues(hit, node, def))
  ) {
    for (const d of hit.diags) diags.push({ ...d });
    return hit;
  }
  scratch.length = 0;
  const entry = prepareNode(node, def, scratch, bypassed);
  if (scratch.length) {
    entry.diags = scratch.slice();
    for (const d of scratch) diags.push({ ...d });
  }
  if (def) {
    const entries = paramEntries(def);
    for (let i = 0; i < entries.length; i++) {
      if (rawValue(node, entries[i][0]) !== entry.params[entries[i][0]]) {
        entry.raw = entries.map(([key]) => rawValue(node, key));
        break;
      }
    }
  }
  return entry;
}
/** prepareNode's diagnostics, copied out only when there are some (most nodes have none). */
const scratch: Diagnostic[] = [];

function prepareNode(
  node: WorkflowNode,
  def: NodeDefinition | undefined,
  diags: Diagnostic[],
  bypassed: boolean,
): PreparedEntry {
  // A bypassed node sends nothing, so its params cannot make a request invalid; they are still
  // flagged, as warnings, so switching it back on holds no surprise.
  const paramSeverity: Severity = bypassed ? "warning" : "error";
  const whileBypassed = bypassed ? " (ignored while bypassed)" : "";
  if (!def) {
    diags.push({
      severity: "error",
      code: "unknown-node-type",
      message: `Unknown node type "${node.type}": this catalogue has no such node`,
      nodeId: node.id,
    });
    return {
      node,
      def,
      params: {},
      paramsOk: false,
      bypassed,
      rawParams: node.params,
      raw: undefined,
      diags: NO_DIAGNOSTICS,
    };
  }
  let paramsOk = true;
  const raw = node.params ?? {};
  const entries = paramEntries(def);
  // `params` stays null while it would be a plain copy of `raw` (every value set is taken as is):
  // then `raw` itself is used. A cold 10,000-node compile allocated 1.5 MB of such copies.
  let params: Record<string, unknown> | null = null;
  let taken = 0;
  for (let i = 0; i < entries.length; i++) {
    const [key, spec, fast] = entries[i];
    const value = Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
    if (value === undefined || value === null) {
      if (value === null) params ??= copyTaken(raw, entries, i);
      if (spec.required) {
        diags.push({
          severity: paramSeverity,
          code: "invalid-param",
          message: `${spec.label} is required${whileBypassed}`,
          nodeId: node.id,
          field: key,
        });
        paramsOk = bypassed;
      }
      continue;
    }
    if (fast !== undefined && fast(value)) {
      // Same outcome as the zod check below (fastCheck.ts), without its allocations.
      if (params) params[key] = value;
      taken++;
      checkUnconfirmedRange(node, key, spec, value, diags);
      continue;
    }
    params ??= copyTaken(raw, entries, i);
    const r = spec.schema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      diags.push({
        severity: paramSeverity,
        code: "invalid-param",
        message: `${spec.label} ${issueText(issue)}${whileBypassed}`,
        nodeId: node.id,
        field: key,
      });
      paramsOk = bypassed;
      continue;
    }
    params[key] = r.data;
    checkUnconfirmedRange(node, key, spec, r.data, diags);
  }
  // Keys the definition does not know are dropped, so `raw` with extras is not taken as is.
  if (!params && (taken !== ownKeyCount(raw) || Object.getPrototypeOf(raw) !== Object.prototype))
    params = copyTaken(raw, entries, entries.length);
  return {
    node,
    def,
    params: params ?? raw,
    paramsOk,
    bypassed,
    rawParams: node.params,
    raw: undefined,
    diags: NO_DIAGNOSTICS,
  };
}

/** The values of the first `upTo` params that were taken as they are in `raw`. */
function copyTaken(
  raw: Record<string, unknown>,
  entries: readonly ParamEntry[],
  upTo: number,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let j = 0; j < upTo; j++) {
    const k = entries[j][0];
    if (Object.prototype.hasOwnProperty.call(raw, k) && raw[k] !== undefined && raw[k] !== null) copy[k] = raw[k];
  }
  return copy;
}

/** Own enumerable keys, counted without Object.keys's array. */
function ownKeyCount(o: Record<string, unknown>): number {
  let n = 0;
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) n++;
  return n;
}

function checkUnconfirmedRange(
  node: WorkflowNode,
  key: string,
  spec: ParamSpec,
  value: unknown,
  diags: Diagnostic[],
): void {
  const range = spec.unconfirmedRange;
  if (!range || typeof value !== "number") return;
  if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
    diags.push({
      severity: "warning",
      code: "param-out-of-confirmed-range",
      message: `${spec.label} ${value} is outside ${range.min ?? "−∞"}–${range.max ?? "∞"}, the range ${range.source}; fal may still accept it`,
      nodeId: node.id,
      field: key,
    });
  }
}

type ParamEntry = [key: string, spec: ParamSpec, fast: FastCheck | undefined];
const paramEntriesCache = new WeakMap<NodeDefinition, ParamEntry[]>();
/** A definition's params as entries with their fast checks, computed once per definition instead of once per node. */
function paramEntries(def: NodeDefinition): ParamEntry[] {
  let entries = paramEntriesCache.get(def);
  if (!entries) {
    entries = Object.entries(def.params).map(([key, spec]): ParamEntry => [key, spec, fastCheckOf(spec.schema)]);
    paramEntriesCache.set(def, entries);
  }
  return entries;
}

function issueText(issue: { message: string; code?: string } | undefined): string {
  if (!issue) return "is invalid";
  const m = issue.message;
  if (/^(must|is|should|needs)\b/.test(m)) return m;
  return `is invalid: ${m}`;
}

/** Port id → position, per definition and direction (definitions have a handful of ports). */
function portIndex(def: NodeDefinition, dir: "inputs" | "outputs", port: string): number {
  const ports = def[dir];
  for (let i = 0; i < ports.length; i++) if (ports[i].id === port) return i;
  return -1;
}

function indexEdges(
  doc: WorkflowDocument,
  ids: string[],
  states: NodeState[],
  indexOf: Map<string, number>,
  diags: Diagnostic[],
): Graph {
  let width = 1;
  for (const st of states) if (st.def && st.def.inputs.length > width) width = st.def.inputs.length;
  const edges = doc.edges;
  const count = edges.length;
  const edgeSource = new Int32Array(count);
  const edgeSourcePort = new Int32Array(count);
  // Slot of each accepted edge, -1 for a refused one.
  const edgeSlot = new Int32Array(count).fill(-1);
  const slotCount = new Int32Array(ids.length * width + 1);
  for (let i = 0; i < count; i++) {
    const e = edges[i];
    const si = indexOf.get(e.source);
    const ti = indexOf.get(e.target);
    const s = si === undefined ? undefined : states[si];
    const t = ti === undefined ? undefined : states[ti];
    if (!s || !t) {
      diags.push({
        severity: "error",
        code: "invalid-edge",
        message: `A wire points at a missing node "${!s ? e.source : e.target}"`,
        edgeId: e.id,
        nodeId: s ? e.source : t ? e.target : undefined,
      });
      continue;
    }
    if (!t.def) continue; // already reported as unknown type
    const inAt = portIndex(t.def, "inputs", e.targetHandle);
    if (!s.def) {
      // Kept (it carries no value) so the node downstream can say its wire comes from an unknown node.
      if (inAt >= 0) accept(i, si!, -1, ti! * width + inAt);
      continue;
    }
    const outAt = portIndex(s.def, "outputs", e.sourceHandle);
    if (outAt < 0 || inAt < 0) {
      diags.push({
        severity: "error",
        code: "invalid-edge",
        message:
          outAt < 0
            ? `${s.def.title} has no output "${e.sourceHandle}"`
            : `${t.def.title} has no input "${e.targetHandle}"`,
        edgeId: e.id,
        nodeId: outAt < 0 ? e.source : e.target,
      });
      continue;
    }
    const out = s.def.outputs[outAt];
    const inp = t.def.inputs[inAt];
    if (out.kind !== inp.kind) {
      diags.push({
        severity: "error",
        code: "invalid-edge",
        message: `${t.node.label || t.def.title} expects ${PORT_KIND_INFO[inp.kind].noun} on "${inp.label}", not ${PORT_KIND_INFO[out.kind].noun}`,
        edgeId: e.id,
        nodeId: e.target,
        field: e.targetHandle,
      });
      continue;
    }
    const slot = ti! * width + inAt;
    if (slotCount[slot] > 0 && !inp.multiple) {
      diags.push({
        severity: "error",
        code: "duplicate-input",
        message: `"${inp.label}" on ${t.node.label || t.def.title} takes one wire but has ${slotCount[slot] + 1}`,
        edgeId: e.id,
        nodeId: e.target,
        field: e.targetHandle,
      });
      continue;
    }
    accept(i, si!, outAt, slot);
  }
  function accept(i: number, source: number, sourcePort: number, slot: number): void {
    edgeSource[i] = source;
    edgeSourcePort[i] = sourcePort;
    edgeSlot[i] = slot;
    slotCount[slot]++;
  }
  // Counts → start offsets; then place each accepted edge in file order within its slot.
  const slotStart = new Int32Array(ids.length * width + 1);
  for (let s = 0, sum = 0; s < slotStart.length; s++) {
    slotStart[s] = sum;
    sum += slotCount[s];
  }
  const slotEdges = new Int32Array(slotStart[slotStart.length - 1]);
  const fill = slotStart.slice();
  for (let i = 0; i < count; i++) if (edgeSlot[i] >= 0) slotEdges[fill[edgeSlot[i]]++] = i;
  return { ids, states, indexOf, width, slotStart, slotEdges, edgeSource, edgeSourcePort, edges };
}

/** Post-order walk upstream from the output: every node comes after everything that feeds it. */
function upstreamOrder(output: number, g: Graph, diags: Diagnostic[], cycleMembers: Set<number>): Int32Array {
  const size = g.ids.length;
  const order = new Int32Array(size);
  let done = 0;
  const mark = new Uint8Array(size); // 1 = on the stack, 2 = done
  // Iterative DFS: a 10,000-node chain must not overflow the call stack. A node's upstream
  // neighbours are its slots' wires, in order; the cursor walks that range of slotEdges.
  // A node is on the stack at most once, so `size` entries suffice.
  const stack = new Int32Array(size);
  const cursor = new Int32Array(size);
  const end = new Int32Array(size);
  let depth = 0;
  const push = (n: number) => {
    mark[n] = 1;
    stack[depth] = n;
    cursor[depth] = g.slotStart[n * g.width];
    end[depth] = g.slotStart[n * g.width + (g.states[n].def?.inputs.length ?? 0)];
    depth++;
  };
  push(output);
  while (depth > 0) {
    const top = depth - 1;
    if (cursor[top] < end[top]) {
      const next = g.edgeSource[g.slotEdges[cursor[top]++]];
      const s = mark[next];
      if (s === 1) {
        // Everything on the stack from `next` up is on the loop.
        for (let k = depth - 1; k >= 0; k--) {
          const member = stack[k];
          if (!cycleMembers.has(member)) {
            cycleMembers.add(member);
            diags.push({
              severity: "error",
              code: "cycle",
              message: "This node is part of a loop; wires must flow one way into the Sampler",
              nodeId: g.ids[member],
            });
          }
          if (member === next) break;
        }
        continue;
      }
      if (s === 2) continue;
      push(next);
    } else {
      const n = stack[--depth];
      mark[n] = 2;
      order[done++] = n;
    }
  }
  return order.subarray(0, done);
}

function compileOutput(
  output: number,
  g: Graph,
  validator: RequestValidator | undefined,
): CompiledOutput & { reached: Set<string> } {
  const outputId = g.ids[output];
  const diagnostics: Diagnostic[] = [];
  const cycleMembers = new Set<number>();
  const order = upstreamOrder(output, g, diagnostics, cycleMembers);
  const request: Record<string, unknown> = {};
  // The sourceMap is logged into one flat array and built into its object form only when someone
  // reads it: a 10,000-node request has ~27,000 paths, and inserting them into an object (plus the
  // garbage) was the compiler's largest cost, while the CLI and runner never look at them. Four
  // slots per entry: key, list index (-1 for a top-level key or a list itself), the node id or
  // Source, and for a list item the item the node appended, whose fields are mapped at build time
  // (one entry per item rather than one per field: the log was a large part of the walk's memory).
  const logged: unknown[] = [];
  let built: SourceMap | undefined;
  const sourceMapOf = (): SourceMap => {
    if (built) return built;
    const map: SourceMap = {};
    for (let i = 0; i < logged.length; i += 4) {
      const key = logged[i] as string;
      const index = logged[i + 1] as number;
      const node = logged[i + 2] as string | Source;
      if (index < 0) {
        map[key] = typeof node === "string" ? { nodeId: node } : node;
        continue;
      }
      const prefix = `${key}.${index}`;
      map[prefix] = { nodeId: node as string };
      // The same fields, in the same order, that append() copied into the request.
      const item = logged[i + 3] as Record<string, unknown>;
      for (const k in item) {
        if (!hasOwn.call(item, k)) continue;
        const raw = item[k];
        if (raw instanceof Sourced) {
          if (raw.value !== undefined) map[`${prefix}.${k}`] = raw.source;
        } else if (raw !== undefined) {
          map[`${prefix}.${k}`] = { nodeId: node as string, field: k };
        }
      }
    }
    return (built = map);
  };
  const topSources = new Map<string, Source>(); // top-level key → its source, for conflict messages
  const listsSeen = new Set<string>();
  const setBy = new Map<string, string>(); // top-level key → node id that set it
  const outWidth = g.states.reduce((w, s) => Math.max(w, s.def?.outputs.length ?? 0), 1);
  const values: Values = new Array(g.ids.length * outWidth);
  let endpoint: Endpoint = "fal-ai/lora";
  let broken = diagnostics.length > 0;

  // One context object for the whole walk, re-pointed at each node: creating a dozen closures per
  // node made allocation (and the garbage collector) the main cost on large graphs. Nodes use the
  // context only during their synchronous contribute() call.
  let n = 0;
  let id = "";
  let st!: NodeState;
  let def!: NodeDefinition;

  /** Values on input `at` of the current node, in wire order (`first`: only the first one). */
  const resolve = (at: number, first: boolean): Sourced[] | Sourced | undefined => {
    let out: Sourced[] | undefined;
    if (at < 0) return first ? undefined : [];
    const slot = n * g.width + at;
    for (let k = g.slotStart[slot]; k < g.slotStart[slot + 1]; k++) {
      const e = g.slotEdges[k];
      const v = valueOf(g.edgeSource[e], g.edgeSourcePort[e], g, values, outWidth);
      if (v === undefined) continue;
      if (first) return v;
      (out ??= []).push(v);
    }
    return first ? undefined : (out ?? []);
  };
  const report = (severity: Severity, code: DiagnosticCode, message: string, field?: string) => {
    diagnostics.push({ severity, code, message, nodeId: id, field });
    if (severity === "error") broken = true;
  };
  const log = (key: string, index: number, node: string | Source, item: Record<string, unknown> | undefined) => {
    logged.push(key, index, node, item);
  };
  const ctx: {
    -readonly [K in keyof ContributeContext<Record<string, unknown>>]: ContributeContext<Record<string, unknown>>[K];
  } = {
    nodeId: "",
    params: {},
    input: (port) => resolve(portIndex(def, "inputs", port), true) as never,
    inputs: (port) => resolve(portIndex(def, "inputs", port), false) as never,
    emit(port, value, field) {
      const at = portIndex(def, "outputs", port);
      if (at < 0) return; // not a declared output: nothing can be wired to it
      values[n * outWidth + at] = value instanceof Sourced ? value : new Sourced(value, { nodeId: id, field });
    },
    set(key, raw, opts?: SetOptions) {
      const value = raw instanceof Sourced ? raw.value : raw;
      if (value === undefined) return;
      const source: Source = raw instanceof Sourced ? raw.source : { nodeId: id, field: key };
      const prevNode = setBy.get(key);
      if (prevNode !== undefined && prevNode !== source.nodeId && !sameJson(request[key], value)) {
        const c = opts?.conflict;
        const prev = topSources.get(key);
        const msg = c?.message ?? `"${key}" is set by two nodes with different values`;
        // Blame the two nodes whose values disagree (for a shared encoder: the two encoder nodes).
        diagnostics.push({
          severity: "error",
          code: c?.code ?? "field-conflict",
          message: msg,
          nodeId: source.nodeId,
          field: source.field,
          path: key,
        });
        if (prev)
          diagnostics.push({
            severity: "error",
            code: c?.code ?? "field-conflict",
            message: msg,
            nodeId: prev.nodeId,
            field: prev.field,
            path: key,
          });
        broken = true;
        return;
      }
      request[key] = value;
      setBy.set(key, source.nodeId);
      topSources.set(key, source);
      log(key, -1, source, undefined);
    },
    append(list, item) {
      const arr = (request[list] ??= []) as unknown[];
      const index = arr.length;
      const clean: Record<string, unknown> = {};
      if (!listsSeen.has(list)) {
        listsSeen.add(list);
        log(list, -1, id, undefined);
      }
      log(list, index, id, item);
      for (const k in item) {
        if (!hasOwn.call(item, k)) continue;
        const raw = item[k];
        if (raw instanceof Sourced) {
          if (raw.value === undefined) continue;
          clean[k] = raw.value;
        } else {
          if (raw === undefined) continue;
          clean[k] = raw;
        }
      }
      arr.push(clean);
      return index;
    },
    setEndpoint(e) {
      endpoint = e;
    },
    report,
  };

  for (let o = 0; o < order.length; o++) {
    n = order[o];
    id = g.ids[n];
    st = g.states[n];
    if (!st.def) {
      broken = true;
      continue;
    }
    if (!st.paramsOk) broken = true;
    if (st.node.bypass && !st.def.isOutput) continue;
    def = st.def;

    for (let at = 0; at < def.inputs.length; at++) {
      const port = def.inputs[at];
      if (port.required && resolve(at, true) === undefined) {
        const slot = n * g.width + at;
        const sources: number[] = [];
        for (let k = g.slotStart[slot]; k < g.slotStart[slot + 1]; k++) sources.push(g.edgeSource[g.slotEdges[k]]);
        broken = true;
        // A loop is already reported on each of its nodes; a second message here would mislead.
        if (sources.some((s) => cycleMembers.has(s))) continue;
        const unknown = sources.map((s) => g.states[s]).find((src) => !src.def);
        diagnostics.push({
          severity: "error",
          code: "missing-input",
          message: unknown
            ? `"${port.label}" is wired to "${unknown.node.label || unknown.node.id}", whose type "${unknown.node.type}" is not in the catalogue`
            : sources.length > 0
              ? `"${port.label}" is wired to a node that is bypassed or produces nothing`
              : `${st.node.label || def.title} needs ${PORT_KIND_INFO[port.kind].noun} on "${port.label}"`,
          nodeId: id,
          field: port.id,
        });
      }
    }
    if (!def.contribute || def.inert) continue;

    ctx.nodeId = id;
    ctx.params = st.params;
    try {
      def.contribute(ctx as never);
    } catch (err) {
      report(
        "error",
        "internal-error",
        `Compiler bug in ${def.title}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  const ruleErrorPaths = applyRequestRules(request, sourceMapOf, diagnostics);
  diagnostics.push(...teachingWarnings(request, sourceMapOf));
  if (!broken) diagnostics.push(...checkRequestSize(request, sourceMapOf, outputId));
  let ordered = request;
  let problems: ReturnType<RequestValidator["validate"]> = [];
  try {
    ordered = orderKeys(request, validator?.keyOrder?.(endpoint));
    if (validator && !broken) problems = validator.validate(endpoint, ordered);
  } catch (err) {
    diagnostics.push({
      severity: "error",
      code: "internal-error",
      message: `Compiler bug while checking the request: ${err instanceof Error ? err.message : String(err)}`,
      nodeId: outputId,
    });
  }
  {
    for (const problem of problems) {
      const joined = problem.path.join(".");
      // A rule already explained this spot in the graph's own terms; the schema's wording would repeat it.
      if (ruleErrorPaths.some((p) => joined === p || joined.startsWith(`${p}.`))) continue;
      const src = lookupSource(sourceMapOf(), problem.path) ?? { nodeId: outputId };
      diagnostics.push({
        severity: problem.severity,
        code: problem.severity === "error" ? "request-invalid" : "param-out-of-confirmed-range",
        message: problem.message,
        nodeId: src.nodeId,
        field: src.field,
        path: problem.path.join("."),
      });
    }
  }
  const ok = !diagnostics.some((d) => d.severity === "error") && !broken;
  const result = { output: outputId, endpoint, ok, input: ok ? ordered : undefined, diagnostics } as CompiledOutput & {
    reached: Set<string>;
  };
  // The ids this output reaches, as a Set only when asked (a document-level error needs it).
  let reached: Set<string> | undefined;
  const reachedOf = () => (reached ??= new Set(Array.from(order, (i) => g.ids[i])));
  Object.defineProperty(result, "reached", { get: reachedOf, enumerable: true, configurable: true });
  Object.defineProperty(result, "sourceMap", { get: sourceMapOf, enumerable: true, configurable: true });
  return result;
}

/**
 * Rules that span nodes and that the graph can explain better than the request schema can.
 * Returns the request paths that got an error, so schema problems there are not repeated.
 */
function applyRequestRules(
  request: Record<string, unknown>,
  sourceMapOf: () => SourceMap,
  diagnostics: Diagnostic[],
): string[] {
  const errorPaths: string[] = [];
  const embeddings = Array.isArray(request.embeddings) ? (request.embeddings as { tokens?: unknown }[]) : [];
  for (let i = 1; i < embeddings.length; i++) {
    const path = `embeddings.${i}`;
    diagnostics.push({
      severity: "error",
      code: "too-many-embeddings",
      message: `fal-ai/lora accepts one embedding per request and this is embedding ${i + 1}: remove or bypass it`,
      nodeId: sourceMapOf()[path]?.nodeId,
      path,
    });
    errorPaths.push(path);
  }
  const text = `${typeof request.prompt === "string" ? request.prompt : ""}\n${typeof request.negative_prompt === "string" ? request.negative_prompt : ""}`;
  embeddings.forEach((e, i) => {
    const tokens = Array.isArray(e?.tokens) ? e.tokens.filter((t): t is string => typeof t === "string") : [];
    const missing = tokens.filter((t) => !text.includes(t));
    if (missing.length === 0) return;
    diagnostics.push({
      severity: "warning",
      code: "embedding-tokens-unused",
      message: `The embedding's token${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "do" : "does"} not appear in the prompt, so ${missing.length > 1 ? "they have" : "it has"} no effect: write ${missing.length > 1 ? "them" : "it"} in the Prompt where the concept belongs`,
      nodeId: sourceMapOf()[`embeddings.${i}.tokens`]?.nodeId ?? sourceMapOf()[`embeddings.${i}`]?.nodeId,
      field: "tokens",
      path: `embeddings.${i}.tokens`,
    });
  });
  return errorPaths;
}

/** The value on an output port, following bypassed nodes through their same-kind input. */
function valueOf(node: number, port: number, g: Graph, values: Values, outWidth: number): Sourced | undefined {
  let n = node;
  let p = port;
  for (let guard = 0; guard <= g.ids.length; guard++) {
    const st = g.states[n];
    if (!st?.def || p < 0) return undefined;
    if (!st.node.bypass) return values[n * outWidth + p];
    const kind = st.def.outputs[p]?.kind;
    const through = st.def.inputs.findIndex((i) => i.kind === kind);
    if (through < 0) return undefined;
    const slot = n * g.width + through;
    if (g.slotStart[slot] === g.slotStart[slot + 1]) return undefined;
    const e = g.slotEdges[g.slotStart[slot]];
    n = g.edgeSource[e];
    p = g.edgeSourcePort[e];
  }
  return undefined;
}

/**
 * Finds the node behind a request path, using the longest known prefix, so a fal 422 with
 * `loc: ["body","loras",1,"scale"]` lands on the LoRA node's scale field.
 */
export function lookupSource(sourceMap: SourceMap, path: readonly (string | number)[]): Source | undefined {
  const parts = path[0] === "body" ? path.slice(1) : path;
  for (let n = parts.length; n > 0; n--) {
    const hit = sourceMap[parts.slice(0, n).join(".")];
    if (hit) return hit;
  }
  return undefined;
}

function orderKeys(request: Record<string, unknown>, order: readonly string[] | undefined): Record<string, unknown> {
  if (!order) return request;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in request) out[k] = request[k];
  for (const k of Object.keys(request)) if (!(k in out)) out[k] = request[k];
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}
