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
  validate(endpoint: Endpoint, input: Record<string, unknown>): { path: (string | number)[]; message: string; severity: Severity }[];
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

type Wire = { source: string; sourceHandle: string; edgeId: string };
/**
 * Target node id → input port id → wires. Two levels instead of one `${node}\0${port}` key: building
 * and hashing a fresh key string per lookup was the compiler's top cost on large graphs.
 */
type Incoming = Map<string, Map<string, Wire[]>>;
const NO_WIRES: readonly Wire[] = Object.freeze([]);
/** Per compiled output: node id → the values it emitted, by output port position (one small array, not a Map, per node). */
type Values = Map<string, (Sourced | undefined)[]>;

function addWire(incoming: Incoming, target: string, port: string, wire: Wire): void {
  let ports = incoming.get(target);
  if (!ports) incoming.set(target, (ports = new Map()));
  let list = ports.get(port);
  if (!list) ports.set(port, (list = []));
  list.push(wire);
}

function wiresOf(incoming: Incoming, nodeId: string, port: string): readonly Wire[] {
  return incoming.get(nodeId)?.get(port) ?? NO_WIRES;
}

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
  const states = new Map<string, NodeState>();
  for (const node of doc.nodes) {
    if (states.has(node.id)) {
      docDiagnostics.push({ severity: "error", code: "invalid-edge", message: `Two nodes share the id "${node.id}"`, nodeId: node.id });
      continue;
    }
    states.set(node.id, prepareNodeCached(node, registry.get(node.type), docDiagnostics, node.bypass === true && !registry.get(node.type)?.isOutput));
  }

  const incoming = indexEdges(doc, states, docDiagnostics);

  const outputs: CompiledOutput[] = [];
  for (const st of states.values()) {
    if (st.def?.isOutput) outputs.push(compileOutput(st.node.id, states, incoming, options.validator));
  }
  if (outputs.length === 0 && doc.nodes.some((n) => !registry.get(n.type)?.inert)) {
    docDiagnostics.push({ severity: "warning", code: "no-output", message: "Add a Sampler output node: nothing is compiled without one" });
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

interface PreparedEntry {
  def: NodeDefinition | undefined;
  bypassed: boolean;
  params: Record<string, unknown> | undefined;
  /** The raw param values seen, so a value changed in place is not mistaken for a hit. */
  raw: unknown[];
  state: NodeState;
  diags: Diagnostic[];
}
/**
 * Checked params per node object. The editor recompiles on every keystroke and immer keeps every
 * unchanged node object, so only the edited node's params are validated again. Entries are
 * reused only when the definition, the bypass flag and every raw param value are the same.
 */
const prepared = new WeakMap<WorkflowNode, PreparedEntry>();

function rawValues(node: WorkflowNode, def: NodeDefinition | undefined): unknown[] {
  if (!def) return [];
  const raw = node.params ?? {};
  return paramEntries(def).map(([key]) => (Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined));
}

function prepareNodeCached(node: WorkflowNode, def: NodeDefinition | undefined, diags: Diagnostic[], bypassed: boolean): NodeState {
  const hit = typeof node === "object" && node !== null ? prepared.get(node) : undefined;
  const raw = rawValues(node, def);
  if (hit && hit.def === def && hit.bypassed === bypassed && hit.params === node.params && hit.raw.every((v, i) => v === raw[i])) {
    for (const d of hit.diags) diags.push({ ...d });
    return hit.state;
  }
  const own: Diagnostic[] = [];
  const state = prepareNode(node, def, own, bypassed);
  for (const d of own) diags.push({ ...d });
  if (typeof node === "object" && node !== null) prepared.set(node, { def, bypassed, params: node.params, raw, state, diags: own });
  return state;
}

function prepareNode(node: WorkflowNode, def: NodeDefinition | undefined, diags: Diagnostic[], bypassed = false): NodeState {
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
    return { node, def, params: {}, paramsOk: false };
  }
  const params: Record<string, unknown> = {};
  let paramsOk = true;
  const raw = node.params ?? {};
  for (const [key, spec, fast] of paramEntries(def)) {
    const value = Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
    if (value === undefined || value === null) {
      if (spec.required) {
        diags.push({ severity: paramSeverity, code: "invalid-param", message: `${spec.label} is required${whileBypassed}`, nodeId: node.id, field: key });
        paramsOk = bypassed;
      }
      continue;
    }
    if (fast !== undefined && fast(value)) {
      // Same outcome as the zod check below (fastCheck.ts), without its allocations.
      params[key] = value;
      checkUnconfirmedRange(node, key, spec, value, diags);
      continue;
    }
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
  return { node, def, params, paramsOk };
}

function checkUnconfirmedRange(node: WorkflowNode, key: string, spec: ParamSpec, value: unknown, diags: Diagnostic[]): void {
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

function indexEdges(doc: WorkflowDocument, states: Map<string, NodeState>, diags: Diagnostic[]): Incoming {
  const incoming: Incoming = new Map();
  for (const e of doc.edges) {
    const s = states.get(e.source);
    const t = states.get(e.target);
    if (!s || !t) {
      diags.push({ severity: "error", code: "invalid-edge", message: `A wire points at a missing node "${!s ? e.source : e.target}"`, edgeId: e.id, nodeId: s ? e.source : t ? e.target : undefined });
      continue;
    }
    if (!t.def) continue; // already reported as unknown type
    if (!s.def) {
      // Kept (it carries no value) so the node downstream can say its wire comes from an unknown node.
      const inp = t.def.inputs.find((p) => p.id === e.targetHandle);
      if (inp) addWire(incoming, e.target, e.targetHandle, { source: e.source, sourceHandle: e.sourceHandle, edgeId: e.id });
      continue;
    }
    const out = s.def.outputs.find((p) => p.id === e.sourceHandle);
    const inp = t.def.inputs.find((p) => p.id === e.targetHandle);
    if (!out || !inp) {
      diags.push({
        severity: "error",
        code: "invalid-edge",
        message: !out ? `${s.def.title} has no output "${e.sourceHandle}"` : `${t.def.title} has no input "${e.targetHandle}"`,
        edgeId: e.id,
        nodeId: !out ? e.source : e.target,
      });
      continue;
    }
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
    let ports = incoming.get(e.target);
    if (!ports) incoming.set(e.target, (ports = new Map()));
    let list = ports.get(e.targetHandle);
    if (!list) ports.set(e.targetHandle, (list = []));
    if (list.length > 0 && !inp.multiple) {
      diags.push({
        severity: "error",
        code: "duplicate-input",
        message: `"${inp.label}" on ${t.node.label || t.def.title} takes one wire but has ${list.length + 1}`,
        edgeId: e.id,
        nodeId: e.target,
        field: e.targetHandle,
      });
      continue;
    }
    list.push({ source: e.source, sourceHandle: e.sourceHandle, edgeId: e.id });
  }
  return incoming;
}

/** Post-order walk upstream from the output: every node comes after everything that feeds it. */
function upstreamOrder(
  outputId: string,
  states: Map<string, NodeState>,
  incoming: Incoming,
  diags: Diagnostic[],
  cycleMembers: Set<string>,
): string[] {
  const order: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  // Iterative DFS: a 10,000-node chain must not overflow the call stack.
  const stack: { id: string; deps: string[]; i: number }[] = [];
  const depsOf = (id: string): string[] => {
    const st = states.get(id);
    if (!st?.def) return [];
    const deps: string[] = [];
    for (const port of st.def.inputs) {
      for (const w of wiresOf(incoming, id, port.id)) deps.push(w.source);
    }
    return deps;
  };
  state.set(outputId, 1);
  stack.push({ id: outputId, deps: depsOf(outputId), i: 0 });
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.i < top.deps.length) {
      const next = top.deps[top.i++];
      const s = state.get(next);
      if (s === 1) {
        // Everything on the stack from `next` up is on the loop.
        for (let k = stack.length - 1; k >= 0; k--) {
          const member = stack[k].id;
          if (!cycleMembers.has(member)) {
            cycleMembers.add(member);
            diags.push({ severity: "error", code: "cycle", message: "This node is part of a loop; wires must flow one way into the Sampler", nodeId: member });
          }
          if (member === next) break;
        }
        continue;
      }
      if (s === 2) continue;
      state.set(next, 1);
      stack.push({ id: next, deps: depsOf(next), i: 0 });
    } else {
      stack.pop();
      state.set(top.id, 2);
      order.push(top.id);
    }
  }
  return order;
}

function compileOutput(
  outputId: string,
  states: Map<string, NodeState>,
  incoming: Incoming,
  validator: RequestValidator | undefined,
): CompiledOutput & { reached: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const cycleMembers = new Set<string>();
  const order = upstreamOrder(outputId, states, incoming, diagnostics, cycleMembers);
  const reached = new Set(order);
  const request: Record<string, unknown> = {};
  // The sourceMap is logged into flat arrays and built into its object form only when someone reads
  // it: a 10,000-node request has ~27,000 paths, and inserting them into an object (plus the
  // garbage) was the compiler's largest cost, while the CLI and runner never look at them.
  const logKey: string[] = [];
  const logSub: (string | undefined)[] = [];
  const logNode: (string | Source)[] = [];
  const logField: (string | undefined)[] = [];
  const log = (key: string, sub: string | undefined, node: string | Source, field: string | undefined) => {
    logKey.push(key);
    logSub.push(sub);
    logNode.push(node);
    logField.push(field);
  };
  let built: SourceMap | undefined;
  const sourceMapOf = (): SourceMap => {
    if (built) return built;
    const map: SourceMap = {};
    for (let i = 0; i < logKey.length; i++) {
      const sub = logSub[i];
      const node = logNode[i];
      const field = logField[i];
      map[sub === undefined ? logKey[i] : `${logKey[i]}.${sub}`] =
        typeof node !== "string" ? node : field === undefined ? { nodeId: node } : { nodeId: node, field };
    }
    return (built = map);
  };
  const topSources = new Map<string, Source>(); // top-level key → its source, for conflict messages
  const listsSeen = new Set<string>();
  const setBy = new Map<string, string>(); // top-level key → node id that set it
  const values: Values = new Map();
  let endpoint: Endpoint = "fal-ai/lora";
  let broken = diagnostics.length > 0;

  // One context object for the whole walk, re-pointed at each node: creating a dozen closures per
  // node made allocation (and the garbage collector) the main cost on large graphs. Nodes use the
  // context only during their synchronous contribute() call.
  let id = "";
  let st!: NodeState;
  let def!: NodeDefinition;

  const resolve = (port: string): Sourced[] => {
    const out: Sourced[] = [];
    for (const w of wiresOf(incoming, id, port)) {
      const v = valueOf(w.source, w.sourceHandle, states, incoming, values);
      if (v !== undefined) out.push(v);
    }
    return out;
  };
  const report = (severity: Severity, code: DiagnosticCode, message: string, field?: string) => {
    diagnostics.push({ severity, code, message, nodeId: id, field });
    if (severity === "error") broken = true;
  };
  const ctx: { -readonly [K in keyof ContributeContext<Record<string, unknown>>]: ContributeContext<Record<string, unknown>>[K] } = {
    nodeId: "",
    params: {},
    input: (port) => resolve(port)[0] as never,
    inputs: (port) => resolve(port) as never,
    emit(port, value, field) {
      const at = def.outputs.findIndex((o) => o.id === port);
      if (at < 0) return; // not a declared output: nothing can be wired to it
      let emitted = values.get(id);
      if (!emitted) values.set(id, (emitted = []));
      emitted[at] = value instanceof Sourced ? value : new Sourced(value, { nodeId: id, field });
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
        diagnostics.push({ severity: "error", code: c?.code ?? "field-conflict", message: msg, nodeId: source.nodeId, field: source.field, path: key });
        if (prev) diagnostics.push({ severity: "error", code: c?.code ?? "field-conflict", message: msg, nodeId: prev.nodeId, field: prev.field, path: key });
        broken = true;
        return;
      }
      request[key] = value;
      setBy.set(key, source.nodeId);
      topSources.set(key, source);
      log(key, undefined, source, undefined);
    },
    append(list, item) {
      const arr = (request[list] ??= []) as unknown[];
      const index = arr.length;
      const clean: Record<string, unknown> = {};
      const prefix = `${list}.${index}`;
      if (!listsSeen.has(list)) {
        listsSeen.add(list);
        log(list, undefined, id, undefined);
      }
      log(prefix, undefined, id, undefined);
      for (const k of Object.keys(item)) {
        const raw = item[k];
        if (raw instanceof Sourced) {
          if (raw.value === undefined) continue;
          clean[k] = raw.value;
          log(prefix, k, raw.source, undefined);
        } else {
          if (raw === undefined) continue;
          clean[k] = raw;
          log(prefix, k, id, k);
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

  for (const nodeId of order) {
    id = nodeId;
    st = states.get(id)!;
    if (!st.def) {
      broken = true;
      continue;
    }
    if (!st.paramsOk) broken = true;
    if (st.node.bypass && !st.def.isOutput) continue;
    def = st.def;

    for (const port of def.inputs) {
      if (port.required && resolve(port.id).length === 0) {
        const wires = wiresOf(incoming, id, port.id);
        broken = true;
        // A loop is already reported on each of its nodes; a second message here would mislead.
        if (wires.some((w) => cycleMembers.has(w.source))) continue;
        const unknown = wires.map((w) => states.get(w.source)!).find((src) => !src.def);
        diagnostics.push({
          severity: "error",
          code: "missing-input",
          message: unknown
            ? `"${port.label}" is wired to "${unknown.node.label || unknown.node.id}", whose type "${unknown.node.type}" is not in the catalogue`
            : wires.length > 0
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
      report("error", "internal-error", `Compiler bug in ${def.title}: ${err instanceof Error ? err.message : String(err)}`);
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
  const result = { output: outputId, endpoint, ok, input: ok ? ordered : undefined, diagnostics, reached } as CompiledOutput & { reached: Set<string> };
  Object.defineProperty(result, "sourceMap", { get: sourceMapOf, enumerable: true, configurable: true });
  return result;
}

/**
 * Rules that span nodes and that the graph can explain better than the request schema can.
 * Returns the request paths that got an error, so schema problems there are not repeated.
 */
function applyRequestRules(request: Record<string, unknown>, sourceMapOf: () => SourceMap, diagnostics: Diagnostic[]): string[] {
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
function valueOf(
  nodeId: string,
  port: string,
  states: Map<string, NodeState>,
  incoming: Incoming,
  values: Values,
): Sourced | undefined {
  let id = nodeId;
  let p = port;
  for (let guard = 0; guard <= states.size; guard++) {
    const st = states.get(id);
    if (!st?.def) return undefined;
    if (!st.node.bypass) return values.get(id)?.[st.def.outputs.findIndex((o) => o.id === p)];
    const kind = st.def.outputs.find((o) => o.id === p)?.kind;
    const through = st.def.inputs.find((i) => i.kind === kind);
    if (!through) return undefined;
    const wire = wiresOf(incoming, id, through.id)[0];
    if (!wire) return undefined;
    id = wire.source;
    p = wire.sourceHandle;
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
