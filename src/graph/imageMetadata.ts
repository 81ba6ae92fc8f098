/**
 * Workflow metadata inside downloaded images, so an image dropped on the editor brings its
 * pipeline back (as ComfyUI and A1111 do with PNG text chunks).
 *
 * - PNG: one iTXt chunk per entry (UTF-8, uncompressed), placed right after IHDR; existing text
 *   chunks with the same keyword are replaced. tEXt is also read (Latin-1), for files that other
 *   tools rewrote.
 * - JPEG: COM segments right after SOI and any leading APPn segments (JFIF/Exif must stay first).
 *   A segment holds at most 65,533 bytes, so an entry is split into numbered parts; each part
 *   starts with the ASCII header `lora-graph-meta:1:<keyword>:<part>/<parts>:`.
 *
 * Readers treat the bytes as hostile: every length is checked against what is left, totals are
 * capped, a PNG chunk with a bad CRC is skipped, and nothing here throws on any input.
 * Pure functions on Uint8Array; no DOM, no Node APIs (TextEncoder/TextDecoder exist in both).
 */
import type { LoadResult } from "./workflowFile";
import { loadWorkflow, type LoadOptions } from "./workflowFile";
import type { Registry } from "./registry";

/** PNG/JPEG keyword of the workflow JSON. */
export const WORKFLOW_KEYWORD = "lora-graph";
/** PNG/JPEG keyword of the compiled fal request JSON. */
export const REQUEST_KEYWORD = "fal-request";

export type ImageKind = "png" | "jpeg";

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
    }
  | { ok: false; error: string };

export type WriteMetadataResult = { ok: true; kind: ImageKind; bytes: Uint8Array } | { ok: false; error: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = "lora-graph-meta:1:";
/** A JPEG segment's length field counts itself, so 65535 − 2 bytes of payload. */
const JPEG_MAX_PAYLOAD = 65533;

/** Which image format the bytes start with, or null. */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return null;
}

// ---------- CRC32 (ISO-HDLC, as PNG uses) ----------

let crcTable: Uint32Array | null = null;
function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/**
 * CRC-32 of `bytes[start, end)`.
 * @example crc32(new TextEncoder().encode("IEND")) // 0xae426082
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------- helpers ----------

const encoder = new TextEncoder();

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

function utf8(b: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return null;
  }
}

function indexOfZero(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === 0) return i;
  return -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

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

function checkEntries(entries: readonly MetadataEntry[]): string | null {
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

// ---------- PNG ----------

interface PngChunk {
  type: string;
  /** Offset of the length field. */
  start: number;
  /** Offset after the CRC. */
  end: number;
  dataStart: number;
  dataEnd: number;
}

/** Walks PNG chunks; stops (with a warning) at the first one that does not fit the file. */
function walkPng(b: Uint8Array, limits: MetadataLimits): { chunks: PngChunk[]; warnings: string[]; sawEnd: boolean } {
  const chunks: PngChunk[] = [];
  const warnings: string[] = [];
  let at = 8;
  let sawEnd = false;
  while (at < b.length) {
    if (chunks.length >= limits.maxChunks) {
      warnings.push(`stopped after ${limits.maxChunks} chunks`);
      break;
    }
    if (at + 12 > b.length) {
      warnings.push(`truncated chunk header at byte ${at}`);
      break;
    }
    const length = readU32(b, at);
    const type = latin1(b, at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) {
      warnings.push(`invalid chunk type at byte ${at}`);
      break;
    }
    const dataStart = at + 8;
    // Compare without adding first: length may be up to 2^32−1.
    if (length > b.length - dataStart - 4) {
      warnings.push(
        `chunk ${type} at byte ${at} claims ${length} bytes but only ${Math.max(0, b.length - dataStart - 4)} remain`,
      );
      break;
    }
    const dataEnd = dataStart + length;
    chunks.push({ type, start: at, end: dataEnd + 4, dataStart, dataEnd });
    at = dataEnd + 4;
    if (type === "IEND") {
      sawEnd = true;
      break;
    }
  }
  return { chunks, warnings, sawEnd };
}

function makePngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeU32(out, 0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  writeU32(out, 8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** iTXt: keyword \0 compression-flag(0) method(0) language \0 translated-keyword \0 UTF-8 text. */
function iTXt(entry: MetadataEntry): Uint8Array {
  const kw = Uint8Array.from(entry.keyword, (c) => c.charCodeAt(0));
  const text = encoder.encode(entry.text);
  return makePngChunk("iTXt", concat([kw, Uint8Array.of(0, 0, 0, 0, 0), text]));
}

function pngTextKeyword(b: Uint8Array, c: PngChunk): string | null {
  if (c.type !== "tEXt" && c.type !== "iTXt" && c.type !== "zTXt") return null;
  const z = indexOfZero(b, c.dataStart, Math.min(c.dataEnd, c.dataStart + 80));
  return z > c.dataStart ? latin1(b, c.dataStart, z) : null;
}

/**
 * Returns a copy of a PNG with one iTXt chunk per entry after IHDR; text chunks already holding
 * one of those keywords are removed, so writing twice does not duplicate.
 */
export function writePngText(png: Uint8Array, entries: readonly MetadataEntry[]): WriteMetadataResult {
  try {
    if (sniffImage(png) !== "png") return { ok: false, error: "not a PNG file (signature missing)" };
    const bad = checkEntries(entries);
    if (bad) return { ok: false, error: bad };
    const { chunks, warnings, sawEnd } = walkPng(png, { ...DEFAULT_METADATA_LIMITS, maxChunks: Infinity });
    if (!sawEnd) return { ok: false, error: `not a complete PNG: ${warnings[0] ?? "no IEND chunk"}` };
    if (chunks[0]?.type !== "IHDR") return { ok: false, error: "not a valid PNG: the first chunk is not IHDR" };
    const replace = new Set(entries.map((e) => e.keyword));
    const parts: Uint8Array[] = [png.subarray(0, 8)];
    for (const c of chunks) {
      const kw = pngTextKeyword(png, c);
      if (kw !== null && replace.has(kw)) continue;
      parts.push(png.subarray(c.start, c.end));
      if (c.type === "IHDR") for (const e of entries) parts.push(iTXt(e));
    }
    return { ok: true, kind: "png", bytes: concat(parts) };
  } catch (e) {
    return { ok: false, error: `could not write PNG metadata: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** Reads tEXt and iTXt entries of a PNG. Never throws. */
export function readPngText(png: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  const lim = { ...DEFAULT_METADATA_LIMITS, ...limits };
  try {
    if (sniffImage(png) !== "png") return { ok: false, error: "not a PNG file (signature missing)" };
    if (png.length > lim.maxImageBytes)
      return { ok: false, error: `image is too large (${png.length} bytes; the limit is ${lim.maxImageBytes})` };
    const { chunks, warnings } = walkPng(png, lim);
    const entries: Record<string, string> = Object.create(null);
    let total = 0;
    for (const c of chunks) {
      if (c.type !== "tEXt" && c.type !== "iTXt" && c.type !== "zTXt") continue;
      const at = `${c.type} chunk at byte ${c.start}`;
      if (crc32(png, c.start + 4, c.dataEnd) !== readU32(png, c.dataEnd)) {
        warnings.push(`${at}: CRC mismatch, skipped`);
        continue;
      }
      const z = indexOfZero(png, c.dataStart, Math.min(c.dataEnd, c.dataStart + 80));
      if (z <= c.dataStart) {
        warnings.push(`${at}: no valid keyword, skipped`);
        continue;
      }
      const keyword = latin1(png, c.dataStart, z);
      let text: string | null = null;
      if (c.type === "zTXt") {
        warnings.push(`${at}: compressed text ("${keyword}") is not read`);
        continue;
      } else if (c.type === "tEXt") {
        text = latin1(png, z + 1, c.dataEnd);
      } else {
        const flag = png[z + 1];
        if (z + 3 > c.dataEnd) {
          warnings.push(`${at}: truncated iTXt header, skipped`);
          continue;
        }
        if (flag !== 0) {
          warnings.push(`${at}: compressed text ("${keyword}") is not read`);
          continue;
        }
        const langEnd = indexOfZero(png, z + 3, c.dataEnd);
        const transEnd = langEnd < 0 ? -1 : indexOfZero(png, langEnd + 1, c.dataEnd);
        if (transEnd < 0) {
          warnings.push(`${at}: truncated iTXt header, skipped`);
          continue;
        }
        text = utf8(png.subarray(transEnd + 1, c.dataEnd));
        if (text === null) {
          warnings.push(`${at}: text is not valid UTF-8, skipped`);
          continue;
        }
      }
      if (keyword in entries) continue;
      total += c.dataEnd - c.dataStart;
      if (total > lim.maxTextBytes) {
        warnings.push(`text chunks exceed ${lim.maxTextBytes} bytes; the rest is ignored`);
        break;
      }
      entries[keyword] = text;
    }
    return { ok: true, kind: "png", entries: { ...entries }, warnings };
  } catch (e) {
    return { ok: false, error: `could not read PNG metadata: ${(e as Error)?.message ?? String(e)}` };
  }
}

// ---------- JPEG ----------

interface JpegSegment {
  marker: number;
  start: number;
  end: number;
  dataStart: number;
}

/** Walks JPEG header segments up to (not including) SOS. */
function walkJpeg(
  b: Uint8Array,
  limits: MetadataLimits,
): { segments: JpegSegment[]; warnings: string[]; sosAt: number } {
  const segments: JpegSegment[] = [];
  const warnings: string[] = [];
  let at = 2;
  while (at < b.length) {
    if (segments.length >= limits.maxChunks) {
      warnings.push(`stopped after ${limits.maxChunks} segments`);
      return { segments, warnings, sosAt: -1 };
    }
    if (b[at] !== 0xff) {
      warnings.push(`expected a marker at byte ${at}`);
      return { segments, warnings, sosAt: -1 };
    }
    // Markers may be padded with any number of 0xFF fill bytes.
    let m = at + 1;
    while (m < b.length && b[m] === 0xff) m++;
    if (m >= b.length) break;
    const marker = b[m];
    if (marker === 0xda) return { segments, warnings, sosAt: at };
    if (marker === 0xd9) {
      warnings.push("image ends before any scan");
      return { segments, warnings, sosAt: -1 };
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at = m + 1;
      continue;
    }
    if (m + 3 > b.length) break;
    const length = (b[m + 1] << 8) | b[m + 2];
    if (length < 2 || m + 1 + length > b.length) {
      warnings.push(`segment 0x${marker.toString(16)} at byte ${at} claims ${length} bytes past the end of the file`);
      return { segments, warnings, sosAt: -1 };
    }
    segments.push({ marker, start: at, end: m + 1 + length, dataStart: m + 3 });
    at = m + 1 + length;
  }
  warnings.push("truncated JPEG header");
  return { segments, warnings, sosAt: -1 };
}

function jpegParts(entry: MetadataEntry): Uint8Array[] {
  const text = encoder.encode(entry.text);
  // Header size depends on the part count's digits; 40 + keyword is a safe bound for ≤ 99,999 parts.
  const room = JPEG_MAX_PAYLOAD - (JPEG_MAGIC.length + entry.keyword.length + 16);
  const count = Math.max(1, Math.ceil(text.length / room));
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const head = Uint8Array.from(`${JPEG_MAGIC}${entry.keyword}:${i + 1}/${count}:`, (c) => c.charCodeAt(0));
    const body = text.subarray(i * room, (i + 1) * room);
    const seg = new Uint8Array(4 + head.length + body.length);
    seg[0] = 0xff;
    seg[1] = 0xfe;
    const len = 2 + head.length + body.length;
    seg[2] = len >> 8;
    seg[3] = len & 0xff;
    seg.set(head, 4);
    seg.set(body, 4 + head.length);
    out.push(seg);
  }
  return out;
}

interface JpegPart {
  keyword: string;
  index: number;
  count: number;
  body: Uint8Array;
}

function parseJpegPart(b: Uint8Array, s: JpegSegment): JpegPart | null {
  const data = b.subarray(s.dataStart, s.end);
  if (data.length < JPEG_MAGIC.length || latin1(data, 0, JPEG_MAGIC.length) !== JPEG_MAGIC) return null;
  // Header: keyword ":" index "/" count ":" — the keyword cannot contain ":" (keywordProblem).
  const headEnd = Math.min(data.length, JPEG_MAGIC.length + 79 + 24);
  const head = latin1(data, JPEG_MAGIC.length, headEnd);
  const m = /^([^:]{1,79}):(\d{1,6})\/(\d{1,6}):/.exec(head);
  if (!m) return null;
  const index = Number(m[2]);
  const count = Number(m[3]);
  if (index < 1 || count < 1 || index > count) return null;
  return { keyword: m[1], index, count, body: data.subarray(JPEG_MAGIC.length + m[0].length) };
}

/**
 * Returns a copy of a JPEG with the entries in COM segments, after SOI and leading APPn
 * segments; earlier lora-graph segments for the same keywords are removed.
 */
export function writeJpegText(jpeg: Uint8Array, entries: readonly MetadataEntry[]): WriteMetadataResult {
  try {
    if (sniffImage(jpeg) !== "jpeg") return { ok: false, error: "not a JPEG file (SOI marker missing)" };
    const bad = checkEntries(entries);
    if (bad) return { ok: false, error: bad };
    const { segments, warnings, sosAt } = walkJpeg(jpeg, { ...DEFAULT_METADATA_LIMITS, maxChunks: Infinity });
    if (sosAt < 0) return { ok: false, error: `not a complete JPEG: ${warnings[0] ?? "no scan found"}` };
    const replace = new Set(entries.map((e) => e.keyword));
    const kept = segments.filter((s) => {
      if (s.marker !== 0xfe) return true;
      const p = parseJpegPart(jpeg, s);
      return !(p && replace.has(p.keyword));
    });
    // JFIF (APP0) and Exif (APP1) must come first; ours go after the leading run of APPn segments.
    let lead = 0;
    while (lead < kept.length && kept[lead].marker >= 0xe0 && kept[lead].marker <= 0xef) lead++;
    const parts: Uint8Array[] = [jpeg.subarray(0, 2)];
    kept.forEach((s, i) => {
      if (i === lead) for (const e of entries) parts.push(...jpegParts(e));
      parts.push(jpeg.subarray(s.start, s.end));
    });
    if (lead === kept.length) for (const e of entries) parts.push(...jpegParts(e));
    parts.push(jpeg.subarray(sosAt));
    return { ok: true, kind: "jpeg", bytes: concat(parts) };
  } catch (e) {
    return { ok: false, error: `could not write JPEG metadata: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** Reads lora-graph entries from a JPEG's COM segments. Never throws. */
export function readJpegText(jpeg: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  const lim = { ...DEFAULT_METADATA_LIMITS, ...limits };
  try {
    if (sniffImage(jpeg) !== "jpeg") return { ok: false, error: "not a JPEG file (SOI marker missing)" };
    if (jpeg.length > lim.maxImageBytes)
      return { ok: false, error: `image is too large (${jpeg.length} bytes; the limit is ${lim.maxImageBytes})` };
    const { segments, warnings } = walkJpeg(jpeg, lim);
    const groups = new Map<string, { count: number; parts: (Uint8Array | undefined)[] }>();
    let total = 0;
    for (const s of segments) {
      if (s.marker !== 0xfe) continue;
      const p = parseJpegPart(jpeg, s);
      if (!p) continue;
      let g = groups.get(p.keyword);
      if (!g) groups.set(p.keyword, (g = { count: p.count, parts: [] }));
      if (g.count !== p.count) {
        warnings.push(`"${p.keyword}": parts disagree on their count; part ${p.index} skipped`);
        continue;
      }
      if (g.parts[p.index - 1]) continue;
      total += p.body.length;
      if (total > lim.maxTextBytes) {
        warnings.push(`text segments exceed ${lim.maxTextBytes} bytes; the rest is ignored`);
        break;
      }
      g.parts[p.index - 1] = p.body;
    }
    const entries: Record<string, string> = {};
    for (const [keyword, g] of groups) {
      const have = g.parts.filter(Boolean).length;
      if (have !== g.count) {
        warnings.push(`"${keyword}": ${have} of ${g.count} parts present, skipped`);
        continue;
      }
      const text = utf8(concat(g.parts as Uint8Array[]));
      if (text === null) {
        warnings.push(`"${keyword}": text is not valid UTF-8, skipped`);
        continue;
      }
      Object.defineProperty(entries, keyword, { value: text, enumerable: true, writable: true, configurable: true });
    }
    return { ok: true, kind: "jpeg", entries, warnings };
  } catch (e) {
    return { ok: false, error: `could not read JPEG metadata: ${(e as Error)?.message ?? String(e)}` };
  }
}

// ---------- either format ----------

/**
 * Embeds text entries in a PNG or JPEG (chosen by the bytes, not a file name).
 * @example
 * const r = writeImageMetadata(png, [{ keyword: WORKFLOW_KEYWORD, text: serializeWorkflow(doc) }]);
 * if (r.ok) save(r.bytes);
 */
export function writeImageMetadata(bytes: Uint8Array, entries: readonly MetadataEntry[]): WriteMetadataResult {
  const kind = bytes instanceof Uint8Array ? sniffImage(bytes) : null;
  if (kind === "png") return writePngText(bytes, entries);
  if (kind === "jpeg") return writeJpegText(bytes, entries);
  return { ok: false, error: "not a PNG or JPEG image" };
}

/** Reads text entries from a PNG or JPEG. Never throws. */
export function readImageMetadata(bytes: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  const kind = bytes instanceof Uint8Array ? sniffImage(bytes) : null;
  if (kind === "png") return readPngText(bytes, limits);
  if (kind === "jpeg") return readJpegText(bytes, limits);
  return { ok: false, error: "not a PNG or JPEG image" };
}

export type ImageWorkflowResult =
  { ok: true; load: LoadResult; request?: string; kind: ImageKind; warnings: string[] } | { ok: false; error: string };

/**
 * Finds the workflow embedded in an image and runs it through the workflow loader (untrusted
 * input: the loader's size/depth/prototype checks apply). Never throws.
 * @example
 * const r = workflowFromImage(bytes, registry);
 * if (r.ok && r.load.ok) store.replaceDocument(r.load.document);
 */
export function workflowFromImage(
  bytes: Uint8Array,
  registry: Registry,
  options: LoadOptions & Partial<MetadataLimits> = {},
): ImageWorkflowResult {
  const meta = readImageMetadata(bytes, options);
  if (!meta.ok) return meta;
  const text = meta.entries[WORKFLOW_KEYWORD];
  if (text === undefined) {
    const why = meta.warnings.length ? ` (${meta.warnings[0]})` : "";
    return { ok: false, error: `this ${meta.kind.toUpperCase()} carries no lora-graph workflow${why}` };
  }
  const load = loadWorkflow(text, registry, options);
  return { ok: true, load, request: meta.entries[REQUEST_KEYWORD], kind: meta.kind, warnings: meta.warnings };
}
