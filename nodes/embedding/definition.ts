import { z } from "../../src/graph/zodMini";
import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const embedding = defineNode({
  type: "embedding",
  version: 1,
  aliases: ["textual inversion", "TI"],
  title: "Embedding",
  category: categories.model,
  description: "A textual-inversion embedding: new tokens for the prompt (fal supports one per request).",
  explain: () => import("./explain"),
  views: { canvas: "model-file" },
  inputs: [{ id: "model", kind: "model", label: "Model", required: true }],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  glance: ["path"],
  params: {
    path: param.modelRef({
      request: "embeddings[].path",
      label: "Embedding",
      description: "URL or Hugging Face id of the embedding file.",
      required: true,
      family: "match",
      takesFile: "embedding-file",
    }),
    tokens: param.custom(z.array(z.string()), "stringList", {
      request: "embeddings[].tokens",
      label: "Tokens",
      description: "The tokens it defines; write them in the prompt to use it.",
      default: ["<s0>", "<s1>"],
    }),
  },
  contribute(ctx) {
    ctx.append("embeddings", { path: ctx.params.path, tokens: ctx.params.tokens });
    ctx.emit("model", ctx.input("model"));
  },
});
