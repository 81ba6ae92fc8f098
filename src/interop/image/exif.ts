/**
 * EXIF UserComment, where A1111 (through piexif) puts its generation data in JPEG and WebP
 * files. Only what that needs: find the Exif IFD in a TIFF structure and its UserComment tag,
 * decode the charset prefix; and build a minimal TIFF that holds just a UserComment.
 *
 * UserComment is 8 bytes of charset id then the text: `ASCII\0\0\0`, `UNICODE\0` (UTF-16; piexif
 * and therefore A1111 write big-endian, some tools little-endian), `JIS\0\0\0\0\0` or 8 zero
 * bytes (undefined). The TIFF is untrusted: every offset is checked, IFDs are visited once, and
 * entry counts are bounded by the bytes that hold them.
 */
import { decode, latin1 } from "./bytes";
import type { ReadStats } from "./types";

const EXIF_IFD_POINTER = 0x8769;
const USER_COMMENT = 0x9286;
const TYPE_UNDEFINED = 7;
const TYPE_LONG = 4;
const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
};

export type ExifComment = { ok: true; text: string } | { ok: false; warning: string } | null;

interface Tiff {
  b: Uint8Array;
  little: boolean;
}

function u16(t: Tiff, at: number): number {
  return t.little ? t.b[at] | (t.b[at + 1] << 8) : (t.b[at] << 8) | t.b[at + 1];
}

function u32(t: Tiff, at: number): number {
  const { b } = t;
  return t.little
    ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0
    : ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** The [start, end) of a tag's value inside the IFD at `ifd`, or null when absent or out of bounds. */
function findTag(t: Tiff, ifd: number, tag: number, stats: ReadStats): { start: number; end: number } | null {
  if (ifd + 2 > t.b.length) return null;
  const count = Math.min(u16(t, ifd), Math.floor((t.b.length - ifd - 2) / 12));
  stats.work += count;
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (u16(t, e) !== tag) continue;
    const size = (TYPE_SIZES[u16(t, e + 2)] ?? 0) * u32(t, e + 4);
    if (size <= 4) return { start: e + 8, end: e + 8 + size };
    const start = u32(t, e + 8);
    // Compared without adding first: both may be near 2^32.
    if (start > t.b.length || size > t.b.length - start) return null;
    return { start, end: start + size };
  }
  return null;
}

/** Reads UserComment from TIFF bytes (the part after `Exif\0\0`). Null when there is none. */
export function readUserComment(tiffBytes: Uint8Array, stats: ReadStats): ExifComment {
  if (tiffBytes.length < 8) return { ok: false, warning: "EXIF data is truncated" };
  const order = latin1(tiffBytes, 0, 2);
  if (order !== "II" && order !== "MM") return { ok: false, warning: "EXIF data has no TIFF byte order mark" };
  const t: Tiff = { b: tiffBytes, little: order === "II" };
  const ifd0 = u32(t, 4);
  const pointer = findTag(t, ifd0, EXIF_IFD_POINTER, stats);
  // Some writers put UserComment straight into IFD0; accept it there too.
  const exifIfd = pointer && pointer.end - pointer.start === 4 ? u32(t, pointer.start) : ifd0;
  const value =
    findTag(t, exifIfd, USER_COMMENT, stats) ?? (exifIfd !== ifd0 ? findTag(t, ifd0, USER_COMMENT, stats) : null);
  if (!value) return null;
  stats.work += value.end - value.start;
  return decodeUserComment(tiffBytes.subarray(value.start, value.end));
}

/** Decodes UserComment bytes by their 8-byte charset id. */
export function decodeUserComment(v: Uint8Array): ExifComment {
  if (v.length < 8) return { ok: false, warning: "EXIF UserComment is shorter than its charset id" };
  const id = latin1(v, 0, 8);
  const body = v.subarray(8);
  let text: string | null;
  if (id === "UNICODE\0") text = decode(looksLittleEndian(body) ? "utf-16le" : "utf-16be", evenLength(body));
  else if (id === "JIS\0\0\0\0\0") text = decode("shift_jis", body);
  else text = decode("utf-8", body) ?? latin1(body, 0, body.length); // ASCII, undefined, or mislabelled UTF-8
  if (text === null) return { ok: false, warning: `EXIF UserComment is not valid ${id.replace(/\0+$/, "")} text` };
  return { ok: true, text: text.replace(/\0+$/, "") };
}

function evenLength(b: Uint8Array): Uint8Array {
  return b.length % 2 ? b.subarray(0, b.length - 1) : b;
}

/**
 * UTF-16 of mostly-ASCII text has its zero bytes on one side: odd offsets for little-endian,
 * even for big-endian. A1111 writes big-endian, so that wins a tie.
 */
function looksLittleEndian(b: Uint8Array): boolean {
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) {
    if (b[i] !== 0) continue;
    if (i % 2) oddZeros++;
    else evenZeros++;
  }
  return oddZeros > evenZeros;
}

/**
 * A big-endian TIFF with IFD0 → Exif IFD → UserComment (`UNICODE\0` + UTF-16BE, as piexif writes
 * for A1111 and as Civitai decodes).
 */
export function buildUserCommentTiff(text: string): Uint8Array {
  const body = new Uint8Array(8 + text.length * 2);
  body.set([0x55, 0x4e, 0x49, 0x43, 0x4f, 0x44, 0x45, 0x00]); // "UNICODE\0"
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    body[8 + i * 2] = c >> 8;
    body[9 + i * 2] = c & 0xff;
  }
  // header 8 | IFD0: count 2 + 1 entry 12 + next 4 = 18 | Exif IFD: 18 | value
  const ifd0 = 8;
  const exifIfd = ifd0 + 18;
  const valueAt = exifIfd + 18;
  const out = new Uint8Array(valueAt + body.length);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x4d, 0x00, 0x2a]);
  view.setUint32(4, ifd0);
  view.setUint16(ifd0, 1);
  view.setUint16(ifd0 + 2, EXIF_IFD_POINTER);
  view.setUint16(ifd0 + 4, TYPE_LONG);
  view.setUint32(ifd0 + 6, 1);
  view.setUint32(ifd0 + 10, exifIfd);
  view.setUint32(ifd0 + 14, 0);
  view.setUint16(exifIfd, 1);
  view.setUint16(exifIfd + 2, USER_COMMENT);
  view.setUint16(exifIfd + 4, TYPE_UNDEFINED);
  view.setUint32(exifIfd + 6, body.length);
  view.setUint32(exifIfd + 10, valueAt);
  view.setUint32(exifIfd + 14, 0);
  out.set(body, valueAt);
  return out;
}
