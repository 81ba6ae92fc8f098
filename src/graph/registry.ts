import type { NodeCategory, NodeDefinition } from "./defineNode";
import { checkDefinition, indexRequestPaths } from "./nodeCheck";
import { declaredPaths, requestListOf, type RequestFeeder } from "./requestPaths";
import type { RequestList } from "./request";

export interface Registry {
  get(type: string): NodeDefinition | undefined;
  /** Throws: for programmer errors only, never for user data. */
  getOrThrow(type: string): NodeDefinition;
  list(): readonly NodeDefinition[];
  /** The categories of the listed types, in the order their first type appears (the palette's order). */
  categories(): readonly NodeCategory[];
  /** Who sends a request path ("guidance_scale", "loras[].scale"), as its definition declares. */
  feeder(path: string): RequestFeeder | undefined;
  /** Every declared request path, in catalogue order. */
  feeders(): readonly RequestFeeder[];
  /** The node type each of whose nodes appends one item to `list` ("loras" → the LoRA type). */
  listFeeder(list: RequestList): NodeDefinition | undefined;
}

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/**
 * Builds a registry from an explicit array; no import side effects (tldraw's habit). Each
 * definition is checked (src/graph/nodeCheck.ts): a catalogue whose parts disagree throws here,
 * when it is loaded, with a message naming the node type.
 */
export function createRegistry(definitions: readonly NodeDefinition<any>[]): Registry {
  const seen = new Set<string>();
  const categoryByName = new Map<string, NodeCategory>();
  const paths: RequestFeeder[] = [];
  for (const def of definitions) {
    if (seen.has(def.type)) throw new Error(`Duplicate node type "${def.type}"`);
    seen.add(def.type);
    paths.push(...checkDefinition(def));
    checkCategory(def, categoryByName);
  }
  indexRequestPaths(definitions as readonly NodeDefinition[], paths);
  return indexedRegistry(definitions);
}

/**
 * The registry of a catalogue checked already, without the checks: the editor's build uses it
 * for its own catalogue, which cannot change once built and which the unit tests, the dev server,
 * the CLI and the server check through `createRegistry` (nodes/index.ts).
 */
export function indexedRegistry(definitions: readonly NodeDefinition<any>[]): Registry {
  const byType = new Map<string, NodeDefinition>();
  const categories = new Map<string, NodeCategory>();
  for (const def of definitions) {
    byType.set(def.type, def as NodeDefinition);
    if (!categories.has(def.category.name)) categories.set(def.category.name, def.category);
  }
  const list = [...byType.values()];
  const paths = list.flatMap(declaredPaths);
  const byPath = new Map<string, RequestFeeder>();
  for (const f of paths) if (!byPath.has(f.path)) byPath.set(f.path, f);
  const byList = new Map<RequestList, NodeDefinition>();
  for (const def of list) {
    const l = requestListOf(def);
    if (l && !byList.has(l)) byList.set(l, def);
  }
  const categoryList = [...categories.values()];
  return {
    get: (type) => byType.get(type),
    getOrThrow(type) {
      const def = byType.get(type);
      if (!def) throw new Error(`Unknown node type "${type}"`);
      return def;
    },
    list: () => list,
    categories: () => categoryList,
    feeder: (path) => byPath.get(path),
    feeders: () => paths,
    listFeeder: (l) => byList.get(l),
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
