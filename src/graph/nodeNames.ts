/**
 * What the user calls each node of one level of a graph: its label, else its type's title, with
 * unlabelled nodes that share a title numbered in list order ("LoRA 1", "LoRA 2"). The editor
 * labels exposed params this way and the compiler names inner nodes in messages the same way, so
 * "Style stack › LoRA 2 › Scale" means the same node everywhere.
 */
import type { WorkflowNode } from "./document";
import type { Registry } from "./registry";

export function nodeDisplayNames(
  nodes: readonly Pick<WorkflowNode, "id" | "type" | "label">[],
  registry: Pick<Registry, "get">,
): Map<string, string> {
  const title = (n: Pick<WorkflowNode, "type" | "label">) => n.label || registry.get(n.type)?.title || n.type;
  const count = new Map<string, number>();
  for (const n of nodes) if (!n.label) count.set(title(n), (count.get(title(n)) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const n of nodes) {
    const t = title(n);
    if (n.label || count.get(t)! < 2) {
      out.set(n.id, t);
      continue;
    }
    const i = (seen.get(t) ?? 0) + 1;
    seen.set(t, i);
    out.set(n.id, `${t} ${i}`);
  }
  return out;
}
