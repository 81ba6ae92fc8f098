/**
 * The compiler: a workflow document in, one fal request per Sampler output out, each with a
 * sourceMap back to the nodes, and diagnostics instead of exceptions. docs/compiler.md states what
 * it guarantees (walk order, diagnostic codes, the sourceMap, conflicts).
 *
 * A compile runs in steps that take data in and return data out:
 *   1. nodeChecks.ts: every node's params checked against its definition;
 *   2. wires.ts: every wire checked and attached to the input it feeds;
 *   3. walk.ts: per output, the upstream nodes walked in order, each contributing to the request;
 *   4. here: rules spanning nodes, teaching warnings, the size limit and fal's schema.
 */
import {
  hasErrors,
  type Diagnostic,
  type Endpoint,
  type Registry,
  type Severity,
  type Source,
  type WorkflowDocument,
} from "../graph";
import { compileThroughComponents } from "./components";
import { familyDiagnostics } from "./families";
import { NodeChecks } from "./nodeChecks";
import { finish, type Steps } from "./steps";
import { checkRequestSize } from "./requestSize";
import { teachingWarnings } from "./teaching";
import { walkOutput, type SourceMap, type Walked } from "./walk";
import { attachWires, type Graph, type GraphNode } from "./wires";

export type { SourceMap } from "./walk";

export interface CompiledOutput {
  /** The Sampler output node id. */
  output: string;
  endpoint: Endpoint;
  /** True when there are no errors; `input` is then present and passes the request schema. */
  ok: boolean;
  input?: Record<string, unknown>;
  /**
   * When not ok: what the nodes that could contribute wrote, never to be sent. The request view
   * shows it with the failing fields marked, so an error does not hide the whole request.
   */
  partial?: Record<string, unknown>;
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

export interface Compiler {
  /**
   * Compiles every Sampler output of a workflow into one fal request each. Pure in effect: the
   * same document gives the same result whatever was compiled before; `doc` is never changed.
   */
  compile(doc: WorkflowDocument, registry: Registry): CompileResult;
  /**
   * The same compile a piece at a time (see steps.ts): each `next()` checks or walks a few hundred
   * nodes, or checks one request whole; the last returns what `compile` would. Other compiles may
   * run between two steps.
   */
  compileInSteps(doc: WorkflowDocument, registry: Registry): Steps<CompileResult>;
}

/**
 * A compiler that remembers its last compile's checked nodes, so recompiling after an edit
 * checks only the nodes that changed (the editor recompiles on every keystroke). Hold one per
 * editor, CLI run or sweep; two instances share nothing.
 *
 * @example
 * const compiler = createCompiler({ validator: falValidator });
 * const { outputs } = compiler.compile(doc, registry);
 * if (outputs[0].ok) submit(outputs[0].endpoint, outputs[0].input);
 */
export function createCompiler(options: CompileOptions = {}): Compiler {
  const checks = new NodeChecks();
  const compileInSteps = (doc: WorkflowDocument, registry: Registry) =>
    compileThroughComponents(doc, registry, (flat) => compileDocument(flat, registry, checks, options.validator));
  return { compile: (doc, registry) => finish(compileInSteps(doc, registry)), compileInSteps };
}

/** A one-shot compile with a fresh compiler (nothing remembered). Never throws on user data. */
export function compile(doc: WorkflowDocument, registry: Registry, options: CompileOptions = {}): CompileResult {
  return createCompiler(options).compile(doc, registry);
}

function* compileDocument(
  doc: WorkflowDocument,
  registry: Registry,
  checks: NodeChecks,
  validator: RequestValidator | undefined,
): Steps<CompileResult> {
  const docDiagnostics: Diagnostic[] = [];
  const graph = yield* checks.checkAllInSteps(doc.nodes, registry, docDiagnostics);
  attachWires(graph, doc.edges, docDiagnostics);
  yield;
  const compiled: Compiled[] = [];
  for (const n of graph.nodes) if (n.checked.def?.isOutput) compiled.push(yield* compileOutput(n, graph, validator));
  if (compiled.length === 0 && doc.nodes.some((n) => !registry.get(n.type)?.inert)) {
    const message = "Add a Sampler output node: nothing is compiled without one";
    docDiagnostics.push({ severity: "warning", code: "no-output", message });
  }
  // Document-level errors (bad wires, refused params, unknown types) concern every output that reaches them.
  const docErrors = docDiagnostics.filter((d) => d.severity === "error" && d.nodeId !== undefined);
  for (const { output, reached, built } of compiled) {
    if (docErrors.length > 0) {
      // Each output lists the errors that concern it, so its count and first cause are real.
      const ids = new Set(reached.map((n) => n.id));
      const mine = docErrors.filter((d) => ids.has(d.nodeId!) && !output.diagnostics.includes(d));
      if (mine.length > 0) {
        output.ok = false;
        output.diagnostics = [...mine, ...output.diagnostics];
      }
    }
    if (!output.ok) {
      delete output.input;
      output.partial = built;
    }
  }
  const outputs = compiled.map((c) => c.output);
  return { outputs, diagnostics: eachOnce([...docDiagnostics, ...outputs.flatMap((o) => o.diagnostics)]) };
}

function eachOnce(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}|${d.code}|${d.nodeId ?? ""}|${d.field ?? ""}|${d.edgeId ?? ""}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Compiled = { output: CompiledOutput; reached: GraphNode[]; built: Record<string, unknown> };

/** One output's request, checked as a whole; `reached` holds the nodes it walked. */
function* compileOutput(outputNode: GraphNode, graph: Graph, validator: RequestValidator | undefined): Steps<Compiled> {
  const outputId = outputNode.id;
  const walked = yield* walkOutput(outputNode, graph);
  yield;
  const { request, sourceMap, endpoint, diagnostics } = walked;
  const ruleErrorPaths = applyRequestRules(request, sourceMap, diagnostics);
  const families = familyDiagnostics(walked.order);
  diagnostics.push(...families.diagnostics);
  // A file's header says more than its name: no name-based guess for the nodes it decided.
  for (const d of teachingWarnings(request, sourceMap))
    if (!(d.code === "model-family-mismatch" && d.nodeId && families.judged.has(d.nodeId))) diagnostics.push(d);
  yield;
  if (!walked.broken) diagnostics.push(...checkRequestSize(request, sourceMap, outputId));
  yield;
  const input = checkAgainstSchema(walked, outputId, validator, ruleErrorPaths);
  const ok = !walked.broken && !hasErrors(diagnostics);
  const output: CompiledOutput = {
    output: outputId,
    endpoint,
    ok,
    input: ok ? input : undefined,
    get sourceMap() {
      return sourceMap();
    },
    diagnostics,
  };
  return { output, reached: walked.order, built: input };
}

/**
 * The request in the validator's key order, with the validator's problems added to the walk's
 * diagnostics, each on the node behind its path. Paths a request rule already explained in the
 * graph's own terms are skipped, so the schema's wording does not repeat it.
 */
function checkAgainstSchema(
  { request, sourceMap, endpoint, diagnostics, broken }: Walked,
  outputId: string,
  validator: RequestValidator | undefined,
  explained: readonly string[],
): Record<string, unknown> {
  let ordered = request;
  let problems: ReturnType<RequestValidator["validate"]> = [];
  try {
    ordered = orderKeys(request, validator?.keyOrder?.(endpoint));
    if (validator && !broken) problems = validator.validate(endpoint, ordered);
  } catch (err) {
    const message = `Compiler bug while checking the request: ${err instanceof Error ? err.message : String(err)}`;
    diagnostics.push({ severity: "error", code: "internal-error", message, nodeId: outputId });
  }
  for (const { path, message, severity } of problems) {
    const joined = path.join(".");
    if (explained.some((p) => joined === p || joined.startsWith(`${p}.`))) continue;
    const src = lookupSource(sourceMap(), path) ?? { nodeId: outputId };
    const code = severity === "error" ? "request-invalid" : "param-out-of-confirmed-range";
    diagnostics.push({ severity, code, message, nodeId: src.nodeId, field: src.field, path: joined });
  }
  return ordered;
}

/**
 * Rules that span nodes and that the graph can explain better than the request schema can.
 * Returns the request paths that got an error, so schema problems there are not repeated.
 */
function applyRequestRules(
  request: Record<string, unknown>,
  sourceMap: () => SourceMap,
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
      nodeId: sourceMap()[path]?.nodeId,
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
      nodeId: sourceMap()[`embeddings.${i}.tokens`]?.nodeId ?? sourceMap()[`embeddings.${i}`]?.nodeId,
      field: "tokens",
      path: `embeddings.${i}.tokens`,
    });
  });
  return errorPaths;
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
