/**
 * A tiny fake catalogue for loader tests, independent of the real nodes/ (which change often).
 * "lora" has two param migrations so migration chains can be exercised.
 */
import { z } from "../../src/graph/zodMini";
import {
  createRegistry,
  defineNode,
  param,
  WORKFLOW_FORMAT,
  type WorkflowDocument,
  type WorkflowNode,
} from "../../src/graph";

export const model = defineNode({
  type: "model",
  version: 1,
  title: "Base model",
  category: { name: "Model", color: "#888888" },
  description: "test",
  inputs: [],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  params: { model_name: param.string({ label: "Model", description: "test" }) },
});

export const lora = defineNode({
  type: "lora",
  version: 3,
  title: "LoRA",
  category: { name: "Model", color: "#888888" },
  description: "test",
  inputs: [{ id: "model", kind: "model", label: "Model", required: true }],
  outputs: [{ id: "model", kind: "model", label: "Model" }],
  params: {
    path: param.string({ label: "Path", description: "test" }),
    scale: param.float({ label: "Scale", description: "test", min: 0, max: 4 }),
  },
  migrations: [
    {
      from: 1,
      name: "rename-weight-to-scale",
      up: ({ weight, ...rest }) => (weight === undefined ? rest : { ...rest, scale: weight }),
    },
    {
      from: 2,
      name: "rename-lora_url-to-path",
      up: ({ lora_url, ...rest }) => (lora_url === undefined ? rest : { ...rest, path: lora_url }),
    },
  ],
});

export const prompt = defineNode({
  type: "prompt",
  version: 1,
  title: "Prompt",
  category: { name: "Conditioning", color: "#888888" },
  description: "test",
  inputs: [],
  outputs: [{ id: "conditioning", kind: "conditioning", label: "Conditioning" }],
  params: { prompt: param.string({ label: "Prompt", description: "test", multiline: true }) },
});

export const image = defineNode({
  type: "image",
  version: 1,
  title: "Image",
  category: { name: "Image", color: "#888888" },
  description: "test",
  inputs: [],
  outputs: [{ id: "image", kind: "image", label: "Image" }],
  params: { url: param.string({ label: "URL", description: "test" }) },
});

export const sampler = defineNode({
  type: "sampler",
  version: 1,
  title: "Sampler",
  category: { name: "Sampling", color: "#888888" },
  description: "test",
  isOutput: true,
  inputs: [
    { id: "model", kind: "model", label: "Model", required: true },
    { id: "conditioning", kind: "conditioning", label: "Conditioning", required: true },
    { id: "init_image", kind: "image", label: "Init image" },
    { id: "refs", kind: "image", label: "References", multiple: true },
  ],
  outputs: [],
  params: { seed: param.custom(z.number().check(z.int()), "seed", { label: "Seed", description: "test" }) },
});

/** Version 2 with no migration from 1: files with a version-1 node of this type cannot be updated. */
export const gap = defineNode({
  type: "gap",
  version: 2,
  title: "Gap",
  category: { name: "Utility", color: "#888888" },
  description: "test",
  inputs: [],
  outputs: [],
  params: {},
});

/** Its only migration throws. */
export const thrower = defineNode({
  type: "thrower",
  version: 2,
  title: "Thrower",
  category: { name: "Utility", color: "#888888" },
  description: "test",
  inputs: [],
  outputs: [],
  params: {},
  migrations: [
    {
      from: 1,
      name: "explode",
      up: () => {
        throw new Error("boom");
      },
    },
  ],
});

export const registry = createRegistry([model, lora, prompt, image, sampler, gap, thrower]);

export function node(
  id: string,
  type: string,
  params: Record<string, unknown> = {},
  extra: Partial<WorkflowNode> = {},
): WorkflowNode {
  const def = registry.get(type);
  return { id, type, typeVersion: def?.version ?? 1, position: { x: 0, y: 0 }, params, ...extra };
}

/** model → lora → sampler, prompt → sampler, image → sampler.init_image. Valid and current. */
export function sampleDocument(): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: 4,
    meta: { name: "sample", tags: ["test"] },
    nodes: [
      node("m", "model", { model_name: "sd15" }, { position: { x: 0, y: 0 } }),
      node(
        "l1",
        "lora",
        { path: "https://example.com/a.safetensors", scale: 0.8 },
        { position: { x: 200, y: 0 }, label: "Style" },
      ),
      node("p", "prompt", { prompt: "a cat" }, { position: { x: 0, y: 200 } }),
      node("img", "image", { url: "https://example.com/a.png" }, { position: { x: 0, y: 400 }, bypass: false }),
      node("s", "sampler", { seed: 42 }, { position: { x: 400, y: 100 }, expanded: true }),
    ],
    edges: [
      { id: "e1", source: "m", sourceHandle: "model", target: "l1", targetHandle: "model" },
      { id: "e2", source: "l1", sourceHandle: "model", target: "s", targetHandle: "model" },
      { id: "e3", source: "p", sourceHandle: "conditioning", target: "s", targetHandle: "conditioning" },
      { id: "e4", source: "img", sourceHandle: "image", target: "s", targetHandle: "init_image" },
    ],
    viewport: { x: 10, y: -20, zoom: 1.5 },
  };
}

/**
 * A file at the loader's node and edge caps, as text: 2,500 image nodes wired to the sampler's
 * refs (a multiple input) and a 2,499-node model → LoRA chain, 5,000 nodes and 4,998 wires. Two
 * texts: wires in file order, and reversed (the loop check then walks long downstream chains).
 * For IMP-05's test and its budget in `npm run bench -- files`.
 */
export function capsWorkflowTexts(): [string, string] {
  const nodes: unknown[] = [{ id: "m", type: "model", typeVersion: 1, position: { x: 0, y: 0 }, params: {} }];
  const edges: unknown[] = [];
  nodes.push({ id: "s", type: "sampler", typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
  for (let i = 0; i < 2498; i++) {
    nodes.push({ id: `l${i}`, type: "lora", typeVersion: 3, position: { x: i, y: 0 }, params: { scale: 1 } });
    const source = i === 0 ? "m" : `l${i - 1}`;
    edges.push({ id: `ml${i}`, source, sourceHandle: "model", target: `l${i}`, targetHandle: "model" });
  }
  for (let i = 0; i < 2500; i++) {
    nodes.push({ id: `i${i}`, type: "image", typeVersion: 1, position: { x: 0, y: i }, params: {} });
    edges.push({ id: `r${i}`, source: `i${i}`, sourceHandle: "image", target: "s", targetHandle: "refs" });
  }
  const text = (order: unknown[]) =>
    JSON.stringify({ format: "lora-graph/workflow", version: 2, meta: {}, nodes, edges: order });
  return [text(edges), text([...edges].reverse())];
}
