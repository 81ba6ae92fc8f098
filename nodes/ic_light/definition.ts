import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

const ONE_IC_LIGHT = { code: "field-conflict", message: "A request can use only one IC-Light model" } as const;

export const icLight = defineNode({
  type: "ic_light",
  version: 1,
  aliases: ["relight", "lighting"],
  title: "IC-Light",
  category: categories.model,
  description:
    "Relights the subject: IC-Light conditions generation on a foreground image and a light/background image.",
  explain: () => import("./explain"),
  inputs: [
    { id: "model", kind: "model", label: "Model", required: true },
    {
      id: "image",
      kind: "image",
      label: "Subject",
      description: "The image to relight (ic_light_image_url).",
      request: "ic_light_image_url",
    },
    {
      id: "background",
      kind: "image",
      label: "Background",
      description: "Background or light source image (ic_light_model_background_image_url).",
      request: "ic_light_model_background_image_url",
    },
  ],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  glance: ["ic_light_model_url"],
  params: {
    ic_light_model_url: param.modelRef({
      request: "ic_light_model_url",
      label: "IC-Light model",
      description:
        "URL or Hugging Face id of the IC-Light weights (fc for foreground-conditioned, fbc with a background).",
      required: true,
    }),
  },
  contribute(ctx) {
    ctx.set("ic_light_model_url", ctx.params.ic_light_model_url, { conflict: ONE_IC_LIGHT });
    ctx.set("ic_light_image_url", ctx.input("image"), { conflict: ONE_IC_LIGHT });
    ctx.set("ic_light_model_background_image_url", ctx.input("background"), { conflict: ONE_IC_LIGHT });
    ctx.emit("model", ctx.input("model"));
  },
});
