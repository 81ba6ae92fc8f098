/**
 * JPEG text in COM segments right after SOI and any leading APPn segments (JFIF/Exif must stay
 * first). A segment holds at most 65,533 bytes, so an entry is split into numbered parts; each
 * part starts with the ASCII header `lora-graph-meta:1:<keyword>:<part>/<parts>:`. A1111's
 * `parameters` lives in an APP1 Exif segment's UserComment instead.
 */
import { concat, encoder, latin1, utf8 } from "./bytes";
import { buildUserCommentTiff, readUserComment } from "./exif";
import { DEFAULT_METADATA_LIMITS, PARAMETERS_KEYWORD, readGuarded, writeGuarded } from "./types";
import type { MetadataEntry, MetadataLimits, ReadMetadataResult, ReadStats, WriteMetadataResult } from "./types";

const JPEG_MAGIC = "lora-graph-meta:1:";
/** A JPEG segment's length field counts itself, so 65535 − 2 bytes of payload. */
const JPEG_MAX_PAYLOAD = 65533;

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

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"

function isExif(b: Uint8Array, s: JpegSegment): boolean {
  return s.marker === 0xe1 && s.end - s.dataStart >= 6 && EXIF_HEADER.every((x, i) => b[s.dataStart + i] === x);
}

/** An APP1 Exif segment holding only `text` as UserComment, or null when it does not fit in one segment. */
function exifSegment(text: string): Uint8Array | null {
  const tiff = buildUserCommentTiff(text);
  const len = 2 + EXIF_HEADER.length + tiff.length;
  if (len > 0xffff) return null;
  const seg = new Uint8Array(2 + len);
  seg.set([0xff, 0xe1, len >> 8, len & 0xff, ...EXIF_HEADER]);
  seg.set(tiff, 4 + EXIF_HEADER.length);
  return seg;
}

/**
 * Returns a copy of a JPEG with the entries in COM segments, after SOI and leading APPn
 * segments; earlier lora-graph segments for the same keywords are removed. `parameters` goes
 * into an EXIF UserComment instead (where A1111 and Civitai look), replacing any EXIF segment:
 * the images this writes are generated, so there is no camera data to keep, and a note says so
 * when there was EXIF anyway.
 */
export function writeJpegText(jpeg: Uint8Array, entries: readonly MetadataEntry[]): WriteMetadataResult {
  return writeGuarded(jpeg, "jpeg", entries, () => {
    const { segments, warnings, sosAt } = walkJpeg(jpeg, { ...DEFAULT_METADATA_LIMITS, maxChunks: Infinity });
    if (sosAt < 0) return { ok: false, error: `not a complete JPEG: ${warnings[0] ?? "no scan found"}` };
    const notes: string[] = [];
    const params = entries.find((e) => e.keyword === PARAMETERS_KEYWORD);
    const exif = params ? exifSegment(params.text) : null;
    if (params && !exif) notes.push(`the parameters text (${params.text.length} characters) is too long for EXIF`);
    const comments = entries.filter((e) => e !== params);
    const replace = new Set(comments.map((e) => e.keyword));
    const kept = segments.filter((s) => {
      if (exif && isExif(jpeg, s)) {
        notes.push("the image's EXIF data was replaced by the parameters text");
        return false;
      }
      if (s.marker !== 0xfe) return true;
      const p = parseJpegPart(jpeg, s);
      return !(p && replace.has(p.keyword));
    });
    // JFIF (APP0) must come first, then Exif (APP1); ours go after the leading run of APPn segments.
    const jfif = kept[0]?.marker === 0xe0 ? 1 : 0;
    let lead = 0;
    while (lead < kept.length && kept[lead].marker >= 0xe0 && kept[lead].marker <= 0xef) lead++;
    const parts: Uint8Array[] = [jpeg.subarray(0, 2)];
    const ours = comments.flatMap(jpegParts);
    kept.forEach((s, i) => {
      if (i === jfif && exif) parts.push(exif);
      if (i === lead) parts.push(...ours);
      parts.push(jpeg.subarray(s.start, s.end));
    });
    if (jfif === kept.length && exif) parts.push(exif);
    if (lead === kept.length) parts.push(...ours);
    parts.push(jpeg.subarray(sosAt));
    return { ok: true, kind: "jpeg", bytes: concat(parts), notes: [...new Set(notes)] };
  });
}

/**
 * Gathers lora-graph parts by keyword. Parts live in a Map, not an array indexed by part number:
 * a part claiming to be 999,999 of 999,999 must not make assembly walk a million slots.
 */
function collectParts(
  jpeg: Uint8Array,
  segments: readonly JpegSegment[],
  lim: MetadataLimits,
  warnings: string[],
  stats: ReadStats,
): Map<string, { count: number; parts: Map<number, Uint8Array> }> {
  const groups = new Map<string, { count: number; parts: Map<number, Uint8Array> }>();
  let total = 0;
  for (const s of segments) {
    if (s.marker !== 0xfe) continue;
    const p = parseJpegPart(jpeg, s);
    if (!p) continue;
    let g = groups.get(p.keyword);
    if (!g) groups.set(p.keyword, (g = { count: p.count, parts: new Map() }));
    if (g.count !== p.count) {
      warnings.push(`"${p.keyword}": parts disagree on their count; part ${p.index} skipped`);
      continue;
    }
    if (g.parts.has(p.index)) continue;
    total += p.body.length;
    stats.work += p.body.length;
    if (total > lim.maxTextBytes) {
      warnings.push(`text segments exceed ${lim.maxTextBytes} bytes; the rest is ignored`);
      break;
    }
    g.parts.set(p.index, p.body);
  }
  return groups;
}

/** Reads lora-graph entries from a JPEG's COM segments, and `parameters` from EXIF UserComment. Never throws. */
export function readJpegText(jpeg: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  return readGuarded(jpeg, "jpeg", limits, (lim, stats) => {
    const { segments, warnings } = walkJpeg(jpeg, lim);
    stats.work += segments.length;
    const entries: Record<string, string> = {};
    const put = (keyword: string, text: string) =>
      Object.defineProperty(entries, keyword, { value: text, enumerable: true, writable: true, configurable: true });
    for (const [keyword, g] of collectParts(jpeg, segments, lim, warnings, stats)) {
      if (g.parts.size !== g.count) {
        warnings.push(`"${keyword}": ${g.parts.size} of ${g.count} parts present, skipped`);
        continue;
      }
      const ordered: Uint8Array[] = [];
      for (let i = 1; i <= g.count; i++) ordered.push(g.parts.get(i)!);
      stats.work += g.count;
      const text = utf8(concat(ordered));
      if (text === null) warnings.push(`"${keyword}": text is not valid UTF-8, skipped`);
      else put(keyword, text);
    }
    const exif = segments.find((s) => isExif(jpeg, s));
    const comment = exif ? readUserComment(jpeg.subarray(exif.dataStart + 6, exif.end), stats) : null;
    if (comment && !comment.ok) warnings.push(comment.warning);
    else if (comment && !Object.hasOwn(entries, PARAMETERS_KEYWORD)) put(PARAMETERS_KEYWORD, comment.text);
    return { ok: true, kind: "jpeg", entries, warnings, stats };
  });
}
