import { z } from "../../src/graph/zodMini";
import { IMAGE_ENCODER_FIELDS, ONE_IMAGE_ENCODER, Sourced, defineNode, param, sendFields } from "../../src/graph";
import { categories } from "../categories";

export const ipAdapter = defineNode({
  type: "ip_adapter",
  version: 1,
  aliases: ["ipadapter", "IPAdapter Apply", "face", "style reference"],
  title: "IP-Adapter",
  category: categories.model,
  description: "Uses reference images as an image prompt: their style or subject guides the result.",
  explain: () => import("./explain"),
  inputs: [
    { id: "model", kind: "model", label: "Model", required: true },
    {
      id: "image",
      kind: "image",
      label: "Reference",
      required: true,
      multiple: true,
      request: "ip_adapter[].ip_adapter_image_url",
      listParam: "reference_as_list",
    },
    {
      id: "mask",
      kind: "image",
      label: "Mask",
      description: "Limits the effect to the white area; same size as the reference.",
      request: "ip_adapter[].ip_adapter_mask_url",
    },
    {
      id: "image_encoder",
      kind: "image_encoder",
      label: "Image encoder",
      description: 'Needed by "plus" weights; shared by every IP-Adapter in the request.',
    },
  ],
  outputs: [
    { id: "model", kind: "model", label: "Model" },
    { id: "ip_adapter", kind: "ip_adapter", label: "For InstantID", description: "Wire to an InstantID ControlNet." },
  ],
  glance: ["weight_name", "scale"],
  params: {
    path: param.modelRef({
      request: "ip_adapter[].path",
      label: "Repository",
      description: "Hugging Face id of the IP-Adapter repository, e.g. h94/IP-Adapter.",
      required: true,
      default: "h94/IP-Adapter",
    }),
    model_subfolder: param.string({
      request: "ip_adapter[].model_subfolder",
      label: "Subfolder",
      description: "Folder inside the repository, e.g. sdxl_models.",
    }),
    weight_name: param.string({
      request: "ip_adapter[].weight_name",
      label: "Weights",
      description: "Weights file, e.g. ip-adapter-plus_sdxl_vit-h.safetensors.",
    }),
    scale: param.float({
      request: "ip_adapter[].scale",
      label: "Scale",
      description: "How strongly the reference guides the image; 0.5–0.8 keeps room for the prompt.",
      default: 1,
      min: 0,
      step: 0.05,
      unconfirmedRange: { max: 2, source: "seen in practice (fal states no upper bound)" },
    }),
    scale_json: param.custom(z.record(z.string(), z.json()), "keyValue", {
      request: "ip_adapter[].scale_json",
      label: "Per-layer scales",
      description: "Per-block scales (InstantStyle); when given, it wins over Scale.",
      advanced: true,
    }),
    unconditional_noising_factor: param.float({
      request: "ip_adapter[].unconditional_noising_factor",
      label: "Unconditional noising",
      description: "Noise added to the unconditional image embedding; 0 is the default.",
      default: 0,
      step: 0.05,
      advanced: true,
      unconfirmedRange: { min: 0, max: 1, source: "fal's 2024 source allowed (unconfirmed for today's API)" },
    }),
    image_projection_shortcut: param.bool({
      request: "ip_adapter[].image_projection_shortcut",
      label: "Projection shortcut",
      description: "Leave on, except for FaceID Plus v1 weights.",
      default: true,
      advanced: true,
    }),
    insight_face_model_path: param.modelRef({
      request: "ip_adapter[].insight_face_model_path",
      label: "InsightFace model",
      description: "Face-analysis model for FaceID and InstantID weights.",
      advanced: true,
    }),
    reference_as_list: param.bool({
      label: "Send references as a list",
      description: "Send ip_adapter_image_url as a list even with one reference image.",
      default: false,
      advanced: true,
    }),
  },
  // One repository (h94/IP-Adapter) holds many adapters: the weights file tells them apart.
  itemIdentity: ["path", "model_subfolder", "weight_name"],
  contribute(ctx) {
    const p = ctx.params;
    const refs = ctx.inputs<string>("image");
    const imageUrl =
      refs.length === 1 && !p.reference_as_list
        ? refs[0]
        : new Sourced(
            refs.map((r) => r.value),
            { nodeId: ctx.nodeId, field: "image" },
          );
    // "Plus" weights without an encoder are caught by the request schema, which also sees an
    // encoder wired to the Sampler instead.
    sendFields(ctx, ctx.input("image_encoder"), IMAGE_ENCODER_FIELDS, ONE_IMAGE_ENCODER);
    const index = ctx.append("ip_adapter", {
      ip_adapter_image_url: imageUrl,
      ip_adapter_mask_url: ctx.input("mask"),
      path: p.path,
      model_subfolder: p.model_subfolder,
      weight_name: p.weight_name,
      insight_face_model_path: p.insight_face_model_path,
      scale: p.scale,
      scale_json: p.scale_json,
      unconditional_noising_factor: p.unconditional_noising_factor,
      image_projection_shortcut: p.image_projection_shortcut,
    });
    ctx.emit("ip_adapter", index);
    ctx.emit("model", ctx.input("model"));
  },
});
