/**
 * Reading pasted content: untrusted text or JSON in lora-graph's clipboard or workflow format,
 * checked like a file. Loaded on the first paste (store.paste); what Copy writes is `copy.ts`.
 */
import {
  canConnect,
  componentKey,
  componentRegistry,
  loadWorkflow,
  usedComponents,
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type ComponentDefinition,
  rerouteListSchema,
  requiredDefaults,
  edgeBetween,
  fileFactsOf,
  type NodeDefinition,
  type Registry,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "../../graph";
import type { IdFactory } from "./ids";
import { CLIPBOARD_FORMAT, COPY_OFFSET, copyNodes } from "./copy";

/** Guards against a pasted blob freezing the tab; far above any real selection. */
export const MAX_PASTE_CHARS = 5_000_000;
export const MAX_PASTE_NODES = 2000;
const MAX_LABEL = 120;

export type SanitizeResult =
  | {
      ok: true;
      nodes: WorkflowNode[];
      edges: WorkflowEdge[];
      /** Definitions the pasted instances use that the document lacks: added with the nodes. */
      components: ComponentDefinition[];
      warnings: string[];
    }
  | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

type Payload =
  { ok: true; rawNodes: unknown[]; rawEdges: unknown[]; rawComponents: unknown } | { ok: false; error: string };

/** The node and edge arrays of clipboard content, or why it is not ours. */
function readPayload(input: unknown): Payload {
  let data: unknown = input;
  if (typeof input === "string") {
    if (input.length > MAX_PASTE_CHARS)
      return {
        ok: false,
        error: `Clipboard content is too large (${input.length} characters; limit ${MAX_PASTE_CHARS})`,
      };
    try {
      data = JSON.parse(input);
    } catch {
      return { ok: false, error: "Clipboard does not hold lora-graph nodes (it is not JSON)" };
    }
  }
  if (!isRecord(data)) return { ok: false, error: "Clipboard does not hold lora-graph nodes (expected a JSON object)" };
  const format = own(data, "format");
  if (format !== CLIPBOARD_FORMAT && format !== "lora-graph/workflow") {
    return {
      ok: false,
      error: `Clipboard does not hold lora-graph nodes (format is ${JSON.stringify(format) ?? "missing"})`,
    };
  }
  const rawNodes = own(data, "nodes");
  const rawEdges = own(data, "edges") ?? [];
  if (!Array.isArray(rawNodes)) return { ok: false, error: 'Clipboard content: "nodes" must be an array' };
  if (!Array.isArray(rawEdges)) return { ok: false, error: 'Clipboard content: "edges" must be an array' };
  if (rawNodes.length > MAX_PASTE_NODES)
    return {
      ok: false,
      error: `Clipboard content has ${rawNodes.length} nodes; at most ${MAX_PASTE_NODES} can be pasted at once`,
    };
  return { ok: true, rawNodes, rawEdges, rawComponents: own(data, "components") };
}

/**
 * The copied definitions, read with the loader's checks for definitions (structure, cycles,
 * depth, size, hash), so a hostile clipboard is refused as a hostile file is. A definition the
 * document already has under that id and version is not taken: its instances there are linked to
 * the document's copy.
 */
function pastedComponents(
  raw: unknown,
  doc: WorkflowDocument,
  registry: Registry,
  warnings: string[],
): ComponentDefinition[] {
  if (raw === undefined) return [];
  const shell = { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, meta: {}, nodes: [], edges: [] };
  const r = loadWorkflow({ ...shell, components: raw }, registry);
  if (!r.ok) {
    warnings.push(`the copied components could not be read (${r.errors[0].path}: ${r.errors[0].message})`);
    return [];
  }
  const have = new Map((doc.components ?? []).map((c) => [componentKey(c.id, c.version), c]));
  const out: ComponentDefinition[] = [];
  for (const c of r.document.components ?? []) {
    const key = componentKey(c.id, c.version);
    const mine = have.get(key);
    if (!mine) out.push(c);
    else if (mine.hash !== c.hash)
      warnings.push(`${c.title} (${key}) differs from this pipeline's copy; the pipeline's copy is used`);
  }
  return out;
}

/** The pasted params brought up to the definition's version; a failing migration leaves defaults. */
function migrateParams(def: NodeDefinition, raw: Record<string, unknown>, where: string, warnings: string[]) {
  let rawParams: Record<string, unknown> = isRecord(own(raw, "params"))
    ? { ...(own(raw, "params") as Record<string, unknown>) }
    : {};
  const typeVersion = own(raw, "typeVersion");
  if (!finite(typeVersion) || typeVersion >= def.version) return rawParams;
  for (const m of def.migrations ?? []) {
    if (m.from < typeVersion) continue;
    try {
      rawParams = m.up(rawParams);
    } catch (e) {
      warnings.push(`${where}: migration "${m.name}" failed (${(e as Error).message}); defaults used`);
      return {};
    }
  }
  return rawParams;
}

/** The definition's defaults, overridden by each pasted param its schema accepts. */
function checkParams(def: NodeDefinition, rawParams: Record<string, unknown>, where: string, warnings: string[]) {
  const params = requiredDefaults(def);
  for (const [key, spec] of Object.entries(def.params)) {
    const value = own(rawParams, key);
    if (value === undefined) continue;
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) params[key] = structuredClone(parsed.data);
    else
      warnings.push(
        `${where} (${def.title}): "${key}" ${parsed.error.issues[0]?.message ?? "is invalid"}; default kept`,
      );
  }
  return params;
}

interface PasteContext {
  registry: Registry;
  /** The pasted nodes' own ids, each a string not used by a node before it: the ids wires may name. */
  ids: Set<string>;
  /** Ids given to pasted nodes that came without a usable one. */
  unnamed: Set<string>;
  warnings: string[];
}

/**
 * The pasted facts read from the files a node's params point to, each kept while it is well
 * formed and still names the param's (checked) value: a pasted node is the copied node again, as
 * a duplicate is (docs/canvas.md#copy-paste-and-duplicate).
 */
function checkFileInfo(raw: Record<string, unknown>, params: Record<string, unknown>) {
  const info = own(raw, "fileInfo");
  if (!isRecord(info)) return undefined;
  const kept = Object.keys(info).flatMap((key) => {
    const facts = fileFactsOf({ params, fileInfo: info }, key);
    return facts ? [[key, facts] as const] : [];
  });
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** An id for a pasted node that came without a usable one: no pasted node or wire names it. */
function unnamed(ctx: PasteContext, i: number, reserved: ReadonlySet<string>): string {
  let id = `#${i}`;
  while (reserved.has(id) || ctx.unnamed.has(id)) id += "#";
  ctx.unnamed.add(id);
  return id;
}

/**
 * One pasted node, checked, with the id it was pasted with (copyNodes gives it a fresh one), or
 * undefined (and a warning) when it cannot be.
 */
function sanitizeNode(ctx: PasteContext, raw: unknown, i: number, reserved: ReadonlySet<string>) {
  const where = `nodes[${i}]`;
  if (!isRecord(raw)) return void ctx.warnings.push(`${where}: not an object; skipped`);
  const type = own(raw, "type");
  const def = typeof type === "string" ? ctx.registry.get(type) : undefined;
  if (!def) return void ctx.warnings.push(`${where}: unknown node type ${JSON.stringify(type)}; skipped`);
  const oldId = own(raw, "id");
  const named = typeof oldId === "string" && !ctx.ids.has(oldId);
  const id = named ? oldId : unnamed(ctx, i, reserved);
  if (named) ctx.ids.add(id);
  const params = checkParams(def, migrateParams(def, raw, where, ctx.warnings), where, ctx.warnings);
  const pos = own(raw, "position");
  const position: XY =
    isRecord(pos) && finite(own(pos, "x")) && finite(own(pos, "y"))
      ? { x: pos.x as number, y: pos.y as number }
      : { x: i * 40, y: i * 40 };
  const node: WorkflowNode = { id, type: def.type, typeVersion: def.version, position, params };
  const label = own(raw, "label");
  if (typeof label === "string" && label.trim()) node.label = label.trim().slice(0, MAX_LABEL);
  if (own(raw, "bypass") === true) node.bypass = true;
  if (own(raw, "expanded") === true) node.expanded = true;
  if (own(raw, "collapsed") === true) node.collapsed = true;
  const fileInfo = checkFileInfo(raw, params);
  if (fileInfo) node.fileInfo = fileInfo;
  return node;
}

/** How far to move the pasted nodes so their top-left is at `at`, or a little off where they were copied. */
function offset(nodes: readonly WorkflowNode[], at: XY | undefined): XY {
  if (!nodes.length || !at) return COPY_OFFSET;
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  return { x: at.x - minX, y: at.y - minY };
}

/** A pasted wire between two pasted nodes, as it was pasted, or why it is skipped. */
function readEdge(ctx: PasteContext, raw: unknown): WorkflowEdge | string {
  if (!isRecord(raw)) return "not an object";
  const s = own(raw, "source"),
    sh = own(raw, "sourceHandle"),
    t = own(raw, "target"),
    th = own(raw, "targetHandle");
  if (typeof s !== "string" || typeof t !== "string" || typeof sh !== "string" || typeof th !== "string") {
    return "source, sourceHandle, target and targetHandle must be strings";
  }
  if (!ctx.ids.has(s) || !ctx.ids.has(t)) return "wire to a node that was not pasted";
  const edge = edgeBetween({ node: s, port: sh }, { node: t, port: th });
  // Reroute points move with the nodes; malformed ones are left behind (the wire is drawn straight).
  const reroutes = rerouteListSchema.safeParse(own(raw, "reroutes"));
  if (reroutes.success && reroutes.data.length) edge.reroutes = reroutes.data;
  return edge;
}

/**
 * The copied wires that canConnect allows, each judged with those before it; `read` is what
 * readEdge made of each pasted wire, and the copies are those of its wires, in order.
 */
function allowedEdges(
  ctx: PasteContext,
  read: readonly (WorkflowEdge | string)[],
  copies: readonly WorkflowEdge[],
  scratch: WorkflowDocument,
): WorkflowEdge[] {
  const edges: WorkflowEdge[] = [];
  let next = 0;
  read.forEach((r, i) => {
    if (typeof r === "string") return ctx.warnings.push(`edges[${i}]: ${r}; skipped`);
    const edge = copies[next++];
    const from = { node: edge.source, port: edge.sourceHandle };
    const verdict = canConnect(scratch, from, { node: edge.target, port: edge.targetHandle }, ctx.registry);
    if (!verdict.ok) return ctx.warnings.push(`edges[${i}]: ${verdict.reason}; skipped`);
    edges.push(edge);
    scratch.edges.push(edge);
  });
  return edges;
}

/**
 * Turns untrusted clipboard content (text or parsed JSON; our clipboard format or a whole workflow
 * file) into nodes and edges that are safe to insert into `doc`: known types only, params checked
 * against their schemas, fresh ids, wires re-checked with canConnect. Anything dropped is explained
 * in `warnings`.
 */
export function sanitizePaste(
  input: unknown,
  doc: WorkflowDocument,
  registry: Registry,
  makeId: IdFactory,
  at?: XY,
): SanitizeResult {
  const payload = readPayload(input);
  if (!payload.ok) return payload;
  const warnings: string[] = [];
  const offered = pastedComponents(payload.rawComponents, doc, registry, warnings);
  const known = offered.length ? componentRegistry(registry, [...(doc.components ?? []), ...offered]) : registry;
  const ctx: PasteContext = { registry: known, ids: new Set(), unnamed: new Set(), warnings };
  const reserved = new Set(
    payload.rawNodes.flatMap((n) => (isRecord(n) && typeof own(n, "id") === "string" ? [own(n, "id") as string] : [])),
  );
  const checked: WorkflowNode[] = [];
  payload.rawNodes.forEach((raw, i) => {
    const node = sanitizeNode(ctx, raw, i, reserved);
    if (node) checked.push(node);
  });
  const read = payload.rawEdges.map((raw) => readEdge(ctx, raw));
  const wires = read.filter((r) => typeof r !== "string");
  const taken = new Set(doc.nodes.map((n) => n.id));
  const { nodes, edges: copies } = copyNodes(checked, wires, taken, makeId, offset(checked, at));
  const scratch: WorkflowDocument = { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges] };
  const edges = allowedEdges(ctx, read, copies, scratch);
  const components = offered.length ? (usedComponents(nodes, [...(doc.components ?? []), ...offered]) ?? []) : [];
  const fresh = new Set(offered.map((c) => componentKey(c.id, c.version)));
  return {
    ok: true,
    nodes,
    edges,
    components: components.filter((c) => fresh.has(componentKey(c.id, c.version))),
    warnings: ctx.warnings,
  };
}
