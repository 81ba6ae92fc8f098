/**
 * Our top-level field names must equal @fal-ai/client's for the three lora endpoints
 * (docs/fal-wire.md#client-typings).
 * Only key sets are compared: the client's nested types are wrong for this endpoint since 1.9.6.
 * A mismatch fails `tsc --noEmit -p .` (expectTypeOf is checked at compile time, not at run time).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { LoraImageToImageInput, LoraInpaintInput, loraInput, loraOutput } from "@fal-ai/client/endpoints";
import type { ImageToImageInput, InpaintInput, LoraInput, LoraOutput } from "../../src/compiler/falSchema";
import { endpointInputKeys } from "../../src/compiler/falSchema";

describe("top-level field names match @fal-ai/client", () => {
  it("input keys of the three endpoints", () => {
    expectTypeOf<keyof LoraInput>().toEqualTypeOf<keyof loraInput>();
    expectTypeOf<keyof ImageToImageInput>().toEqualTypeOf<keyof LoraImageToImageInput>();
    expectTypeOf<keyof InpaintInput>().toEqualTypeOf<keyof LoraInpaintInput>();
  });

  it("required keys agree", () => {
    type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
    expectTypeOf<RequiredKeys<LoraInput>>().toEqualTypeOf<RequiredKeys<loraInput>>();
    // The client types leave image_url/mask_url optional; fal needs them, so we require them.
    expectTypeOf<RequiredKeys<ImageToImageInput>>().toEqualTypeOf<RequiredKeys<LoraImageToImageInput> | "image_url">();
    expectTypeOf<RequiredKeys<InpaintInput>>().toEqualTypeOf<
      RequiredKeys<LoraInpaintInput> | "image_url" | "mask_url"
    >();
  });

  it("output keys", () => {
    expectTypeOf<keyof LoraOutput>().toEqualTypeOf<keyof loraOutput>();
  });

  it("the check can fail: an extra or missing key is a type error", () => {
    // @ts-expect-error a key the client does not have
    expectTypeOf<keyof LoraInput | "strength">().toEqualTypeOf<keyof loraInput>();
    // @ts-expect-error a key missing on our side
    expectTypeOf<Exclude<keyof ImageToImageInput, "noise_strength">>().toEqualTypeOf<keyof LoraImageToImageInput>();
  });

  it("endpointInputKeys lists exactly the client's keys at run time", () => {
    // Record<keyof X, true> makes tsc demand every client key and refuse any other.
    const shared: Record<Exclude<keyof loraInput, "image_size">, true> = {
      clip_skip: true,
      controlnet_guess_mode: true,
      controlnets: true,
      debug_latents: true,
      debug_per_pass_latents: true,
      embeddings: true,
      enable_safety_checker: true,
      eta: true,
      guidance_scale: true,
      ic_light_image_url: true,
      ic_light_model_background_image_url: true,
      ic_light_model_url: true,
      image_encoder_path: true,
      image_encoder_subfolder: true,
      image_encoder_weight_name: true,
      image_format: true,
      ip_adapter: true,
      loras: true,
      model_name: true,
      negative_prompt: true,
      num_images: true,
      num_inference_steps: true,
      prediction_type: true,
      prompt: true,
      prompt_weighting: true,
      rescale_betas_snr_zero: true,
      scheduler: true,
      seed: true,
      sigmas: true,
      tile_height: true,
      tile_stride_height: true,
      tile_stride_width: true,
      tile_width: true,
      timesteps: true,
      unet_name: true,
      variant: true,
    };
    const t2i: Record<keyof loraInput, true> = { ...shared, image_size: true };
    const i2i: Record<keyof LoraImageToImageInput, true> = { ...shared, image_url: true, noise_strength: true };
    const inp: Record<keyof LoraInpaintInput, true> = { ...i2i, mask_url: true };
    expect(endpointInputKeys("fal-ai/lora").sort()).toEqual(Object.keys(t2i).sort());
    expect(endpointInputKeys("fal-ai/lora/image-to-image").sort()).toEqual(Object.keys(i2i).sort());
    expect(endpointInputKeys("fal-ai/lora/inpaint").sort()).toEqual(Object.keys(inp).sort());
  });
});
