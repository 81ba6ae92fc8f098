import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const imageEncoder = defineNode({
  type: "image_encoder",
  version: 1,
  aliases: ["CLIP Vision", "CLIPVisionLoader"],
  title: "Image encoder",
  category: categories.model,
  description: "The CLIP vision model that turns reference images into embeddings for IP-Adapters.",
  explain: () => import("./explain"),
  inputs: [],
  outputs: [{ id: "image_encoder", kind: "image_encoder", label: "Encoder" }],
  glance: ["image_encoder_path"],
  params: {
    image_encoder_path: param.modelRef({
      request: "image_encoder_path",
      label: "Encoder",
      description: 'Hugging Face id, e.g. laion/CLIP-ViT-H-14-laion2B-s32B-b79K (ViT-H for most "plus" weights).',
      required: true,
      default: "h94/IP-Adapter",
    }),
    image_encoder_subfolder: param.string({
      request: "image_encoder_subfolder",
      label: "Subfolder",
      description: "Folder inside the repository, e.g. models/image_encoder.",
    }),
    image_encoder_weight_name: param.string({
      request: "image_encoder_weight_name",
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
