/**
 * Step 1 of a compile: each node's params checked against its definition, with the diagnostics
 * that go with them. A compiler instance remembers the last compile's results (see NodeChecks).
 */
import {
  fastCheckOf,
  type Diagnostic,
  type FastCheck,
  type NodeDefinition,
  type ParamSpec,
  type Registry,
  type Severity,
  type WorkflowNode,
} from "../graph";
import { finish, NODES_PER_STEP, type Steps } from "./steps";
import type { Graph, GraphNode, Wire } from "./wires";

/** A node as the rest of the compile sees it. */
export interface CheckedNode {
  node: WorkflowNode;
  /** Undefined for a type the registry does not know. */
  def: NodeDefinition | undefined;
  /** Switched off: it sends nothing and passes its input through. An output node is never bypassed. */
  bypassed: boolean;
  /** The definition's params that have a value, as checked; unknown keys and nulls are left out. */
  params: Record<string, unknown>;
  /** False when a param is missing or refused (never for a bypassed node: its problems are warnings). */
  paramsOk: boolean;
  diagnostics: readonly Diagnostic[];
  /**
   * The raw value of each of the definition's params when checked, by key. Usually `params`
   * itself: when every value was taken as given, `params` holds exactly them (see checkNode).
   */
  checkedAs: Readonly<Record<string, unknown>>;
}

/** A definition's params, in order, each with the fast check of its schema (looked up once per definition). */
type ParamTable = readonly { key: string; spec: ParamSpec; fast: FastCheck | undefined }[];

export function paramTable(def: NodeDefinition): ParamTable {
  return Object.entries(def.params).map(([key, spec]) => ({ key, spec, fast: fastCheckOf(spec.schema) }));
}

/**
 * Checks one node's params. A value passing the schema's fast check (src/graph/fastCheck.ts) is
 * taken as is; anything else goes through zod, which also words the problem.
 */
export function checkNode(node: WorkflowNode, def: NodeDefinition | undefined, table: ParamTable): CheckedNode {
  const bypassed = node.bypass === true && !def?.isOutput;
  if (!def) {
    const message = `Unknown node type "${node.type}": this catalogue has no such node`;
    const diagnostics: Diagnostic[] = [{ severity: "error", code: "unknown-node-type", message, nodeId: node.id }];
    return { node, def, bypassed, params: {}, paramsOk: false, diagnostics, checkedAs: {} };
  }
  // A bypassed node sends nothing, so its params cannot make a request invalid; they are still
  // flagged, as warnings, so switching it back on holds no surprise.
  const severity: Severity = bypassed ? "warning" : "error";
  const whileBypassed = bypassed ? " (ignored while bypassed)" : "";
  let diagnostics: Diagnostic[] | undefined; // made for the first problem: most nodes have none
  const params: Record<string, unknown> = {};
  let paramsOk = true;
  // Whether `params` holds every raw value as given (nulls and absent keys aside).
  let asGiven = true;
  for (const { key, spec, fast } of table) {
    const value = rawParam(node, key);
    let problem: string | undefined;
    if (value === undefined || value === null) {
      if (spec.required) problem = "is required";
    } else if (fast?.(value)) {
      params[key] = value;
    } else {
      const r = spec.schema.safeParse(value);
      if (r.success) params[key] = r.data;
      else problem = issueText(r.error.issues[0]);
      asGiven &&= r.success && r.data === value;
    }
    if (problem) {
      const message = `${spec.label} ${problem}${whileBypassed}`;
      (diagnostics ??= []).push({ severity, code: "invalid-param", message, nodeId: node.id, field: key });
      paramsOk = bypassed;
      continue;
    }
    const warning = outsideConfirmedRange(spec, params[key]);
    if (warning) {
      const code = "param-out-of-confirmed-range";
      (diagnostics ??= []).push({ severity: "warning", code, message: warning, nodeId: node.id, field: key });
    }
  }
  // A second copy of the values only when `params` differs from them (a refused or reshaped value).
  const checkedAs = asGiven ? params : rawParams(node, table);
  return { node, def, bypassed, params, paramsOk, diagnostics: diagnostics ?? NONE, checkedAs };
}

/** The diagnostics of every node without a problem (not frozen: see NO_WIRES in wires.ts). */
const NONE: readonly Diagnostic[] = [];

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** A param's value as the file has it (own keys only: a file's "__proto__" or "toString" is no param). */
function rawParam(node: WorkflowNode, key: string): unknown {
  return ownValue(node.params, key);
}

function ownValue(o: Readonly<Record<string, unknown>> | null | undefined, key: string): unknown {
  return o != null && hasOwn(o, key) ? o[key] : undefined;
}

/** The raw value of each param of the table, by key (absent ones left out). */
function rawParams(node: WorkflowNode, table: ParamTable): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const { key } of table) {
    const value = rawParam(node, key);
    if (value !== undefined) raw[key] = value;
  }
  return raw;
}

/** zod's message as the tail of "<Label> …": its own wording when it reads as one ("must be…"). */
function issueText(issue: { message: string } | undefined): string {
  if (!issue) return "is invalid";
  return /^(must|is|should|needs)\b/.test(issue.message) ? issue.message : `is invalid: ${issue.message}`;
}

/** A warning when a number is outside the range fal is known to accept, but may still accept. */
function outsideConfirmedRange(spec: ParamSpec, value: unknown): string | undefined {
  const range = spec.unconfirmedRange;
  if (!range || typeof value !== "number") return undefined;
  if ((range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max)) return;
  return `${spec.label} ${value} is outside ${range.min ?? "−∞"}–${range.max ?? "∞"}, the range ${range.source}; fal may still accept it`;
}

/**
 * Checks the nodes of a document, remembering the last compile's results by node id. The editor
 * recompiles on every keystroke and immer keeps every unchanged node object, so only the edited
 * node is checked again. A remembered result is used only for the same node object with the same
 * definition, bypass flag and param values (a caller may have changed a value in place).
 */
export class NodeChecks {
  #last: ReadonlyMap<string, GraphNode> = new Map();
  readonly #tables = new WeakMap<NodeDefinition, ParamTable>();

  /**
   * The document's nodes, checked, in order and by id, with no wires yet. A node whose id was
   * already seen is reported and left out. Diagnostics are fresh objects on every call.
   */
  checkAll(nodes: readonly WorkflowNode[], registry: Registry, diagnostics: Diagnostic[]): Graph {
    return finish(this.checkAllInSteps(nodes, registry, diagnostics));
  }

  /** checkAll, yielding every NODES_PER_STEP nodes. */
  *checkAllInSteps(nodes: readonly WorkflowNode[], registry: Registry, diagnostics: Diagnostic[]): Steps<Graph> {
    const graph: Graph = { nodes: [], byId: new Map() };
    for (let i = 0; i < nodes.length; i++) {
      if (i % NODES_PER_STEP === NODES_PER_STEP - 1) yield;
      const node = nodes[i];
      if (graph.byId.has(node.id)) {
        const message = `Two nodes share the id "${node.id}"`;
        diagnostics.push({ severity: "error", code: "invalid-edge", message, nodeId: node.id });
        continue;
      }
      const def = registry.get(node.type);
      const last = this.#last.get(node.id)?.checked;
      const checked = last && isCurrent(last, node, def) ? last : checkNode(node, def, this.#tableOf(def));
      const inputs = new Array<Wire[] | undefined>(def?.inputs.length ?? 0);
      const entry: GraphNode = { id: node.id, index: graph.nodes.length, checked, inputs };
      graph.nodes.push(entry);
      graph.byId.set(node.id, entry);
      for (const d of checked.diagnostics) diagnostics.push({ ...d });
    }
    // Nodes gone from the document are forgotten with the last compile.
    this.#last = graph.byId;
    return graph;
  }

  #tableOf(def: NodeDefinition | undefined): ParamTable {
    if (!def) return [];
    let table = this.#tables.get(def);
    if (!table) this.#tables.set(def, (table = paramTable(def)));
    return table;
  }
}

/** Whether a remembered check still holds for this node. */
function isCurrent(last: CheckedNode, node: WorkflowNode, def: NodeDefinition | undefined): boolean {
  if (last.node !== node || last.def !== def || last.bypassed !== (node.bypass === true && !def?.isOutput))
    return false;
  for (const key in def?.params ?? {}) {
    const now = rawParam(node, key);
    const then = ownValue(last.checkedAs, key);
    // null and absent are checked alike (a missing value), so either may stand for the other.
    if (now == null ? then != null : now !== then) return false;
  }
  return true;
}
