import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const image = defineNode({
  type: "image",
  version: 1,
  aliases: ["Load Image", "LoadImage", "img2img", "init image", "mask", "inpaint"],
  title: "Image",
  category: categories.image,
  description: "An image by https URL or data: URI, for ControlNets, IP-Adapters, IC-Light, init images and masks.",
  explain: {
    summary:
      "An image handed to a model: a control map for a ControlNet, a reference for an IP-Adapter, the start image for image-to-image, or a mask (white = repaint) for inpainting.",
    params: {
      url: "An https URL or a data: URI. Files you choose from disk are uploaded to fal storage first. Remote previews are only loaded when you ask, so opening a shared file contacts no server.",
    },
    mistakes: [
      "A mask that is not the same size as its image.",
      "Sharing a workflow with private URLs: the recipient cannot load them.",
    ],
  },
  inputs: [],
  outputs: [{ id: "image", kind: "image", label: "Image", carries: "url" }],
  glance: ["url"],
  params: {
    url: param.fileUrl({
      label: "Image",
      description: "An https URL or a data: URI; files you pick are uploaded first.",
      required: true,
      takesFile: "image-file",
    }),
  },
  contribute(ctx) {
    ctx.emit("image", ctx.params.url, "url");
  },
});
