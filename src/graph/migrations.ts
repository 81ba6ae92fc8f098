/**
 * Two kinds of migration, both named, append-only and runnable one step at a time:
 * - document migrations change the file format (v1 → v2 …), listed here;
 * - node migrations change one node type's params; they live on the node's definition
 *   (`NodeDefinition.migrations`) and are driven from here.
 * A migration never edits its input: it returns a new value.
 */
import {
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  edgeBetween,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "./document";
import type { NodeDefinition, NodeMigration } from "./defineNode";
import type { Registry } from "./registry";
import { jsonPath, quote, type LoadIssue } from "./loadIssues";
import { PORT_REF_V1, type WorkflowV1, type WorkflowV2, type WorkflowV3 } from "./workflowSchema";
import { UNSAFE_KEYS } from "./safeJson";

export interface DocumentMigration<From = any, To = any> {
  /** Applies to documents with `version === from`; produces `from + 1`. */
  from: number;
  name: string;
  up(doc: From): To;
}

function splitPortRef(ref: string): { node: string; port: string } {
  const m = PORT_REF_V1.exec(ref);
  // The v1 schema guarantees the shape; the fallback keeps a bad ref visible instead of throwing.
  return m ? { node: m[1], port: m[2] } : { node: ref, port: "" };
}

/**
 * v1 → v2: `data` becomes `params` and every node gets `typeVersion: 1`; `"node:port"` edges
 * become `{ id, source, sourceHandle, target, targetHandle }` with the editor's edge ids;
 * the top-level `name` moves to `meta.name`.
 */
export const migrateV1ToV2: DocumentMigration<WorkflowV1, WorkflowV2> = {
  from: 1,
  name: "v1-to-v2: params, node typeVersion, edge ids, meta",
  up(doc) {
    const nodes: WorkflowNode[] = doc.nodes.map((n) => {
      const node: WorkflowNode = {
        id: n.id,
        type: n.type,
        typeVersion: 1,
        position: { x: n.position.x, y: n.position.y },
        params: { ...n.data },
      };
      if (n.label !== undefined) node.label = n.label;
      if (n.bypass !== undefined) node.bypass = n.bypass;
      return node;
    });
    const edges: WorkflowEdge[] = doc.edges.map((e) => {
      return edgeBetween(splitPortRef(e.from), splitPortRef(e.to));
    });
    const out: WorkflowV2 = {
      format: WORKFLOW_FORMAT,
      version: 2,
      meta: doc.name !== undefined ? { name: doc.name } : {},
      nodes,
      edges,
    };
    if (doc.viewport) out.viewport = { ...doc.viewport };
    return out;
  },
};

/**
 * v2 → v3: components arrive (docs/components.md). A v2 file has none, so only the version
 * changes; nothing else in the document means anything new.
 */
export const migrateV2ToV3: DocumentMigration<WorkflowV2, WorkflowV3> = {
  from: 2,
  name: "v2-to-v3: component definitions and instances",
  up(doc) {
    return { ...doc, version: 3 };
  },
};

/**
 * v3 → v4: groups, reroute points on wires and collapsed nodes arrive, all visual
 * (docs/canvas.md). A v3 file has none, so only the version changes; what it compiles to does not.
 */
export const migrateV3ToV4: DocumentMigration<WorkflowV3, WorkflowDocument> = {
  from: 3,
  name: "v3-to-v4: groups, reroute points, collapsed nodes",
  up(doc) {
    return { ...doc, version: 4 };
  },
};

/** Append-only, ordered by `from`. The last one produces WORKFLOW_VERSION. */
export const DOCUMENT_MIGRATIONS: readonly DocumentMigration[] = [migrateV1ToV2, migrateV2ToV3, migrateV3ToV4];

/**
 * Runs the document migrations from `doc.version` up to the current version. The input must be
 * valid for its own version (the loader checks it with that version's schema first). A current
 * document is returned unchanged, so migrating twice is the same as migrating once.
 * Throws only when a step is missing from DOCUMENT_MIGRATIONS, which is a programmer error.
 */
export function migrateDocument(doc: { version: number }): { document: WorkflowDocument; applied: string[] } {
  let current: any = doc;
  const applied: string[] = [];
  while (current.version < WORKFLOW_VERSION) {
    const step = DOCUMENT_MIGRATIONS.find((m) => m.from === current.version);
    if (!step) throw new Error(`No document migration from version ${current.version}`);
    current = step.up(current);
    applied.push(step.name);
  }
  return { document: current as WorkflowDocument, applied };
}

export type NodeMigrationResult =
  | { ok: true; params: Record<string, unknown>; typeVersion: number; applied: string[]; newer: boolean }
  | { ok: false; code: "migration-missing" | "migration-failed"; message: string; atVersion: number };

function nodeName(nodeId: string, def: NodeDefinition): string {
  return `node ${quote(nodeId)} (${def.title})`;
}

/** Runs one node migration step on a copy of the params and checks that it returned params. */
export function applyNodeMigration(step: NodeMigration, params: Record<string, unknown>): Record<string, unknown> {
  const out = step.up({ ...params });
  if (typeof out !== "object" || out === null || Array.isArray(out)) {
    throw new Error(
      `returned ${out === null ? "null" : Array.isArray(out) ? "an array" : typeof out} instead of params`,
    );
  }
  // Migrations are our own code, but their output is copied like user data so a stray key cannot slip through.
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(out)) if (!UNSAFE_KEYS.has(k)) copy[k] = (out as Record<string, unknown>)[k];
  return copy;
}

/**
 * Brings one node's params from its `typeVersion` up to `def.version`, step by step.
 * A node newer than its definition is left as it is and flagged `newer` (the caller warns).
 */
export function migrateNodeParams(
  node: Pick<WorkflowNode, "id" | "typeVersion" | "params">,
  def: NodeDefinition,
): NodeMigrationResult {
  if (node.typeVersion >= def.version) {
    return {
      ok: true,
      params: node.params,
      typeVersion: node.typeVersion,
      applied: [],
      newer: node.typeVersion > def.version,
    };
  }
  let params = node.params;
  const applied: string[] = [];
  for (let v = node.typeVersion; v < def.version; v++) {
    const step = def.migrations?.find((m) => m.from === v);
    if (!step) {
      return {
        ok: false,
        code: "migration-missing",
        atVersion: v,
        message: `${nodeName(node.id, def)} is version ${v}, but the "${def.type}" node type has no migration from version ${v} to ${v + 1}`,
      };
    }
    try {
      params = applyNodeMigration(step, params);
    } catch (e) {
      return {
        ok: false,
        code: "migration-failed",
        atVersion: v,
        message: `${nodeName(node.id, def)}: migration "${step.name}" (version ${v} → ${v + 1}) failed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    applied.push(step.name);
  }
  return { ok: true, params, typeVersion: def.version, applied, newer: false };
}

/**
 * Runs every node's migrations against the registry. Unknown node types are left untouched (the
 * loader warns about them separately). Returns a new document; errors mean the document could not
 * be brought up to date.
 */
export function migrateNodes(
  doc: WorkflowDocument,
  registry: Registry,
): { document: WorkflowDocument; warnings: LoadIssue[]; errors: LoadIssue[] } {
  const warnings: LoadIssue[] = [];
  const errors: LoadIssue[] = [];
  const nodes = doc.nodes.map((node, i) => {
    const def = registry.get(node.type);
    if (!def) return node;
    const r = migrateNodeParams(node, def);
    const path = jsonPath(["nodes", i, "typeVersion"]);
    if (!r.ok) {
      errors.push({ code: r.code, message: r.message, path, nodeId: node.id, field: "typeVersion" });
      return node;
    }
    if (r.newer) {
      warnings.push({
        code: "newer-node-version",
        path,
        nodeId: node.id,
        field: "typeVersion",
        message: `${nodeName(node.id, def)} was made with a newer version of node "${def.title}" (version ${node.typeVersion}; this app has version ${def.version}); its settings are kept as they are`,
      });
    }
    if (r.applied.length === 0) return node;
    return { ...node, typeVersion: r.typeVersion, params: r.params };
  });
  return { document: { ...doc, nodes }, warnings, errors };
}

/**
 * Document migrations, then node migrations: what loading does to a valid file of any version.
 * Idempotent: `migrateWorkflow(migrateWorkflow(x).document)` equals `migrateWorkflow(x)`.
 */
export function migrateWorkflow(
  doc: { version: number },
  registry: Registry,
): { document: WorkflowDocument; warnings: LoadIssue[]; errors: LoadIssue[] } {
  return migrateNodes(migrateDocument(doc).document, registry);
}
