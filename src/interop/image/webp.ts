/**
 * WebP (RIFF) files: read only, for A1111's `parameters` in the EXIF chunk's UserComment
 * (A1111 saves WebP with the same piexif data as JPEG). Chunks are walked with every length
 * checked against what is left.
 */
import { latin1 } from "./bytes";
import { readUserComment } from "./exif";
import { PARAMETERS_KEYWORD, readGuarded, type MetadataLimits, type ReadMetadataResult } from "./types";

function u32le(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Reads `parameters` from a WebP's EXIF chunk. Never throws. */
export function readWebpText(webp: Uint8Array, limits: Partial<MetadataLimits> = {}): ReadMetadataResult {
  return readGuarded(webp, "webp", limits, (lim, stats) => {
    const warnings: string[] = [];
    const entries: Record<string, string> = {};
    let at = 12;
    for (let n = 0; at < webp.length; n++) {
      stats.work++;
      if (n >= lim.maxChunks) {
        warnings.push(`stopped after ${lim.maxChunks} chunks`);
        break;
      }
      if (at + 8 > webp.length) {
        warnings.push(`truncated chunk header at byte ${at}`);
        break;
      }
      const type = latin1(webp, at, at + 4);
      const size = u32le(webp, at + 4);
      if (size > webp.length - at - 8) {
        warnings.push(`chunk ${JSON.stringify(type)} at byte ${at} claims ${size} bytes past the end of the file`);
        break;
      }
      if (type === "EXIF") {
        let tiff = webp.subarray(at + 8, at + 8 + size);
        // Some writers keep JPEG's "Exif\0\0" prefix inside the chunk.
        if (latin1(tiff, 0, Math.min(6, tiff.length)) === "Exif\0\0") tiff = tiff.subarray(6);
        const comment = readUserComment(tiff, stats);
        if (comment && !comment.ok) warnings.push(comment.warning);
        else if (comment && !(PARAMETERS_KEYWORD in entries)) entries[PARAMETERS_KEYWORD] = comment.text;
      }
      at += 8 + size + (size % 2); // chunks are padded to an even size
    }
    return { ok: true, kind: "webp", entries, warnings, stats };
  });
}
