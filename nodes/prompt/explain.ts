import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "The text encoder (CLIP) turns the prompt into vectors that steer each denoising step through cross-attention. The negative prompt is what classifier-free guidance steers away from.",
  params: {
    prompt:
      "Describe subject, style, lighting and composition. Put the most important words first; CLIP reads at most 77 tokens unless weighting is on.",
    negative_prompt: 'Things to avoid, e.g. "blurry, extra fingers". Guidance pushes the image away from it.',
    prompt_weighting:
      "Turns on Compel syntax: (word)1.3 or word++ to emphasise, word-- to de-emphasise. Also removes the 77-token limit.",
  },
  mistakes: [
    "Writing weighting syntax like (word:1.2) with Prompt weighting off: the brackets are read literally.",
    "Very long prompts without weighting on: words after the 77th token are cut.",
  ],
};

export default explain;
