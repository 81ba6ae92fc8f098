/**
 * Images and masks: ComfyUI loads them from its own input folder by file name, which fal cannot
 * reach, so each becomes a labelled empty image the user fills in. Nodes that change the image on
 * the way (preprocessors, scaling) are reported: fal receives the image as given.
 */
import type { FlatNode } from "./graph";
import type { Mapper } from "./mapper";

const FOLLOW = ["image", "images", "pixels", "image1", "input_image"];
const MAX_HOPS = 64;

/**
 * Maps the image wired into `node.input` to request `path`. Returns its URL when the file gives
 * one; top-level paths ("image_url", "mask_url") are also set on the request.
 */
export function mapImage(m: Mapper, node: FlatNode, input: string, path: string, role: string): string | undefined {
  let link = m.wire(node, input);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const src = m.at(link);
    if (!link || !src) {
      m.note("error", node, `the ${role} (${input}) is not connected; give an image`, { field: input, path });
      return undefined;
    }
    const url = loadImage(m, src, link.slot, path, role);
    if (url !== false) {
      if (url !== undefined && !path.includes(".")) m.request[path] = url;
      return url;
    }
    const next = FOLLOW.find((n) => m.wire(src, n));
    if (!next) {
      m.note(
        "error",
        src,
        `the ${role} comes from ${src.classType}, which makes an image the import cannot reproduce; give the image`,
        { path },
      );
      return undefined;
    }
    m.note(
      "warning",
      src,
      `${src.classType} changes the ${role} before use; fal gets the image unchanged, so give one already processed`,
      { path },
    );
    link = m.wire(src, next);
  }
  return undefined;
}

/** A loader node: its URL (or undefined when it names a local file); false when `src` loads nothing. */
function loadImage(m: Mapper, src: FlatNode, slot: number, path: string, role: string): string | undefined | false {
  if (src.classType === "LoadImage") {
    const name = m.str(src, "image");
    if (slot === 1) {
      m.note(
        "info",
        src,
        `the ${role} is the alpha channel of ${name ?? "the image"}; fal wants a separate mask image (white = change)`,
        { path },
      );
    }
    return m.localName(src, "image", path, slot === 1 ? "Mask from image" : "Image", name, "image");
  }
  if (src.classType === "LoadImageMask") {
    const channel = m.str(src, "channel");
    if (channel && channel !== "alpha")
      m.note("info", src, `the mask is the ${channel} channel of the image; fal reads the mask image's brightness`, {
        path,
      });
    return m.localName(src, "image", path, "Mask", m.str(src, "image"), "image");
  }
  // A loader from a node pack that takes a URL (LoadImageFromUrl and the like).
  const literals = [...src.inputs.values()].filter((v) => "value" in v).map((v) => (v as { value: unknown }).value);
  const url = literals.find((v): v is string => typeof v === "string" && /^https:\/\/\S+$/i.test(v));
  if (url && ![...src.inputs.values()].some((v) => "link" in v)) {
    m.use(src, path);
    return url;
  }
  return false;
}
