/**
 * Wildcards in text fields (docs/batches.md#wildcards):
 *
 * - `{red|green|blue}` picks one option; `{2$$red|green|blue}` picks two different ones, joined by ", ";
 * - `__colors__` picks a line of the named list; a line may itself hold wildcards;
 * - `\{`, `\}` and `\|` are the characters themselves.
 *
 * Nothing here throws on any input: a template is parsed into parts, checked against the lists
 * (unknown or empty list, a cycle, too deep), and only then drawn from or enumerated.
 */
import { createRandom, type Random } from "./random";

/** How many lists may be followed inside one another before it is refused as too deep. */
export const MAX_WILDCARD_DEPTH = 8;
/** Combinatorial counts past this are reported as this (they are refused long before anyway). */
export const MAX_COMBINATIONS = Number.MAX_SAFE_INTEGER;

export type Part =
  | { kind: "text"; text: string }
  | { kind: "choice"; pick: number; options: Part[][]; at: number }
  | { kind: "list"; name: string; at: number };

/** Where a problem is: 1-based line and column in the text, and the list it is in (if any). */
export interface WildcardError {
  message: string;
  line: number;
  column: number;
  /** The list whose line holds the problem; absent when it is in the template itself. */
  list?: string;
}

/** Named lists: each one line per option. Lines are trimmed; empty lines and `#` comments are skipped. */
export type WildcardLists = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

const LIST_NAME = /^[A-Za-z0-9][\w\-/.]*$/;

function listText(lists: WildcardLists, name: string): string | undefined {
  if (lists instanceof Map) return lists.get(name);
  const rec = lists as Readonly<Record<string, string>>;
  return Object.hasOwn(rec, name) ? rec[name] : undefined;
}

/** The options of a list: its non-empty lines that are not `#` comments. */
export function listLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return { line, column: index - (before.lastIndexOf("\n") + 1) + 1 };
}

/** Whether text holds anything a batch would expand (a cheap test before parsing). */
export function hasWildcards(text: string): boolean {
  return /[{}]|__[A-Za-z0-9]/.test(text);
}

/** Parses a template. Errors carry the line and column of the brace or name at fault. */
export function parseTemplate(text: string): { parts: Part[]; errors: WildcardError[] } {
  const errors: WildcardError[] = [];
  let i = 0;
  const err = (at: number, message: string) => errors.push({ message, ...position(text, at) });

  // Reads a sequence up to `|` or `}` (inside braces) or the end; returns at the stop character.
  const sequence = (inside: boolean): Part[] => {
    const parts: Part[] = [];
    let buf = "";
    const flush = () => {
      if (buf) parts.push({ kind: "text", text: buf });
      buf = "";
    };
    while (i < text.length) {
      const c = text[i];
      if (c === "\\" && "{}|".includes(text[i + 1] ?? "")) {
        buf += text[i + 1];
        i += 2;
      } else if (c === "{") {
        flush();
        parts.push(choice());
      } else if (c === "}" || (c === "|" && inside)) {
        if (inside) break;
        err(i, "a } with no { before it (write \\} for the character itself)");
        buf += c;
        i++;
      } else if (c === "_" && text[i + 1] === "_") {
        const m = /^__([A-Za-z0-9][\w\-/.]*?)__/.exec(text.slice(i));
        if (m && LIST_NAME.test(m[1])) {
          flush();
          parts.push({ kind: "list", name: m[1], at: i });
          i += m[0].length;
        } else {
          buf += c;
          i++;
        }
      } else {
        buf += c;
        i++;
      }
    }
    flush();
    return parts;
  };

  const choice = (): Part => {
    const at = i;
    i++; // the {
    let pick = 1;
    const m = /^(\d{1,4})\$\$/.exec(text.slice(i));
    if (m) {
      pick = Number(m[1]);
      i += m[0].length;
    }
    const options: Part[][] = [sequence(true)];
    while (text[i] === "|") {
      i++;
      options.push(sequence(true));
    }
    if (text[i] !== "}") err(at, "this { is never closed by a } (write \\{ for the character itself)");
    else i++;
    return { kind: "choice", pick, options, at };
  };

  const parts = sequence(false);
  return { parts, errors };
}

/** What a template needs from the lists, checked once before anything is drawn. */
export interface Checked {
  ok: boolean;
  errors: WildcardError[];
  /** Every list the template reaches, directly or through other lists. */
  uses: string[];
}

/** A parsed list: its lines' parts, or the errors that make it unusable. */
type ParsedList = { lines: Part[][]; text: string[] };

/** Parses lists on first use; `fixed` lists (a batch row's value for a name) win over the library's. */
export class ListSource {
  private readonly parsed = new Map<string, ParsedList | WildcardError[]>();

  constructor(
    private readonly lists: WildcardLists,
    private readonly fixed: Readonly<Record<string, string>> = {},
  ) {}

  get(name: string): ParsedList | WildcardError[] | undefined {
    const cached = this.parsed.get(name);
    if (cached) return cached;
    const isFixed = Object.hasOwn(this.fixed, name);
    const raw = isFixed ? undefined : listText(this.lists, name);
    if (!isFixed && raw === undefined) return undefined;
    const lines = isFixed ? [this.fixed[name]] : listLines(raw!);
    const out: ParsedList | WildcardError[] =
      lines.length === 0
        ? [{ message: `the list __${name}__ has no lines to pick from`, line: 1, column: 1, list: name }]
        : { lines: [], text: lines };
    if (!Array.isArray(out)) {
      const errors: WildcardError[] = [];
      for (const [n, line] of lines.entries()) {
        const p = parseTemplate(line);
        // A list's own errors point at the list and its line; fixed values have a single line.
        errors.push(...p.errors.map((e) => ({ ...e, line: n + 1, list: name })));
        out.lines.push(p.parts);
      }
      if (errors.length) {
        this.parsed.set(name, errors);
        return errors;
      }
    }
    this.parsed.set(name, out);
    return out;
  }
}

/** Checks a parsed template against the lists: unknown and empty lists, cycles, depth. */
export function checkTemplate(parts: readonly Part[], source: ListSource, text = ""): Checked {
  const errors: WildcardError[] = [];
  const uses = new Set<string>();
  const done = new Set<string>();
  const at = (list: string | undefined, index: number) =>
    list === undefined ? position(text, index) : { line: 1, column: 1 };

  const visit = (seq: readonly Part[], path: readonly string[]) => {
    for (const part of seq) {
      if (part.kind === "choice") for (const o of part.options) visit(o, path);
      if (part.kind !== "list") continue;
      const from = path.at(-1);
      const where = { ...at(from, part.at), ...(from === undefined ? {} : { list: from }) };
      if (path.includes(part.name)) {
        errors.push({
          message: `wildcard cycle: ${[...path, part.name].map((n) => `__${n}__`).join(" → ")}`,
          ...where,
        });
        continue;
      }
      if (path.length >= MAX_WILDCARD_DEPTH) {
        const chain = [...path, part.name].map((n) => `__${n}__`).join(" → ");
        errors.push({ message: `wildcards nested deeper than ${MAX_WILDCARD_DEPTH} lists: ${chain}`, ...where });
        continue;
      }
      const list = source.get(part.name);
      if (list === undefined) {
        errors.push({ message: `__${part.name}__ matches no wildcard list`, ...where });
        continue;
      }
      uses.add(part.name);
      if (Array.isArray(list)) {
        if (!done.has(part.name)) errors.push(...list);
        done.add(part.name);
        continue;
      }
      for (const line of list.lines) visit(line, [...path, part.name]);
    }
  };
  visit(parts, []);
  return { ok: errors.length === 0, errors, uses: [...uses] };
}

/** One list pick, recorded with the result so the values drawn are known. */
export interface ListPick {
  list: string;
  value: string;
}

/** Draws one expansion; the template must have passed `checkTemplate`. */
export function drawTemplate(
  parts: readonly Part[],
  source: ListSource,
  random: Random,
  picks: ListPick[] = [],
): string {
  const draw = (seq: readonly Part[], depth: number): string => {
    let out = "";
    for (const part of seq) {
      if (part.kind === "text") out += part.text;
      else if (part.kind === "choice") {
        const chosen = random.sample(part.options.length, Math.min(part.pick, part.options.length));
        out += chosen.map((k) => draw(part.options[k], depth)).join(", ");
      } else {
        const list = source.get(part.name);
        if (!list || Array.isArray(list) || depth >= MAX_WILDCARD_DEPTH) continue;
        const k = random.int(list.lines.length);
        const value = draw(list.lines[k], depth + 1);
        picks.push({ list: part.name, value });
        out += value;
      }
    }
    return out;
  };
  return draw(parts, 0);
}

function cappedProduct(a: number, b: number): number {
  return Math.min(a * b, MAX_COMBINATIONS);
}

/** Ways to pick `n` of the options, each option counting as its own number of expansions. */
function choiceCount(counts: readonly number[], n: number): number {
  // e[k] = sum over k-subsets of the product of their counts (an elementary symmetric sum).
  const e = [1, ...new Array<number>(n).fill(0)];
  for (const c of counts)
    for (let k = n; k >= 1; k--) e[k] = Math.min(e[k] + cappedProduct(e[k - 1], c), MAX_COMBINATIONS);
  return e[n];
}

/** How many different expansions combinatorial mode gives: the product of the option counts. */
export function countTemplate(parts: readonly Part[], source: ListSource): number {
  const count = (seq: readonly Part[], depth: number): number => {
    let total = 1;
    for (const part of seq) {
      let c = 1;
      if (part.kind === "choice") {
        const counts = part.options.map((o) => count(o, depth));
        c = choiceCount(counts, Math.min(part.pick, counts.length));
      } else if (part.kind === "list") {
        const list = source.get(part.name);
        if (list && !Array.isArray(list) && depth < MAX_WILDCARD_DEPTH)
          c = list.lines.reduce((s, l) => Math.min(s + count(l, depth + 1), MAX_COMBINATIONS), 0);
      }
      total = cappedProduct(total, c);
    }
    return total;
  };
  return count(parts, 0);
}

/** k-subsets of 0..m-1 in lexicographic order. */
function* subsets(m: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  if (k > m) return;
  for (;;) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === m - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/**
 * The `index`-th expansion in combinatorial order (0 ≤ index < countTemplate). Decoding an index
 * rather than listing every combination lets a batch resume, or run in parallel, at any row.
 */
export function nthExpansion(
  parts: readonly Part[],
  source: ListSource,
  index: number,
  picks: ListPick[] = [],
): string {
  // Mixed radix with the last item varying fastest, like nested loops written left to right.
  const digits = (sizes: readonly number[], i: number): number[] => {
    const out: number[] = [];
    for (let k = sizes.length - 1; k >= 0; k--) {
      out[k] = i % sizes[k];
      i = Math.floor(i / sizes[k]);
    }
    return out;
  };
  const seqAt = (seq: readonly Part[], i: number, depth: number): string => {
    const d = digits(
      seq.map((p) => countTemplate([p], source)),
      i,
    );
    return seq.map((p, k) => partAt(p, d[k], depth)).join("");
  };
  const partAt = (part: Part, i: number, depth: number): string => {
    if (part.kind === "text") return part.text;
    if (part.kind === "list") {
      const list = source.get(part.name);
      if (!list || Array.isArray(list) || depth >= MAX_WILDCARD_DEPTH) return "";
      for (const line of list.lines) {
        const c = countTemplate(line, source);
        if (i < c) {
          const value = seqAt(line, i, depth + 1);
          picks.push({ list: part.name, value });
          return value;
        }
        i -= c;
      }
      return "";
    }
    for (const subset of subsets(part.options.length, Math.min(part.pick, part.options.length))) {
      const sizes = subset.map((k) => countTemplate(part.options[k], source));
      const c = sizes.reduce(cappedProduct, 1);
      if (i < c) {
        const d = digits(sizes, i);
        return subset.map((k, j) => seqAt(part.options[k], d[j], depth)).join(", ");
      }
      i -= c;
    }
    return "";
  };
  return seqAt(parts, index, 0);
}

/** The outcome of expanding one text: the text, or why it cannot be expanded. */
export type Expansion = { ok: true; text: string; picks: ListPick[] } | { ok: false; errors: WildcardError[] };

/**
 * Expands one template with a seed: the same text, lists and seed always give the same result.
 * Never throws, whatever the text and lists hold.
 */
export function expandWildcards(text: string, lists: WildcardLists, seed: number): Expansion {
  const source = new ListSource(lists);
  const parsed = parseTemplate(text);
  const checked = checkTemplate(parsed.parts, source, text);
  const errors = [...parsed.errors, ...checked.errors];
  if (errors.length) return { ok: false, errors };
  const picks: ListPick[] = [];
  return { ok: true, text: drawTemplate(parsed.parts, source, createRandom(seed), picks), picks };
}

export { createRandom };
