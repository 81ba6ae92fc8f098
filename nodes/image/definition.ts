import { defineNode, param } from "../../src/graph";

export const image = defineNode({
  type: "image",
  version: 1,
  title: "Image",
  category: "Image",
  description: "An image by https URL or data: URI, for ControlNets, IP-Adapters, IC-Light, init images and masks.",
  inputs: [],
  outputs: [{ id: "image", kind: "image", label: "Image" }],
  params: {
    url: param.fileUrl({ label: "Image", description: "An https URL or a data: URI; files you pick are uploaded first.", required: true }),
  },
  contribute(ctx) {
    ctx.emit("image", ctx.params.url, "url");
  },
});
