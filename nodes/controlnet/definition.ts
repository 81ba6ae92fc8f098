import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const controlnet = defineNode({
  type: "controlnet",
  version: 1,
  aliases: ["Apply ControlNet", "ControlNetApply", "canny", "depth", "openpose", "pose", "lineart", "scribble"],
  title: "ControlNet",
  category: categories.conditioning,
  description: "Steers composition with a control image (edges, depth, pose…) during part of the denoising.",
  explain: () => import("./explain"),
  views: { inspector: "control-window" },
  inputs: [
    { id: "conditioning", kind: "conditioning", label: "Conditioning", required: true },
    { id: "image", kind: "image", label: "Control image", required: true, request: "controlnets[].image_url" },
    {
      id: "mask",
      kind: "image",
      label: "Mask",
      description: "Limits the control to the white area; same size as the control image, divisible by 32.",
      request: "controlnets[].mask_url",
    },
    {
      id: "ip_adapter",
      kind: "ip_adapter",
      label: "InstantID IP-Adapter",
      description: "For InstantID ControlNets only: the IP-Adapter they pair with.",
      request: "controlnets[].ip_adapter_index",
      sendsIndex: true,
    },
  ],
  outputs: [{ id: "conditioning", kind: "conditioning", label: "Conditioning" }],
  glance: ["path", "conditioning_scale"],
  params: {
    path: param.modelRef({
      request: "controlnets[].path",
      label: "ControlNet",
      description: "Hugging Face id or https URL of the ControlNet, e.g. diffusers/controlnet-canny-sdxl-1.0.",
      required: true,
    }),
    conditioning_scale: param.float({
      request: "controlnets[].conditioning_scale",
      label: "Strength",
      description: "How strongly the control image steers; 0.5–1 is typical.",
      default: 1,
      step: 0.05,
      unconfirmedRange: { min: 0, max: 2, source: "fal's 2024 source allowed (unconfirmed for today's API)" },
    }),
    start_percentage: param.float({
      request: "controlnets[].start_percentage",
      label: "Start",
      description: "When the control starts, as a fraction of the steps (0 = from the first step).",
      default: 0,
      step: 0.01,
      unconfirmedRange: { min: 0, max: 1, source: "is a fraction of the steps" },
    }),
    end_percentage: param.float({
      request: "controlnets[].end_percentage",
      label: "End",
      description: "When the control stops, as a fraction of the steps (1 = until the last step).",
      default: 1,
      step: 0.01,
      unconfirmedRange: { min: 0, max: 1, source: "is a fraction of the steps" },
    }),
    config_url: param.fileUrl({
      request: "controlnets[].config_url",
      label: "Config URL",
      description: "Optional config.json for ControlNets given as a bare weights URL.",
      advanced: true,
      widget: "text",
      anyType: true,
    }),
    variant: param.string({
      request: "controlnets[].variant",
      label: "Variant",
      description: "Weights variant, e.g. fp16.",
      advanced: true,
    }),
  },
  contribute(ctx) {
    const p = ctx.params;
    const ref = ctx.input<number>("ip_adapter");
    ctx.append("controlnets", {
      path: p.path,
      image_url: ctx.input("image"),
      mask_url: ctx.input("mask"),
      config_url: p.config_url,
      variant: p.variant,
      conditioning_scale: p.conditioning_scale,
      start_percentage: p.start_percentage,
      end_percentage: p.end_percentage,
      ip_adapter_index: ref,
    });
    ctx.emit("conditioning", ctx.input("conditioning"));
  },
});
