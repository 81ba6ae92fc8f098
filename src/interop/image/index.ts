/**
 * Text metadata inside images, so an image dropped on the editor brings its pipeline back (as
 * ComfyUI and A1111 do with PNG text chunks), and so other tools find A1111's `parameters`.
 *
 * - PNG (png.ts): tEXt / zTXt / iTXt chunks; ours are written right after IHDR.
 * - JPEG (jpeg.ts): our entries in numbered COM segments; `parameters` in EXIF UserComment.
 * - WebP (webp.ts): read only, `parameters` from the EXIF chunk.
 *
 * Readers treat the bytes as hostile: every length is checked against what is left, totals are
 * capped, compressed text inflates within a budget tied to the file's size (inflate.ts), a PNG
 * chunk with a bad CRC is skipped, and nothing here throws on any input. Each read reports the
 * work it did (`stats`), which the fuzz tests bound. Pure functions on Uint8Array; no DOM, no
 * Node APIs (TextEncoder/TextDecoder exist in both).
 */
export * from "./types";
export { crc32 } from "./bytes";
export { readPngText, writePngText } from "./png";
export { readJpegText, writeJpegText } from "./jpeg";
export { readWebpText } from "./webp";
export { buildUserCommentTiff, decodeUserComment, readUserComment } from "./exif";
export { readImageMetadata, writeImageMetadata } from "./metadata";
export { workflowFromImage, type ImageWorkflowResult } from "./workflow";
