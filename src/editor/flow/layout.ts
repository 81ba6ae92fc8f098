import type { Registry, WorkflowDocument, XY } from "../../graph";

export interface NodeSize {
  width: number;
  height: number;
}

/**
 * Left-to-right layered layout with ELK. elkjs is ~1.5 MB, so it is imported on first use
 * and never lands in the initial bundle.
 */
export async function autoLayout(
  doc: WorkflowDocument,
  registry: Registry,
  sizes: ReadonlyMap<string, NodeSize>,
): Promise<{ id: string; position: XY }[]> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const hasPort = (id: string, dir: "inputs" | "outputs", port: string) => {
    const n = byId.get(id);
    return !!n && !!registry.get(n.type)?.[dir].some((p) => p.id === port);
  };
  const graph = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.spacing.nodeNode": "40",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.portConstraints": "FIXED_ORDER",
    },
    children: doc.nodes.map((n) => {
      const def = registry.get(n.type);
      const size = sizes.get(n.id) ?? { width: 260, height: 160 };
      return {
        id: n.id,
        width: size.width,
        height: size.height,
        ports: [
          ...(def?.inputs ?? []).map((p, i) => ({
            id: `${n.id}::in::${p.id}`,
            layoutOptions: { "elk.port.side": "WEST", "elk.port.index": String(i) },
          })),
          ...(def?.outputs ?? []).map((p, i) => ({
            id: `${n.id}::out::${p.id}`,
            layoutOptions: { "elk.port.side": "EAST", "elk.port.index": String(i) },
          })),
        ],
      };
    }),
    // Wires to ports ELK does not know (unknown node types) would make it throw; they carry no layout information anyway.
    edges: doc.edges
      .filter((e) => hasPort(e.source, "outputs", e.sourceHandle) && hasPort(e.target, "inputs", e.targetHandle))
      .map((e) => ({
        id: e.id,
        sources: [`${e.source}::out::${e.sourceHandle}`],
        targets: [`${e.target}::in::${e.targetHandle}`],
      })),
  };
  const res = await elk.layout(graph);
  return (res.children ?? []).map((c) => ({
    id: c.id,
    position: { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) },
  }));
}
