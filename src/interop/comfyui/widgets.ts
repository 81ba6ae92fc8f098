/**
 * The UI workflow stores a node's widget values as a list, in the order the node class declares
 * its widget inputs (ComfyUI's INPUT_TYPES, required then optional). The frontend adds a
 * `control_after_generate` value after seed-like widgets, and an upload widget after LoadImage's
 * image. These tables give the names by position for the classes the importer maps.
 */
import type { Unmapped } from "./types";

/** Marks a value the frontend adds that is not an input of the node. */
const CONTROL = "\u0000control_after_generate";
const UPLOAD = "\u0000upload";

export const WIDGETS: Readonly<Record<string, readonly string[]>> = {
  CheckpointLoaderSimple: ["ckpt_name"],
  CheckpointLoader: ["config_name", "ckpt_name"],
  UNETLoader: ["unet_name", "weight_dtype"],
  VAELoader: ["vae_name"],
  LoraLoader: ["lora_name", "strength_model", "strength_clip"],
  LoraLoaderModelOnly: ["lora_name", "strength_model"],
  CLIPSetLastLayer: ["stop_at_clip_layer"],
  CLIPTextEncode: ["text"],
  CLIPTextEncodeSDXL: ["width", "height", "crop_w", "crop_h", "target_width", "target_height", "text_g", "text_l"],
  ControlNetLoader: ["control_net_name"],
  DiffControlNetLoader: ["control_net_name"],
  ControlNetApply: ["strength"],
  ControlNetApplyAdvanced: ["strength", "start_percent", "end_percent"],
  LoadImage: ["image", UPLOAD],
  LoadImageMask: ["image", "channel", UPLOAD],
  EmptyLatentImage: ["width", "height", "batch_size"],
  RepeatLatentBatch: ["amount"],
  VAEEncodeForInpaint: ["grow_mask_by"],
  KSampler: ["seed", CONTROL, "steps", "cfg", "sampler_name", "scheduler", "denoise"],
  KSamplerAdvanced: [
    "add_noise",
    "noise_seed",
    CONTROL,
    "steps",
    "cfg",
    "sampler_name",
    "scheduler",
    "start_at_step",
    "end_at_step",
    "return_with_leftover_noise",
  ],
  SaveImage: ["filename_prefix"],
  CLIPVisionLoader: ["clip_name"],
  IPAdapterUnifiedLoader: ["preset"],
  IPAdapterUnifiedLoaderFaceID: ["preset", "lora_strength", "provider"],
  IPAdapterModelLoader: ["ipadapter_file"],
  IPAdapter: ["weight", "start_at", "end_at", "weight_type"],
  IPAdapterAdvanced: ["weight", "weight_type", "combine_embeds", "start_at", "end_at", "embeds_scaling"],
  // Frontend-only nodes whose value matters when something reads through them.
  PrimitiveNode: ["value", CONTROL],
  PrimitiveInt: ["value", CONTROL],
  PrimitiveFloat: ["value"],
  PrimitiveString: ["value"],
  PrimitiveStringMultiline: ["value"],
  PrimitiveBoolean: ["value"],
};

/**
 * Names a node's widget values. `values` is the list (or, in some newer files, an object by name).
 * When the list's length fits neither layout (with or without the frontend's extra values), the
 * names are still given by position and `problem` says the values may be misread.
 */
export function namedWidgets(
  classType: string,
  values: unknown,
): { named: Map<string, unknown>; problem?: Omit<Unmapped, "nodeId"> } {
  const named = new Map<string, unknown>();
  if (values === undefined || values === null) return { named };
  if (typeof values === "object" && !Array.isArray(values)) {
    for (const [k, v] of Object.entries(values)) named.set(k, v);
    return { named };
  }
  if (!Array.isArray(values) || !Object.hasOwn(WIDGETS, classType)) return { named };
  const full = WIDGETS[classType];
  const bare = full.filter((n) => !n.startsWith("\u0000"));
  let layout = full;
  let problem: Omit<Unmapped, "nodeId"> | undefined;
  if (values.length === full.length) layout = full;
  else if (values.length === bare.length) layout = bare;
  else {
    problem = {
      severity: "warning",
      classType,
      message: `${classType} has ${values.length} widget values where ComfyUI writes ${bare.length}; they were read by position and may be misread`,
    };
  }
  layout.forEach((name, i) => {
    if (!name.startsWith("\u0000") && i < values.length) named.set(name, values[i]);
  });
  return { named, ...(problem ? { problem } : {}) };
}
