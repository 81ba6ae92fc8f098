/** Shapes, limits and keyword rules shared by the PNG and JPEG metadata codecs. */

/** PNG/JPEG keyword of the workflow JSON. */
export const WORKFLOW_KEYWORD = "lora-graph";
/** PNG/JPEG keyword of the compiled fal request JSON. */
export const REQUEST_KEYWORD = "fal-request";
/**
 * A1111's generation data ("infotext"). In a PNG it is a text chunk like any other; in a JPEG or
 * WebP it lives in EXIF UserComment, which the readers report under this keyword and the JPEG
 * writer fills, as A1111 and Civitai expect.
 */
export const PARAMETERS_KEYWORD = "parameters";

/** WebP is read only (its EXIF); PNG and JPEG are read and written. */
export type ImageKind = "png" | "jpeg" | "webp";

export interface MetadataEntry {
  /** 1–79 printable Latin-1 characters, no leading/trailing space (PNG's rule, used for both formats). */
  keyword: string;
  text: string;
}

export interface MetadataLimits {
  /** Largest image accepted at all. Default 64 MiB. */
  maxImageBytes: number;
  /** Total decoded text kept across all entries. Default 16 MiB. */
  maxTextBytes: number;
  /** Chunks/segments walked before giving up (a file of millions of empty chunks). Default 100,000. */
  maxChunks: number;
}

export const DEFAULT_METADATA_LIMITS: MetadataLimits = {
  maxImageBytes: 64 * 1024 * 1024,
  maxTextBytes: 16 * 1024 * 1024,
  maxChunks: 100_000,
};

export type ReadMetadataResult =
  | {
      ok: true;
      kind: ImageKind;
      /** Keyword → text; the first occurrence of a keyword wins. */
      entries: Record<string, string>;
      /** Things skipped on the way (bad CRC, compressed chunk, truncated file, …). */
      warnings: string[];
      stats: ReadStats;
    }
  | { ok: false; error: string };

/**
 * What a read cost, so tests can bound the work on hostile files without timing anything.
 * `work` counts bytes and records visited (chunk walks, CRC bytes, decoded bytes, inflated
 * bytes, part slots); `inflated` counts bytes that came out of zlib.
 */
export interface ReadStats {
  work: number;
  inflated: number;
}

export function newStats(): ReadStats {
  return { work: 0, inflated: 0 };
}

/**
 * How much compressed text one file may inflate to: 16× the file plus 64 KiB, within the text
 * cap. Real workflows compress about 5–15×, and the file also holds the pixels, so a file that
 * needs more is a bomb.
 */
export function inflateCap(fileBytes: number, limits: MetadataLimits): number {
  return Math.min(limits.maxTextBytes, 16 * fileBytes + 64 * 1024);
}

export type WriteMetadataResult =
  /** `notes`: what the write changed or could not carry beyond the entries (replaced EXIF, …). */
  { ok: true; kind: ImageKind; bytes: Uint8Array; notes?: string[] } | { ok: false; error: string };

/** Why a keyword is unusable, or null when it is fine. */
export function keywordProblem(keyword: string): string | null {
  if (typeof keyword !== "string" || keyword.length < 1 || keyword.length > 79)
    return `keyword must be 1–79 characters (got ${String(keyword).length})`;
  if (keyword !== keyword.trim()) return `keyword "${keyword}" has leading or trailing spaces`;
  // Printable Latin-1 only; ":" is excluded too because the JPEG part header uses it as a separator.
  if (!/^[\x20-\x39\x3b-\x7e\xa1-\xff]+$/.test(keyword))
    return `keyword "${keyword}" has characters outside printable Latin-1 (or a ":")`;
  return null;
}

export function checkEntries(entries: readonly MetadataEntry[]): string | null {
  const seen = new Set<string>();
  for (const e of entries) {
    const p = keywordProblem(e.keyword);
    if (p) return p;
    if (typeof e.text !== "string") return `entry "${e.keyword}" has no text`;
    if (seen.has(e.keyword)) return `keyword "${e.keyword}" is given twice`;
    seen.add(e.keyword);
  }
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Which image format the bytes start with, or null. */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  return null;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}

const FORMATS: Record<ImageKind, { name: string; missing: string }> = {
  png: { name: "PNG", missing: "signature missing" },
  jpeg: { name: "JPEG", missing: "SOI marker missing" },
  webp: { name: "WebP", missing: "RIFF/WEBP header missing" },
};

/**
 * The frame every metadata reader shares: the format and size checks come first, and nothing the
 * bytes do can make the reader throw (files are untrusted input).
 */
export function readGuarded(
  bytes: Uint8Array,
  kind: ImageKind,
  limits: Partial<MetadataLimits>,
  read: (lim: MetadataLimits, stats: ReadStats) => ReadMetadataResult,
): ReadMetadataResult {
  const lim = { ...DEFAULT_METADATA_LIMITS, ...limits };
  const { name, missing } = FORMATS[kind];
  try {
    if (sniffImage(bytes) !== kind) return { ok: false, error: `not a ${name} file (${missing})` };
    if (bytes.length > lim.maxImageBytes)
      return { ok: false, error: `image is too large (${bytes.length} bytes; the limit is ${lim.maxImageBytes})` };
    return read(lim, newStats());
  } catch (e) {
    return { ok: false, error: `could not read ${name} metadata: ${(e as Error)?.message ?? String(e)}` };
  }
}

/**
 * The frame every metadata writer shares: the file is of its kind, the entries can be written,
 * and a throw comes back as an error naming the format.
 */
export function writeGuarded(
  bytes: Uint8Array,
  kind: ImageKind,
  entries: readonly MetadataEntry[],
  write: () => WriteMetadataResult,
): WriteMetadataResult {
  const { name, missing } = FORMATS[kind];
  try {
    if (sniffImage(bytes) !== kind) return { ok: false, error: `not a ${name} file (${missing})` };
    const bad = checkEntries(entries);
    if (bad) return { ok: false, error: bad };
    return write();
  } catch (e) {
    return { ok: false, error: `could not write ${name} metadata: ${(e as Error)?.message ?? String(e)}` };
  }
}
