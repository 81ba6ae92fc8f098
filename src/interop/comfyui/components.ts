/**
 * ComfyUI subgraphs become components (docs/import-export.md, "Subgraphs become components"). The
 * import flattens a subgraph instance into its inner nodes to build one request; once that request
 * is a graph, the lora-graph nodes whose every value came from one instance's inner nodes are
 * extracted into a component named after the subgraph, so the imported pipeline keeps the grouping
 * its author made. Nested subgraphs are made first, so an outer component holds the inner one's
 * instance.
 */
import { type Registry, type Source, type WorkflowDocument } from "../../graph";
import { extractComponent } from "../../graph/componentEdits";
import type { ForeignNote } from "../foreign";
import type { ComfyImport, ComfySubgraph } from "./types";

/**
 * The ComfyUI node each lora-graph node's request values came from, by lora-graph node id. A
 * request path takes the source recorded for it or for its nearest parent ("loras.1.scale" →
 * "loras.1"); a path with no ComfyUI source says nothing.
 */
function comfyNodesByNode(
  sourceMaps: readonly Readonly<Record<string, Source>>[],
  sources: ComfyImport["sources"],
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const map of sourceMaps)
    for (const [path, src] of Object.entries(map)) {
      const parts = path.split(".");
      let comfy: string | undefined;
      for (let n = parts.length; n > 0 && comfy === undefined; n--)
        comfy = sources[parts.slice(0, n).join(".")]?.nodeId;
      if (comfy === undefined) continue;
      const set = out.get(src.nodeId) ?? new Set<string>();
      set.add(comfy);
      out.set(src.nodeId, set);
    }
  return out;
}

/** Nodes (in document order) whose every ComfyUI source lies inside the instance. */
function nodesOfInstance(doc: WorkflowDocument, byNode: Map<string, Set<string>>, inner: ReadonlySet<string>) {
  return doc.nodes
    .filter((n) => {
      const from = byNode.get(n.id);
      return from !== undefined && from.size > 0 && [...from].every((id) => inner.has(id));
    })
    .map((n) => n.id);
}

/** "castle style" → "castle-style"; the component id's name part. */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48) || "subgraph";

function noteFor(sub: ComfySubgraph, nodeId: string, message: string): ForeignNote {
  return { severity: "info", source: `node ${nodeId}`, message: `Subgraph "${sub.name}": ${message}` };
}

/** `comfyui/<name>`, with a number when two subgraphs share a name. */
function freeId(doc: WorkflowDocument, name: string): string {
  const taken = new Set((doc.components ?? []).map((c) => c.id));
  let id = `comfyui/${slug(name)}`;
  for (let k = 2; taken.has(id); k++) id = `comfyui/${slug(name)}-${k}`;
  return id;
}

/**
 * `doc` (an imported ComfyUI request as a graph) with each subgraph instance's nodes made into a
 * component, and a note per instance saying what became of it. Never throws: an instance whose
 * nodes cannot be extracted stays as plain nodes, with the reason.
 */
export function subgraphsToComponents(
  doc: WorkflowDocument,
  sourceMaps: readonly Readonly<Record<string, Source>>[],
  imported: Pick<ComfyImport, "sources" | "subgraphs">,
  registry: Registry,
): { document: WorkflowDocument; notes: ForeignNote[] } {
  const notes: ForeignNote[] = [];
  if (!imported.subgraphs?.length) return { document: doc, notes };
  const byNode = comfyNodesByNode(sourceMaps, imported.sources);
  // Innermost first: execution ids gain a ":" per level ("50:7" is inside "50").
  const depth = (id: string) => id.split(":").length;
  const instances = imported.subgraphs
    .flatMap((sub) => sub.instances.map((instance, i) => ({ sub, instance, i })))
    .sort((a, b) => depth(b.instance.nodeId) - depth(a.instance.nodeId));
  let document = doc;
  for (const { sub, instance, i } of instances) {
    const ids = nodesOfInstance(document, byNode, new Set(instance.innerNodeIds));
    if (!ids.length) {
      notes.push(noteFor(sub, instance.nodeId, "none of its nodes maps to a fal field, so it is not a component"));
      continue;
    }
    const name = sub.instances.length > 1 ? `${sub.name} ${i + 1}` : sub.name;
    const r = extractComponent(document, ids, { name, id: freeId(document, name) }, registry);
    if (!r.ok) {
      notes.push(noteFor(sub, instance.nodeId, `its nodes stay as they are: ${r.reason}`));
      continue;
    }
    document = r.document;
    // The instance now stands for its nodes, so an outer subgraph can take it in.
    byNode.set(r.instanceId, new Set(ids.flatMap((id) => [...(byNode.get(id) ?? [])])));
    notes.push(noteFor(sub, instance.nodeId, `became the component "${name}" (${ids.length} nodes)`));
  }
  return { document, notes };
}
