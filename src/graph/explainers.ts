/**
 * Node types' teaching text, fetched on demand: only the inspector, the add-node search and the
 * CLI's `explain` show it, and the thirteen texts were about 3.6 kB gzip of the editor's first load
 * (docs/codebase.md#the-first-load).
 */
import type { NodeDefinition, NodeExplainer } from "./defineNode";
import { checkExplainer } from "./nodeCheck";

type Loader = () => Promise<{ default: NodeExplainer }>;
// Caches of loaded code, by loader (a copy of a definition shares it): the texts that arrived,
// and the fetches under way, so that two parts opening at once fetch a text once.
const loaded = new WeakMap<Loader, NodeExplainer>();
const loading = new WeakMap<Loader, Promise<void>>();

/** `def`'s teaching text: given inline, or loaded by `loadExplainers` (undefined until then). */
export function explainerOf(def: NodeDefinition): NodeExplainer | undefined {
  return typeof def.explain === "function" ? loaded.get(def.explain) : def.explain;
}

/**
 * Fetches the teaching text of each of `defs` that keeps it in a module, once, and checks it
 * against the definition like registration would (a text naming a param the node lacks rejects).
 * A failed fetch is tried again by the next call.
 */
export async function loadExplainers(defs: Iterable<NodeDefinition>): Promise<void> {
  await Promise.all([...defs].map(loadOne));
}

function loadOne(def: NodeDefinition): Promise<void> {
  const load = def.explain;
  if (typeof load !== "function" || loaded.has(load)) return Promise.resolve();
  let p = loading.get(load);
  if (!p) {
    p = load().then((m) => {
      checkExplainer(def, m.default);
      loaded.set(load, m.default);
    });
    p.catch(() => loading.delete(load));
    loading.set(load, p);
  }
  return p;
}
