/**
 * Closed sets of fal-ai/lora values (docs/fal-wire.md#the-fal-ailora-request). They live in the
 * core so node definitions and the request schema share one copy.
 */

/** Preset → pixels [fal toolkit image.py IMAGE_SIZE_PRESETS]. */
export const IMAGE_SIZE_PRESETS = Object.freeze({
  square_hd: Object.freeze({ width: 1024, height: 1024 }),
  square: Object.freeze({ width: 512, height: 512 }),
  portrait_4_3: Object.freeze({ width: 768, height: 1024 }),
  portrait_16_9: Object.freeze({ width: 576, height: 1024 }),
  landscape_4_3: Object.freeze({ width: 1024, height: 768 }),
  landscape_16_9: Object.freeze({ width: 1024, height: 576 }),
} as const);
export type ImageSizePreset = keyof typeof IMAGE_SIZE_PRESETS;
export const IMAGE_SIZE_PRESET_NAMES = Object.freeze(Object.keys(IMAGE_SIZE_PRESETS)) as readonly ImageSizePreset[];

export const SCHEDULERS = Object.freeze([
  "DPM++ 2M",
  "DPM++ 2M Karras",
  "DPM++ 2M SDE",
  "DPM++ 2M SDE Karras",
  "Euler",
  "Euler A",
  "Euler (trailing timesteps)",
  "LCM",
  "LCM (trailing timesteps)",
  "DDIM",
  "TCD",
] as const);
export type Scheduler = (typeof SCHEDULERS)[number];
