/**
 * The workflow document: what is saved to disk, kept in IndexedDB and compiled.
 * Params hold only what the user chose; definitions hold everything else (InvokeAI's
 * template/instance split), so files stay small and survive catalogue changes.
 */
import type { PortKind } from "./ports";
import type { FileFacts } from "./families";

export const WORKFLOW_FORMAT = "lora-graph/workflow";
export const WORKFLOW_VERSION = 4;

export interface XY {
  x: number;
  y: number;
}

export interface WorkflowNode {
  id: string;
  type: string;
  typeVersion: number;
  position: XY;
  params: Record<string, unknown>;
  /** User's name for the node; shown instead of the type's title. */
  label?: string;
  /** Switched off without deleting: contributes nothing, model/conditioning pass straight through. */
  bypass?: boolean;
  /** Advanced params unfolded in the node body. */
  expanded?: boolean;
  /**
   * What was read from the files its params point to (a LoRA's header), by param key; see
   * `fileFactsOf` in families.ts, the only way it is read. Not sent: it is what the compiler knows.
   */
  fileInfo?: Record<string, FileFacts | unknown>;
  /** Drawn as its title bar only; its wires meet the bar. Visual: compiles the same. */
  collapsed?: boolean;
}

export interface WorkflowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  /**
   * Points the wire is drawn through, from its source to its target, in canvas coordinates.
   * Visual only: the wire still joins the same two ports.
   */
  reroutes?: XY[];
}

/** A titled, coloured frame on the canvas; moving it moves the nodes inside it. Visual only. */
export interface WorkflowGroup {
  id: string;
  title: string;
  /** `#rrggbb`. */
  color: string;
  /** Canvas coordinates of the frame, title bar included. */
  bounds: { x: number; y: number; width: number; height: number };
}

export interface WorkflowMeta {
  name?: string;
  description?: string;
  createdWith?: string;
  createdAt?: string;
  updatedAt?: string;
  tags?: string[];
  /** Set on a batch run's copy: which run it was and the values drawn (docs/batches.md#recording). */
  batch?: BatchStamp;
}

/** What a batch run records in its workflow, so restoring its image gives back its row's values. */
export interface BatchStamp {
  /** The batch's id: results of one batch share it. */
  id: string;
  /** The run's index in the batch, from 0. */
  index: number;
  /** 1-based table row. */
  row?: number;
  /** The batch seed the values were drawn from. */
  seed: number;
  /** `node.param` → the value sent; `__list__` → a table's fixed wildcard value. */
  values: Record<string, unknown>;
  /** Each line drawn from a wildcard list. */
  picks?: { list: string; value: string }[];
}

export interface WorkflowDocument {
  format: typeof WORKFLOW_FORMAT;
  version: typeof WORKFLOW_VERSION;
  meta: WorkflowMeta;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  viewport?: { x: number; y: number; zoom: number };
  /** Frames drawn behind the nodes (docs/canvas.md#groups). */
  groups?: WorkflowGroup[];
  /**
   * Copies of the component definitions the document's instances use (nested ones included), so
   * a file compiles the same wherever it is opened (docs/components.md).
   */
  components?: ComponentDefinition[];
}

/** An input of a component: the wires that crossed its border into it (docs/components.md#ports). */
export interface ComponentInput {
  /** Handle id on the instance; inner wires from `COMPONENT_INPUT` name it as their sourceHandle. */
  id: string;
  label: string;
  kind: PortKind;
  /** Takes more than one wire (every inner port it feeds does). */
  multiple?: boolean;
  /** An inner port it feeds must be wired. */
  required?: boolean;
}

/** An output of a component: one inner node's output port, seen from outside. */
export interface ComponentOutput {
  id: string;
  label: string;
  kind: PortKind;
  node: string;
  port: string;
}

/** An inner field shown on the instance, under its own stable id, label and default. */
export interface ComponentParam {
  /** Stable: instance overrides are keyed by it, so renaming the label keeps them. */
  id: string;
  label: string;
  /** The inner node, and its param (or, for a nested instance, its exposed param id). */
  node: string;
  field: string;
  /** Used when the instance does not override it; absent: the inner node's own value. */
  default?: unknown;
}

/** A saved sub-graph with an interface (docs/components.md#the-model). */
export interface ComponentDefinition {
  /** `namespace/name`, lower case: `alice/style-stack`. */
  id: string;
  /** Semantic version: `1.2.0`. */
  version: string;
  /** `sha256-<hex>` of the definition's canonical JSON without this field. */
  hash: string;
  title: string;
  description?: string;
  explainer?: string;
  inputs: ComponentInput[];
  outputs: ComponentOutput[];
  params: ComponentParam[];
  nodes: WorkflowNode[];
  /** Inner wires; a wire from an input of the component has `source: COMPONENT_INPUT`. */
  edges: WorkflowEdge[];
}

/** The source node id inner wires use for the component's own inputs (never a real node id). */
export const COMPONENT_INPUT = "@input";

/** The node type of an instance: `component:alice/style-stack@1.2.0`. */
export function instanceType(id: string, version: string): string {
  return `component:${id}@${version}`;
}

/** The definition an instance node names, or undefined when the type is not an instance's. */
export function parseInstanceType(type: string): { id: string; version: string } | undefined {
  if (!type.startsWith("component:")) return undefined;
  const at = type.lastIndexOf("@");
  if (at <= "component:".length) return undefined;
  return { id: type.slice("component:".length, at), version: type.slice(at + 1) };
}

export function emptyDocument(meta: WorkflowMeta = {}): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, meta, nodes: [], edges: [] };
}

export function edgeId(source: string, sourceHandle: string, target: string, targetHandle: string): string {
  return `e:${source}.${sourceHandle}->${target}.${targetHandle}`;
}

/** The wire from one port to another, with its canonical id. */
export function edgeBetween(from: { node: string; port: string }, to: { node: string; port: string }): WorkflowEdge {
  return {
    id: edgeId(from.node, from.port, to.node, to.port),
    source: from.node,
    sourceHandle: from.port,
    target: to.node,
    targetHandle: to.port,
  };
}
