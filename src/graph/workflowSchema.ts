/**
 * zod schemas for every workflow document version lora-graph has written. The current one
 * (v3) is also exported as JSON Schema for people who generate workflows with other tools.
 * Old versions stay here, frozen, so their files keep loading (and errors point into the
 * file as the user has it).
 */
import { z } from "./zodMini";
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from "./document";
import { PORT_KINDS } from "./ports";

/** Like classic zod's `.describe()`: a copy of `schema` carrying `description` (for the JSON Schema). */
function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, { description });
  return copy;
}

const xySchema = z.object({ x: z.number(), y: z.number() });

const viewportSchema = z.object({
  x: z.number(),
  y: z.number(),
  zoom: z.number().check(z.positive()),
});

const id = (what: string) => z.string().check(z.minLength(1, `${what} must not be empty`));

/** A node as versions 2 and 3 wrote it. */
export const workflowNodeSchemaV3 = z.object({
  id: described(id("a node id"), "Unique within the document; edges refer to it."),
  type: described(id("a node type"), 'Node type in the catalogue, e.g. "lora".'),
  typeVersion: described(
    z.number().check(z.int(), z.gte(1)),
    "Version of the node type the params were written for; older ones are migrated on load.",
  ),
  position: described(xySchema, "Canvas position in flow coordinates."),
  params: described(
    z.record(z.string(), z.unknown()),
    "Only the values the user chose; defaults come from the node type.",
  ),
  label: described(z.optional(z.string()), "User's name for the node."),
  bypass: described(z.optional(z.boolean()), "Switched off without deleting."),
  expanded: described(z.optional(z.boolean()), "Advanced params unfolded."),
  // Checked where it is read (fileFactsOf): a malformed entry is ignored, never a reason to drop the node.
  fileInfo: described(
    z.optional(z.record(z.string(), z.unknown())),
    "What the editor read from the files params point to (a LoRA's family, rank, trigger words), by param key.",
  ),
});

/** A wire as versions 2 and 3 wrote it. */
export const workflowEdgeSchemaV3 = z.object({
  id: id("an edge id"),
  source: described(id("an edge source"), "Id of the node the wire leaves."),
  sourceHandle: described(id("an edge sourceHandle"), "Output port id on the source node."),
  target: described(id("an edge target"), "Id of the node the wire enters."),
  targetHandle: described(id("an edge targetHandle"), "Input port id on the target node."),
});

export const workflowNodeSchema = z.extend(workflowNodeSchemaV3, {
  collapsed: described(z.optional(z.boolean()), "Drawn as its title bar only (visual)."),
});

/** Most points one wire is drawn through; more is not a drawing, it is a file built to be slow. */
export const MAX_REROUTES_PER_WIRE = 64;

export const rerouteListSchema = z.array(xySchema).check(z.maxLength(MAX_REROUTES_PER_WIRE));

export const workflowEdgeSchema = z.extend(workflowEdgeSchemaV3, {
  reroutes: described(
    z.optional(rerouteListSchema),
    "Points the wire is drawn through, source to target, in canvas coordinates (visual).",
  ),
});

/** Longest group title kept. */
export const MAX_GROUP_TITLE = 200;
const finiteNumber = z.number().check(z.refine(Number.isFinite, "must be a finite number"));
const size = z.number().check(z.positive(), z.refine(Number.isFinite, "must be a finite number"));

export const workflowGroupSchema = described(
  z.object({
    id: id("a group id"),
    title: z.string().check(z.maxLength(MAX_GROUP_TITLE)),
    color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as "#3b82f6"')),
    bounds: z.object({ x: finiteNumber, y: finiteNumber, width: size, height: size }),
  }),
  "A titled, coloured frame; moving it moves the nodes inside. Visual only.",
);

export const workflowMetaSchema = z.object({
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  createdWith: z.optional(z.string()),
  createdAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  tags: z.optional(z.array(z.string())),
  batch: z.optional(
    z.object({
      id: z.string(),
      index: z.number(),
      row: z.optional(z.number()),
      seed: z.number(),
      values: z.record(z.string(), z.unknown()),
      picks: z.optional(z.array(z.object({ list: z.string(), value: z.string() }))),
    }),
  ),
});

/** Version 2: the format before components. */
export const workflowV2Schema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.literal(2),
  meta: workflowMetaSchema,
  nodes: z.array(workflowNodeSchemaV3),
  edges: z.array(workflowEdgeSchemaV3),
  viewport: z.optional(viewportSchema),
});

export type WorkflowV2 = z.infer<typeof workflowV2Schema>;

/** `namespace/name`, each part lower-case letters, digits, `-` and `_` (they become file names). */
export const COMPONENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}\/[a-z0-9][a-z0-9_-]{0,63}$/;
/** Semantic versioning 2.0.0, as semver.org gives it (numbers without leading zeros). */
export const SEMVER =
  /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const portKindSchema = z.enum(PORT_KINDS);

export const componentDefinitionSchema = described(
  z.object({
    id: described(
      z.string().check(z.regex(COMPONENT_ID, 'must look like "namespace/name" (lower case, digits, - and _)')),
      'Unique name, "namespace/name".',
    ),
    version: described(
      z.string().check(z.regex(SEMVER, 'must be a semantic version such as "1.2.0"')),
      "Semantic version.",
    ),
    hash: described(z.string(), "sha256- and the hex digest of the definition without this field; checked on load."),
    title: id("a component title"),
    description: z.optional(z.string()),
    explainer: z.optional(z.string()),
    inputs: z.array(
      z.object({
        id: id("an input id"),
        label: z.string(),
        kind: portKindSchema,
        multiple: z.optional(z.boolean()),
        required: z.optional(z.boolean()),
      }),
    ),
    outputs: z.array(
      z.object({
        id: id("an output id"),
        label: z.string(),
        kind: portKindSchema,
        node: id("a node id"),
        port: id("a port id"),
      }),
    ),
    params: z.array(
      z.object({
        id: id("a param id"),
        label: z.string(),
        node: id("a node id"),
        field: id("a field"),
        default: z.optional(z.unknown()),
      }),
    ),
    nodes: z.array(workflowNodeSchema),
    edges: z.array(workflowEdgeSchema),
  }),
  "A component: a sub-graph with typed ports and exposed params (docs/components.md).",
);

/** Version 3: components, before groups, reroute points and collapsed nodes. */
export const workflowV3Schema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.literal(3),
  meta: workflowMetaSchema,
  nodes: z.array(workflowNodeSchemaV3),
  edges: z.array(workflowEdgeSchemaV3),
  viewport: z.optional(viewportSchema),
  components: described(
    z.optional(z.array(componentDefinitionSchema)),
    "Copies of the component definitions the instances use, nested ones included.",
  ),
});

export type WorkflowV3 = z.infer<typeof workflowV3Schema>;

/** The current document format (version 4). */
export const workflowDocumentSchema = described(
  z.object({
    format: z.literal(WORKFLOW_FORMAT),
    version: z.literal(WORKFLOW_VERSION),
    meta: workflowMetaSchema,
    nodes: z.array(workflowNodeSchema),
    edges: z.array(workflowEdgeSchema),
    viewport: z.optional(viewportSchema),
    groups: described(z.optional(z.array(workflowGroupSchema)), "Frames drawn behind the nodes."),
    components: described(
      z.optional(z.array(componentDefinitionSchema)),
      "Copies of the component definitions the instances use, nested ones included.",
    ),
  }),
  "A lora-graph workflow: a node graph that compiles to one fal-ai/lora request per output node.",
);

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
  from: z.string().check(z.regex(PORT_REF_V1, 'must look like "nodeId:port"')),
  to: z.string().check(z.regex(PORT_REF_V1, 'must look like "nodeId:port"')),
});

export const workflowV1NodeSchema = z.object({
  id: id("a node id"),
  type: id("a node type"),
  position: xySchema,
  data: z.record(z.string(), z.unknown()),
  label: z.optional(z.string()),
  bypass: z.optional(z.boolean()),
});

export const workflowV1Schema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.literal(1),
  name: z.optional(z.string()),
  nodes: z.array(workflowV1NodeSchema),
  edges: z.array(workflowV1EdgeSchema),
  viewport: z.optional(viewportSchema),
});

export type WorkflowV1 = z.infer<typeof workflowV1Schema>;

/** Per version: the document schema and the schemas of one node and one edge (for per-item checks). */
export const DOCUMENT_SCHEMAS = {
  1: { document: workflowV1Schema, node: workflowV1NodeSchema, edge: workflowV1EdgeSchema, meta: undefined },
  2: { document: workflowV2Schema, node: workflowNodeSchemaV3, edge: workflowEdgeSchemaV3, meta: workflowMetaSchema },
  3: { document: workflowV3Schema, node: workflowNodeSchemaV3, edge: workflowEdgeSchemaV3, meta: workflowMetaSchema },
  4: { document: workflowDocumentSchema, node: workflowNodeSchema, edge: workflowEdgeSchema, meta: workflowMetaSchema },
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
  const schema = z.toJSONSchema(workflowDocumentSchema, { io: "input", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: "lora-graph workflow",
    $comment: `format "${WORKFLOW_FORMAT}", version ${WORKFLOW_VERSION}`,
  };
}
