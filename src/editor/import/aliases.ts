/**
 * Where the editor keeps LoRA aliases (docs/import-export.md, "LoRA aliases"): in this browser's
 * localStorage, a small name → URL table. A choice is learned from the graph an import is about to
 * replace: the user imported a LoRA by name, filled in its URL, and imports again.
 */
import { requestListOf, type Registry, type WorkflowDocument } from "../../graph";
import { MAX_ALIASES, aliasKey, isAliasTarget } from "../../interop/aliases";

const KEY = "lora-graph:lora-aliases";

interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValue | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // disabled storage throws on access
  }
}

/** The remembered aliases; an unreadable table is an empty one. */
export function loadAliases(store: KeyValue | null = storage()): Record<string, string> {
  try {
    const raw: unknown = JSON.parse(store?.getItem(KEY) ?? "{}");
    const out: Record<string, string> = Object.create(null);
    if (raw && typeof raw === "object" && !Array.isArray(raw))
      for (const [k, v] of Object.entries(raw)) if (isAliasTarget(v)) out[k] = v;
    return out;
  } catch {
    return Object.create(null);
  }
}

/**
 * Remembers, for every LoRA node titled with a name and holding an https URL, name → URL. Nodes
 * still titled with their type's own title name nothing.
 */
export function learnAliases(doc: WorkflowDocument, registry: Registry, store: KeyValue | null = storage()): number {
  const aliases = loadAliases(store);
  let learned = 0;
  for (const node of doc.nodes) {
    const def = registry.get(node.type);
    if (!def || requestListOf(def) !== "loras" || !node.label || node.label === def.title) continue;
    const path = node.params.path;
    const key = aliasKey(node.label);
    if (!key || !isAliasTarget(path) || aliases[key] === path) continue;
    delete aliases[key];
    aliases[key] = path; // re-inserted last: the newest choice is kept longest
    learned++;
  }
  if (!learned) return 0;
  const kept = Object.entries(aliases).slice(-MAX_ALIASES);
  try {
    store?.setItem(KEY, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    return 0; // a full or refused storage forgets: aliases are a convenience
  }
  return learned;
}
