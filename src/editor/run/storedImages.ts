import { definePart, type Editor } from "../store/editor";
import { runtimeOf } from "./runtime";

/**
 * Object URLs for stored copies, so thumbnails survive the CDN. Revoked when the editor goes:
 * bounded by history size.
 */
const objectUrlsPart = definePart(
  "objectUrls",
  () => new Map<string, Promise<string | null>>(),
  (urls) => {
    for (const p of urls.values()) void p.then((u) => u && URL.revokeObjectURL(u));
  },
);
export function storedImageUrl(editor: Editor, key: string): Promise<string | null> {
  const objectUrls = editor.part(objectUrlsPart);
  let p = objectUrls.get(key);
  if (!p) {
    p = runtimeOf(editor)
      .controller.readImage(key)
      .then((img) => (img ? URL.createObjectURL(new Blob([img.bytes], { type: img.type || "image/png" })) : null))
      .catch(() => null);
    objectUrls.set(key, p);
  }
  return p;
}
