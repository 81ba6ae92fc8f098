import { defaultParams, edgeId, emptyDocument, type Registry, type WorkflowDocument } from "../../src/graph";

/**
 * Small fluent builder for test graphs.
 * @example
 * const doc = build(registry, (g) => {
 *   const m = g.node("base_model", { model_name: "x/y" });
 *   const s = g.node("sampler");
 *   g.wire(m, "model", s, "model");
 * });
 */
export function build(registry: Registry, fn: (g: GraphBuilder) => void): WorkflowDocument {
  const doc = emptyDocument({ name: "test" });
  let n = 0;
  const g: GraphBuilder = {
    node(type, params = {}, extra = {}) {
      const def = registry.getOrThrow(type);
      const id = extra.id ?? `${type}-${++n}`;
      doc.nodes.push({
        id,
        type,
        typeVersion: def.version,
        position: { x: n * 250, y: 0 },
        params: { ...defaultParams(def), ...params },
        ...extra,
      });
      return id;
    },
    wire(source, sourceHandle, target, targetHandle) {
      doc.edges.push({
        id: edgeId(source, sourceHandle, target, targetHandle),
        source,
        sourceHandle,
        target,
        targetHandle,
      });
    },
  };
  fn(g);
  return doc;
}

export interface GraphBuilder {
  node(
    type: string,
    params?: Record<string, unknown>,
    extra?: { id?: string; bypass?: boolean; label?: string },
  ): string;
  wire(source: string, sourceHandle: string, target: string, targetHandle: string): void;
}
