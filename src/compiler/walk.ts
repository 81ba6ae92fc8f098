/**
 * Step 3 of a compile, once per output: walk the nodes upstream of the output, each after those
 * that feed it, and let each contribute to one request. Every value written is source-mapped.
 */
import {
  PORT_KIND_INFO,
  Sourced,
  type ContributeContext,
  type Diagnostic,
  type DiagnosticCode,
  type Endpoint,
  type SetOptions,
  type Severity,
  type Source,
} from "../graph";
import { NODES_PER_STEP, type Steps } from "./steps";
import { portIndex, upstreamOrder, wiresOn, type Graph, type GraphNode } from "./wires";

/** Request path ("loras.1.scale") → the node and field that produced it. */
export type SourceMap = Record<string, Source>;

/** What the walk of one output produced, before the request is checked as a whole. */
export interface Walked {
  request: Record<string, unknown>;
  /** Built on first call: most compiles (the CLI's, a run's) never read it. */
  sourceMap: () => SourceMap;
  endpoint: Endpoint;
  diagnostics: Diagnostic[];
  /** A node upstream could not contribute (unknown type, refused params, missing input, loop…). */
  broken: boolean;
  /** The nodes the output reaches, in walk order. */
  order: GraphNode[];
}

/** Walks the nodes upstream of `output` in order and collects their contributions, in steps. */
export function* walkOutput(output: GraphNode, graph: Graph): Steps<Walked> {
  const { order, onLoop, diagnostics } = upstreamOrder(output, graph);
  yield;
  const walk = new OutputWalk(graph, diagnostics);
  walk.broken = diagnostics.length > 0;
  for (let i = 0; i < order.length; i++) {
    walk.visit(order[i], onLoop);
    if (i % NODES_PER_STEP === NODES_PER_STEP - 1) yield;
  }
  const { request, endpoint, broken } = walk;
  return { request, sourceMap: walk.sourceMapBuilder(), endpoint, diagnostics, broken, order };
}

/**
 * What was written, and by whom, in the order it was written. Paths are only spelled out when
 * the sourceMap is read: a 10,000-node request has ~27,000 of them, and building them on every
 * compile was the largest part of its cost.
 */
type Written =
  { key: string; source: Source } | { list: string; index: number; nodeId: string; item: Record<string, unknown> };

class OutputWalk {
  readonly request: Record<string, unknown> = {};
  readonly #written: Written[] = [];
  endpoint: Endpoint = "fal-ai/lora";
  broken = false;
  /** Who set each top-level key, so a second node setting another value is a conflict. */
  readonly #setBy = new Map<string, Source>();
  /** The value each visited node emitted on each output port, by node index and then port position. */
  readonly #emitted: (Sourced | undefined)[][];

  constructor(
    readonly graph: Graph,
    readonly diagnostics: Diagnostic[],
  ) {
    this.#emitted = new Array(graph.nodes.length);
  }

  visit(node: GraphNode, onLoop: ReadonlySet<GraphNode>): void {
    const { def, paramsOk, bypassed } = node.checked;
    if (!def) {
      this.broken = true;
      return;
    }
    if (!paramsOk) this.broken = true;
    if (bypassed) return;
    this.#checkRequiredInputs(node, onLoop);
    if (!def.contribute || def.inert) return;
    try {
      def.contribute(new NodeContext(this, node) as never);
    } catch (err) {
      const message = `Compiler bug in ${def.title}: ${err instanceof Error ? err.message : String(err)}`;
      this.report(node.id, "error", "internal-error", message);
    }
  }

  report(nodeId: string, severity: Severity, code: DiagnosticCode, message: string, field?: string): void {
    this.diagnostics.push({ severity, code, message, nodeId, field });
    if (severity === "error") this.broken = true;
  }

  #checkRequiredInputs(node: GraphNode, onLoop: ReadonlySet<GraphNode>): void {
    const def = node.checked.def!;
    for (let at = 0; at < def.inputs.length; at++) {
      const port = def.inputs[at];
      if (!port.required || this.firstValueOn(node, at) !== undefined) continue;
      this.broken = true;
      const sources = wiresOn(node, at).map((w) => w.from);
      // A loop is already reported on each of its nodes; a second message here would mislead.
      if (sources.some((s) => onLoop.has(s))) continue;
      const unknown = sources.find((s) => !s.checked.def)?.checked.node;
      const { label } = node.checked.node;
      const message = unknown
        ? `"${port.label}" is wired to "${unknown.label || unknown.id}", whose type "${unknown.type}" is not in the catalogue`
        : sources.length > 0
          ? `"${port.label}" is wired to a node that is bypassed or produces nothing`
          : `${label || def.title} needs ${PORT_KIND_INFO[port.kind].noun} on "${port.label}"`;
      this.diagnostics.push({ severity: "error", code: "missing-input", message, nodeId: node.id, field: port.id });
    }
  }

  /** The values arriving on input `at` of a node, in wire order (wires carrying nothing are skipped). */
  valuesOn(node: GraphNode, at: number): Sourced[] {
    const values: Sourced[] = [];
    for (const wire of wiresOn(node, at)) {
      const value = this.#valueOf(wire.from, wire.port);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  /** The first value arriving on input `at` of a node. */
  firstValueOn(node: GraphNode, at: number): Sourced | undefined {
    for (const wire of wiresOn(node, at)) {
      const value = this.#valueOf(wire.from, wire.port);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  emit(node: GraphNode, port: number, value: Sourced): void {
    // Sized to the node's outputs: an empty [] would make room for 17 values on its first write.
    (this.#emitted[node.index] ??= new Array(node.checked.def!.outputs.length))[port] = value;
  }

  /** The value on a node's output port; a bypassed node passes on the first wire into its input of that kind. */
  #valueOf(node: GraphNode, port: number): Sourced | undefined {
    // Each step goes one node upstream, so more steps than nodes means a loop of bypassed nodes.
    for (let steps = 0; steps <= this.graph.nodes.length; steps++) {
      const { def, bypassed } = node.checked;
      if (!def || port < 0) return undefined;
      if (!bypassed) return this.#emitted[node.index]?.[port];
      const kind = def.outputs[port].kind;
      const through = def.inputs.findIndex((p) => p.kind === kind);
      const wire = through < 0 ? undefined : wiresOn(node, through)[0];
      if (!wire) return undefined;
      node = wire.from;
      port = wire.port;
    }
    return undefined;
  }

  /** Sets a top-level request field, unless another node already set it to something else. */
  set(key: string, value: unknown, source: Source, options: SetOptions | undefined): void {
    const previous = this.#setBy.get(key);
    if (previous && previous.nodeId !== source.nodeId && !sameJson(this.request[key], value)) {
      // Blame the two nodes whose values disagree (for a shared encoder: the two encoder nodes).
      const code = options?.conflict?.code ?? "field-conflict";
      const message = options?.conflict?.message ?? `"${key}" is set by two nodes with different values`;
      for (const s of [source, previous]) {
        this.diagnostics.push({ severity: "error", code, message, nodeId: s.nodeId, field: s.field, path: key });
      }
      this.broken = true;
      return;
    }
    this.request[key] = value;
    this.#setBy.set(key, source);
    this.#written.push({ key, source });
  }

  /** Appends an item to a request list; values left undefined are dropped. Returns its index. */
  append(nodeId: string, list: string, item: Record<string, unknown>): number {
    if (!Array.isArray(this.request[list])) {
      this.request[list] = [];
      this.#written.push({ key: list, source: { nodeId } });
    }
    const items = this.request[list] as unknown[];
    const index = items.length;
    const clean: Record<string, unknown> = {};
    for (const key in item) {
      if (!Object.prototype.hasOwnProperty.call(item, key)) continue;
      const raw = item[key];
      const value = raw instanceof Sourced ? raw.value : raw;
      if (value !== undefined) clean[key] = value;
    }
    items.push(clean);
    this.#written.push({ list, index, nodeId, item });
    return index;
  }

  /**
   * Request path → source for everything written (later writes to a path win), built on first call.
   * Holds on to what was written only, not the graph, so a kept result keeps little alive.
   */
  sourceMapBuilder(): () => SourceMap {
    const written = this.#written;
    let built: SourceMap | undefined;
    return () => (built ??= buildSourceMap(written));
  }
}

function buildSourceMap(written: readonly Written[]): SourceMap {
  const map: SourceMap = {};
  for (const w of written) {
    if ("key" in w) {
      map[w.key] = w.source;
      continue;
    }
    const prefix = `${w.list}.${w.index}`;
    map[prefix] = { nodeId: w.nodeId };
    // The same fields that append() copied into the request.
    for (const key in w.item) {
      if (!Object.prototype.hasOwnProperty.call(w.item, key)) continue;
      const raw = w.item[key];
      if (raw instanceof Sourced) {
        if (raw.value !== undefined) map[`${prefix}.${key}`] = raw.source;
      } else if (raw !== undefined) map[`${prefix}.${key}`] = { nodeId: w.nodeId, field: key };
    }
  }
  return map;
}

/** What one node's contribute() sees: its params, its inputs' values, and the request being built. */
class NodeContext implements ContributeContext<Record<string, unknown>> {
  readonly nodeId: string;
  readonly params: Record<string, unknown>;

  constructor(
    private readonly walk: OutputWalk,
    private readonly node: GraphNode,
  ) {
    this.nodeId = node.id;
    this.params = node.checked.params;
  }

  input<T = unknown>(port: string): Sourced<T> | undefined {
    const at = portIndex(this.node.checked.def, "inputs", port);
    return at < 0 ? undefined : (this.walk.firstValueOn(this.node, at) as Sourced<T> | undefined);
  }

  inputs<T = unknown>(port: string): Sourced<T>[] {
    const at = portIndex(this.node.checked.def, "inputs", port);
    return at < 0 ? [] : (this.walk.valuesOn(this.node, at) as Sourced<T>[]);
  }

  emit(port: string, value: unknown, field?: string): void {
    const at = portIndex(this.node.checked.def, "outputs", port);
    if (at < 0) return; // not a declared output: nothing can be wired to it
    const sourced = value instanceof Sourced ? value : new Sourced(value, { nodeId: this.nodeId, field });
    this.walk.emit(this.node, at, sourced);
  }

  set(key: string, value: unknown, options?: SetOptions): void {
    const plain = value instanceof Sourced ? value.value : value;
    if (plain === undefined) return;
    const source = value instanceof Sourced ? value.source : { nodeId: this.nodeId, field: key };
    this.walk.set(key, plain, source, options);
  }

  append(list: string, item: Record<string, unknown>): number {
    return this.walk.append(this.nodeId, list, item);
  }

  setEndpoint(endpoint: Endpoint): void {
    this.walk.endpoint = endpoint;
  }

  report(severity: Severity, code: DiagnosticCode, message: string, field?: string): void {
    this.walk.report(this.nodeId, severity, code, message, field);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
