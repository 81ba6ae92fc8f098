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
  type NodeDefinition,
  type Registry,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type XY,
} from "../../graph";
import { freshId, type IdFactory } from "./ids";
import { CLIPBOARD_FORMAT } from "./copy";

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
  makeId: IdFactory;
  taken: Set<string>;
  /** Pasted id → the new node's id. */
  idMap: Map<string, string>;
  warnings: string[];
}

/** One pasted node with a fresh id and checked params, or undefined (and a warning) when it cannot be. */
function sanitizeNode(ctx: PasteContext, raw: unknown, i: number): WorkflowNode | undefined {
  const where = `nodes[${i}]`;
  if (!isRecord(raw)) return void ctx.warnings.push(`${where}: not an object; skipped`);
  const type = own(raw, "type");
  const def = typeof type === "string" ? ctx.registry.get(type) : undefined;
  if (!def) return void ctx.warnings.push(`${where}: unknown node type ${JSON.stringify(type)}; skipped`);
  const oldId = own(raw, "id");
  const id = freshId(ctx.makeId, def.type, ctx.taken);
  if (typeof oldId === "string" && !ctx.idMap.has(oldId)) ctx.idMap.set(oldId, id);
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
  return node;
}

/** Moves the pasted nodes so their top-left is at `at`, or a little off where they were copied; returns the shift. */
function place(nodes: WorkflowNode[], at: XY | undefined): XY {
  if (!nodes.length) return { x: 0, y: 0 };
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const dx = at ? at.x - minX : 32;
  const dy = at ? at.y - minY : 32;
  for (const n of nodes) n.position = { x: n.position.x + dx, y: n.position.y + dy };
  return { x: dx, y: dy };
}

/** The pasted wires between pasted nodes that canConnect allows, each judged with those before it. */
function sanitizeEdges(ctx: PasteContext, rawEdges: unknown[], scratch: WorkflowDocument, shift: XY): WorkflowEdge[] {
  const edges: WorkflowEdge[] = [];
  rawEdges.forEach((raw, i) => {
    const where = `edges[${i}]`;
    if (!isRecord(raw)) return ctx.warnings.push(`${where}: not an object; skipped`);
    const s = own(raw, "source"),
      sh = own(raw, "sourceHandle"),
      t = own(raw, "target"),
      th = own(raw, "targetHandle");
    if (typeof s !== "string" || typeof t !== "string" || typeof sh !== "string" || typeof th !== "string") {
      return ctx.warnings.push(`${where}: source, sourceHandle, target and targetHandle must be strings; skipped`);
    }
    const source = ctx.idMap.get(s),
      target = ctx.idMap.get(t);
    if (!source || !target) return ctx.warnings.push(`${where}: wire to a node that was not pasted; skipped`);
    const verdict = canConnect(scratch, { node: source, port: sh }, { node: target, port: th }, ctx.registry);
    if (!verdict.ok) return ctx.warnings.push(`${where}: ${verdict.reason}; skipped`);
    const edge = edgeBetween({ node: source, port: sh }, { node: target, port: th });
    // Reroute points move with the nodes; malformed ones are left behind (the wire is drawn straight).
    const reroutes = rerouteListSchema.safeParse(own(raw, "reroutes"));
    if (reroutes.success && reroutes.data.length)
      edge.reroutes = reroutes.data.map((p) => ({ x: p.x + shift.x, y: p.y + shift.y }));
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
  const ctx: PasteContext = {
    registry: known,
    makeId,
    taken: new Set(doc.nodes.map((n) => n.id)),
    idMap: new Map(),
    warnings,
  };
  const nodes: WorkflowNode[] = [];
  payload.rawNodes.forEach((raw, i) => {
    const node = sanitizeNode(ctx, raw, i);
    if (node) nodes.push(node);
  });
  const shift = place(nodes, at);
  const scratch: WorkflowDocument = { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges] };
  const edges = sanitizeEdges(ctx, payload.rawEdges, scratch, shift);
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
