/**
 * The node catalogue's sections and the node types added lately: what the always loaded sidebar
 * draws and remembers. The search itself (search.ts) loads when a filter is first typed
 * (docs/codebase.md#the-first-load).
 */
import type { NodeCategory, NodeDefinition, Registry } from "../../graph";

/**
 * The palette's sections: `defs` (all types, or a search's hits) grouped by the registry's
 * categories, empty ones left out.
 */
export function paletteGroups(
  registry: Registry,
  defs: readonly NodeDefinition[] = registry.list(),
): { category: NodeCategory; defs: NodeDefinition[] }[] {
  return registry
    .categories()
    .map((category) => ({ category, defs: defs.filter((d) => d.category.name === category.name) }))
    .filter((g) => g.defs.length);
}

/** Node types added lately, newest first, kept in this browser for the search to put first. */
export const RECENT_NODES_KEY = "lora-graph-recent-nodes";
const MAX_RECENT = 8;

export function recentNodeTypes(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): string[] {
  try {
    const v: unknown = JSON.parse(storage?.getItem(RECENT_NODES_KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === "string").slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function rememberNodeType(
  type: string,
  storage: Pick<Storage, "getItem" | "setItem"> | undefined = globalThis.localStorage,
): void {
  const next = [type, ...recentNodeTypes(storage).filter((t) => t !== type)].slice(0, MAX_RECENT);
  try {
    storage?.setItem(RECENT_NODES_KEY, JSON.stringify(next));
  } catch {
    // Storage full or blocked: the order is only a comfort.
  }
}
