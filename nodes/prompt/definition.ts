import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const prompt = defineNode({
  type: "prompt",
  version: 1,
  aliases: ["CLIP Text Encode", "CLIPTextEncode", "negative", "positive"],
  title: "Prompt",
  category: categories.conditioning,
  description: "What to draw, and what to avoid; the start of the conditioning chain.",
  explain: () => import("./explain"),
  inputs: [],
  outputs: [{ id: "conditioning", kind: "conditioning", label: "Conditioning" }],
  glance: ["prompt"],
  params: {
    prompt: param.string({
      request: "prompt",
      label: "Prompt",
      description: "Describe the image.",
      multiline: true,
      weightedBy: "prompt_weighting",
      required: true,
      default: "",
    }),
    negative_prompt: param.string({
      request: "negative_prompt",
      label: "Negative prompt",
      description: "What the image should not contain.",
      multiline: true,
      weightedBy: "prompt_weighting",
      default: "",
    }),
    prompt_weighting: param.bool({
      request: "prompt_weighting",
      label: "Prompt weighting",
      description: "Enable Compel weighting syntax such as (word)1.2; also lifts the 77-token limit.",
      default: false,
      advanced: true,
    }),
  },
  contribute(ctx) {
    const p = ctx.params;
    if (typeof p.prompt === "string" && !p.prompt.trim()) {
      ctx.report(
        "warning",
        "node-error",
        "The prompt is empty, so the model draws whatever its training makes most likely. Describe the image you want.",
        "prompt",
      );
    }
    ctx.set("prompt", p.prompt);
    ctx.set("negative_prompt", p.negative_prompt);
    ctx.set("prompt_weighting", p.prompt_weighting);
    ctx.emit("conditioning", p.prompt, "prompt");
  },
});
