/**
 * The stand-in's CPU-heavy steps, as plain functions of plain data so they can run on the main
 * thread (small jobs) or in a worker (large ones; workers.ts, docs/server.md#the-stand-ins-event-loop):
 * checking a submitted body, and rendering one placeholder image.
 */
import type { LoraEndpoint } from "../allowlist.ts";
import { encodePlaceholder, hash32, type EncodedImage, type ImageFormat } from "./image.ts";
import { PRESETS, validateInput, type FalFieldError } from "./validate.ts";

/**
 * What generation needs from an accepted input. The stand-in keeps this, not the input: a job's
 * input can be megabytes (inline images, long prompts) and nothing else reads it.
 */
export interface JobSpec {
  endpoint: LoraEndpoint;
  modelName: string;
  steps: number;
  seed: number;
  numImages: number;
  format: ImageFormat;
  promptHash: number;
  /** The size the output reports and is rendered at (custom sizes are scaled down to 4 MP). */
  width: number;
  height: number;
}

export type Validate = (endpoint: LoraEndpoint, input: unknown) => FalFieldError[];

export type Checked = { ok: true; spec: JobSpec } | { ok: false; detail: FalFieldError[] };

/** Renders are capped at 4 MP each: time and memory stay bounded for fal's largest sizes. */
export const MAX_RENDER_PIXELS = 4_194_304;

function requestedSize(endpoint: LoraEndpoint, input: Record<string, unknown>): { width: number; height: number } {
  if (endpoint !== "fal-ai/lora") return { width: 768, height: 768 };
  const s = input.image_size;
  if (typeof s === "string" && PRESETS[s]) return PRESETS[s];
  if (s && typeof s === "object") {
    const o = s as { width?: number; height?: number };
    return { width: o.width ?? 512, height: o.height ?? 512 };
  }
  return PRESETS.square_hd;
}

/** Parse and validate a submitted body; on success, the job's spec. `randomSeed` fills a missing seed. */
export function checkSubmission(
  endpoint: LoraEndpoint,
  body: Uint8Array | undefined,
  randomSeed: number,
  validate: Validate = validateInput,
): Checked {
  let input: unknown;
  try {
    const text = body && body.length > 0 ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString() : "";
    input = text === "" ? undefined : JSON.parse(text);
  } catch {
    return { ok: false, detail: [{ loc: ["body"], msg: "JSON decode error", type: "json_invalid" }] };
  }
  const detail = validate(endpoint, input);
  if (detail.length > 0) return { ok: false, detail };
  const o = input as Record<string, unknown>;
  const size = requestedSize(endpoint, o);
  const area = size.width * size.height;
  const shrink = area > MAX_RENDER_PIXELS ? Math.sqrt(MAX_RENDER_PIXELS / area) : 1;
  return {
    ok: true,
    spec: {
      endpoint,
      modelName: String(o.model_name),
      steps: typeof o.num_inference_steps === "number" ? o.num_inference_steps : 30,
      seed: typeof o.seed === "number" ? o.seed : randomSeed,
      numImages: typeof o.num_images === "number" ? o.num_images : 1,
      format: o.image_format === "jpeg" ? "jpeg" : "png",
      promptHash: hash32(typeof o.prompt === "string" ? o.prompt : ""),
      width: Math.max(8, Math.floor((size.width * shrink) / 8) * 8),
      height: Math.max(8, Math.floor((size.height * shrink) / 8) * 8),
    },
  };
}

/** Render and encode image `index` of a job. */
export function renderImage(spec: JobSpec, index: number): EncodedImage {
  const { width, height, seed, promptHash, format } = spec;
  return encodePlaceholder({ width, height, seed, promptHash, index, format });
}
