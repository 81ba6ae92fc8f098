/**
 * "What changed between these two images?" in plain words: the difference between two compiled
 * requests, e.g. `guidance_scale 7.5 → 4; LoRA film-grain removed; ControlNet controlnet-canny-sdxl-1.0 end 1 → 0.6`.
 *
 * List items (LoRAs, ControlNets, embeddings, IP-Adapters) are matched by what they load, not by
 * index, so removing the first LoRA does not read as "every LoRA changed", and reordering reads as
 * "moved". Omitted fields count as fal's defaults, so `scale: 1` and no scale are the same.
 */
import { FAL_DEFAULTS, FAL_NESTED_DEFAULTS, type SourceMap } from "../compiler";
import {
  REQUEST_LISTS,
  type Endpoint,
  type NodeDefinition,
  type Registry,
  type RequestList,
  type WorkflowDocument,
} from "../graph";
import { shortModelName } from "./names";

/**
 * A request, optionally with what produced it; the extras give items their node labels and tell
 * bypassed from removed.
 */
export interface RequestSnapshot {
  input: Record<string, unknown>;
  endpoint?: Endpoint;
  sourceMap?: SourceMap;
  document?: WorkflowDocument;
}

export type RequestChangeKind = "changed" | "added" | "removed" | "moved" | "bypassed" | "restored";

export interface RequestChange {
  kind: RequestChangeKind;
  /** Request path in the after request, or the before one for removals ("loras.1.scale", "guidance_scale"). */
  path: string;
  /** What the change is about: "guidance_scale", "LoRA film-grain". */
  subject: string;
  /** The field of a list item, when the change is inside one ("end_percentage"). */
  field?: string;
  from?: unknown;
  to?: unknown;
  text: string;
}

export interface RequestDiff {
  changes: RequestChange[];
  /** The changes joined with "; ", or a sentence saying there are none. */
  sentence: string;
}

/** A request list as the diff reads it, from the definition of the node type that appends its items. */
interface ListKind {
  key: RequestList;
  /** "LoRA": the title of the node type that makes the items. */
  noun: string;
  def?: NodeDefinition;
  /** Item fields, general to specific, that say what an item loads (the definition's itemIdentity). */
  fields: readonly string[];
  registry: Registry;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function listKind(key: string, registry: Registry): ListKind | undefined {
  if (!(REQUEST_LISTS as readonly string[]).includes(key)) return undefined;
  const def = registry.listFeeder(key as RequestList);
  return { key: key as RequestList, noun: def?.title ?? key, def, fields: def?.itemIdentity ?? ["path"], registry };
}

const identity = (list: ListKind, item: Record<string, unknown>) => list.fields.map((f) => str(item[f])).join("\u0000");

/** The short name of the most specific identity field that is set: the weights file before its repository. */
function itemModel(list: ListKind, item: Record<string, unknown>): string {
  const set = list.fields.map((f) => str(item[f])).filter(Boolean);
  return set.length ? shortModelName(set[set.length - 1]) : "";
}

/** A field of an item in the words its node shows (the param or port label): "end_percentage" → "end". */
function fieldWord(list: ListKind, field: string): string {
  const f = list.registry.feeder(`${list.key}[].${field}`);
  const label = f?.param !== undefined ? f.def.params[f.param]?.label : f?.port?.label;
  return label ? label.toLowerCase() : field;
}

const UNSET_WORDS: Record<string, string> = { seed: "random", scheduler: "model default" };

const ENDPOINT_WORDS: Record<Endpoint, string> = {
  "fal-ai/lora": "text-to-image",
  "fal-ai/lora/image-to-image": "image-to-image",
  "fal-ai/lora/inpaint": "inpaint",
};

/**
 * Describes what changed from `before` to `after`.
 * @example
 * diffRequests({ guidance_scale: 7.5 }, { guidance_scale: 4 }, registry).sentence // "guidance_scale 7.5 → 4"
 */
export function diffRequests(
  before: Record<string, unknown> | RequestSnapshot,
  after: Record<string, unknown> | RequestSnapshot,
  registry: Registry,
): RequestDiff {
  const a = snapshot(before);
  const b = snapshot(after);
  const changes: RequestChange[] = [];
  if (a.endpoint && b.endpoint && a.endpoint !== b.endpoint) {
    changes.push({
      kind: "changed",
      path: "endpoint",
      subject: "endpoint",
      from: a.endpoint,
      to: b.endpoint,
      text: `${ENDPOINT_WORDS[a.endpoint]} → ${ENDPOINT_WORDS[b.endpoint]}`,
    });
  }
  const keys = [...new Set([...Object.keys(a.input), ...Object.keys(b.input)])];
  for (const key of keys) {
    const list = listKind(key, registry);
    if (list) diffList(list, a, b, changes);
    else diffTop(key, a.input, b.input, changes);
  }
  return {
    changes,
    sentence: changes.length ? changes.map((c) => c.text).join("; ") : "No difference between the two requests.",
  };
}

function snapshot(x: Record<string, unknown> | RequestSnapshot): RequestSnapshot {
  if (x && typeof x === "object" && "input" in x && x.input && typeof x.input === "object" && !Array.isArray(x.input))
    return x as RequestSnapshot;
  return { input: (x && typeof x === "object" ? x : {}) as Record<string, unknown> };
}

function diffTop(key: string, a: Record<string, unknown>, b: Record<string, unknown>, out: RequestChange[]): void {
  const defaults = FAL_DEFAULTS as Record<string, unknown>;
  const from = key in a ? a[key] : defaults[key];
  const to = key in b ? b[key] : defaults[key];
  if (same(from, to)) return;
  out.push({ kind: "changed", path: key, subject: key, from, to, text: changeText(key, key, from, to) });
}

function changeText(subject: string, key: string, from: unknown, to: unknown): string {
  if (isBulky(key, from) || isBulky(key, to)) {
    if (from === undefined) return `${subject} added`;
    if (to === undefined) return `${subject} removed`;
    return `${subject} changed`;
  }
  if (from === undefined && !(key in UNSET_WORDS)) return `${subject} set to ${show(key, to)}`;
  if (to === undefined && !(key in UNSET_WORDS)) return `${subject} removed`;
  return `${subject} ${show(key, from)} → ${show(key, to)}`;
}

/** URLs and data: URIs are too long for a sentence; say "changed" instead. */
function isBulky(key: string, v: unknown): boolean {
  return typeof v === "string" && (v.startsWith("data:") || (/_url$/.test(key) && v.length > 40));
}

function show(key: string, v: unknown): string {
  if (v === undefined || v === null) return UNSET_WORDS[key] ?? "unset";
  if (typeof v === "number") return String(Number.isInteger(v) ? v : Number(v.toFixed(4)));
  if (typeof v === "boolean") return v ? "on" : "off";
  if (typeof v === "string") {
    if (key === "prompt" || key === "negative_prompt") return `"${v.length > 40 ? `${v.slice(0, 39)}…` : v}"`;
    return v.length > 48 ? `${v.slice(0, 47)}…` : v;
  }
  if (typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ("width" in o || "height" in o) return `${o.width ?? "?"}×${o.height ?? "?"}`;
    if ("method" in o && Array.isArray(o.array))
      return o.method === "array" && o.array.length ? `custom (${o.array.length} values)` : "default";
  }
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 48 ? `${json.slice(0, 47)}…` : json;
}

function same(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  return stable(x) === stable(y);
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "undefined";
}

interface Item {
  index: number;
  value: Record<string, unknown>;
  key: string;
  name: string;
}

function items(list: ListKind, snap: RequestSnapshot): Item[] {
  const raw = snap.input[list.key];
  const arr = Array.isArray(raw) ? raw : [];
  const seen = new Map<string, number>();
  return arr.map((v, index) => {
    const value = (v && typeof v === "object" ? v : {}) as Record<string, unknown>;
    const id = identity(list, value);
    // Two items loading the same thing are told apart by their order of appearance.
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return { index, value, key: `${id}\u0000${n}`, name: itemName(list, value, index, snap) };
  });
}

function itemName(list: ListKind, value: Record<string, unknown>, index: number, snap: RequestSnapshot): string {
  const nodeId = snap.sourceMap?.[`${list.key}.${index}`]?.nodeId;
  const label = nodeId ? snap.document?.nodes.find((n) => n.id === nodeId)?.label?.trim() : undefined;
  return `${list.noun} ${label || itemModel(list, value) || index + 1}`;
}

/** How an item on one side only is told: its change kind and the word after its name. */
type OneSided = Record<"plain" | "bypassed", [RequestChangeKind, string]>;

function diffList(list: ListKind, a: RequestSnapshot, b: RequestSnapshot, out: RequestChange[]): void {
  const before = items(list, a);
  const after = items(list, b);
  const afterByKey = new Map(after.map((i) => [i.key, i]));
  const beforeByKey = new Map(before.map((i) => [i.key, i]));
  const nested = (FAL_NESTED_DEFAULTS as Record<string, Record<string, unknown>>)[list.key] ?? {};

  // Items on one side only. One that is still in the other document, as a bypassed node, was
  // bypassed (or switched back on) rather than removed (or added).
  const oneSided = (side: Item[], other: Map<string, Item>, doc: WorkflowDocument | undefined, words: OneSided) => {
    for (const item of side) {
      if (other.has(item.key)) continue;
      const [kind, word] = isBypassedIn(doc, list, item.value) ? words.bypassed : words.plain;
      out.push({ kind, path: `${list.key}.${item.index}`, subject: item.name, text: `${item.name} ${word}` });
    }
  };
  oneSided(before, afterByKey, b.document, { plain: ["removed", "removed"], bypassed: ["bypassed", "bypassed"] });
  oneSided(after, beforeByKey, a.document, { plain: ["added", "added"], bypassed: ["restored", "switched back on"] });

  // Matched items: field changes, then moves (those off the longest run kept in order).
  const matched = before.filter((i) => afterByKey.has(i.key)).map((i) => [i, afterByKey.get(i.key)!] as const);
  for (const [old, now] of matched) {
    const fields = [...new Set([...Object.keys(old.value), ...Object.keys(now.value)])];
    for (const f of fields) {
      const from = f in old.value ? old.value[f] : nested[f];
      const to = f in now.value ? now.value[f] : nested[f];
      if (same(from, to)) continue;
      const word = fieldWord(list, f);
      out.push({
        kind: "changed",
        path: `${list.key}.${now.index}.${f}`,
        subject: now.name,
        field: f,
        from,
        to,
        text: changeText(`${now.name} ${word}`, f, from, to),
      });
    }
  }
  const afterRanks = matched.map(([, now]) => now.index);
  const kept = longestIncreasing(afterRanks);
  matched.forEach(([old, now], i) => {
    if (kept.has(i)) return;
    out.push({
      kind: "moved",
      path: `${list.key}.${now.index}`,
      subject: now.name,
      from: old.index,
      to: now.index,
      text: `${now.name} moved from ${ordinal(old.index + 1)} to ${ordinal(now.index + 1)}`,
    });
  });
}

/** Indices of one longest strictly increasing subsequence (O(n²); lists are short). */
function longestIncreasing(values: number[]): Set<number> {
  const n = values.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  let best = -1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (values[j] < values[i] && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = j;
      }
    }
    if (best < 0 || len[i] > len[best]) best = i;
  }
  const keep = new Set<number>();
  for (let i = best; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}

function ordinal(n: number): string {
  const s =
    n % 100 >= 11 && n % 100 <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${s}`;
}

function isBypassedIn(doc: WorkflowDocument | undefined, list: ListKind, value: Record<string, unknown>): boolean {
  if (!doc) return false;
  const id = identity(list, value);
  // A node's params carry its item's field names (the naming rule), so its params have the item's identity.
  return doc.nodes.some((n) => n.type === list.def?.type && n.bypass === true && identity(list, n.params ?? {}) === id);
}
