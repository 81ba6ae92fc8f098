import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "IC-Light (Imposing Consistent Light) is a model patch that relights a subject: it conditions generation on the foreground image and, optionally, a background or light-source image, and redraws the subject with new, consistent lighting.",
  params: {
    ic_light_model_url: "The IC-Light weights. fc versions take the subject only; fbc versions also take a background.",
  },
  mistakes: ["Using fbc weights without a background image, or fc weights with one."],
};

export default explain;
