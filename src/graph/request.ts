/**
 * The shape of a fal-ai/lora request as node definitions write it: every field of the three
 * endpoints, with the value type fal takes. Node definitions may only import src/graph, so the
 * request types live here rather than beside the zod schema in src/compiler/falSchema.ts; a type
 * test (test/compiler/request.types.test.ts) holds the two equal, so neither can drift.
 *
 * `ContributeContext.set` and `.append` are typed against these, and the request paths a param or
 * port declares (`"guidance_scale"`, `"loras[].scale"`) are checked against the runtime key lists
 * below, which tsc in turn holds equal to the types.
 */
import type { ImageSizePreset, Scheduler } from "./falEnums";

/** What `z.json()` accepts: fal passes per-layer scales through as plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface LoraItem {
  path: string;
  scale?: number;
}

export interface EmbeddingItem {
  path: string;
  tokens?: string[];
}

export interface ControlNetItem {
  path: string;
  image_url: string;
  mask_url?: string;
  config_url?: string;
  variant?: string;
  conditioning_scale?: number;
  start_percentage?: number;
  end_percentage?: number;
  ip_adapter_index?: number;
}

export interface IPAdapterItem {
  ip_adapter_image_url: string | string[];
  ip_adapter_mask_url?: string;
  path: string;
  model_subfolder?: string;
  weight_name?: string;
  insight_face_model_path?: string;
  scale?: number;
  scale_json?: Record<string, JsonValue>;
  unconditional_noising_factor?: number;
  image_projection_shortcut?: boolean;
}

/** Custom timesteps or sigmas, in the API's own `{ method, array }` shape. */
export interface CustomSchedule {
  method?: "default" | "array";
  array?: number[];
}

/** The request's lists, each with the type of one item. */
export interface RequestItems {
  loras: LoraItem;
  embeddings: EmbeddingItem;
  controlnets: ControlNetItem;
  ip_adapter: IPAdapterItem;
}

/** Every top-level field of the three endpoints, with its value (never `undefined`: leave a field out instead). */
export interface RequestFields {
  model_name: string;
  prompt: string;
  negative_prompt: string;
  prompt_weighting: boolean;
  image_size: ImageSizePreset | { width?: number; height?: number };
  image_url: string;
  mask_url: string;
  noise_strength: number;
  num_images: number;
  seed: number;
  num_inference_steps: number;
  guidance_scale: number;
  /** `null` is fal's "the model's own", the same as leaving it out. */
  scheduler: Scheduler | null;
  clip_skip: number;
  loras: LoraItem[];
  embeddings: EmbeddingItem[];
  controlnets: ControlNetItem[];
  controlnet_guess_mode: boolean;
  ip_adapter: IPAdapterItem[];
  image_encoder_path: string;
  image_encoder_subfolder: string;
  image_encoder_weight_name: string;
  unet_name: string;
  variant: string;
  ic_light_model_url: string;
  ic_light_model_background_image_url: string;
  ic_light_image_url: string;
  timesteps: CustomSchedule;
  sigmas: CustomSchedule;
  prediction_type: "v_prediction" | "epsilon";
  rescale_betas_snr_zero: boolean;
  eta: number;
  image_format: "jpeg" | "png";
  enable_safety_checker: boolean;
  tile_width: number;
  tile_height: number;
  tile_stride_width: number;
  tile_stride_height: number;
  debug_latents: boolean;
  debug_per_pass_latents: boolean;
}

export type RequestField = keyof RequestFields;
export type RequestList = keyof RequestItems;

/**
 * Where a param or port's value lands: a top-level field (`"guidance_scale"`) or a field of every
 * item of a list (`"loras[].scale"`).
 */
export type RequestPath =
  Exclude<RequestField, RequestList> | { [L in RequestList]: `${L}[].${keyof RequestItems[L] & string}` }[RequestList];

// `Record<keyof X, true>` makes tsc demand every key of X and refuse any other, so these runtime
// lists cannot fall out of step with the types above.
const TOP_LEVEL: Record<RequestField, true> = {
  model_name: true,
  prompt: true,
  negative_prompt: true,
  prompt_weighting: true,
  image_size: true,
  image_url: true,
  mask_url: true,
  noise_strength: true,
  num_images: true,
  seed: true,
  num_inference_steps: true,
  guidance_scale: true,
  scheduler: true,
  clip_skip: true,
  loras: true,
  embeddings: true,
  controlnets: true,
  controlnet_guess_mode: true,
  ip_adapter: true,
  image_encoder_path: true,
  image_encoder_subfolder: true,
  image_encoder_weight_name: true,
  unet_name: true,
  variant: true,
  ic_light_model_url: true,
  ic_light_model_background_image_url: true,
  ic_light_image_url: true,
  timesteps: true,
  sigmas: true,
  prediction_type: true,
  rescale_betas_snr_zero: true,
  eta: true,
  image_format: true,
  enable_safety_checker: true,
  tile_width: true,
  tile_height: true,
  tile_stride_width: true,
  tile_stride_height: true,
  debug_latents: true,
  debug_per_pass_latents: true,
};

const ITEM_FIELDS: { [L in RequestList]: Record<keyof RequestItems[L], true> } = {
  loras: { path: true, scale: true },
  embeddings: { path: true, tokens: true },
  controlnets: {
    path: true,
    image_url: true,
    mask_url: true,
    config_url: true,
    variant: true,
    conditioning_scale: true,
    start_percentage: true,
    end_percentage: true,
    ip_adapter_index: true,
  },
  ip_adapter: {
    ip_adapter_image_url: true,
    ip_adapter_mask_url: true,
    path: true,
    model_subfolder: true,
    weight_name: true,
    insight_face_model_path: true,
    scale: true,
    scale_json: true,
    unconditional_noising_factor: true,
    image_projection_shortcut: true,
  },
};

/** Every top-level request field, lists included. */
export const REQUEST_FIELDS: readonly RequestField[] = Object.freeze(Object.keys(TOP_LEVEL) as RequestField[]);
/** The request's lists. */
export const REQUEST_LISTS: readonly RequestList[] = Object.freeze(Object.keys(ITEM_FIELDS) as RequestList[]);

/** The fields of one item of `list`. */
export function requestItemFields<L extends RequestList>(list: L): readonly (keyof RequestItems[L] & string)[] {
  return Object.keys(ITEM_FIELDS[list]) as (keyof RequestItems[L] & string)[];
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isList = (k: string): k is RequestList => hasOwn(ITEM_FIELDS, k);

/** A request path taken apart: `{ field: "guidance_scale" }` or `{ list: "loras", field: "scale" }`. */
export type ParsedRequestPath = { list?: undefined; field: RequestField } | { list: RequestList; field: string };

/**
 * Reads a declared request path, or says why it is not one.
 * @example
 * parseRequestPath("loras[].scale") // { list: "loras", field: "scale" }
 * parseRequestPath("loras") // "loras is a list: name a field of its items, e.g. loras[].path"
 */
export function parseRequestPath(path: string): ParsedRequestPath | string {
  const m = /^([a-z_]+)\[\]\.([a-z_]+)$/.exec(path);
  if (m) {
    const [, list, field] = m;
    if (!isList(list)) return `${list} is not a list of the request (lists: ${REQUEST_LISTS.join(", ")})`;
    if (!hasOwn(ITEM_FIELDS[list], field))
      return `${list} items have no field ${field} (they have ${requestItemFields(list).join(", ")})`;
    return { list, field };
  }
  if (isList(path)) return `${path} is a list: name a field of its items, e.g. ${path}[].path`;
  if (!hasOwn(TOP_LEVEL, path)) return `${path} is not a field of a fal-ai/lora request`;
  return { field: path as RequestField };
}

/** The request's image-encoder fields: one encoder serves the whole request. */
export const IMAGE_ENCODER_FIELDS = [
  "image_encoder_path",
  "image_encoder_subfolder",
  "image_encoder_weight_name",
] as const;

/** Sending the encoder fields: every IP-Adapter and the Sampler must agree on one encoder. */
export const ONE_IMAGE_ENCODER = {
  conflict: {
    code: "encoder-mismatch",
    message: "All IP-Adapters in one request share one image encoder: wire them to the same Image encoder node",
  },
} as const;
