/**
 * Loading and saving workflow files. Files are untrusted input
 * (docs/reliability-cases.md#untrusted-files): loading never throws, never hangs and never lets a key
 * like `__proto__` reach an object.
 *
 * Load policy (InvokeAI's "repair with warnings" where nothing the user made is lost, "reject"
 * where the file cannot be trusted to mean what it says):
 * - not JSON, too big, too deep, too many nodes/edges/groups, not our format, newer version → rejected;
 * - a node that breaks the schema (missing id, wrong type of field…) → rejected, with the path
 *   and the node id, because dropping a node silently loses work;
 * - duplicate node ids → rejected (edges could not say which node they mean);
 * - unknown node types → KEPT with a warning, wires included; the compiler reports them;
 * - params that fail a node's param schema → KEPT; the compiler reports them with node + field;
 * - a node position that is not two finite numbers → reset to 0 with a warning;
 * - an unusable viewport → dropped with a warning;
 * - an edge that is malformed, duplicates an id, points at a missing node or port, or fails
 *   `canConnect` (type mismatch, second wire into a single input, cycle, self-link) → DROPPED
 *   with a warning naming the edge id and the reason;
 * - malformed reroute points on a wire → dropped with a warning, the wire kept; a malformed group
 *   (or one repeating an id) → dropped with a warning, its nodes kept; too many groups → rejected;
 * - fields we do not know → ignored with a warning.
 */
import type { z } from "./zodMini";
import {
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type ComponentDefinition,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowGroup,
  type WorkflowNode,
} from "./document";
import type { Registry } from "./registry";
import {
  analyzeComponents,
  componentKey,
  componentRegistry,
  DEFAULT_COMPONENT_LIMITS,
  indexComponents,
  instanceRef,
  type ComponentLimits,
} from "./components";
import { canConnect } from "./canConnect";
import { IssueList, jsonPath, quote, type LoadIssue, type PathSegment } from "./loadIssues";
import { DEFAULT_JSON_LIMITS, formatBytes, parseJsonSafely, toSafeTree, type SafeJsonResult } from "./safeJson";
import {
  DOCUMENT_SCHEMAS,
  isKnownVersion,
  rerouteListSchema,
  workflowDocumentSchema,
  workflowGroupSchema,
  type DocumentVersion,
} from "./workflowSchema";
import { migrateDocument, migrateNodes } from "./migrations";
import { sortedCopy } from "./canonical";

export { workflowDocumentSchema, workflowJsonSchema } from "./workflowSchema";
export type { LoadIssue, LoadIssueCode } from "./loadIssues";
export { LOAD_ISSUE_CODES, jsonPath } from "./loadIssues";
export {
  DOCUMENT_MIGRATIONS,
  migrateV1ToV2,
  migrateV3ToV4,
  migrateDocument,
  migrateNodes,
  migrateNodeParams,
  applyNodeMigration,
  migrateWorkflow,
  type DocumentMigration,
  type NodeMigrationResult,
} from "./migrations";
export {
  workflowV1Schema,
  workflowV3Schema,
  workflowGroupSchema,
  MAX_REROUTES_PER_WIRE,
  rerouteListSchema,
  MAX_GROUP_TITLE,
  type WorkflowV1,
  type WorkflowV3,
} from "./workflowSchema";
// The same guarded reading suits any untrusted JSON (e.g. an imported fal request).
export { parseJsonSafely, toSafeTree, DEFAULT_JSON_LIMITS, type JsonLimits, type SafeJsonResult } from "./safeJson";

export interface LoadLimits extends ComponentLimits {
  /** Bytes (UTF-8) of the file; default 20 MB. */
  maxBytes: number;
  /** Nesting of arrays and objects; default 64. */
  maxDepth: number;
  /** Default 5,000. */
  maxNodes: number;
  /** Default 10,000. */
  maxEdges: number;
  /** Default 1,000. */
  maxGroups: number;
  /** Issues listed before the rest are summarised; default 100. */
  maxIssues: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  ...DEFAULT_JSON_LIMITS,
  ...DEFAULT_COMPONENT_LIMITS,
  maxNodes: 5_000,
  maxEdges: 10_000,
  maxGroups: 1_000,
};

export type LoadOptions = Partial<LoadLimits> & {
  /**
   * Definitions to use for instances whose definition the file does not carry (a workspace's
   * library); the ones used are copied into the document, so it carries them from then on.
   */
  library?: readonly ComponentDefinition[];
};

export type LoadResult =
  | {
      ok: true;
      document: WorkflowDocument;
      warnings: LoadIssue[];
      /** The version the file was written in (before migration). */
      fromVersion: number;
    }
  | { ok: false; errors: LoadIssue[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function rejected(issue: LoadIssue): LoadResult {
  return { ok: false, errors: [issue] };
}

function describeValue(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/**
 * Reads a workflow file: a JSON string, the file's bytes (Uint8Array / ArrayBuffer), or an
 * already-parsed value. Checks, migrates and repairs it as described at the top of this module.
 * Never throws.
 *
 * @example
 * const r = loadWorkflow(text, registry);
 * // r.errors, e.g. [{ code: "json-syntax", path: "$",
 * //   message: "Not a valid pipeline file (JSON error at line 3, column 5: trailing comma)" }]
 * if (!r.ok) showErrors(r.errors);
 * else { setDocument(r.document); showWarnings(r.warnings); }
 */
export function loadWorkflow(input: unknown, registry: Registry, options: LoadOptions = {}): LoadResult {
  const limits: LoadLimits = { ...DEFAULT_LOAD_LIMITS, ...options };
  return guarded(() => {
    let tree: SafeJsonResult;
    if (typeof input === "string") tree = parseJsonSafely(input, limits);
    else if (input instanceof Uint8Array) tree = parseJsonSafely(input, limits);
    else if (input instanceof ArrayBuffer) tree = parseJsonSafely(new Uint8Array(input), limits);
    else if (ArrayBuffer.isView(input))
      tree = parseJsonSafely(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), limits);
    else tree = toSafeTree(input, limits);
    return fromTree(tree, registry, limits, options.library);
  });
}

/**
 * `loadWorkflow` of what `parseJsonSafely` already gave for the file (with `DEFAULT_JSON_LIMITS`,
 * or this call's own JSON limits): the import door's detection parsed it, and the loader worker
 * parsed a dropped file twice. The tree is taken over (repaired in place).
 */
export function loadParsedWorkflow(tree: SafeJsonResult, registry: Registry, options: LoadOptions = {}): LoadResult {
  const limits: LoadLimits = { ...DEFAULT_LOAD_LIMITS, ...options };
  return guarded(() => fromTree(tree, registry, limits, options.library));
}

function fromTree(
  tree: SafeJsonResult,
  registry: Registry,
  limits: LoadLimits,
  library: readonly ComponentDefinition[] | undefined,
): LoadResult {
  if (!tree.ok) return { ok: false, errors: tree.errors };
  const warnings = new IssueList(limits.maxIssues);
  for (const w of tree.warnings) warnings.add(w);
  return loadTree(tree.value, registry, limits, warnings, library);
}

/** `load()`, or the reason it threw, as an answer: never an exception. */
function guarded(load: () => LoadResult): LoadResult {
  try {
    return load();
  } catch (e) {
    // A throwing getter or Proxy in an object input, or a bug here: still an answer, never an exception.
    return rejected({
      code: "internal-error",
      path: "$",
      message: `Could not read the workflow: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    });
  }
}

/**
 * Reads a File/Blob, refusing it by its size before reading a byte (IMP-05).
 */
export async function loadWorkflowBlob(
  blob: { size: number; arrayBuffer(): Promise<ArrayBuffer> },
  registry: Registry,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_LOAD_LIMITS.maxBytes;
  if (blob.size > maxBytes) {
    return rejected({
      code: "too-large",
      path: "$",
      message: `Not a valid pipeline file: the file is too large (${formatBytes(blob.size)}; the limit is ${formatBytes(maxBytes)})`,
    });
  }
  let bytes: ArrayBuffer;
  try {
    bytes = await blob.arrayBuffer();
  } catch (e) {
    return rejected({
      code: "internal-error",
      path: "$",
      message: `Could not read the file: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  return loadWorkflow(bytes, registry, options);
}

/** Why `root` is not a lora-graph workflow (another tool's file, or no format), or null when it is one. */
function formatIssue(root: Obj): LoadIssue | null {
  if (root.format === WORKFLOW_FORMAT) return null;
  if ("model_name" in root && "prompt" in root)
    return {
      code: "fal-request",
      path: "$",
      message: "Not a lora-graph workflow: this looks like a fal-ai/lora request; use Import request",
    };
  if ("last_node_id" in root || ("links" in root && "nodes" in root))
    return {
      code: "not-a-workflow",
      path: "$",
      message: "Not a lora-graph workflow: this looks like a ComfyUI workflow, which lora-graph cannot read",
    };
  return {
    code: "not-a-workflow",
    path: "$.format",
    field: "format",
    message:
      root.format === undefined
        ? `Not a lora-graph workflow: it has no "format": "${WORKFLOW_FORMAT}" field`
        : `Not a lora-graph workflow: its format is ${describeValue(root.format)}, not "${WORKFLOW_FORMAT}"`,
  };
}

/** Why this app cannot read file version `v`, or null when it can. */
function versionIssue(v: unknown): LoadIssue | null {
  const at = { path: "$.version", field: "version" } as const;
  if (typeof v !== "number" || !Number.isInteger(v))
    return {
      code: "bad-version",
      ...at,
      message: `The file's version is ${describeValue(v)}; expected a whole number`,
    };
  if (v > WORKFLOW_VERSION)
    return {
      code: "newer-version",
      ...at,
      message: `This file was made with a newer version of lora-graph (file version ${v}, this app reads up to ${WORKFLOW_VERSION})`,
    };
  if (!isKnownVersion(v))
    return {
      code: "bad-version",
      ...at,
      message: `Unknown file version ${v} (this app reads versions 1 to ${WORKFLOW_VERSION})`,
    };
  return null;
}

/** The lists over their limits, each named with its count. */
function sizeIssues(root: Obj, limits: LoadLimits): LoadIssue[] {
  const lists = [
    ["nodes", "nodes", limits.maxNodes, "too-many-nodes"],
    ["edges", "wires", limits.maxEdges, "too-many-edges"],
    ["groups", "groups", limits.maxGroups, "too-many-groups"],
  ] as const;
  return lists.flatMap(([key, noun, max, code]): LoadIssue[] => {
    const list = root[key];
    return Array.isArray(list) && list.length > max
      ? [{ code, path: `$.${key}`, message: `The workflow has ${list.length} ${noun}; the limit is ${max}` }]
      : [];
  });
}

function checkHeader(
  root: unknown,
  limits: LoadLimits,
): { ok: true; root: Obj; version: DocumentVersion } | { ok: false; errors: LoadIssue[] } {
  if (!isObj(root)) {
    const message = `Not a lora-graph workflow: the file holds ${describeValue(root)}, not an object`;
    return { ok: false, errors: [{ code: "not-a-workflow", path: "$", message }] };
  }
  const wrong = formatIssue(root) ?? versionIssue(root.version);
  if (wrong) return { ok: false, errors: [wrong] };
  const errors = sizeIssues(root, limits);
  if (errors.length) return { ok: false, errors };
  return { ok: true, root, version: root.version as DocumentVersion };
}

function nodeIdAt(root: Obj, index: number): string | undefined {
  const n = Array.isArray(root.nodes) ? root.nodes[index] : undefined;
  return isObj(n) && typeof n.id === "string" ? n.id : undefined;
}

function zodIssueText(issue: z.core.$ZodIssue): string {
  const msg = issue.message.replace(/^Invalid input: /, "");
  const m = /^expected (.+), received undefined$/.exec(msg);
  return m ? `is missing (expected ${m[1]})` : msg;
}

/** Turns zod issues on the document into LoadIssues that name the node and field. */
function structureIssues(issues: readonly z.core.$ZodIssue[], root: Obj, prefix: PathSegment[] = []): LoadIssue[] {
  return issues.map((issue) => {
    const segs = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))] as PathSegment[];
    const path = jsonPath(segs);
    const text = zodIssueText(issue);
    if (segs[0] === "nodes" && typeof segs[1] === "number") {
      const nodeId = nodeIdAt(root, segs[1]);
      const field = segs.slice(2).join(".") || undefined;
      const who = nodeId !== undefined ? `node ${quote(nodeId)}` : `nodes[${segs[1]}]`;
      return {
        code: "invalid-structure",
        path,
        nodeId,
        field: typeof segs[2] === "string" ? segs[2] : undefined,
        message: `${who} › ${field ?? "(the node)"}: ${text}`,
      };
    }
    return { code: "invalid-structure", path, message: `${segs.length ? segs.join(".") : "the file"}: ${text}` };
  });
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Positions that are not two finite numbers become 0 (the node is kept where the user can find it). */
function repairPositions(root: Obj, warnings: IssueList): void {
  if (!Array.isArray(root.nodes)) return;
  root.nodes.forEach((n, i) => {
    if (!isObj(n)) return;
    const pos = n.position;
    if (isObj(pos) && finite(pos.x) && finite(pos.y)) {
      // -0 + 0 is 0: JSON would write it as 0 anyway.
      n.position = { x: pos.x + 0, y: pos.y + 0 };
      return;
    }
    const x = isObj(pos) && finite(pos.x) ? pos.x : 0;
    const y = isObj(pos) && finite(pos.y) ? pos.y : 0;
    const nodeId = typeof n.id === "string" ? n.id : undefined;
    const what = !isObj(pos)
      ? `is ${describeValue(pos)}`
      : `has x = ${describeValue(pos.x)}, y = ${describeValue(pos.y)}`;
    warnings.add({
      code: "invalid-position",
      path: jsonPath(["nodes", i, "position"]),
      nodeId,
      field: "position",
      message: `${nodeId !== undefined ? `node ${quote(nodeId)}` : `nodes[${i}]`} › position ${what}, not two finite numbers; placed it at (${x}, ${y})`,
    });
    n.position = { x, y };
  });
}

/**
 * Params holding Infinity or NaN (a document given as an object, or 1e309 in a file) cannot be
 * saved: JSON would silently write null at the next save. Clear them now, as null, and say where,
 * so what the user sees is what will be saved.
 */
function repairNonFiniteParams(root: Obj, warnings: IssueList): void {
  if (!Array.isArray(root.nodes)) return;
  root.nodes.forEach((n, i) => {
    if (!isObj(n) || !isObj(n.params)) return;
    const params = n.params;
    const nodeId = typeof n.id === "string" ? n.id : undefined;
    for (const key of Object.keys(params)) {
      let found: number | undefined;
      const stack: { holder: Record<string | number, unknown>; k: string | number }[] = [{ holder: params, k: key }];
      while (stack.length) {
        const { holder, k } = stack.pop()!;
        const v = holder[k];
        if (typeof v === "number" && !Number.isFinite(v)) {
          found ??= v;
          holder[k] = null;
        } else if (Object.is(v, -0)) {
          // JSON writes -0 as 0: make it 0 now, so a saved file loads back equal (no warning: same value).
          holder[k] = 0;
        } else if (Array.isArray(v))
          v.forEach((_, j) => stack.push({ holder: v as unknown as Record<number, unknown>, k: j }));
        else if (isObj(v)) for (const kk of Object.keys(v)) stack.push({ holder: v, k: kk });
      }
      if (found === undefined) continue;
      const path = jsonPath(["nodes", i, "params", key]);
      warnings.add({
        code: "non-finite-number",
        path,
        nodeId,
        field: key,
        message: `${nodeId !== undefined ? `node ${quote(nodeId)}` : `nodes[${i}]`} › ${key} held ${found}, which a workflow file cannot store; cleared it`,
      });
    }
  });
}

function repairViewport(root: Obj, warnings: IssueList): void {
  if (root.viewport === undefined) return;
  const r = workflowDocumentSchema.shape.viewport.safeParse(root.viewport);
  if (r.success) return;
  warnings.add({
    code: "invalid-viewport",
    path: "$.viewport",
    message: `The saved view (${zodIssueText(r.error.issues[0])}) was unusable and is reset`,
  });
  delete root.viewport;
}

/**
 * Reroute points are drawing, not wiring: malformed ones are dropped with a warning and the wire
 * is kept, where a malformed wire would be dropped whole.
 */
function repairReroutes(root: Obj, warnings: IssueList): void {
  if (!Array.isArray(root.edges)) return;
  root.edges.forEach((e, i) => {
    if (!isObj(e) || e.reroutes === undefined) return;
    const r = rerouteListSchema.safeParse(e.reroutes);
    if (r.success) {
      e.reroutes = r.data.map((p) => ({ x: p.x + 0, y: p.y + 0 }));
      return;
    }
    const first = r.error.issues[0];
    const edgeId = typeof e.id === "string" ? e.id : undefined;
    warnings.add({
      code: "invalid-reroutes",
      path: jsonPath(["edges", i, "reroutes", ...(first.path as PathSegment[])]),
      edgeId,
      field: "reroutes",
      message: `Wire ${edgeId !== undefined ? quote(edgeId) : `edges[${i}]`} › reroutes${first.path.length ? `[${first.path.join("].")}` : ""}: ${zodIssueText(first)}; drew the wire straight`,
    });
    delete e.reroutes;
  });
}

/** A malformed group, or one repeating an id, is dropped with a warning; nodes never belong to a group in the file. */
function repairGroups(root: Obj, warnings: IssueList): void {
  if (root.groups === undefined) return;
  if (!Array.isArray(root.groups)) {
    warnings.add({
      code: "invalid-group",
      path: "$.groups",
      message: `groups is ${describeValue(root.groups)}, not a list; ignored it`,
    });
    delete root.groups;
    return;
  }
  const seen = new Set<string>();
  root.groups = root.groups.filter((g, i) => {
    const r = workflowGroupSchema.safeParse(g);
    const gid = isObj(g) && typeof g.id === "string" ? g.id : undefined;
    const who = gid !== undefined ? `Group ${quote(gid)}` : `groups[${i}]`;
    if (!r.success) {
      const first = r.error.issues[0];
      warnings.add({
        code: "invalid-group",
        path: jsonPath(["groups", i, ...(first.path as PathSegment[])]),
        message: `${who} › ${first.path.join(".") || "(the group)"}: ${zodIssueText(first)}; dropped the group (its nodes stay)`,
      });
      return false;
    }
    if (seen.has(r.data.id)) {
      warnings.add({
        code: "invalid-group",
        path: jsonPath(["groups", i, "id"]),
        message: `${who} repeats an id used by an earlier group; dropped it (its nodes stay)`,
      });
      return false;
    }
    seen.add(r.data.id);
    return true;
  });
}

function warnUnknownKeys(
  value: unknown,
  known: readonly string[],
  segs: PathSegment[],
  warnings: IssueList,
  nodeId?: string,
): void {
  if (!isObj(value)) return;
  for (const k of Object.keys(value)) {
    if (known.includes(k)) continue;
    const p = [...segs, k];
    warnings.add({
      code: "unknown-field",
      path: jsonPath(p),
      nodeId,
      message: `Ignored the unknown field ${quote(k)}${nodeId !== undefined ? ` on node ${quote(nodeId)}` : ""} at ${jsonPath(p)}`,
    });
  }
}

type DocumentSchemas = (typeof DOCUMENT_SCHEMAS)[keyof typeof DOCUMENT_SCHEMAS];

/**
 * Drops the malformed edges before the document check, so one bad wire cannot sink the file.
 * Returns where each kept edge sat in the file, for messages about it later.
 */
function dropMalformedEdges(root: Obj, schemas: DocumentSchemas, warnings: IssueList): number[] {
  const edgeIndex: number[] = [];
  if (!Array.isArray(root.edges)) return edgeIndex;
  const kept: unknown[] = [];
  root.edges.forEach((e, i) => {
    const r = schemas.edge.safeParse(e);
    if (r.success) {
      kept.push(e);
      edgeIndex.push(i);
      return;
    }
    const first = r.error.issues[0];
    const edgeId = isObj(e) && typeof e.id === "string" ? e.id : undefined;
    const where = first.path.length ? `${first.path.join(".")} ` : "";
    warnings.add({
      code: "invalid-edge",
      path: jsonPath(["edges", i, ...(first.path as PathSegment[])]),
      edgeId,
      field: typeof first.path[0] === "string" ? first.path[0] : undefined,
      message: `Removed wire ${edgeId !== undefined ? quote(edgeId) : `edges[${i}]`}: ${where}${zodIssueText(first)}`,
    });
  });
  root.edges = kept;
  return edgeIndex;
}

/** Warns about every field the file's version does not know: top level, meta, nodes and edges. */
function warnAllUnknownKeys(root: Obj, schemas: DocumentSchemas, edgeIndex: number[], warnings: IssueList): void {
  const shapeKeys = (s: { shape: object }) => Object.keys(s.shape);
  warnUnknownKeys(root, shapeKeys(schemas.document), [], warnings);
  if (schemas.meta) warnUnknownKeys(root.meta, shapeKeys(schemas.meta), ["meta"], warnings);
  if (Array.isArray(root.nodes)) {
    const known = shapeKeys(schemas.node);
    root.nodes.forEach((n, i) => warnUnknownKeys(n, known, ["nodes", i], warnings, nodeIdAt(root, i)));
  }
  if (Array.isArray(root.edges)) {
    const known = shapeKeys(schemas.edge);
    root.edges.forEach((e, k) => warnUnknownKeys(e, known, ["edges", edgeIndex[k]], warnings));
  }
}

/** A document of an older version, migrated and checked again; the migrations' output must be valid. */
function migrateToCurrent(
  parsed: { version: number },
  version: number,
): { ok: true; document: WorkflowDocument } | { ok: false; result: LoadResult } {
  if (version >= WORKFLOW_VERSION) return { ok: true, document: parsed as unknown as WorkflowDocument };
  const migrated = migrateDocument(parsed).document;
  const check = workflowDocumentSchema.safeParse(migrated);
  if (check.success) return { ok: true, document: check.data };
  return {
    ok: false,
    result: rejected({
      code: "internal-error",
      path: "$",
      message: `Updating this version ${version} file produced an invalid document (a bug in lora-graph): ${structureIssues(check.error.issues, migrated as unknown as Obj)[0].message}`,
    }),
  };
}

/** An error for each node whose id an earlier node already has. */
function checkUniqueNodeIds(doc: WorkflowDocument, errors: IssueList): void {
  const firstIndex = new Map<string, number>();
  doc.nodes.forEach((n, i) => {
    const prev = firstIndex.get(n.id);
    if (prev === undefined) {
      firstIndex.set(n.id, i);
      return;
    }
    errors.add({
      code: "duplicate-node-id",
      path: jsonPath(["nodes", i, "id"]),
      nodeId: n.id,
      field: "id",
      message: `Two nodes have the id ${quote(n.id)} (${jsonPath(["nodes", prev])} and ${jsonPath(["nodes", i])}); node ids must be unique`,
    });
  });
}

/** A warning for each node whose type neither the registry nor the document's components know. */
function warnUnknownTypes(doc: WorkflowDocument, registry: Registry, warnings: IssueList): void {
  doc.nodes.forEach((n, i) => {
    if (registry.get(n.type) || instanceRef(n)) return;
    warnings.add({
      code: "unknown-node-type",
      path: jsonPath(["nodes", i, "type"]),
      nodeId: n.id,
      field: "type",
      message: `node ${quote(n.id)} has the unknown type ${quote(n.type)}; it is kept, but the pipeline will not run until that node type is available`,
    });
  });
}

function loadTree(
  value: unknown,
  baseRegistry: Registry,
  limits: LoadLimits,
  warnings: IssueList,
  library: readonly ComponentDefinition[] | undefined,
): LoadResult {
  const header = checkHeader(value, limits);
  if (!header.ok) return { ok: false, errors: header.errors };
  const { root, version } = header;
  const schemas = DOCUMENT_SCHEMAS[version];
  const errors = new IssueList(limits.maxIssues);

  repairPositions(root, warnings);
  repairNonFiniteParams(root, warnings);
  repairViewport(root, warnings);
  if (version >= 4) {
    repairReroutes(root, warnings);
    repairGroups(root, warnings);
  }
  const edgeIndex = dropMalformedEdges(root, schemas, warnings);
  warnAllUnknownKeys(root, schemas, edgeIndex, warnings);

  const parsed = schemas.document.safeParse(root);
  if (!parsed.success) {
    for (const issue of structureIssues(parsed.error.issues, root)) errors.add(issue);
    return { ok: false, errors: errors.finish() };
  }
  const current = migrateToCurrent(parsed.data, version);
  if (!current.ok) return current.result;
  let doc = current.document;

  checkUniqueNodeIds(doc, errors);
  if (errors.count) return { ok: false, errors: errors.finish() };

  const components = loadComponents(doc, baseRegistry, limits, library, warnings);
  if (!components.ok) {
    for (const e of components.errors) errors.add(e);
    return { ok: false, errors: errors.finish() };
  }
  doc = components.document;
  const registry = componentRegistry(baseRegistry, doc.components);

  const nodeResult = migrateNodes(doc, registry);
  for (const e of nodeResult.errors) errors.add(e);
  if (errors.count) return { ok: false, errors: errors.finish() };
  for (const w of nodeResult.warnings) warnings.add(w);
  doc = nodeResult.document;

  warnUnknownTypes(doc, registry, warnings);
  const edges = checkEdges(doc, edgeIndex, registry, warnings);
  return { ok: true, document: { ...doc, edges }, warnings: warnings.finish(), fromVersion: version };
}

/**
 * The document's component definitions, completed from `library` with the ones its instances use
 * and the file lacks, with their inner nodes migrated, then checked as a whole
 * (docs/components.md#loading): a cycle, too deep a nesting, too many nodes once opened, or a
 * broken definition refuse the file; a wrong hash is corrected with a warning; an instance of a
 * missing definition is kept with a warning, and the compiler reports it.
 */
function loadComponents(
  input: WorkflowDocument,
  registry: Registry,
  limits: LoadLimits,
  library: readonly ComponentDefinition[] | undefined,
  warnings: IssueList,
): { ok: true; document: WorkflowDocument } | { ok: false; errors: LoadIssue[] } {
  let doc = withLibraryCopies(input, library);
  if (!doc.components?.length && !doc.nodes.some((n) => instanceRef(n))) return { ok: true, document: doc };
  const errors: LoadIssue[] = [];
  const scoped = componentRegistry(registry, doc.components);
  const components = (doc.components ?? []).map((def, i) => {
    const r = migrateNodes({ ...emptyShell, nodes: def.nodes, edges: [] }, scoped);
    for (const e of r.errors) errors.push({ ...e, path: e.path.replace(/^\$/, jsonPath(["components", i])) });
    for (const w of r.warnings) warnings.add({ ...w, path: w.path.replace(/^\$/, jsonPath(["components", i])) });
    return r.document.nodes === def.nodes ? def : { ...def, nodes: r.document.nodes };
  });
  if (errors.length) return { ok: false, errors };
  doc = { ...doc, components };
  const analysis = analyzeComponents(doc, limits);
  for (const p of analysis.problems) {
    const issue: LoadIssue = { code: p.code, path: jsonPath(p.at), message: p.message, nodeId: p.nodeId };
    if (p.severity === "error") errors.push(issue);
    else warnings.add(issue);
  }
  if (errors.length) return { ok: false, errors };
  // Not trusted: the hash is what the content hashes to, whatever the file said.
  doc = { ...doc, components: components.map((d, i) => ({ ...d, hash: analysis.hashes[i] })) };
  return { ok: true, document: doc };
}

const emptyShell: WorkflowDocument = {
  format: WORKFLOW_FORMAT,
  version: WORKFLOW_VERSION,
  meta: {},
  nodes: [],
  edges: [],
};

/** The document with copies of the library definitions its instances reach that it does not carry. */
function withLibraryCopies(
  doc: WorkflowDocument,
  library: readonly ComponentDefinition[] | undefined,
): WorkflowDocument {
  if (!library?.length) return doc;
  const own = indexComponents(doc.components);
  const lib = indexComponents(library);
  const added: ComponentDefinition[] = [];
  const queue = [...doc.nodes, ...(doc.components ?? []).flatMap((d) => d.nodes)];
  // Bounded: each definition is added once, and only its own nodes are queued.
  while (queue.length) {
    const ref = instanceRef(queue.pop()!);
    if (!ref || own.has(ref.key) || !lib.has(ref.key)) continue;
    const def = lib.get(ref.key)!;
    own.set(componentKey(def.id, def.version), def);
    added.push(def);
    queue.push(...def.nodes);
  }
  return added.length ? { ...doc, components: [...(doc.components ?? []), ...added] } : doc;
}

/**
 * Keeps the edges that make sense, in file order, and warns about each one dropped. Every edge is
 * checked against the edges kept before it, with the same `canConnect` the editor uses while
 * dragging, so a loaded file never holds a wire the editor would refuse.
 */
function checkEdges(
  doc: WorkflowDocument,
  edgeIndex: readonly number[],
  registry: Registry,
  warnings: IssueList,
): WorkflowEdge[] {
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const accepted: WorkflowEdge[] = [];
  const acceptedIds = new Set<string>();
  // canConnect reads only the wires into the target port and the wires downstream of the target
  // node (for the loop check), and it rebuilds its adjacency from every edge it is given. Handing
  // it just those wires keeps a 10,000-wire file from costing 10,000 × 10,000 steps.
  const bySource = new Map<string, WorkflowEdge[]>();
  const byTargetPort = new Map<string, WorkflowEdge[]>();
  const portKey = (node: string, port: string) => `${node}\u0000${port}`;
  const push = <K>(map: Map<K, WorkflowEdge[]>, key: K, e: WorkflowEdge) => {
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  };
  const byWire = new Map<string, WorkflowEdge>();
  const wireKey = (e: WorkflowEdge) => `${portKey(e.source, e.sourceHandle)}\u0000${portKey(e.target, e.targetHandle)}`;
  const relevantEdges = (e: WorkflowEdge): WorkflowEdge[] => {
    // Of the wires into the target port, one shows the port is taken and an identical one shows a duplicate.
    const into = byTargetPort.get(portKey(e.target, e.targetHandle));
    const same = byWire.get(wireKey(e));
    const out = [...(into ? [into[0]] : []), ...(same ? [same] : [])];
    // Downstream wires matter only when they lead back to the source (a loop); then canConnect gets
    // them all, so the loop is reported in its words. A loop-free file never pays for this.
    const downstream = (stopAt?: string): WorkflowEdge[] | true => {
      const found: WorkflowEdge[] = [];
      const seen = new Set([e.target]);
      const stack = [e.target];
      while (stack.length) {
        for (const next of bySource.get(stack.pop()!) ?? []) {
          if (next.target === stopAt) return true;
          if (stopAt === undefined) found.push(next);
          if (!seen.has(next.target)) {
            seen.add(next.target);
            stack.push(next.target);
          }
        }
      }
      return found;
    };
    const loops = downstream(e.source) === true;
    return loops ? [...out, ...(downstream() as WorkflowEdge[])] : out;
  };
  doc.edges.forEach((e, k) => {
    const path = jsonPath(["edges", edgeIndex[k] ?? k]);
    const drop = (code: "invalid-edge" | "duplicate-edge-id", reason: string, field?: string) =>
      warnings.add({
        code,
        path: field ? `${path}.${field}` : path,
        edgeId: e.id,
        field,
        message: `Removed wire ${quote(e.id)} (${clip(`${e.source}.${e.sourceHandle}`)} → ${clip(`${e.target}.${e.targetHandle}`)}): ${reason}`,
      });
    if (acceptedIds.has(e.id)) return drop("duplicate-edge-id", "another wire already has this id", "id");
    const source = nodes.get(e.source);
    const target = nodes.get(e.target);
    if (!source) return drop("invalid-edge", `there is no node ${quote(e.source)}`, "source");
    if (!target) return drop("invalid-edge", `there is no node ${quote(e.target)}`, "target");
    const sourceDef = registry.get(source.type);
    const targetDef = registry.get(target.type);
    if (!sourceDef || !targetDef) {
      // A node of unknown type is kept, so its wires are too: only the known end can be checked.
      if (e.source === e.target) return drop("invalid-edge", "a node cannot be wired to itself");
      if (sourceDef && !sourceDef.outputs.some((p) => p.id === e.sourceHandle)) {
        return drop(
          "invalid-edge",
          `${source.label || sourceDef.title} has no output ${quote(e.sourceHandle)}`,
          "sourceHandle",
        );
      }
      if (targetDef && !targetDef.inputs.some((p) => p.id === e.targetHandle)) {
        return drop(
          "invalid-edge",
          `${target.label || targetDef.title} has no input ${quote(e.targetHandle)}`,
          "targetHandle",
        );
      }
    } else {
      // canConnect only looks up the two endpoints, so it gets a two-node view.
      const view: WorkflowDocument = {
        ...doc,
        nodes: source === target ? [source] : [source, target],
        edges: relevantEdges(e),
      };
      const r = canConnect(
        view,
        { node: e.source, port: e.sourceHandle },
        { node: e.target, port: e.targetHandle },
        registry,
      );
      if (!r.ok) {
        const field =
          r.code === "unknown-port"
            ? sourceDef.outputs.some((p) => p.id === e.sourceHandle)
              ? "targetHandle"
              : "sourceHandle"
            : undefined;
        return drop("invalid-edge", r.reason, field);
      }
    }
    accepted.push(e);
    acceptedIds.add(e.id);
    push(bySource, e.source, e);
    push(byTargetPort, portKey(e.target, e.targetHandle), e);
    byWire.set(wireKey(e), e);
  });
  return accepted;
}

/**
 * The file text for a document: 2-space JSON with a fixed key order (params sorted), ending in a
 * newline, so saving the same graph twice gives the same bytes and diffs stay small.
 * `loadWorkflow(serializeWorkflow(doc))` gives back `doc`.
 */
export function serializeWorkflow(doc: WorkflowDocument): string {
  const out = {
    format: doc.format,
    version: doc.version,
    meta: sortedCopy(doc.meta),
    nodes: doc.nodes.map(serializedNode),
    edges: doc.edges.map(serializedEdge),
    viewport: doc.viewport ? { x: doc.viewport.x, y: doc.viewport.y, zoom: doc.viewport.zoom } : undefined,
    groups: doc.groups?.length ? doc.groups.map(serializedGroup) : undefined,
    components: doc.components?.length ? doc.components.map(serializedComponent) : undefined,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function serializedNode(n: WorkflowNode) {
  return {
    id: n.id,
    type: n.type,
    typeVersion: n.typeVersion,
    position: { x: n.position.x, y: n.position.y },
    label: n.label,
    bypass: n.bypass,
    expanded: n.expanded,
    collapsed: n.collapsed,
    params: sortedCopy(n.params),
  };
}

function serializedEdge(e: WorkflowEdge) {
  return {
    id: e.id,
    source: e.source,
    sourceHandle: e.sourceHandle,
    target: e.target,
    targetHandle: e.targetHandle,
    reroutes: e.reroutes?.length ? e.reroutes.map((p) => ({ x: p.x, y: p.y })) : undefined,
  };
}

function serializedGroup(g: WorkflowGroup) {
  const { x, y, width, height } = g.bounds;
  return { id: g.id, title: g.title, color: g.color, bounds: { x, y, width, height } };
}

/** A definition in a fixed key order, its nodes and wires written like the document's own. */
export function serializedComponent(d: ComponentDefinition) {
  return {
    id: d.id,
    version: d.version,
    hash: d.hash,
    title: d.title,
    description: d.description,
    explainer: d.explainer,
    inputs: d.inputs.map((p) => ({
      id: p.id,
      label: p.label,
      kind: p.kind,
      multiple: p.multiple,
      required: p.required,
    })),
    outputs: d.outputs.map((p) => ({ id: p.id, label: p.label, kind: p.kind, node: p.node, port: p.port })),
    params: d.params.map((p) => ({
      id: p.id,
      label: p.label,
      node: p.node,
      field: p.field,
      default: sortedCopy(p.default),
    })),
    nodes: d.nodes.map(serializedNode),
    edges: d.edges.map(serializedEdge),
  };
}
