/**
 * Reading untrusted JSON without throwing, hanging or polluting prototypes
 * (docs/reliability-cases.md#deep-big-and-hostile-json).
 *
 * Why every walk here is iterative: JSON.parse accepts a 1,000,000-deep array, but JSON.stringify,
 * structuredClone and any recursive walk throw RangeError near 10,000 levels, recursive zod schemas
 * throw at 5,000 and immer at 20,000. So depth is capped by scanning before anything recursive runs.
 */
import { IssueList, jsonPath, type LoadIssue, type PathSegment } from "./loadIssues";
import { findInvalidUtf8, jsonPathsAt, type InvalidUtf8 } from "./utf8";

export interface JsonLimits {
  /** Largest accepted file, in bytes (UTF-8). For an object input, a lower bound of its JSON size is used. */
  maxBytes: number;
  /** Deepest accepted nesting of arrays and objects; the top-level value is level 1. */
  maxDepth: number;
  /** Most issues reported before the rest are summarised. */
  maxIssues: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 20 * 1024 * 1024, maxDepth: 64, maxIssues: 100 };

/** Keys that reach prototypes when assigned or merged downstream. They are dropped, never copied. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export type SafeJsonResult = { ok: true; value: unknown; warnings: LoadIssue[] } | { ok: false; errors: LoadIssue[] };

const INVALID = "Not a valid pipeline file";

function fail(issue: LoadIssue): SafeJsonResult {
  return { ok: false, errors: [issue] };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}

function tooLargeIssue(size: number, limits: JsonLimits, exact: boolean): LoadIssue {
  return {
    code: "too-large",
    path: "$",
    message: `${INVALID}: the file is too large (${exact ? "" : "at least "}${formatBytes(size)}; the limit is ${formatBytes(limits.maxBytes)})`,
  };
}
function tooLarge(size: number, limits: JsonLimits, exact: boolean): SafeJsonResult {
  return fail(tooLargeIssue(size, limits, exact));
}

/** UTF-8 byte length, stopping early once past `stopAbove` (a 100 MB string need not be counted to the end). */
export function utf8Length(text: string, stopAbove = Infinity): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > stopAbove) return bytes;
  }
  return bytes;
}

/** 1-based line and column of a UTF-16 offset, as editors count them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Finds how deep the arrays and objects in a JSON text nest, counting brackets outside strings.
 * Returns the offset of the first bracket that goes past `maxDepth`, or -1. It never builds
 * anything, so it is safe on any input and linear in its length.
 */
export function findDepthViolation(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return -1;
}

export interface JsonSyntaxError {
  offset: number;
  reason: string;
}

function describeChar(text: string, i: number): string {
  if (i >= text.length) return "unexpected end of file";
  const ch = text[i];
  if (ch === ",") return "unexpected comma";
  const shown = ch.charCodeAt(0) < 0x20 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}` : ch;
  return `unexpected character '${shown}'`;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Locates the first JSON syntax error in `text` (RFC 8259), or returns undefined when the text is
 * valid. Browsers word JSON.parse errors differently and V8 omits the position for some of them,
 * so the position shown to users comes from here. Iterative: works at any depth.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const n = text.length;
  let i = 0;
  const stack: number[] = []; // 0 = array, 1 = object
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  // Returns an error, or advances i past the string starting at i.
  const string = (): JsonSyntaxError | undefined => {
    if (text.charCodeAt(i) !== 34)
      return { offset: i, reason: i >= n ? "unexpected end of file" : "expected a double-quoted property name" };
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, reason: "control character inside a string (line breaks must be written \\n)" };
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            return { offset: i, reason: "bad \\u escape in a string" };
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return { offset: i, reason: i + 1 >= n ? "unexpected end of file" : "bad escape in a string" };
      } else i++;
    }
    return { offset: n, reason: "unexpected end of file inside a string" };
  };
  // After '{' or ',' in an object: a key, then ':'.
  const key = (): JsonSyntaxError | undefined => {
    ws();
    const err = string();
    if (err) return err;
    ws();
    if (text.charCodeAt(i) !== 58 /* : */)
      return { offset: i, reason: i >= n ? "unexpected end of file" : "expected ':' after a property name" };
    i++;
    return undefined;
  };

  let expectValue = true;
  let afterArrayComma = false;
  for (;;) {
    ws();
    if (expectValue) {
      const c = text.charCodeAt(i);
      if (c !== 93) afterArrayComma = false;
      if (c === 123 /* { */ || c === 91 /* [ */) {
        const isObject = c === 123;
        i++;
        ws();
        if (text.charCodeAt(i) === (isObject ? 125 : 93)) {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(isObject ? 1 : 0);
        const err = isObject ? key() : undefined;
        if (err) return err;
        continue;
      }
      if (c === 34) {
        const err = string();
        if (err) return err;
      } else if (text.startsWith("true", i)) i += 4;
      else if (text.startsWith("false", i)) i += 5;
      else if (text.startsWith("null", i)) i += 4;
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text))
          return { offset: i, reason: afterArrayComma && c === 93 ? "trailing comma" : describeChar(text, i) };
        i = NUMBER.lastIndex;
      }
      expectValue = false;
      continue;
    }
    // After a complete value.
    if (stack.length === 0)
      return i < n ? { offset: i, reason: `${describeChar(text, i)} after the end of the data` } : undefined;
    const top = stack[stack.length - 1];
    const c = text.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
      if (top === 1) {
        ws();
        if (text.charCodeAt(i) === 125) return { offset: i, reason: "trailing comma" };
        const err = key();
        if (err) return err;
      } else afterArrayComma = true;
      expectValue = true;
      continue;
    }
    if ((top === 1 && c === 125) || (top === 0 && c === 93)) {
      stack.pop();
      i++;
      continue;
    }
    return { offset: i, reason: i >= n ? "unexpected end of file" : `expected ',' or '${top === 1 ? "}" : "]"}'` };
  }
}

/** Pulls a position out of an engine's JSON.parse message (V8: "at position N", Firefox: "line L column C"). */
function positionFromEngineMessage(text: string, message: string): { line: number; column: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineColumn(text, Number(pos[1]));
  if (/end of (JSON|data|input)/i.test(message)) return lineColumn(text, text.length);
  return undefined;
}

/**
 * Checks the raw shape of a text before parsing: PNG signature, UTF-16, empty, size.
 * Returns the text with a UTF-8 BOM removed, or an error.
 */
export function precheckText(
  text: string,
  limits: JsonLimits,
): { ok: true; text: string } | { ok: false; error: LoadIssue } {
  if (text.length > limits.maxBytes) return { ok: false, error: tooLargeIssue(text.length, limits, false) };
  if (text.length * 3 > limits.maxBytes) {
    const bytes = utf8Length(text, limits.maxBytes);
    if (bytes > limits.maxBytes) return { ok: false, error: tooLargeIssue(bytes, limits, false) };
  }
  const head = text.slice(0, 16);
  // A PNG read as text: 0x89 becomes U+FFFD with a UTF-8 decoder and U+0089 with latin1.
  if (/^[\u0089\uFFFD]PNG\r\n\u001a\n/.test(head) || head.startsWith("PNG\r\n\u001a\n")) {
    return { ok: false, error: pngFile() };
  }
  // A UTF-16 file decoded as UTF-8 or latin1 keeps its BOM as FFFE / two replacement chars / "ÿþ" and has a NUL
  // after every ASCII character. Raw NULs never occur in valid JSON text, so any NUL means "not UTF-8 JSON".
  const probe = text.slice(0, 4096);
  const nul = probe.indexOf("\u0000");
  if (/^(\uFFFE|\uFFFD\uFFFD|\u00FF\u00FE|\u00FE\u00FF)/.test(probe) || nul >= 0) {
    let nuls = 0;
    for (let k = 0; k < probe.length; k++) if (probe.charCodeAt(k) === 0) nuls++;
    const utf16 = nuls * 3 >= probe.length || /^(\uFFFE|\uFFFD\uFFFD|\u00FF\u00FE|\u00FE\u00FF)/.test(probe);
    return {
      ok: false,
      error: utf16
        ? utf16File()
        : { code: "binary-file", path: "$", message: `${INVALID}: the file holds binary data, not JSON text` },
    };
  }
  const stripped = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (stripped.trim() === "")
    return { ok: false, error: { code: "empty-file", path: "$", message: `${INVALID}: the file is empty` } };
  return { ok: true, text: stripped };
}

const pngFile = (): LoadIssue => ({
  code: "png-file",
  path: "$",
  message: `${INVALID}: this is a PNG image; drop it on the editor to read its embedded workflow`,
});
const utf16File = (): LoadIssue => ({
  code: "utf16-file",
  path: "$",
  message: `${INVALID}: the file is UTF-16 encoded; save it as UTF-8 and load it again`,
});

/** Text ready to parse, and where its bytes were not UTF-8 (bytes only: a string has no bytes to check). */
type DecodedText = { ok: true; text: string; invalid?: readonly InvalidUtf8[] } | { ok: false; error: LoadIssue };

/**
 * Decodes file bytes to text: checks the size and signatures on the bytes, then decodes UTF-8
 * (a UTF-8 BOM is accepted and removed). Invalid sequences become U+FFFD, as in any decoder;
 * `invalid` says where, so the caller can tell the user instead of changing their text silently.
 */
export function decodeBytes(bytes: Uint8Array, limits: JsonLimits): DecodedText {
  if (bytes.byteLength > limits.maxBytes) return { ok: false, error: tooLargeIssue(bytes.byteLength, limits, true) };
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return { ok: false, error: pngFile() };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, error: utf16File() };
  }
  // TextDecoder exists in browsers and Node alike.
  const decoded = new TextDecoder("utf-8").decode(bytes);
  const pre = precheckText(decoded, { ...limits, maxBytes: Infinity });
  if (!pre.ok) return pre;
  // precheckText may strip one more leading U+FEFF: offsets follow the text that is parsed.
  const shift = decoded.length - pre.text.length;
  const invalid = findInvalidUtf8(bytes, limits.maxIssues * 10).map((b) => ({
    ...b,
    textOffset: b.textOffset - shift,
  }));
  return { ok: true, text: pre.text, invalid };
}

const NOT_UTF8_HINT = "save the file as UTF-8 (it may be in Windows-1252 or Latin-1) and open it again";

/**
 * One warning per JSON value whose text had invalid UTF-8 in the file, naming its path, the
 * first bad byte and where it is; on a node, its id and field too.
 */
function invalidUtf8Warnings(text: string, invalid: readonly InvalidUtf8[], root: unknown): LoadIssue[] {
  const paths = jsonPathsAt(
    text,
    invalid.map((b) => b.textOffset),
  );
  const byPath = new Map<string, { segments: PathSegment[]; first: InvalidUtf8; count: number }>();
  paths.forEach((segments, k) => {
    if (!segments) return;
    const key = jsonPath(segments);
    const seen = byPath.get(key);
    if (seen) seen.count++;
    else byPath.set(key, { segments, first: invalid[k], count: 1 });
  });
  return [...byPath].map(([path, { segments, first, count }]) => {
    const { line, column } = lineColumn(text, first.textOffset);
    const bytes = count === 1 ? "a byte" : `${count} bytes`;
    const issue: LoadIssue = {
      code: "invalid-utf8",
      path,
      message:
        `The text at ${path} has ${bytes} that ${count === 1 ? "is" : "are"} not UTF-8 (0x${hex(first.byte)} at line ${line}, ` +
        `column ${column}), shown as "\uFFFD"; to keep the original text, ${NOT_UTF8_HINT}`,
    };
    return { ...issue, ...nodeAt(root, segments) };
  });
}

const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, "0");

/** `$.nodes[i]…`: the node's id, and the field (a param's name, or e.g. `label`) where there is one. */
function nodeAt(root: unknown, segments: readonly PathSegment[]): { nodeId?: string; field?: string } {
  if (segments[0] !== "nodes" || typeof segments[1] !== "number") return {};
  const nodes = (root as { nodes?: unknown } | null)?.nodes;
  const id = Array.isArray(nodes) ? (nodes[segments[1]] as { id?: unknown } | null)?.id : undefined;
  if (typeof id !== "string") return {};
  const field = segments[2] === "params" ? segments[3] : segments[2];
  return typeof field === "string" && segments.length <= (segments[2] === "params" ? 4 : 3)
    ? { nodeId: id, field }
    : { nodeId: id };
}

/**
 * Parses JSON text from an untrusted file: size, signatures and depth are checked before
 * JSON.parse, and the result is copied by {@link toSafeTree}. Never throws.
 *
 * @example
 * parseJsonSafely('{"a":', DEFAULT_JSON_LIMITS)
 * // → { ok: false, errors: [{ code: "json-syntax", path: "$",
 * //      message: "Not a valid pipeline file (JSON error at line 1, column 6: unexpected end of file)" }] }
 */
export function parseJsonSafely(input: string | Uint8Array, limits: JsonLimits = DEFAULT_JSON_LIMITS): SafeJsonResult {
  const pre: DecodedText = typeof input === "string" ? precheckText(input, limits) : decodeBytes(input, limits);
  if (!pre.ok) return fail(pre.error);
  const text = pre.text;
  const invalid = pre.invalid ?? [];
  const deep = findDepthViolation(text, limits.maxDepth);
  if (deep >= 0) {
    const { line, column } = lineColumn(text, deep);
    return fail({
      code: "too-deep",
      path: "$",
      message: `${INVALID}: the file is nested too deeply (more than ${limits.maxDepth} levels, at line ${line}, column ${column})`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const located = locateJsonError(text);
    const engine = e instanceof Error ? e.message : String(e);
    const where = located ? lineColumn(text, located.offset) : positionFromEngineMessage(text, engine);
    const bad = located ? invalid.find((b) => b.textOffset === located.offset) : undefined;
    const reason = bad
      ? `byte 0x${hex(bad.byte)} is not UTF-8; ${NOT_UTF8_HINT}`
      : (located?.reason ?? engine.slice(0, 120));
    return fail({
      code: "json-syntax",
      path: "$",
      message: where
        ? `${INVALID} (JSON error at line ${where.line}, column ${where.column}: ${reason})`
        : `${INVALID} (JSON error: ${reason})`,
    });
  }
  const tree = toSafeTree(parsed, limits);
  if (!tree.ok || invalid.length === 0) return tree;
  return { ...tree, warnings: [...invalidUtf8Warnings(text, invalid, tree.value), ...tree.warnings] };
}

interface Frame {
  src: unknown;
  /** Container the copy is written into, and the key to write. */
  parent: Record<string, unknown> | unknown[];
  key: string | number;
  depth: number;
  path: PathNode | null;
}
interface PathNode {
  parent: PathNode | null;
  key: PathSegment;
}
function pathOf(p: PathNode | null): string {
  const segs: PathSegment[] = [];
  for (let q = p; q; q = q.parent) segs.push(q.key);
  return jsonPath(segs.reverse());
}

function kindOf(v: object): string {
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return tag === "Object" ? "an object with a custom prototype" : `a ${tag}`;
}

/**
 * Copies a parsed (or in-memory) value into fresh plain arrays and objects, iteratively:
 * - arrays and objects deeper than `maxDepth` → error "nested too deeply" (also stops cycles);
 * - `__proto__`, `constructor`, `prototype` keys → dropped with a warning naming the path;
 * - values JSON cannot hold (functions, symbols, bigints, Dates, Maps, class instances) → errors;
 *   `undefined` behaves as in JSON.stringify (dropped in objects, null in arrays);
 * - a lower bound of the serialized size is kept and checked against `maxBytes`.
 * Objects in the result have Object.prototype and only own data properties. Never throws on
 * ordinary data; a throwing getter or Proxy trap is caught by the caller.
 */
export function toSafeTree(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): SafeJsonResult {
  const warnings = new IssueList(limits.maxIssues);
  const errors = new IssueList(limits.maxIssues);
  const holder: Record<string, unknown> = {};
  const stack: Frame[] = [{ src: value, parent: holder, key: "root", depth: 0, path: null }];
  let size = 0;
  while (stack.length) {
    const { src, parent, key, depth, path } = stack.pop()!;
    const put = (v: unknown) => {
      (parent as Record<string | number, unknown>)[key] = v;
    };
    switch (typeof src) {
      case "string":
        size += src.length + 2;
        put(src);
        break;
      case "number":
      case "boolean":
        size += 1;
        put(src);
        break;
      case "undefined":
        if (Array.isArray(parent)) put(null);
        break;
      case "object": {
        if (src === null) {
          size += 1;
          put(null);
          break;
        }
        if (depth + 1 > limits.maxDepth) {
          return {
            ok: false,
            errors: [
              {
                code: "too-deep",
                path: pathOf(path),
                message: `${INVALID}: the file is nested too deeply (more than ${limits.maxDepth} levels)`,
              },
            ],
          };
        }
        size += 2;
        if (Array.isArray(src)) {
          const copy: unknown[] = new Array(src.length);
          put(copy);
          size += src.length;
          if (size > limits.maxBytes) return tooLarge(size, limits, false);
          for (let i = src.length - 1; i >= 0; i--) {
            stack.push({ src: src[i], parent: copy, key: i, depth: depth + 1, path: { parent: path, key: i } });
          }
          break;
        }
        const proto = Object.getPrototypeOf(src);
        if (proto !== Object.prototype && proto !== null) {
          errors.add({
            code: "not-json-data",
            path: pathOf(path),
            message: `${pathOf(path)} is ${kindOf(src)}, which a workflow file cannot contain`,
          });
          break;
        }
        const copy: Record<string, unknown> = {};
        put(copy);
        const keys = Object.keys(src).filter((k) => {
          if (!UNSAFE_KEYS.has(k)) return true;
          const p = pathOf({ parent: path, key: k });
          warnings.add({
            code: "unsafe-key",
            path: p,
            message: `Ignored the key "${k}" at ${p}: keys like this can tamper with the app`,
          });
          return false;
        });
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i];
          size += k.length + 3;
          stack.push({
            src: (src as Record<string, unknown>)[k],
            parent: copy,
            key: k,
            depth: depth + 1,
            path: { parent: path, key: k },
          });
        }
        if (size > limits.maxBytes) return tooLarge(size, limits, false);
        break;
      }
      default:
        // bigint, symbol, function
        errors.add({
          code: "not-json-data",
          path: pathOf(path),
          message: `${pathOf(path)} is a ${typeof src}, which a workflow file cannot contain`,
        });
    }
    if (size > limits.maxBytes) return tooLarge(size, limits, false);
  }
  if (errors.count > 0) return { ok: false, errors: errors.finish() };
  return { ok: true, value: holder.root, warnings: warnings.finish() };
}
