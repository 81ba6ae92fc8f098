import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "An image handed to a model: a control map for a ControlNet, a reference for an IP-Adapter, the start image for image-to-image, or a mask (white = repaint) for inpainting.",
  params: {
    url: "An https URL or a data: URI. Files you choose from disk are uploaded to fal storage first. Remote previews are only loaded when you ask, so opening a shared file contacts no server.",
  },
  mistakes: [
    "A mask that is not the same size as its image.",
    "Sharing a workflow with private URLs: the recipient cannot load them.",
  ],
};

export default explain;
