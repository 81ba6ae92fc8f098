import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const lora = defineNode({
  type: "lora",
  version: 2,
  aliases: ["LoraLoader", "Load LoRA", "LyCORIS"],
  title: "LoRA",
  category: categories.model,
  description: "Adds a LoRA's learned style or subject to the model; chain several, in order.",
  explain: () => import("./explain"),
  // Its file's family, rank, alpha, trigger words and thumbnail, read from the header.
  views: { canvas: "model-file" },
  inputs: [{ id: "model", kind: "model", label: "Model", required: true }],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  glance: ["path", "scale"],
  params: {
    path: param.modelRef({
      request: "loras[].path",
      label: "LoRA",
      description: "URL or Hugging Face id of the LoRA weights (.safetensors).",
      required: true,
      family: "match",
      takesFile: "lora-file",
    }),
    scale: param.float({
      request: "loras[].scale",
      label: "Scale",
      description: "How strongly the LoRA applies; 0 disables it, 0.6–1 is typical.",
      default: 1,
      step: 0.05,
      unconfirmedRange: { min: 0, max: 1, source: "fal's 2024 source allowed (unconfirmed for today's API)" },
    }),
  },
  migrations: [
    {
      from: 1,
      name: "rename weight to scale, the API field's name",
      up({ weight, ...rest }) {
        return weight === undefined ? rest : { ...rest, scale: weight };
      },
    },
  ],
  contribute(ctx) {
    ctx.append("loras", { path: ctx.params.path, scale: ctx.params.scale });
    ctx.emit("model", ctx.input("model"));
  },
});
