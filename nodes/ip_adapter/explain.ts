import type { NodeExplainer } from "../../src/graph";

// Loaded when first shown, not with the definition (NodeDefinition's `explain`).
const explain: NodeExplainer = {
  summary:
    "An IP-Adapter turns reference images into image embeddings (through the image encoder) and feeds them to the model through extra cross-attention layers, next to the text. It is an image prompt: it carries style, subject or face, but not the exact layout (that is a ControlNet's job).",
  params: {
    path: "The repository with the adapter weights, usually h94/IP-Adapter.",
    model_subfolder: "models for SD1.5 or sdxl_models for SDXL.",
    weight_name: 'The weights file. "plus" weights use more image detail and need a ViT-H image encoder.',
    scale: "How much the reference counts against the text: 0.4–0.8 mixes both; 1 lets the image dominate.",
    scale_json: "Per-block scales (InstantStyle), e.g. only style blocks. When set, it replaces Scale.",
    unconditional_noising_factor: "Noise added to the unconditional embedding; usually 0.",
    image_projection_shortcut: "Leave on; only FaceID Plus v1 needs it off.",
    insight_face_model_path: "Face analysis model for FaceID and InstantID.",
  },
  mistakes: [
    '"plus" weights without an Image encoder: fal refuses the request.',
    "Two IP-Adapters with different image encoders: one request has one encoder.",
    "Scale 1 with a detailed prompt: the prompt is mostly ignored.",
  ],
};

export default explain;
