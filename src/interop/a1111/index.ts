/**
 * A1111 / Forge / Civitai generation data ("infotext"): read it as a fal request, write a
 * request as infotext. Storage in images (PNG text chunk, JPEG/WebP EXIF UserComment) is
 * src/interop/image's job, under the `parameters` keyword.
 */
export { parseInfotext, quote, unquote, type Infotext } from "./infotext";
export { a1111ToRequest, looksLikeInfotext, A1111_FORMAT, MAX_INFOTEXT_CHARS } from "./toRequest";
export { infotextFromRequest, type InfotextExport } from "./export";
export { a1111Segments, compelFromSegments, compelSegments, a1111FromSegments, type Segment } from "./prompt";
