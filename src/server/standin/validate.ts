/**
 * Request validation for the stand-in. Placeholder until the compiler's fal schema lands;
 * see the TODO below.
 */
import type { LoraEndpoint } from "../allowlist.ts";

export interface FalFieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export interface SizeInfo {
  width: number;
  height: number;
}

export const PRESETS: Record<string, SizeInfo> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
};

/** Returns fal-style field errors (empty when valid). */
export function validateInput(endpoint: LoraEndpoint, input: unknown): FalFieldError[] {
  const errors: FalFieldError[] = [];
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type" }];
  }
  const o = input as Record<string, unknown>;
  const req = (k: string) => {
    if (o[k] === undefined) errors.push({ loc: ["body", k], msg: "Field required", type: "missing" });
    else if (typeof o[k] !== "string") errors.push({ loc: ["body", k], msg: "Input should be a valid string", type: "string_type" });
  };
  req("model_name");
  req("prompt");
  if (endpoint !== "fal-ai/lora") req("image_url");
  if (endpoint === "fal-ai/lora/inpaint") req("mask_url");
  const int = (k: string, min: number, max: number) => {
    const v = o[k];
    if (v === undefined || v === null) return;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      errors.push({ loc: ["body", k], msg: "Input should be a valid integer", type: "int_type" });
    } else if (v < min || v > max) {
      errors.push({ loc: ["body", k], msg: `Input should be between ${min} and ${max}`, type: v < min ? "greater_than_equal" : "less_than_equal" });
    }
  };
  int("num_images", 1, 8);
  int("num_inference_steps", 1, 150);
  int("seed", 0, Number.MAX_SAFE_INTEGER);
  if (o.image_format !== undefined && o.image_format !== "png" && o.image_format !== "jpeg") {
    errors.push({ loc: ["body", "image_format"], msg: "Input should be 'jpeg' or 'png'", type: "enum" });
  }
  const size = o.image_size;
  if (size !== undefined && endpoint === "fal-ai/lora") {
    if (typeof size === "string") {
      if (!(size in PRESETS)) errors.push({ loc: ["body", "image_size"], msg: `Input should be one of ${Object.keys(PRESETS).join(", ")}`, type: "enum" });
    } else if (typeof size === "object" && size !== null) {
      for (const dim of ["width", "height"] as const) {
        const v = (size as Record<string, unknown>)[dim];
        if (v === undefined) continue;
        if (typeof v !== "number" || !Number.isInteger(v) || v <= 0 || v > 14142 || v % 8 !== 0) {
          errors.push({ loc: ["body", "image_size", dim], msg: "Input should be a positive multiple of 8, at most 14142", type: "value_error" });
        }
      }
    } else {
      errors.push({ loc: ["body", "image_size"], msg: "Input should be a preset name or {width, height}", type: "value_error" });
    }
  }
  return errors;
}
