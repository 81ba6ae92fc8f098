/**
 * IP-Adapters of cubiq's ComfyUI_IPAdapter_plus: the apply node (IPAdapter, IPAdapterAdvanced)
 * sits on the model path; its `ipadapter` comes from the unified loader (a preset) or the model
 * loader (a file), and its CLIP image encoder from the preset, a CLIPVisionLoader or the file.
 * The files are h94/IP-Adapter's, which fal loads by repo, subfolder and weight name.
 */
import { imageEncoderOfFile, ipAdapterFile, type ImageEncoder, type IpAdapterFile } from "../models";
import type { FlatNode } from "./graph";
import { mapImage } from "./images";
import type { Mapper } from "./mapper";

export const IP_ADAPTER_APPLY = new Set(["IPAdapter", "IPAdapterAdvanced"]);
/** Loaders on the model path that pass the model on unchanged. */
export const IP_ADAPTER_PASS_THROUGH = new Set(["IPAdapterUnifiedLoader"]);

export interface IpAdapterPending {
  node: FlatNode;
}

/** The unified loader's preset → file, as the pack's get_ipadapter_file chooses it. */
function presetFile(preset: string, family: "sd1" | "sdxl"): IpAdapterFile | string {
  const p = preset.toLowerCase();
  const pick = (sd1: string | null, sdxl: string | null): IpAdapterFile | string => {
    const name = family === "sdxl" ? sdxl : sd1;
    if (!name) return `preset "${preset}" has no ${family === "sdxl" ? "SDXL" : "SD1.5"} model`;
    return ipAdapterFile(`${name}.safetensors`)!;
  };
  if (p.startsWith("light")) return pick("ip-adapter_sd15_light_v11", null);
  if (p.startsWith("standard")) return pick("ip-adapter_sd15", "ip-adapter_sdxl_vit-h");
  if (p.startsWith("vit-g")) return pick("ip-adapter_sd15_vit-G", "ip-adapter_sdxl");
  if (p.startsWith("plus (")) return pick("ip-adapter-plus_sd15", "ip-adapter-plus_sdxl_vit-h");
  if (p.startsWith("plus face")) return pick("ip-adapter-plus-face_sd15", "ip-adapter-plus-face_sdxl_vit-h");
  if (p.startsWith("full")) return pick("ip-adapter-full-face_sd15", null);
  return `preset "${preset}" is not one the import knows`;
}

function modelOf(
  m: Mapper,
  apply: FlatNode,
  path: string,
  family: "sd1" | "sdxl" | undefined,
): { file?: IpAdapterFile; encoder?: ImageEncoder; url?: string } {
  const loader = m.upstream(apply, "ipadapter");
  if (loader?.classType === "IPAdapterUnifiedLoader") {
    const preset = m.str(loader, "preset") ?? "";
    m.use(loader, path);
    const encoder: ImageEncoder = preset.toLowerCase().startsWith("vit-g") ? "vit-bigg" : "vit-h";
    if (!family) {
      m.note(
        "error",
        loader,
        `preset "${preset}": the base model's family (SD1.5 or SDXL) is unknown, so its file is too; choose the IP-Adapter`,
        { path },
      );
      m.labels[path] = preset;
      return { encoder };
    }
    const file = presetFile(preset, family);
    if (typeof file === "string") {
      m.note("error", loader, `${file}; choose the IP-Adapter`, { field: "preset", path });
      m.labels[path] = preset;
      return { encoder };
    }
    return { file, encoder: file.encoder };
  }
  if (loader?.classType === "IPAdapterModelLoader") {
    const name = m.str(loader, "ipadapter_file");
    const file = name === undefined ? undefined : ipAdapterFile(name);
    if (file) {
      m.use(loader, path);
      return { file, encoder: file.encoder };
    }
    return { url: m.localName(loader, "ipadapter_file", `${path}.path`, "IP-Adapter", name) };
  }
  m.note("error", apply, "ipadapter does not come from an IP-Adapter loader; choose the IP-Adapter", {
    field: "ipadapter",
    path: `${path}.path`,
  });
  return {};
}

/** The CLIP vision encoder wired into the apply node, overriding the one its model implies. */
function encoderOf(m: Mapper, apply: FlatNode, implied: ImageEncoder | undefined): ImageEncoder | undefined {
  const loader = m.upstream(apply, "clip_vision");
  if (!loader) return implied;
  if (loader.classType !== "CLIPVisionLoader") {
    m.note(
      "warning",
      loader,
      `the CLIP vision model comes from ${loader.classType}; the IP-Adapter's own encoder was used`,
    );
    return implied;
  }
  const name = m.str(loader, "clip_name");
  const encoder = name === undefined ? undefined : imageEncoderOfFile(name);
  if (encoder) {
    m.use(loader, "image_encoder_path");
    return encoder;
  }
  const url = m.localName(loader, "clip_name", "image_encoder_path", "CLIP vision encoder", name);
  if (url) m.request.image_encoder_path = url;
  return undefined;
}

/** Settings fal's IP-Adapter has no field for, reported when they are not the pack's neutral values. */
function reportUnsupported(m: Mapper, apply: FlatNode, path: string): void {
  const start = m.num(apply, "start_at") ?? 0;
  const end = m.num(apply, "end_at") ?? 1;
  if (start > 0 || end < 1)
    m.note(
      "warning",
      apply,
      `acts from ${start} to ${end} of the steps in ComfyUI; fal's IP-Adapter acts on every step`,
      {
        field: "start_at",
        path,
      },
    );
  const weightType = m.value(apply, "weight_type");
  if (weightType !== undefined && weightType !== "linear" && weightType !== "standard")
    m.note("warning", apply, `weight_type "${String(weightType)}" has no fal equivalent; fal weighs linearly`, {
      field: "weight_type",
      path,
    });
  const combine = m.value(apply, "combine_embeds");
  if (combine !== undefined && combine !== "concat")
    m.note("warning", apply, `combine_embeds "${String(combine)}" has no fal equivalent`, {
      field: "combine_embeds",
      path,
    });
  const scaling = m.value(apply, "embeds_scaling");
  if (scaling !== undefined && scaling !== "V only")
    m.note("warning", apply, `embeds_scaling "${String(scaling)}" has no fal equivalent`, {
      field: "embeds_scaling",
      path,
    });
  if (m.wire(apply, "image_negative"))
    m.note("warning", apply, "image_negative has no fal equivalent; it was left out", {
      field: "image_negative",
      path,
    });
}

export function mapIpAdapters(
  m: Mapper,
  pending: IpAdapterPending[],
  family: "sd1" | "sdxl" | undefined,
): Map<ImageEncoder, FlatNode> {
  const encoders = new Map<ImageEncoder, FlatNode>();
  const items: Record<string, unknown>[] = [];
  pending.forEach(({ node }, i) => {
    const path = `ip_adapter.${i}`;
    const item: Record<string, unknown> = {};
    const { file, encoder, url } = modelOf(m, node, path, family);
    if (file) {
      Object.assign(item, { path: file.path, model_subfolder: file.model_subfolder, weight_name: file.weight_name });
      if (family && file.family !== family)
        m.note(
          "warning",
          node,
          `${file.weight_name} is an ${file.family === "sdxl" ? "SDXL" : "SD1.5"} IP-Adapter, but the base model is not`,
          { path },
        );
    } else if (url) item.path = url;
    const chosen = encoderOf(m, node, encoder);
    if (chosen && !encoders.has(chosen)) encoders.set(chosen, node);
    const image = mapImage(m, node, "image", `${path}.ip_adapter_image_url`, `IP-Adapter ${i + 1} reference image`);
    if (image) item.ip_adapter_image_url = image;
    if (m.wire(node, "attn_mask")) {
      const mask = mapImage(m, node, "attn_mask", `${path}.ip_adapter_mask_url`, `IP-Adapter ${i + 1} mask`);
      if (mask) item.ip_adapter_mask_url = mask;
    }
    const weight = m.num(node, "weight");
    if (weight !== undefined) item.scale = weight;
    reportUnsupported(m, node, path);
    m.use(node, path);
    items.push(item);
  });
  if (items.length) m.request.ip_adapter = items;
  return encoders;
}
