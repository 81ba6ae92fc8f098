/**
 * Automatic left-to-right layout of a workflow with ELK's layered algorithm, for imported
 * requests and "tidy up". Runs in Node and the browser (the bundled ELK needs no worker file).
 */
// Type-only: ELK (~1.4 MB) is imported on first use so the editor's initial bundle stays small.
import type ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode, ElkExtendedEdge } from "elkjs/lib/elk-api";
import {
  estimateNodeSize,
  type NodeDefinition,
  type Registry,
  type WorkflowDocument,
  type WorkflowNode,
} from "../graph";

export interface LayoutOptions {
  /** The size a node is drawn at; defaults to an estimate from its ports and visible params. */
  nodeSize?(node: WorkflowNode, def: NodeDefinition | undefined): { width: number; height: number };
  /** Gap between columns, in flow units (default 80). */
  columnGap?: number;
  /** Gap between nodes in a column. */
  rowGap?: number;
  /**
   * Runs ELK on the graph built here and returns it laid out. Defaults to ELK in this thread; the
   * editor passes one that runs it in a Web Worker, since 5,000 nodes take seconds.
   */
  runElk?(graph: ElkNode): Promise<ElkNode>;
}

let elk: InstanceType<typeof ELK> | undefined;

/** ELK's layered layout in this thread (the bundled ELK needs no worker file). */
export async function elkHere(graph: ElkNode): Promise<ElkNode> {
  elk ??= new (await import("elkjs/lib/elk.bundled.js")).default();
  return elk.layout(graph);
}

/**
 * Returns a copy of `doc` with every node placed by ELK: data flows left to right, chains
 * (base model → LoRAs → … → Sampler) read in order, and wires enter each node at its port's row.
 * The input document is not changed. Rejects only if ELK itself fails.
 *
 * @example
 * const tidy = await layoutDocument(doc, registry);
 */
export async function layoutDocument(
  doc: WorkflowDocument,
  registry: Registry,
  options: LayoutOptions = {},
): Promise<WorkflowDocument> {
  if (doc.nodes.length === 0) return doc;
  const result = await (options.runElk ?? elkHere)(elkGraph(doc, registry, options));
  const placed = new Map<string, { x: number; y: number }>();
  for (const c of result.children ?? []) placed.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, position: placed.get(n.id) ?? n.position })),
  };
}

/** ELK's input for `doc`: plain data (nodes with their sized ports, and wires), so it can go to a worker. */
function elkGraph(doc: WorkflowDocument, registry: Registry, options: LayoutOptions): ElkNode {
  const size = options.nodeSize ?? estimateNodeSize;
  const portId = (nodeId: string, dir: "in" | "out", port: string) => `${nodeId}\u0000${dir}\u0000${port}`;

  const ids = new Set<string>();
  const children: ElkNode[] = [];
  const ports = new Set<string>();
  for (const node of doc.nodes) {
    if (ids.has(node.id)) continue;
    ids.add(node.id);
    const def = registry.get(node.type);
    const elkPorts = [
      // ELK numbers ports clockwise, so west-side ports count from the bottom up.
      ...(def?.inputs ?? []).map((p, i, all) => ({
        id: portId(node.id, "in", p.id),
        side: "WEST",
        index: all.length - 1 - i,
      })),
      ...(def?.outputs ?? []).map((p, i) => ({ id: portId(node.id, "out", p.id), side: "EAST", index: i })),
    ].map(({ id, side, index }) => {
      ports.add(id);
      return { id, width: 1, height: 1, layoutOptions: { "elk.port.side": side, "elk.port.index": String(index) } };
    });
    children.push({
      id: node.id,
      ...size(node, def),
      ports: elkPorts,
      layoutOptions: { "elk.portConstraints": "FIXED_ORDER" },
    });
  }

  const edges: ElkExtendedEdge[] = [];
  const edgeIds = new Set<string>();
  for (const e of doc.edges) {
    const from = portId(e.source, "out", e.sourceHandle);
    const to = portId(e.target, "in", e.targetHandle);
    // Broken wires are the compiler's business; layout just leaves them out.
    if (!ports.has(from) || !ports.has(to) || edgeIds.has(e.id)) continue;
    edgeIds.add(e.id);
    edges.push({ id: e.id, sources: [from], targets: [to] });
  }

  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.edgeRouting": "SPLINES",
      "elk.layered.spacing.nodeNodeBetweenLayers": String(options.columnGap ?? 80),
      "elk.spacing.nodeNode": String(options.rowGap ?? 40),
      // Keep the request's order (LoRA 1 above LoRA 2, …) where the layering allows it.
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.nodePlacement.bk.fixedAlignment": "BALANCED",
      "elk.separateConnectedComponents": "true",
    },
    children,
    edges,
  };
}
