/**
 * Where a file's bytes are not valid UTF-8, and which JSON value those bytes landed in.
 *
 * TextDecoder turns every invalid sequence into U+FFFD without saying so, which silently changes
 * a prompt or a label (a file saved as Windows-1252 is the usual cause: "café" has a lone 0xE9).
 * A fatal decoder only says "invalid", not where. So this module walks the bytes the way the
 * WHATWG UTF-8 decoder does (the algorithm TextDecoder implements, with its "maximal subpart"
 * rule for how many U+FFFD one bad sequence becomes) and reports the position of each
 * replacement in the decoded text; a property test checks it against TextDecoder itself.
 */
import type { PathSegment } from "./loadIssues";

export interface InvalidUtf8 {
  /** Offset of the first bad byte in the file. */
  byteOffset: number;
  /** The bad byte itself, to name it in a message. */
  byte: number;
  /** Offset (UTF-16 units) of the U+FFFD that replaced it in the decoded text, BOM removed as TextDecoder does. */
  textOffset: number;
}

/**
 * Every replacement TextDecoder("utf-8") makes in `bytes`, in order, up to `max` of them.
 * Returns [] for valid UTF-8 (the common case costs one fatal decode).
 */
export function findInvalidUtf8(bytes: Uint8Array, max = 1000): InvalidUtf8[] {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return [];
  } catch {
    // fall through: find where
  }
  const found: InvalidUtf8[] = [];
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let out = 0; // UTF-16 units emitted so far
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let start = 0; // byte offset of the sequence being read
  const error = (at: number) => {
    found.push({ byteOffset: at, byte: bytes[at] ?? 0, textOffset: out });
    out += 1;
  };
  for (let i = bom ? 3 : 0; i < bytes.length && found.length < max; i++) {
    const b = bytes[i];
    if (needed === 0) {
      start = i;
      if (b <= 0x7f) out += 1;
      else if (b >= 0xc2 && b <= 0xdf) [needed, cp] = [1, b & 0x1f];
      else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        [needed, cp] = [2, b & 0x0f];
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        [needed, cp] = [3, b & 0x07];
      } else error(i);
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence so far becomes one U+FFFD; this byte starts afresh.
      [needed, seen, cp, lower, upper] = [0, 0, 0, 0x80, 0xbf];
      error(start);
      i--;
      continue;
    }
    [lower, upper] = [0x80, 0xbf];
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      out += cp > 0xffff ? 2 : 1;
      [needed, seen, cp] = [0, 0, 0];
    }
  }
  if (needed !== 0 && found.length < max) error(start);
  return found;
}

/**
 * The JSON path of the string at each offset of a JSON text that parsed: `[]` is the whole
 * document, `["nodes", 2, "label"]` a node's label; an offset inside an object key gives that
 * key's path, one outside any string gives null. Offsets must be ascending. Linear and
 * iterative, so any depth is fine.
 */
export function jsonPathsAt(text: string, offsets: readonly number[]): (PathSegment[] | null)[] {
  type Frame = { kind: "array"; index: number } | { kind: "object"; key: string; expectKey: boolean };
  const stack: Frame[] = [];
  const paths: (PathSegment[] | null)[] = offsets.map(() => null);
  const current = () => stack.map((f) => (f.kind === "array" ? f.index : f.key));
  let next = 0;
  for (let i = 0; i < text.length && next < offsets.length; i++) {
    const c = text[i];
    if (c === "{") stack.push({ kind: "object", key: "", expectKey: true });
    else if (c === "[") stack.push({ kind: "array", index: 0 });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.kind === "array") top.index++;
      else if (top) top.expectKey = true;
    } else if (c === '"') {
      const begin = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const top = stack[stack.length - 1];
      const isKey = top?.kind === "object" && top.expectKey;
      if (isKey) {
        top.key = JSON.parse(text.slice(begin, i + 1)) as string;
        top.expectKey = false;
      }
      while (next < offsets.length && offsets[next] <= i) {
        if (offsets[next] >= begin) paths[next] = current();
        next++;
      }
    } else while (next < offsets.length && offsets[next] <= i) next++;
  }
  return paths;
}
