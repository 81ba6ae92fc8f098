import { z } from "../../src/graph/zodMini";
import {
  IMAGE_ENCODER_FIELDS,
  IMAGE_SIZE_PRESET_NAMES,
  ONE_IMAGE_ENCODER,
  defineNode,
  param,
  sendFields,
  type ImageSizePreset,
} from "../../src/graph";
import { categories } from "../categories";

const imageSize = z.union([
  z.enum(IMAGE_SIZE_PRESET_NAMES as [ImageSizePreset, ...ImageSizePreset[]]),
  z.object({
    width: z.optional(z.number().check(z.int("must be a whole number"), z.positive("must be positive"))),
    height: z.optional(z.number().check(z.int("must be a whole number"), z.positive("must be positive"))),
  }),
]);

/** The fields a wired Scheduler node's value carries; the Sampler sends them. */
const SCHEDULE_FIELDS = [
  "scheduler",
  "num_inference_steps",
  "timesteps",
  "sigmas",
  "eta",
  "prediction_type",
  "rescale_betas_snr_zero",
] as const;

export const sampler = defineNode({
  type: "sampler",
  version: 1,
  aliases: ["KSampler", "KSampler Advanced", "txt2img", "img2img", "inpaint", "Save Image", "generate"],
  title: "Sampler output",
  category: categories.output,
  description:
    "Runs the diffusion: one request to fal. An init image makes it image-to-image; add a mask for inpainting.",
  isOutput: true,
  views: { canvas: "denoise-strip", inspector: "denoise-timeline" },
  explain: () => import("./explain"),
  inputs: [
    { id: "model", kind: "model", label: "Model", required: true },
    { id: "conditioning", kind: "conditioning", label: "Conditioning", required: true },
    { id: "scheduler", kind: "scheduler", label: "Scheduler" },
    {
      id: "init_image",
      kind: "image",
      label: "Init image",
      description: "Start from this image instead of noise (image-to-image).",
      request: "image_url",
    },
    {
      id: "mask",
      kind: "image",
      label: "Mask",
      description: "Repaint only the white area of the init image (inpaint).",
      request: "mask_url",
    },
    {
      id: "image_encoder",
      kind: "image_encoder",
      label: "Image encoder",
      description: "Only needed when no IP-Adapter carries one.",
    },
  ],
  outputs: [],
  glance: ["image_size", "seed"],
  params: {
    seed: param.int({
      request: "seed",
      label: "Seed",
      description: "Same seed, same picture; leave empty for a random one.",
      widget: "seed",
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    }),
    guidance_scale: param.float({
      request: "guidance_scale",
      label: "Guidance (CFG)",
      description: "How closely to follow the prompt; 5–9 is typical, higher gets harsh.",
      default: 7.5,
      min: 0,
      max: 20,
      step: 0.5,
    }),
    image_size: param.custom(imageSize, "imageSize", {
      request: "image_size",
      label: "Size",
      description: "Output size; custom sizes must be multiples of 8. Ignored with an init image.",
      default: "square_hd",
      ignoredWhen: {
        input: "init_image",
        wired: true,
        hint: "Not used with an init image: the result takes the init image's size.",
      },
    }),
    num_images: param.int({
      request: "num_images",
      label: "Images",
      description: "How many images to make in one request.",
      default: 1,
      min: 1,
      max: 8,
      slider: true,
    }),
    noise_strength: param.float({
      request: "noise_strength",
      label: "Denoise",
      description: "Image-to-image only: how much of the init image is replaced (1 = all of it).",
      default: 0.5,
      ignoredWhen: {
        input: "init_image",
        wired: false,
        hint: "Only used with an init image (image-to-image or inpaint): wire one to “Init image”.",
      },
      step: 0.05,
      unconfirmedRange: { min: 0, max: 1, source: "fal's 2024 source allowed (unconfirmed for today's API)" },
    }),
    image_format: param.enum(["png", "jpeg"] as const, {
      request: "image_format",
      label: "Format",
      description: "File format of the results.",
      default: "png",
      advanced: true,
    }),
    enable_safety_checker: param.bool({
      request: "enable_safety_checker",
      label: "Safety checker",
      description: "Replace images flagged as NSFW.",
      default: false,
      advanced: true,
    }),
    controlnet_guess_mode: param.bool({
      request: "controlnet_guess_mode",
      label: "ControlNet guess mode",
      description: "Let ControlNets recognise content even without a prompt.",
      default: false,
      advanced: true,
    }),
    tile_width: param.int({
      request: "tile_width",
      label: "Tile width",
      description: "VAE tile width for very large images.",
      default: 4096,
      min: 128,
      max: 4096,
      advanced: true,
    }),
    tile_height: param.int({
      request: "tile_height",
      label: "Tile height",
      description: "VAE tile height for very large images.",
      default: 4096,
      min: 128,
      max: 4096,
      advanced: true,
    }),
    tile_stride_width: param.int({
      request: "tile_stride_width",
      label: "Tile stride width",
      description: "Horizontal overlap step between VAE tiles.",
      default: 2048,
      min: 64,
      max: 2048,
      advanced: true,
    }),
    tile_stride_height: param.int({
      request: "tile_stride_height",
      label: "Tile stride height",
      description: "Vertical overlap step between VAE tiles.",
      default: 2048,
      min: 64,
      max: 2048,
      advanced: true,
    }),
    debug_latents: param.bool({
      request: "debug_latents",
      label: "Debug latents",
      description: "Also return the final latents.",
      default: false,
      advanced: true,
    }),
    debug_per_pass_latents: param.bool({
      request: "debug_per_pass_latents",
      label: "Per-step latents",
      description: "Also return the latents after each step.",
      default: false,
      advanced: true,
    }),
  },
  contribute(ctx) {
    const p = ctx.params;
    const init = ctx.input<string>("init_image");
    const mask = ctx.input<string>("mask");
    if (mask && !init)
      ctx.report(
        "error",
        "node-error",
        'A mask needs an init image to repaint: wire one to "Init image"',
        "init_image",
      );
    ctx.setEndpoint(init ? (mask ? "fal-ai/lora/inpaint" : "fal-ai/lora/image-to-image") : "fal-ai/lora");

    sendFields(ctx, ctx.input("scheduler"), SCHEDULE_FIELDS);
    sendFields(ctx, ctx.input("image_encoder"), IMAGE_ENCODER_FIELDS, ONE_IMAGE_ENCODER);

    ctx.set("seed", p.seed);
    ctx.set("guidance_scale", p.guidance_scale);
    if (init) {
      ctx.set("image_url", init);
      if (mask) ctx.set("mask_url", mask);
      ctx.set("noise_strength", p.noise_strength);
    } else {
      ctx.set("image_size", p.image_size);
    }
    ctx.set("num_images", p.num_images);
    ctx.set("image_format", p.image_format);
    ctx.set("enable_safety_checker", p.enable_safety_checker);
    ctx.set("controlnet_guess_mode", p.controlnet_guess_mode);
    ctx.set("tile_width", p.tile_width);
    ctx.set("tile_height", p.tile_height);
    ctx.set("tile_stride_width", p.tile_stride_width);
    ctx.set("tile_stride_height", p.tile_stride_height);
    ctx.set("debug_latents", p.debug_latents);
    ctx.set("debug_per_pass_latents", p.debug_per_pass_latents);
  },
});
