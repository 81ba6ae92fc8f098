/**
 * A1111's "infotext" (the `parameters` text) split into prompt, negative prompt and the
 * `Key: value` pairs of its last line, the way A1111's own reader does it (docs/import-export.md):
 *
 *   <prompt, any number of lines>
 *   Negative prompt: <negative, any number of lines>
 *   Steps: 28, Sampler: DPM++ 2M, CFG scale: 6.5, Seed: 1234, Size: 832x1216, Model: sd_xl_base_1.0
 *
 * The last line holds the parameters when at least three pairs match A1111's pattern
 * `\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`. That pattern backtracks quadratically
 * on a long line without colons, so the scanner below reproduces what it matches in one pass.
 */

export interface Infotext {
  prompt: string;
  negativePrompt: string;
  /** The parameter line's pairs in order, values unquoted. Empty when there is no parameter line. */
  params: [key: string, value: string][];
  /** Lines after a parameter line that was found above the last line (Civitai's texts have them). */
  trailing: string[];
  /**
   * Values written as bare JSON (`Hashes: {…}`, `Civitai resources: […]`, as Civitai writes
   * them): taken out of the line before it is split on commas, so their commas do not make junk keys.
   */
  json: Map<string, string>;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const KEY_CHAR = /[\p{L}\p{N}\p{M}_ \-/]/u;
const SPACE = /\s/u;

/** A1111's `unquote`: a value in double quotes is a JSON string. */
export function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  try {
    const v: unknown = JSON.parse(value);
    return typeof v === "string" ? v : value;
  } catch {
    return value;
  }
}

/** A1111's `quote`: JSON-quotes a value holding a comma, a colon or a newline. */
export function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

/** End of the quoted value starting at `at` (index after the closing quote), or -1. */
function quotedEnd(line: string, at: number): number {
  let j = at + 1;
  while (j < line.length) {
    const c = line[j];
    if (c === "\\" && j + 1 < line.length) j += 2;
    else if (c === "\\" || c === '"') break;
    else j++;
  }
  // At least one character between the quotes, as the pattern's "+" requires.
  return j < line.length && line[j] === '"' && j > at + 1 ? j + 1 : -1;
}

/** The pairs A1111's pattern finds in a line, in order (raw values: still quoted). */
export function scanParams(line: string): [string, string][] {
  const out: [string, string][] = [];
  let pos = 0;
  while (pos < line.length) {
    let q = pos;
    while (q < line.length && SPACE.test(line[q])) q++;
    if (q >= line.length) break;
    if (!WORD.test(line[q])) {
      pos = q + 1;
      continue;
    }
    let e = q + 1;
    while (e < line.length && KEY_CHAR.test(line[e])) e++;
    // Every start inside this run ends at the same character, so a failure here fails them all.
    if (e - q < 2 || line[e] !== ":") {
      pos = e;
      continue;
    }
    let v = e + 1;
    while (v < line.length && SPACE.test(line[v])) v++;
    let end = line[v] === '"' ? quotedEnd(line, v) : -1;
    if (end < 0 || (end < line.length && line[end] !== ",")) {
      end = v;
      while (end < line.length && line[end] !== ",") end++;
    }
    out.push([line.slice(q, e), line.slice(v, end)]);
    pos = end < line.length ? end + 1 : end;
  }
  return out;
}

/** Whether a line is a parameter line by A1111's rule (three or more pairs). */
export function isParamLine(line: string): boolean {
  return scanParams(line).length >= 3;
}

/** End (exclusive) of the JSON object or array opening at `at`, or -1 when it does not close. */
function jsonEnd(line: string, at: number): number {
  let depth = 0;
  for (let i = at; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === "\\") i++;
    } else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  return -1;
}

/** Takes `Key: {json}` / `Key: [json]` values out of a parameter line. */
function takeJson(line: string): { rest: string; json: Map<string, string> } {
  const json = new Map<string, string>();
  let rest = "";
  let from = 0;
  const KEY = /(^|,\s*)(\w[\w \-/]*):\s*(?=[{[])/gu;
  for (let m = KEY.exec(line); m; m = KEY.exec(line)) {
    const open = m.index + m[0].length;
    const end = jsonEnd(line, open);
    if (end < 0) break;
    if (!json.has(m[2])) json.set(m[2], line.slice(open, end));
    rest += line.slice(from, m.index);
    from = end;
    KEY.lastIndex = end;
  }
  return { rest: rest + line.slice(from), json };
}

/** Splits infotext as A1111 does (plus Civitai's "Steps:" line when it is not the last). Never throws. */
export function parseInfotext(text: string): Infotext {
  const lines = String(text).trim().split("\n");
  let paramAt = -1;
  if (isParamLine(lines[lines.length - 1])) paramAt = lines.length - 1;
  else {
    for (let i = lines.length - 2; i >= 0 && paramAt < 0; i--)
      if (lines[i].trimStart().startsWith("Steps:") && isParamLine(lines[i])) paramAt = i;
  }
  const body = paramAt < 0 ? lines : lines.slice(0, paramAt);
  let prompt = "";
  let negative = "";
  let inNegative = false;
  for (const raw of body) {
    let line = raw.trim();
    if (line.startsWith("Negative prompt:")) {
      inNegative = true;
      line = line.slice(16).trim();
    }
    if (inNegative) negative += (negative === "" ? "" : "\n") + line;
    else prompt += (prompt === "" ? "" : "\n") + line;
  }
  const { rest, json } = takeJson(paramAt < 0 ? "" : lines[paramAt].trim());
  const params: [string, string][] = scanParams(rest).map(([k, v]) => [k.trim(), unquote(v)]);
  const trailing = paramAt < 0 ? [] : lines.slice(paramAt + 1).filter((l) => l.trim() !== "");
  return { prompt, negativePrompt: negative, params, trailing, json };
}
