import type { NodeDefinition } from "./defineNode";

export interface Registry {
  get(type: string): NodeDefinition | undefined;
  /** Throws: for programmer errors only, never for user data. */
  getOrThrow(type: string): NodeDefinition;
  list(): readonly NodeDefinition[];
}

/** Builds a registry from an explicit array; no import side effects (tldraw's habit). */
export function createRegistry(definitions: readonly NodeDefinition<any>[]): Registry {
  const byType = new Map<string, NodeDefinition>();
  for (const def of definitions) {
    if (byType.has(def.type)) throw new Error(`Duplicate node type "${def.type}"`);
    for (const dir of [def.inputs, def.outputs]) {
      const ids = new Set<string>();
      for (const p of dir) {
        if (ids.has(p.id)) throw new Error(`Node type "${def.type}" has two ports "${p.id}"`);
        ids.add(p.id);
      }
    }
    byType.set(def.type, def as NodeDefinition);
  }
  const list = [...byType.values()];
  return {
    get: (type) => byType.get(type),
    getOrThrow(type) {
      const def = byType.get(type);
      if (!def) throw new Error(`Unknown node type "${type}"`);
      return def;
    },
    list: () => list,
  };
}
