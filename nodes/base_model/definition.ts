import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const baseModel = defineNode({
  type: "base_model",
  version: 1,
  aliases: ["Load Checkpoint", "CheckpointLoaderSimple", "checkpoint", "model loader"],
  title: "Base model",
  category: categories.model,
  description: "The Stable Diffusion checkpoint every other model node patches (SD1.5, SDXL, …).",
  explain: {
    summary:
      "A diffusion model learns to remove noise from images. Generation starts from pure noise and the model, guided by your prompt, denoises it step by step. The base model decides what it knows how to draw and at which resolution: SD1.5 models are trained at 512×512, SDXL models at 1024×1024.",
    params: {
      model_name:
        "A Hugging Face id (stabilityai/stable-diffusion-xl-base-1.0, runwayml/stable-diffusion-v1-5) or a URL to a checkpoint. Every LoRA, embedding and ControlNet must be built for the same family.",
      unet_name:
        "Swap in a fine-tuned U-Net (the part that predicts noise) while keeping the rest of the checkpoint. Rarely needed.",
      variant:
        "Which weight file to load, e.g. fp16 for half-precision weights. Leave empty unless the repository asks for it.",
      clip_skip:
        "Use an earlier layer of the text encoder. 0 is normal; 1–2 suits models trained that way (many anime models).",
    },
    mistakes: [
      "Mixing families: an SD1.5 LoRA or ControlNet on an SDXL base silently does nothing or breaks the image.",
      "Asking an SD1.5 model for 1024×1024 images: it draws duplicated subjects. Use 512–768 px for SD1.5.",
    ],
  },
  inputs: [],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  glance: ["model_name"],
  params: {
    model_name: param.modelRef({
      request: "model_name",
      label: "Model",
      description: "Hugging Face id or URL of the checkpoint, e.g. stabilityai/stable-diffusion-xl-base-1.0.",
      required: true,
      default: "stabilityai/stable-diffusion-xl-base-1.0",
      family: "base",
    }),
    unet_name: param.modelRef({
      request: "unet_name",
      label: "Custom U-Net",
      description: "Replaces the checkpoint's U-Net (Hugging Face id or URL).",
      advanced: true,
    }),
    variant: param.string({
      request: "variant",
      label: "Variant",
      description: "Weights variant to load, e.g. fp16.",
      advanced: true,
    }),
    clip_skip: param.int({
      request: "clip_skip",
      label: "CLIP skip",
      description: "Skip the last N layers of the text encoder; 1–2 suits some anime-style models.",
      default: 0,
      min: 0,
      max: 2,
      slider: true,
      advanced: true,
    }),
  },
  contribute(ctx) {
    const p = ctx.params;
    ctx.set("model_name", p.model_name);
    ctx.set("unet_name", p.unet_name);
    ctx.set("variant", p.variant);
    ctx.set("clip_skip", p.clip_skip);
    ctx.emit("model", p.model_name, "model_name");
  },
});
