/**
 * JPEG text in COM segments right after SOI and any leading APPn segments (JFIF/Exif must stay
 * first). A segment holds at most 65,533 bytes, so an entry is split into numbered parts; each
 * part starts with the ASCII header `lora-graph-meta:1:<keyword>:<part>/<parts>:`.
 */
import { concat, encoder, latin1, utf8 } from "./bytes";
import {
  DEFAULT_METADATA_LIMITS,
  checkEntries,
  sniffImage,
  type MetadataEntry,
  type MetadataLimits,
  type ReadMetadataResult,
  type WriteMetadataResult,
} from "./types";

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
