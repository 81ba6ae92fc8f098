import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const image = defineNode({
  type: "image",
  version: 1,
  aliases: ["Load Image", "LoadImage", "img2img", "init image", "mask", "inpaint"],
  title: "Image",
  category: categories.image,
  description: "An image by https URL or data: URI, for ControlNets, IP-Adapters, IC-Light, init images and masks.",
  explain: () => import("./explain"),
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
