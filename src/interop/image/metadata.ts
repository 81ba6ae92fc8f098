/** Either format, chosen by the bytes. */
import { readJpegText, writeJpegText } from "./jpeg";
import { readPngText, writePngText } from "./png";
import { readWebpText } from "./webp";
import {
  sniffImage,
  type MetadataEntry,
  type MetadataLimits,
  type ReadMetadataResult,
  type WriteMetadataResult,
} from "./types";

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
  if (kind === "webp") return { ok: false, error: "WebP images are read only here" };
  return { ok: false, error: "not a PNG or JPEG image" };
}

/** Reads text entries from a PNG, JPEG or WebP. Never throws. */
export function readImageMetadata(bytes: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  const kind = bytes instanceof Uint8Array ? sniffImage(bytes) : null;
  if (kind === "png") return readPngText(bytes, limits);
  if (kind === "jpeg") return readJpegText(bytes, limits);
  if (kind === "webp") return readWebpText(bytes, limits);
  return { ok: false, error: "not a PNG, JPEG or WebP image" };
}
