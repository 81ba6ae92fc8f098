import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const baseModel = defineNode({
  type: "base_model",
  version: 1,
  aliases: ["Load Checkpoint", "CheckpointLoaderSimple", "checkpoint", "model loader"],
  title: "Base model",
  category: categories.model,
  description: "The Stable Diffusion checkpoint every other model node patches (SD1.5, SDXL, …).",
  explain: () => import("./explain"),
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
