/**
 * Prompts between A1111 and fal:
 * - extra-network tags (`<lora:name:0.6>`) leave the text and become LoRAs;
 * - A1111 attention (`(word:1.3)`, `(word)` ×1.1, `[word]` ÷1.1, `\(` literal) becomes Compel,
 *   the syntax fal reads when `prompt_weighting` is on (`(word)1.3`), and back.
 * Both directions go through one flat form, a list of (text, weight) segments, which is what
 * either tool's parser produces; so a weight survives a round trip even where the syntax does not.
 */

export interface Segment {
  text: string;
  weight: number;
}

export interface ExtraNetwork {
  kind: string;
  args: string[];
  /** The tag as written. */
  tag: string;
}

/** A1111's extra-network tag (modules/extra_networks.py), with the spaces before it. */
const EXTRA_NETWORK = /[ \t]*<(\w+):([^>]+)>/g;

/** Takes `<kind:args>` tags out of a prompt, in order. */
export function extractExtraNetworks(prompt: string): { prompt: string; networks: ExtraNetwork[] } {
  const networks: ExtraNetwork[] = [];
  const rest = prompt.replace(EXTRA_NETWORK, (tag: string, kind: string, args: string) => {
    networks.push({ kind, args: args.split(":"), tag: tag.trim() });
    return "";
  });
  return { prompt: networks.length ? rest.trim() : prompt, networks };
}

// ---------- A1111 → segments (modules/prompt_parser.py parse_prompt_attention) ----------

const ROUND = 1.1;
const SQUARE = 1 / 1.1;
const A1111_TOKEN = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/gy;

/** A1111's reading of a prompt: text with weights, brackets applied, escapes resolved. */
export function a1111Segments(prompt: string): Segment[] {
  const res: Segment[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiply = (from: number, by: number) => {
    for (let i = from; i < res.length; i++) res[i].weight *= by;
  };
  A1111_TOKEN.lastIndex = 0;
  for (let m = A1111_TOKEN.exec(prompt); m; m = A1111_TOKEN.exec(prompt)) {
    const t = m[0];
    const weight = m[1];
    if (t.startsWith("\\") && t.length === 2) res.push({ text: t[1], weight: 1 });
    else if (t === "(") round.push(res.length);
    else if (t === "[") square.push(res.length);
    else if (weight !== undefined && round.length && Number.isFinite(Number(weight)))
      multiply(round.pop()!, Number(weight));
    else if (t === ")" && round.length) multiply(round.pop()!, ROUND);
    else if (t === "]" && square.length) multiply(square.pop()!, SQUARE);
    else if (weight !== undefined)
      res.push({ text: t, weight: 1 }); // ":1.2)" with no "(" is text
    else res.push({ text: t, weight: 1 });
  }
  for (const at of round) multiply(at, ROUND);
  for (const at of square) multiply(at, SQUARE);
  return mergeSegments(res);
}

export function mergeSegments(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    if (s.text === "") continue;
    const last = out[out.length - 1];
    if (last && sameWeight(last.weight, s.weight)) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

/** Weights are compared at the 4 decimals written to text. */
export function sameWeight(a: number, b: number): boolean {
  return roundWeight(a) === roundWeight(b);
}

export function roundWeight(w: number): number {
  return Math.round(w * 10000) / 10000;
}

export function weighted(segments: readonly Segment[]): boolean {
  return segments.some((s) => !sameWeight(s.weight, 1));
}

// ---------- segments → text ----------

const formatWeight = (w: number) => String(roundWeight(w));

/** Compel: `(text)1.3` for weighted text; brackets, quotes, backslashes and trailing +/- escaped. */
export function compelFromSegments(segments: readonly Segment[]): string {
  return segments
    .map(({ text, weight }) => {
      const escaped = text
        .replace(/[\\()"]/g, "\\$&")
        .replace(/(?<=\S)([+-]+)(?=[\s,)]|$)/g, (s) => s.replace(/./g, "\\$&"));
      return sameWeight(weight, 1) ? escaped : `(${escaped})${formatWeight(weight)}`;
    })
    .join("");
}

/** A1111: `(text:1.3)` for weighted text; brackets and backslashes escaped. */
export function a1111FromSegments(segments: readonly Segment[]): string {
  return segments
    .map(({ text, weight }) => {
      const escaped = text.replace(/[\\()[\]]/g, "\\$&");
      return sameWeight(weight, 1) ? escaped : `(${escaped}:${formatWeight(weight)})`;
    })
    .join("");
}

/** Plain text as fal reads it with weighting off: A1111's escapes resolved, brackets kept literally. */
export function plainFromSegments(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join("");
}

// ---------- Compel → segments (the subset A1111 can say) ----------

const PLUS = 1.1;
const MINUS = 0.9;

/**
 * Compel's reading of a prompt, for the syntax A1111 can express: escapes, `(…)1.3`, `(…)+`,
 * `word++`, `word-`, nested groups. `.and()`, `.blend()` and `.attend()` have no A1111 form:
 * those prompts come back as null, and the caller keeps the text as it is.
 */
export function compelSegments(prompt: string): Segment[] | null {
  if (/\)\s*\.(and|blend|attend)\(|\.attend\(/.test(prompt)) return null;
  const out: Segment[] = [];
  let i = 0;
  const group = (weight: number, depth: number): boolean => {
    while (i < prompt.length) {
      const c = prompt[i];
      if (c === "\\" && i + 1 < prompt.length) {
        out.push({ text: prompt[i + 1], weight });
        i += 2;
      } else if (c === "(") {
        if (depth > 32) return false;
        const start = out.length;
        i++;
        if (!group(1, depth + 1) || prompt[i] !== ")") return false;
        i++;
        const factor = suffix();
        for (let k = start; k < out.length; k++) out[k].weight *= factor * weight;
      } else if (c === ")") return depth > 0;
      else if (c === '"') return false;
      else {
        const m = /^[^\\()"\s,]+/.exec(prompt.slice(i, i + 4096));
        const text = m ? m[0] : c;
        i += text.length;
        const signs = /([+-]+)$/.exec(text);
        const atWordEnd = i >= prompt.length || /[\s,)]/.test(prompt[i]);
        if (signs && signs.index > 0 && atWordEnd && signs[1].split("").every((s) => s === signs[1][0])) {
          const n = signs[1].length;
          out.push({
            text: text.slice(0, signs.index),
            weight: weight * (signs[1][0] === "+" ? PLUS ** n : MINUS ** n),
          });
        } else out.push({ text, weight });
      }
    }
    return depth === 0;
  };
  const suffix = (): number => {
    const m = /^(?:(\++)|(-+)|(\d+(?:\.\d*)?|\.\d+))/.exec(prompt.slice(i, i + 64));
    if (!m) return 1;
    i += m[0].length;
    if (m[1]) return PLUS ** m[1].length;
    if (m[2]) return MINUS ** m[2].length;
    return Number(m[3]);
  };
  return group(1, 0) ? mergeSegments(out) : null;
}
