import { defineNode, param } from "../../src/graph";

export const prompt = defineNode({
  type: "prompt",
  version: 1,
  title: "Prompt",
  category: "Conditioning",
  description: "What to draw, and what to avoid; the start of the conditioning chain.",
  inputs: [],
  outputs: [{ id: "conditioning", kind: "conditioning", label: "Conditioning" }],
  params: {
    prompt: param.string({ label: "Prompt", description: "Describe the image.", multiline: true, required: true, default: "" }),
    negative_prompt: param.string({
      label: "Negative prompt",
      description: "What the image should not contain.",
      multiline: true,
      default: "",
    }),
    prompt_weighting: param.bool({
      label: "Prompt weighting",
      description: "Enable Compel weighting syntax such as (word)1.2; also lifts the 77-token limit.",
      default: false,
      advanced: true,
    }),
  },
  contribute(ctx) {
    const p = ctx.params;
    ctx.set("prompt", p.prompt);
    ctx.set("negative_prompt", p.negative_prompt);
    ctx.set("prompt_weighting", p.prompt_weighting);
    ctx.emit("conditioning", p.prompt, "prompt");
  },
});
