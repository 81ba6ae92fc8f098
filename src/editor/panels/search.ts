import type { NodeCategory, NodeDefinition, PortKind, Registry } from "../../graph";

/** A wire being dropped: "source" means it was dragged out of an output, so the new node needs a matching input. */
export interface WireFilter {
  kind: PortKind;
  handleType: "source" | "target";
}

export function acceptsWire(def: NodeDefinition, wire: WireFilter): boolean {
  const ports = wire.handleType === "source" ? def.inputs : def.outputs;
  return ports.some((p) => p.kind === wire.kind);
}

/**
 * Filters and ranks node types by a typed query: every word must match the title, type, category
 * or description; title matches rank first, then category, then description.
 */
export function searchNodes(defs: readonly NodeDefinition[], query: string, wire?: WireFilter): NodeDefinition[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scored: { def: NodeDefinition; score: number; i: number }[] = [];
  defs.forEach((def, i) => {
    if (wire && !acceptsWire(def, wire)) return;
    const title = `${def.title} ${def.type.replace(/_/g, " ")}`.toLowerCase();
    const cat = def.category.name.toLowerCase();
    const desc = def.description.toLowerCase();
    let score = 0;
    for (const w of words) {
      if (title.startsWith(w) || title.includes(` ${w}`)) score += 100;
      else if (title.includes(w)) score += 60;
      else if (cat.includes(w)) score += 30;
      else if (desc.includes(w)) score += 10;
      else return;
    }
    scored.push({ def, score, i });
  });
  return scored.sort((a, b) => b.score - a.score || a.i - b.i).map((s) => s.def);
}

/** The palette's sections: `defs` (all types, or a search's hits) grouped by the registry's categories, empty ones left out. */
export function paletteGroups(
  registry: Registry,
  defs: readonly NodeDefinition[] = registry.list(),
): { category: NodeCategory; defs: NodeDefinition[] }[] {
  return registry
    .categories()
    .map((category) => ({ category, defs: defs.filter((d) => d.category.name === category.name) }))
    .filter((g) => g.defs.length);
}
