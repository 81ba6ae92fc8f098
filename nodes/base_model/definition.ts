import { defineNode, param } from "../../src/graph";

export const baseModel = defineNode({
  type: "base_model",
  version: 1,
  title: "Base model",
  category: "Model",
  description: "The Stable Diffusion checkpoint every other model node patches (SD1.5, SDXL, …).",
  inputs: [],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  params: {
    model_name: param.modelRef({
      label: "Model",
      description: "Hugging Face id or URL of the checkpoint, e.g. stabilityai/stable-diffusion-xl-base-1.0.",
      required: true,
      default: "stabilityai/stable-diffusion-xl-base-1.0",
    }),
    unet_name: param.modelRef({ label: "Custom U-Net", description: "Replaces the checkpoint's U-Net (Hugging Face id or URL).", advanced: true }),
    variant: param.string({ label: "Variant", description: "Weights variant to load, e.g. fp16.", advanced: true }),
    clip_skip: param.int({
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
