import {
  defaultParams,
  edgeId,
  emptyDocument,
  type Registry,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from "../../src/graph";

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

/**
 * Builder for the big generated graphs (bench, load and reliability tests): nodes keep only the
 * params given, in a grid of `columns` on the bench's 320 px pitch, with ids `type-index`.
 */
export function gridBuilder(registry: Registry, columns: number, rowPitch = 280) {
  const nodes: WorkflowNode[] = [];
  const edges: WorkflowEdge[] = [];
  const add = (type: string, params: Record<string, unknown>, id = `${type}-${nodes.length}`) => {
    nodes.push({
      id,
      type,
      typeVersion: registry.getOrThrow(type).version,
      position: { x: (nodes.length % columns) * 320, y: Math.floor(nodes.length / columns) * rowPitch },
      params,
    });
    return id;
  };
  const wire = (s: string, sh: string, t: string, th: string) =>
    edges.push({ id: edgeId(s, sh, t, th), source: s, sourceHandle: sh, target: t, targetHandle: th });
  /**
   * An IP-Adapter after `model`, fed a reference image and the shared encoder (3 wires). `image`
   * is called after the adapter is added, so an image made there comes after it.
   */
  const ipAdapter = (model: string, image: () => string, encoder: string) => {
    const a = add("ip_adapter", {
      path: "h94/IP-Adapter",
      model_subfolder: "sdxl_models",
      weight_name: "ip-adapter-plus_sdxl_vit-h.safetensors",
      scale: 0.5,
    });
    wire(model, "model", a, "model");
    wire(image(), "image", a, "image");
    wire(encoder, "image_encoder", a, "image_encoder");
    return a;
  };
  return { nodes, edges, add, wire, ipAdapter };
}
