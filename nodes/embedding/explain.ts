import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "A textual-inversion embedding teaches the text encoder new words. It adds vectors for new tokens (like <s0>) that stand for a concept the model could not name before. It only acts where the tokens appear in the prompt.",
  params: {
    path: "URL or Hugging Face id of the embedding file (.safetensors or .pt), trained for the base model's family.",
    tokens:
      "The new words it defines, usually <s0> and <s1>. Write them in the Prompt (or the negative prompt, for negative embeddings).",
  },
  mistakes: [
    "Not writing the tokens in the prompt: the embedding loads but has no effect.",
    "Using more than one embedding: fal-ai/lora accepts only one per request.",
  ],
};

export default explain;
