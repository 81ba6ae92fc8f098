/**
 * PNG text chunks. Entries are written as iTXt (UTF-8, uncompressed) right after IHDR, replacing
 * text chunks with the same keyword. A1111's `parameters` is written as tEXt when it is Latin-1,
 * as A1111 itself (through Pillow) does, so older readers that know only tEXt find it. tEXt,
 * zTXt and compressed iTXt are read too, for files other tools wrote.
 */
import { concat, crc32, encoder, indexOfZero, latin1, readU32, utf8, writeU32 } from "./bytes";
import { inflateCapped } from "./inflate";
import { DEFAULT_METADATA_LIMITS, PARAMETERS_KEYWORD, inflateCap, readGuarded, writeGuarded } from "./types";
import type { MetadataEntry, MetadataLimits, ReadMetadataResult, ReadStats, WriteMetadataResult } from "./types";

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

/**
 * iTXt: keyword \0 compression-flag(0) method(0) language \0 translated-keyword \0 UTF-8 text;
 * tEXt: keyword \0 Latin-1 text (only for `parameters`, see above).
 */
function textChunk(entry: MetadataEntry): Uint8Array {
  const kw = Uint8Array.from(entry.keyword, (c) => c.charCodeAt(0));
  if (entry.keyword === PARAMETERS_KEYWORD && /^[\x01-\xff]*$/.test(entry.text)) {
    const text = Uint8Array.from(entry.text, (c) => c.charCodeAt(0));
    return makePngChunk("tEXt", concat([kw, Uint8Array.of(0), text]));
  }
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
  return writeGuarded(png, "png", entries, () => {
    const { chunks, warnings, sawEnd } = walkPng(png, { ...DEFAULT_METADATA_LIMITS, maxChunks: Infinity });
    if (!sawEnd) return { ok: false, error: `not a complete PNG: ${warnings[0] ?? "no IEND chunk"}` };
    if (chunks[0]?.type !== "IHDR") return { ok: false, error: "not a valid PNG: the first chunk is not IHDR" };
    const replace = new Set(entries.map((e) => e.keyword));
    const parts: Uint8Array[] = [png.subarray(0, 8)];
    for (const c of chunks) {
      const kw = pngTextKeyword(png, c);
      if (kw !== null && replace.has(kw)) continue;
      parts.push(png.subarray(c.start, c.end));
      if (c.type === "IHDR") for (const e of entries) parts.push(textChunk(e));
    }
    return { ok: true, kind: "png", bytes: concat(parts) };
  });
}

/** One text chunk's keyword and text, or why it was skipped. */
type TextChunk = { keyword: string; text: string } | { skip: string };

/** The data of a tEXt, zTXt or iTXt chunk: keyword, then text (inflated when compressed). */
function readTextChunk(png: Uint8Array, c: PngChunk, inflateBudget: number, stats: ReadStats): TextChunk {
  const z = indexOfZero(png, c.dataStart, Math.min(c.dataEnd, c.dataStart + 80));
  if (z <= c.dataStart) return { skip: "no valid keyword" };
  const keyword = latin1(png, c.dataStart, z);
  stats.work += c.dataEnd - z;
  if (c.type === "tEXt") return { keyword, text: latin1(png, z + 1, c.dataEnd) };
  if (c.type === "zTXt") {
    // keyword \0 method(0 = zlib) compressed Latin-1 text
    if (z + 2 > c.dataEnd || png[z + 1] !== 0) return { skip: `unknown compression method ("${keyword}")` };
    const inflated = inflateCapped(png.subarray(z + 2, c.dataEnd), inflateBudget, stats);
    if (!inflated.ok) return { skip: `compressed text ("${keyword}") ${inflated.message}` };
    return { keyword, text: latin1(inflated.bytes, 0, inflated.bytes.length) };
  }
  // iTXt: keyword \0 flag method language \0 translated-keyword \0 UTF-8 text
  if (z + 3 > c.dataEnd) return { skip: "truncated iTXt header" };
  const flag = png[z + 1];
  const langEnd = indexOfZero(png, z + 3, c.dataEnd);
  const transEnd = langEnd < 0 ? -1 : indexOfZero(png, langEnd + 1, c.dataEnd);
  if (transEnd < 0) return { skip: "truncated iTXt header" };
  let body = png.subarray(transEnd + 1, c.dataEnd);
  if (flag === 1) {
    if (png[z + 2] !== 0) return { skip: `unknown compression method ("${keyword}")` };
    const inflated = inflateCapped(body, inflateBudget, stats);
    if (!inflated.ok) return { skip: `compressed text ("${keyword}") ${inflated.message}` };
    body = inflated.bytes;
  } else if (flag !== 0) return { skip: `unknown compression flag ${flag} ("${keyword}")` };
  const text = utf8(body);
  return text === null ? { skip: "text is not valid UTF-8" } : { keyword, text };
}

/** Reads tEXt, zTXt and iTXt entries of a PNG. Never throws. */
export function readPngText(png: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  return readGuarded(png, "png", limits, (lim, stats) => {
    const { chunks, warnings } = walkPng(png, lim);
    stats.work += chunks.length;
    const entries: Record<string, string> = Object.create(null);
    let total = 0;
    let inflateBudget = inflateCap(png.length, lim);
    for (const c of chunks) {
      if (c.type !== "tEXt" && c.type !== "iTXt" && c.type !== "zTXt") continue;
      const at = `${c.type} chunk at byte ${c.start}`;
      stats.work += c.dataEnd - c.start;
      if (crc32(png, c.start + 4, c.dataEnd) !== readU32(png, c.dataEnd)) {
        warnings.push(`${at}: CRC mismatch, skipped`);
        continue;
      }
      const before = stats.inflated;
      const read = readTextChunk(png, c, inflateBudget, stats);
      inflateBudget = Math.max(0, inflateBudget - (stats.inflated - before));
      if ("skip" in read) {
        warnings.push(`${at}: ${read.skip}, skipped`);
        continue;
      }
      if (read.keyword in entries) continue;
      total += read.text.length;
      if (total > lim.maxTextBytes) {
        warnings.push(`text chunks exceed ${lim.maxTextBytes} bytes; the rest is ignored`);
        break;
      }
      entries[read.keyword] = read.text;
    }
    return { ok: true, kind: "png", entries: { ...entries }, warnings, stats };
  });
}
