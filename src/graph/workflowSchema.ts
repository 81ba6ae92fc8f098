/**
 * zod schemas for every workflow document version lora-graph has written. The current one
 * (v2) is also exported as JSON Schema for people who generate workflows with other tools.
 * Old versions stay here, frozen, so their files keep loading (and errors point into the
 * file as the user has it).
 */
import { z } from "zod";
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from "./document";

const xySchema = z.object({ x: z.number(), y: z.number() });

const viewportSchema = z.object({
  x: z.number(),
  y: z.number(),
  zoom: z.number().positive(),
});

const id = (what: string) => z.string().min(1, `${what} must not be empty`);

export const workflowNodeSchema = z.object({
  id: id("a node id").describe("Unique within the document; edges refer to it."),
  type: id("a node type").describe("Node type in the catalogue, e.g. \"lora\"."),
  typeVersion: z.number().int().min(1).describe("Version of the node type the params were written for; older ones are migrated on load."),
  position: xySchema.describe("Canvas position in flow coordinates."),
  params: z.record(z.string(), z.unknown()).describe("Only the values the user chose; defaults come from the node type."),
  label: z.string().optional().describe("User's name for the node."),
  bypass: z.boolean().optional().describe("Switched off without deleting."),
  expanded: z.boolean().optional().describe("Advanced params unfolded."),
});

export const workflowEdgeSchema = z.object({
  id: id("an edge id"),
  source: id("an edge source").describe("Id of the node the wire leaves."),
  sourceHandle: id("an edge sourceHandle").describe("Output port id on the source node."),
  target: id("an edge target").describe("Id of the node the wire enters."),
  targetHandle: id("an edge targetHandle").describe("Input port id on the target node."),
});

export const workflowMetaSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  createdWith: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

/** The current document format (version 2). */
export const workflowDocumentSchema = z
  .object({
    format: z.literal(WORKFLOW_FORMAT),
    version: z.literal(WORKFLOW_VERSION),
    meta: workflowMetaSchema,
    nodes: z.array(workflowNodeSchema),
    edges: z.array(workflowEdgeSchema),
    viewport: viewportSchema.optional(),
  })
  .describe("A lora-graph workflow: a node graph that compiles to one fal-ai/lora request per output node.");

// The schema and the hand-written interface must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesInterface: Same<z.infer<typeof workflowDocumentSchema>, WorkflowDocument> = true;
void _schemaMatchesInterface;

/**
 * Version 1, the draft format: nodes carried `data` instead of `params` and had no
 * `typeVersion` (all were version 1); edges were `{ from: "nodeId:port", to: "nodeId:port" }`
 * without ids; the name sat at the top level instead of in `meta`.
 */
export const PORT_REF_V1 = /^(.+):([^:]+)$/;

export const workflowV1EdgeSchema = z.object({
  from: z.string().regex(PORT_REF_V1, 'must look like "nodeId:port"'),
  to: z.string().regex(PORT_REF_V1, 'must look like "nodeId:port"'),
});

export const workflowV1NodeSchema = z.object({
  id: id("a node id"),
  type: id("a node type"),
  position: xySchema,
  data: z.record(z.string(), z.unknown()),
  label: z.string().optional(),
  bypass: z.boolean().optional(),
});

export const workflowV1Schema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.literal(1),
  name: z.string().optional(),
  nodes: z.array(workflowV1NodeSchema),
  edges: z.array(workflowV1EdgeSchema),
  viewport: viewportSchema.optional(),
});

export type WorkflowV1 = z.infer<typeof workflowV1Schema>;

/** Per version: the document schema and the schemas of one node and one edge (for per-item checks). */
export const DOCUMENT_SCHEMAS = {
  1: { document: workflowV1Schema, node: workflowV1NodeSchema, edge: workflowV1EdgeSchema, meta: undefined },
  2: { document: workflowDocumentSchema, node: workflowNodeSchema, edge: workflowEdgeSchema, meta: workflowMetaSchema },
} as const;

export type DocumentVersion = keyof typeof DOCUMENT_SCHEMAS;

export function isKnownVersion(v: unknown): v is DocumentVersion {
  return typeof v === "number" && Object.prototype.hasOwnProperty.call(DOCUMENT_SCHEMAS, v);
}

/**
 * JSON Schema (draft 2020-12) of the current workflow format, generated from the zod schema so the
 * two cannot drift. Unknown properties are allowed by the schema because the loader ignores them
 * with a warning rather than refusing the file.
 *
 * @example
 * fs.writeFileSync("workflow.schema.json", JSON.stringify(workflowJsonSchema(), null, 2));
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(workflowDocumentSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...schema, title: "lora-graph workflow", $comment: `format "${WORKFLOW_FORMAT}", version ${WORKFLOW_VERSION}` };
}
