import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "A CLIP vision model that turns a reference image into the embedding an IP-Adapter feeds to the diffusion model. The adapter was trained with one particular encoder, so they must match.",
  params: {
    image_encoder_path:
      "Usually h94/IP-Adapter with subfolder models/image_encoder (ViT-H), or laion/CLIP-ViT-H-14-laion2B-s32B-b79K.",
    image_encoder_subfolder: "The folder inside the repository that holds the encoder.",
    image_encoder_weight_name: "The weights file; pytorch_model.bin by default.",
  },
  mistakes: ['Using a ViT-bigG encoder with weights trained on ViT-H (most "plus" weights): results look random.'],
};

export default explain;
