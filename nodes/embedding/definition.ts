import { z } from "zod";
import { defineNode, param } from "../../src/graph";

export const embedding = defineNode({
  type: "embedding",
  version: 1,
  title: "Embedding",
  category: "Model",
  description: "A textual-inversion embedding: new tokens for the prompt (fal supports one per request).",
  inputs: [{ id: "model", kind: "model", label: "Model", required: true }],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  params: {
    path: param.modelRef({ label: "Embedding", description: "URL or Hugging Face id of the embedding file.", required: true }),
    tokens: param.custom(z.array(z.string().min(1, "must not be empty")), "stringList", {
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
