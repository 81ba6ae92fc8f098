import { defineNode, param } from "../../src/graph";
import { categories } from "../categories";

export const note = defineNode({
  type: "note",
  version: 1,
  aliases: ["comment", "text note"],
  title: "Note",
  category: categories.utility,
  description: "Free text for explaining the pipeline; shown as plain text and never compiled.",
  explain: () => import("./explain"),
  inputs: [],
  outputs: [],
  inert: true,
  glance: ["text"],
  params: {
    text: param.string({
      label: "Text",
      description: "Anything you want to say about the pipeline.",
      multiline: true,
      default: "",
    }),
  },
});
