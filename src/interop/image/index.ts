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
export * from "./types";
export { crc32 } from "./bytes";
export { readPngText, writePngText } from "./png";
export { readJpegText, writeJpegText } from "./jpeg";
export { readImageMetadata, writeImageMetadata } from "./metadata";
export { workflowFromImage, type ImageWorkflowResult } from "./workflow";
