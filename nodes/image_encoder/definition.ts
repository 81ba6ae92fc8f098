import { defineNode, param } from "../../src/graph";

export const imageEncoder = defineNode({
  type: "image_encoder",
  version: 1,
  title: "Image encoder",
  category: "Model",
  description: "The CLIP vision model that turns reference images into embeddings for IP-Adapters.",
  inputs: [],
  outputs: [{ id: "image_encoder", kind: "image_encoder", label: "Encoder" }],
  params: {
    image_encoder_path: param.modelRef({
      label: "Encoder",
      description: "Hugging Face id, e.g. laion/CLIP-ViT-H-14-laion2B-s32B-b79K (ViT-H for most \"plus\" weights).",
      required: true,
      default: "h94/IP-Adapter",
    }),
    image_encoder_subfolder: param.string({ label: "Subfolder", description: "Folder inside the repository, e.g. models/image_encoder." }),
    image_encoder_weight_name: param.string({
      label: "Weights",
      description: "Weights file inside the folder.",
      default: "pytorch_model.bin",
      advanced: true,
    }),
  },
  contribute(ctx) {
    ctx.emit("image_encoder", { ...ctx.params });
  },
});
