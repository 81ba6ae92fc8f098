/**
 * Titles for the nodes of an imported request. Another tool's data names things a request has no
 * place for (a LoRA file, a checkpoint); the import keeps those names as node titles, found
 * through the sourceMap: the node that writes `loras.0.*` gets the title given for "loras.0".
 */
import type { WorkflowDocument } from "../graph";
import type { SourceMap } from "./compile";

/** A copy of `doc` whose nodes carry the titles given by request path; titled nodes keep theirs. */
export function titleNodesByPath(
  doc: WorkflowDocument,
  sourceMaps: readonly SourceMap[],
  labels: Readonly<Record<string, string>>,
): WorkflowDocument {
  const titles = new Map<string, string>();
  for (const [path, title] of Object.entries(labels)) {
    let found = false;
    for (const map of sourceMaps) {
      const key = Object.keys(map).find((k) => k === path || k.startsWith(`${path}.`));
      if (key && !titles.has(map[key].nodeId)) titles.set(map[key].nodeId, title);
      found ||= !!key;
    }
    // A value the compiler refused (an empty model_name) is not in the sourceMap; a top-level
    // field is then found on the node whose param of that name holds it.
    const holder = !found && !path.includes(".") ? doc.nodes.find((n) => Object.hasOwn(n.params, path)) : undefined;
    if (holder && !titles.has(holder.id)) titles.set(holder.id, title);
  }
  if (titles.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (titles.has(n.id) && !n.label ? { ...n, label: titles.get(n.id) } : n)),
  };
}
