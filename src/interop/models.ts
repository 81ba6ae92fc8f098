/**
 * Model names other tools write, and what they mean for fal: the Hugging Face id of a well-known
 * local file name, and the model family (SD1, SD2, SDXL, Flux) a name or id points to.
 * See docs/import-export.md ("Model names and families").
 */

import { familyOfName, type Family } from "../graph/families";

export { FAMILY_LABELS, type Family } from "../graph/families";

/** "C:\\models\\Stable-diffusion\\sd_xl_base_1.0.safetensors" → "sd_xl_base_1.0". */
export function fileStem(name: string): string {
  const base = name.replace(/^.*[\\/]/, "");
  return base.replace(/\.(safetensors|ckpt|pt|pth|bin|sft|gguf)$/i, "");
}

/**
 * Checkpoint file names that A1111, Forge and ComfyUI users download from the same places, keyed
 * by lower-case stem. Only files whose published weights are the diffusers repo named here.
 */
const CHECKPOINTS: Readonly<Record<string, string>> = {
  "sd_xl_base_1.0": "stabilityai/stable-diffusion-xl-base-1.0",
  "sd_xl_base_1.0_0.9vae": "stabilityai/stable-diffusion-xl-base-1.0",
  "sd_xl_refiner_1.0": "stabilityai/stable-diffusion-xl-refiner-1.0",
  "sd_xl_refiner_1.0_0.9vae": "stabilityai/stable-diffusion-xl-refiner-1.0",
  "sd_xl_turbo_1.0": "stabilityai/sdxl-turbo",
  "sd_xl_turbo_1.0_fp16": "stabilityai/sdxl-turbo",
  // runwayml/stable-diffusion-v1-5 was taken down in 2024; this is the mirror diffusers now points to.
  "v1-5-pruned-emaonly": "stable-diffusion-v1-5/stable-diffusion-v1-5",
  "v1-5-pruned-emaonly-fp16": "stable-diffusion-v1-5/stable-diffusion-v1-5",
  "v1-5-pruned": "stable-diffusion-v1-5/stable-diffusion-v1-5",
  "sd-v1-4": "CompVis/stable-diffusion-v1-4",
  "v2-1_768-ema-pruned": "stabilityai/stable-diffusion-2-1",
  "v2-1_512-ema-pruned": "stabilityai/stable-diffusion-2-1-base",
};

/** The Hugging Face id of a well-known checkpoint file name, or undefined. */
export function checkpointRepo(name: string): string | undefined {
  const stem = fileStem(name).toLowerCase();
  return Object.hasOwn(CHECKPOINTS, stem) ? CHECKPOINTS[stem] : undefined;
}

/** The well-known file name of a checkpoint repo (the first listed: no fp16 or 0.9-VAE variant). */
export function checkpointFileOf(repo: string): string | undefined {
  for (const [stem, id] of Object.entries(CHECKPOINTS)) if (id === repo) return stem;
  return undefined;
}

/** ControlNet files whose diffusers repo is known: lllyasviel's v1.1 set and diffusers' SDXL ones. */
export function controlNetRepo(name: string): string | undefined {
  const stem = fileStem(name).toLowerCase();
  // control_v11p_sd15_canny, control_v11f1p_sd15_depth, control_v11e_sd15_ip2p, control_v11f1e_sd15_tile…
  if (/^control_v11[a-z0-9]*_sd15_[a-z0-9_]+$/.test(stem)) return `lllyasviel/${stem.replace(/_fp16$/, "")}`;
  const sdxl = /^diffusers_xl_(canny|depth)_(full|mid|small)$/.exec(stem);
  if (sdxl) {
    const size = sdxl[2] === "full" ? "" : `-${sdxl[2]}`;
    return `diffusers/controlnet-${sdxl[1]}-sdxl-1.0${size}`;
  }
  return undefined;
}

/** Where an IP-Adapter file of h94/IP-Adapter lives, and the CLIP image encoder it was trained with. */
export interface IpAdapterFile {
  path: "h94/IP-Adapter";
  model_subfolder: "models" | "sdxl_models";
  weight_name: string;
  family: "sd1" | "sdxl";
  encoder: ImageEncoder;
}

/** The two CLIP vision encoders h94/IP-Adapter ships, as fal's image_encoder_* fields. */
export type ImageEncoder = "vit-h" | "vit-bigg";
export const IMAGE_ENCODERS: Readonly<
  Record<
    ImageEncoder,
    { image_encoder_path: string; image_encoder_subfolder: string; image_encoder_weight_name: string }
  >
> = {
  "vit-h": {
    image_encoder_path: "h94/IP-Adapter",
    image_encoder_subfolder: "models/image_encoder",
    image_encoder_weight_name: "model.safetensors",
  },
  "vit-bigg": {
    image_encoder_path: "h94/IP-Adapter",
    image_encoder_subfolder: "sdxl_models/image_encoder",
    image_encoder_weight_name: "model.safetensors",
  },
};

const IP_ADAPTER_FILES: readonly (readonly [string, "sd1" | "sdxl", ImageEncoder])[] = [
  ["ip-adapter_sd15", "sd1", "vit-h"],
  ["ip-adapter_sd15_light", "sd1", "vit-h"],
  ["ip-adapter_sd15_light_v11", "sd1", "vit-h"],
  ["ip-adapter_sd15_vit-g", "sd1", "vit-bigg"],
  ["ip-adapter-plus_sd15", "sd1", "vit-h"],
  ["ip-adapter-plus-face_sd15", "sd1", "vit-h"],
  ["ip-adapter-full-face_sd15", "sd1", "vit-h"],
  ["ip-adapter_sdxl", "sdxl", "vit-bigg"],
  ["ip-adapter_sdxl_vit-h", "sdxl", "vit-h"],
  ["ip-adapter-plus_sdxl_vit-h", "sdxl", "vit-h"],
  ["ip-adapter-plus-face_sdxl_vit-h", "sdxl", "vit-h"],
];

/** An h94/IP-Adapter file by its name (any folder, .bin or .safetensors), or undefined. */
export function ipAdapterFile(name: string): IpAdapterFile | undefined {
  const base = name.replace(/^.*[\\/]/, "");
  const ext = /\.(safetensors|bin)$/i.exec(base)?.[0].toLowerCase() ?? ".safetensors";
  const stem = fileStem(base).toLowerCase();
  const hit = IP_ADAPTER_FILES.find(([s]) => s === stem);
  if (!hit) return undefined;
  const [s, family, encoder] = hit;
  // h94 publishes the light v1.1 only as .bin and the vit-G file with a capital G.
  const weight = s === "ip-adapter_sd15_vit-g" ? "ip-adapter_sd15_vit-G" : s;
  return {
    path: "h94/IP-Adapter",
    model_subfolder: family === "sdxl" ? "sdxl_models" : "models",
    weight_name: `${weight}${s.endsWith("_v11") ? ".bin" : ext}`,
    family,
    encoder,
  };
}

/**
 * The CLIP vision encoder a local file name stands for, by the patterns ComfyUI_IPAdapter_plus
 * itself uses to find them (ViT-H-14 s32B b79K vs ViT-bigG-14 39B b160k).
 */
export function imageEncoderOfFile(name: string): ImageEncoder | undefined {
  if (/vit.?bigg.?14|vit.?g.?14|ipadapter.*sdxl|sdxl.*model\.(bin|safetensors)$/i.test(name)) return "vit-bigg";
  if (/vit.?h.?14|ipadapter.*sd15|sd1.?5.*model\.(bin|safetensors)$/i.test(name)) return "vit-h";
  return undefined;
}

/**
 * The family of a base model, LoRA or ControlNet from its name, Hugging Face id, URL or a
 * well-known checkpoint file name (src/graph/families.ts holds the name rules the compiler uses).
 */
export function familyOfModelName(name: string): Family {
  const repo = checkpointRepo(name);
  return familyOfName(repo ?? name);
}
