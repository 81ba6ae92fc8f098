// A tiny catalogue for editor tests, so they do not depend on the real nodes/ (which evolve).
import { z } from "zod";
import { createRegistry, defineNode, param } from "../../src/graph";

export const stubNodes = [
  defineNode({
    type: "base_model",
    version: 1,
    title: "Base model",
    category: { name: "Model", color: "#888888" },
    description: "The checkpoint to sample from.",
    inputs: [],
    outputs: [{ id: "model", kind: "model", label: "Model" }],
    params: {
      model_name: param.string({
        label: "Model",
        description: "Hugging Face id or URL",
        default: "stabilityai/sdxl",
        required: true,
      }),
    },
  }),
  defineNode({
    type: "lora",
    version: 2,
    title: "LoRA",
    category: { name: "Model", color: "#888888" },
    description: "Patches the model with low-rank weights.",
    inputs: [{ id: "model", kind: "model", label: "Model", required: true }],
    outputs: [{ id: "model", kind: "model", label: "Model" }],
    params: {
      path: param.string({ label: "Path", description: "URL of the weights", default: "" }),
      scale: param.float({ label: "Scale", description: "Strength", default: 1, min: 0, max: 4, step: 0.05 }),
    },
    migrations: [
      { from: 1, name: "rename weight to scale", up: ({ weight, ...rest }) => ({ ...rest, scale: weight }) },
    ],
  }),
  defineNode({
    type: "prompt",
    version: 1,
    title: "Prompt",
    category: { name: "Conditioning", color: "#888888" },
    description: "Text prompt.",
    inputs: [],
    outputs: [{ id: "conditioning", kind: "conditioning", label: "Conditioning" }],
    params: {
      prompt: param.string({ label: "Prompt", description: "What to draw", multiline: true, default: "" }),
      negative_prompt: param.string({
        label: "Negative",
        description: "What to avoid",
        multiline: true,
        advanced: true,
      }),
    },
  }),
  defineNode({
    type: "image",
    version: 1,
    title: "Image",
    category: { name: "Image", color: "#888888" },
    description: "An image by URL.",
    inputs: [],
    outputs: [{ id: "image", kind: "image", label: "Image" }],
    params: { url: param.custom(z.string(), "image", { label: "URL", description: "https or data: URI" }) },
  }),
  defineNode({
    type: "sampler",
    version: 1,
    title: "Sampler",
    category: { name: "Output", color: "#888888" },
    description: "Runs the pipeline.",
    isOutput: true,
    inputs: [
      { id: "model", kind: "model", label: "Model", required: true },
      { id: "conditioning", kind: "conditioning", label: "Conditioning", required: true },
      { id: "image", kind: "image", label: "Init image" },
    ],
    outputs: [],
    params: {
      seed: param.int({ label: "Seed", description: "Random seed", widget: "seed", min: 0 }),
      num_inference_steps: param.int({
        label: "Steps",
        description: "Denoising steps",
        default: 30,
        min: 1,
        max: 150,
        slider: true,
      }),
      guidance_scale: param.float({
        label: "CFG",
        description: "Guidance",
        default: 7.5,
        min: 0,
        max: 20,
        step: 0.5,
        advanced: true,
      }),
    },
  }),
  defineNode({
    type: "note",
    version: 1,
    title: "Note",
    category: { name: "Utility", color: "#888888" },
    description: "Free text.",
    inert: true,
    inputs: [],
    outputs: [],
    params: { text: param.string({ label: "Text", description: "Shown as plain text", multiline: true, default: "" }) },
  }),
];

export const stubRegistry = createRegistry(stubNodes);
