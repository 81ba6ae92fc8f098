import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
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
};

export default explain;
