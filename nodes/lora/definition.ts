import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const lora = defineNode({
  type: "lora",
  version: 2,
  aliases: ["LoraLoader", "Load LoRA", "LyCORIS"],
  title: "LoRA",
  category: categories.model,
  description: "Adds a LoRA's learned style or subject to the model; chain several, in order.",
  explain: {
    summary:
      "A LoRA (low-rank adaptation) is a small set of weight changes trained on top of a base model to teach it a style, character or concept. At run time the changes are added to the model's weights, scaled by Scale. Chained LoRAs add up in order.",
    params: {
      path: "A .safetensors URL or Hugging Face id. It must be trained for the same family as the base model (SD1.5 vs SDXL).",
      scale:
        "0 turns it off, 1 applies it fully; 0.6–0.9 often keeps the base model's quality while adding the style. Above 1 exaggerates and can break images.",
    },
    mistakes: [
      'An SD1.5 LoRA on an SDXL model (or the reverse): ComfyUI only logs "lora key not loaded"; here you get a warning before you pay.',
      "Forgetting the LoRA's trigger word in the prompt: many LoRAs only activate with it.",
      "Stacking several LoRAs at scale 1: their effects add up and the image overcooks. Lower each.",
    ],
  },
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
