import type { NodeDefinition, PortKind } from "../../graph";
import { weakMemo } from "../../shared/weakMemo";

/** A wire being dropped: "source" means it was dragged out of an output, so the new node needs a matching input. */
export interface WireFilter {
  kind: PortKind;
  handleType: "source" | "target";
}

export function acceptsWire(def: NodeDefinition, wire: WireFilter): boolean {
  const ports = wire.handleType === "source" ? def.inputs : def.outputs;
  return ports.some((p) => p.kind === wire.kind);
}

/** Where a word can be found, best first: what a hit there is worth. */
const WEIGHT = { title: 100, alias: 90, param: 55, category: 30, description: 12 } as const;
type Field = keyof typeof WEIGHT;

/**
 * Edits between `a` and the start of `b`, a swap of two neighbours counting as one (optimal
 * string alignment): "lroa" is one edit from "lora", as a fast typist's slip is.
 */
function typoDistance(a: string, b: string): number {
  const t = b.slice(0, a.length + 1);
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let best = Infinity;
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = a[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === t[j - 2] && a[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  // A prefix of b may be all that was typed: the best of the last row's ends near |a|.
  for (let j = Math.max(0, a.length - 1); j <= t.length; j++) best = Math.min(best, prev[j]);
  return best;
}

/** How well one typed word matches one word of the text: 1 exact start, less inside or with a slip. */
function wordScore(w: string, token: string, typos: boolean): number {
  if (token.startsWith(w)) return 1;
  if (w.length >= 3 && token.includes(w)) return 0.7;
  if (w.length < 3 || !typos) return 0;
  const allowed = w.length <= 5 ? 1 : 2;
  return typoDistance(w, token) <= allowed ? 0.55 : 0;
}

const tokens = (s: string) =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

interface Indexed {
  def: NodeDefinition;
  i: number;
  fields: [Field, string[], string][];
}

/** The words of a node type by where they come from; its params count (so "cfg" finds the Sampler). */
const fieldsOf = weakMemo((def: NodeDefinition): Indexed["fields"] => {
  const params = Object.entries(def.params).map(([key, p]) => `${key} ${p.label ?? ""}`);
  const aliases = def.aliases ?? [];
  const raw: [Field, string][] = [
    ["title", `${def.title} ${def.type}`],
    // "KSampler" is typed as one word and as "k sampler": both spellings are kept.
    ["alias", [...aliases, ...aliases.map((a) => a.replace(/([a-z])([A-Z])/g, "$1 $2"))].join(" ")],
    ["param", params.join(" ")],
    ["category", def.category.name],
    ["description", def.description],
  ];
  return raw.map(([f, text]): [Field, string[], string] => [f, tokens(text), text.toLowerCase()]);
});

/**
 * Ranks node types by a typed query, typo-tolerant: every word must match the title, an alias
 * (what other tools call it), a param, the category or the description, exactly, inside a word,
 * or within a slip or two; title hits rank first. Recently used types (newest first) win ties
 * and lead when nothing is typed.
 *
 * Hand-written rather than fuse.js or similar: the list is a dozen node types, the scoring must
 * weigh where a word matched and count a swapped pair as one slip, and this runs in the palette
 * and the sidebar's filter, where a library's 10–20 kB would be paid on their first use.
 */
export function searchNodes(
  defs: readonly NodeDefinition[],
  query: string,
  wire?: WireFilter,
  recent: readonly string[] = [],
): NodeDefinition[] {
  const words = tokens(query);
  const joined = words.join("");
  const rank = (type: string) => {
    const r = recent.indexOf(type);
    return r < 0 ? 0 : 10 - Math.min(r, 9);
  };
  const scored: { def: NodeDefinition; score: number; i: number }[] = [];
  defs.forEach((def, i) => {
    if (wire && !acceptsWire(def, wire)) return;
    let score = 0;
    for (const w of words) {
      let best = 0;
      for (const [field, toks, text] of fieldsOf(def)) {
        // A name typed as one word ("cliptextencode") matches its spaced form too.
        let hit = w.length >= 4 && text.replace(/[^a-z0-9]/g, "").includes(w) ? 0.8 : 0;
        // Slips are forgiven in names (title, aliases, params), not in the prose of a description.
        const typos = WEIGHT[field] >= WEIGHT.param;
        for (const t of toks) hit = Math.max(hit, wordScore(w, t, typos));
        best = Math.max(best, WEIGHT[field] * hit);
      }
      if (best === 0) return;
      score += best;
    }
    if (words.length > 1 && fieldsOf(def).some(([, , text]) => text.replace(/[^a-z0-9]/g, "").includes(joined)))
      score += 20;
    // The whole name typed ("Image") beats a longer name that starts with it ("Image encoder").
    if (tokens(def.title).join("") === joined) score += 50;
    scored.push({ def, score: score + rank(def.type), i });
  });
  return scored.sort((a, b) => b.score - a.score || a.i - b.i).map((s) => s.def);
}
