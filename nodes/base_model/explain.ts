import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
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
};

export default explain;
