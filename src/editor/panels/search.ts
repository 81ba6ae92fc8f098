import type { NodeDefinition, PortKind } from "../../graph";

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
    const cat = def.category.toLowerCase();
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
