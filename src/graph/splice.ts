import { canConnect } from "./canConnect";
import { edgeBetween, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from "./document";
import type { Registry } from "./registry";

export type SplicePlan =
  { ok: true; remove: string; add: [into: WorkflowEdge, out: WorkflowEdge] } | { ok: false; reason: string };

/**
 * How to put `node` into the wire `wireId` (a LoRA dropped on the Base model → Sampler wire):
 * the wire goes away, its source feeds one of the node's inputs and one of the node's outputs
 * feeds the wire's target. Each new wire must pass `canConnect` as the graph would be, so a
 * splice never makes a wire the editor would refuse (a wrong type, a taken input, a loop).
 * `node` may be a node about to be added (it need not be in `doc` yet).
 *
 * @example
 * planSplice(doc, "e:base.model->sampler.model", lora, registry)
 * // → { ok: true, remove: "e:base.model->sampler.model", add: [base→lora.model, lora.model→sampler] }
 */
export function planSplice(doc: WorkflowDocument, wireId: string, node: WorkflowNode, registry: Registry): SplicePlan {
  const old = doc.edges.find((e) => e.id === wireId);
  if (!old) return { ok: false, reason: "That wire no longer exists" };
  const def = registry.get(node.type);
  const title = node.label || def?.title || node.type;
  if (!def) return { ok: false, reason: `Unknown node type "${node.type}"` };
  if (node.id === old.source || node.id === old.target)
    return { ok: false, reason: `${title} is already at an end of this wire` };
  const nodes = doc.nodes.some((n) => n.id === node.id) ? doc.nodes : [...doc.nodes, node];
  const base: WorkflowDocument = { ...doc, nodes, edges: doc.edges.filter((e) => e.id !== wireId) };
  let refusal: string | undefined;
  for (const input of def.inputs) {
    const into = { node: node.id, port: input.id };
    const first = canConnect(base, { node: old.source, port: old.sourceHandle }, into, registry);
    if (!first.ok) {
      refusal ??= first.code === "type-mismatch" ? undefined : first.reason;
      continue;
    }
    const inEdge = edgeBetween({ node: old.source, port: old.sourceHandle }, into);
    const withIn = { ...base, edges: [...base.edges, inEdge] };
    for (const output of def.outputs) {
      const from = { node: node.id, port: output.id };
      const second = canConnect(withIn, from, { node: old.target, port: old.targetHandle }, registry);
      if (second.ok)
        return {
          ok: true,
          remove: wireId,
          add: [inEdge, edgeBetween(from, { node: old.target, port: old.targetHandle })],
        };
      if (second.code !== "type-mismatch") refusal ??= second.reason;
    }
  }
  return { ok: false, reason: refusal ?? `${title} has no input and output that fit this wire` };
}
