/**
 * The header of a .safetensors file: 8 bytes of little-endian length N, then N bytes of UTF-8
 * JSON (`{tensor: {dtype, shape, data_offsets}, "__metadata__": {string: string}}`), then the
 * tensor data, which is never read here. The length is untrusted: it is checked against the file
 * size and a limit before anything is allocated. See docs/import-export.md ("safetensors").
 */
import { parseJsonSafely } from "../../graph/safeJson";

/** Largest header read by default: a LoRA's tensor list plus kohya's metadata and a thumbnail. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** A tensor list and metadata nest three levels; anything deeper is not a safetensors header. */
const MAX_DEPTH = 8;

export interface TensorInfo {
  dtype: string;
  shape: number[];
}

export interface SafetensorsHeader {
  /** N, the JSON header's length in bytes. */
  headerLength: number;
  /** `__metadata__`: string values only, as the format defines it. */
  metadata: Record<string, string>;
  tensors: Map<string, TensorInfo>;
  /** What was dropped on the way (unsafe keys, non-string metadata values). */
  warnings: string[];
}

export type HeaderProblem =
  "too-short" | "too-large" | "beyond-file" | "incomplete" | "not-utf8" | "not-json" | "not-an-object";

export type HeaderResult =
  | { ok: true; header: SafetensorsHeader }
  | {
      ok: false;
      code: HeaderProblem;
      message: string;
      /** For "incomplete": how many bytes from the start of the file are needed. */
      need?: number;
    };

export interface HeaderOptions {
  /** The file's full size, when known (a local file, or a Content-Range total). */
  fileSize?: number;
  maxHeaderBytes?: number;
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}

/**
 * Reads N from the first 8 bytes. Beyond 2^53 the number is not exact, but any such length is
 * refused anyway, so only whether the high word is zero-ish matters.
 */
export function readHeaderLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
}

/**
 * Parses the header from `bytes`, a prefix of the file (the whole file is fine too). Never throws.
 * @example
 * const r = parseSafetensorsHeader(firstBytes, { fileSize });
 * if (!r.ok && r.code === "incomplete") … read r.need bytes and try again
 */
export function parseSafetensorsHeader(bytes: Uint8Array, options: HeaderOptions = {}): HeaderResult {
  const max = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const size = options.fileSize;
  const n = readHeaderLength(bytes);
  if (n === undefined) {
    if (size !== undefined && size < 8)
      return { ok: false, code: "too-short", message: `the file has ${size} bytes; a safetensors file starts with 8` };
    return { ok: false, code: "incomplete", message: "the first 8 bytes are needed", need: 8 };
  }
  if (n < 2) return { ok: false, code: "not-json", message: `the header length is ${n}; no JSON fits in it` };
  if (size !== undefined && 8 + n > size)
    return {
      ok: false,
      code: "beyond-file",
      message: `the header claims ${n} bytes but the file has only ${Math.max(0, size - 8)} after the length: not a safetensors file, or a truncated one`,
    };
  if (n > max)
    return {
      ok: false,
      code: "too-large",
      message: `the header claims ${mib(n)}, over the ${mib(max)} limit: not a safetensors file this tool reads`,
    };
  if (bytes.length < 8 + n) {
    if (size !== undefined && bytes.length >= size)
      return { ok: false, code: "beyond-file", message: `the header claims ${n} bytes but the file ends first` };
    return { ok: false, code: "incomplete", message: `the header needs ${8 + n} bytes`, need: 8 + n };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return { ok: false, code: "not-utf8", message: "the header is not UTF-8 text: not a safetensors file" };
  }
  // The format pads the JSON with spaces to align the data that follows.
  if (!text.startsWith("{"))
    return { ok: false, code: "not-json", message: "the header does not start with '{': not a safetensors file" };
  const parsed = parseJsonSafely(text, { maxBytes: n, maxDepth: MAX_DEPTH, maxIssues: 20 });
  if (!parsed.ok) {
    const why = parsed.errors[0].message.replace(/^Not a valid pipeline file:?\s*/, "").replace(/^\((.*)\)$/, "$1");
    return { ok: false, code: "not-json", message: `the header is not valid JSON (${why})` };
  }
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, code: "not-an-object", message: "the header is JSON but not an object" };
  const warnings = parsed.warnings.map((w) => w.message.replace(/ the app$/, " this tool"));
  return { ok: true, header: { headerLength: n, ...entries(value as Record<string, unknown>, warnings), warnings } };
}

function entries(
  value: Record<string, unknown>,
  warnings: string[],
): { metadata: Record<string, string>; tensors: Map<string, TensorInfo> } {
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorInfo>();
  for (const [key, v] of Object.entries(value)) {
    if (key === "__metadata__") {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        warnings.push("__metadata__ is not an object; it was ignored");
        continue;
      }
      for (const [k, s] of Object.entries(v)) {
        if (typeof s === "string") metadata[k] = s;
        else warnings.push(`__metadata__.${k} is not text (the format stores text only); it was ignored`);
      }
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    const t = v as Record<string, unknown>;
    const shape = Array.isArray(t.shape) ? t.shape.filter((d): d is number => typeof d === "number") : [];
    tensors.set(key, { dtype: typeof t.dtype === "string" ? t.dtype : "", shape });
  }
  return { metadata, tensors };
}
