import type { NodeCategory, NodeDefinition } from "./defineNode";

export interface Registry {
  get(type: string): NodeDefinition | undefined;
  /** Throws: for programmer errors only, never for user data. */
  getOrThrow(type: string): NodeDefinition;
  list(): readonly NodeDefinition[];
  /** The categories of the listed types, in the order their first type appears (the palette's order). */
  categories(): readonly NodeCategory[];
}

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** Builds a registry from an explicit array; no import side effects (tldraw's habit). */
export function createRegistry(definitions: readonly NodeDefinition<any>[]): Registry {
  const byType = new Map<string, NodeDefinition>();
  const categoryByName = new Map<string, NodeCategory>();
  for (const def of definitions) {
    if (byType.has(def.type)) throw new Error(`Duplicate node type "${def.type}"`);
    for (const dir of [def.inputs, def.outputs]) {
      const ids = new Set<string>();
      for (const p of dir) {
        if (ids.has(p.id)) throw new Error(`Node type "${def.type}" has two ports "${p.id}"`);
        ids.add(p.id);
      }
    }
    checkCategory(def, categoryByName);
    byType.set(def.type, def as NodeDefinition);
  }
  const list = [...byType.values()];
  const categories = [...categoryByName.values()];
  return {
    get: (type) => byType.get(type),
    getOrThrow(type) {
      const def = byType.get(type);
      if (!def) throw new Error(`Unknown node type "${type}"`);
      return def;
    },
    list: () => list,
    categories: () => categories,
  };
}

function checkCategory(def: NodeDefinition, seen: Map<string, NodeCategory>): void {
  const c = def.category;
  if (!c || typeof c.name !== "string" || !c.name.trim())
    throw new Error(`Node type "${def.type}": its category needs a name`);
  if (typeof c.color !== "string" || !HEX_COLOR.test(c.color))
    throw new Error(
      `Node type "${def.type}": category "${c.name}" has colour ${JSON.stringify(c.color)}, not a hex colour`,
    );
  const known = seen.get(c.name);
  if (!known) seen.set(c.name, c);
  else if (known.color.toLowerCase() !== c.color.toLowerCase())
    throw new Error(
      `Node type "${def.type}": category "${c.name}" is ${c.color} here but ${known.color} on an earlier node type`,
    );
}
