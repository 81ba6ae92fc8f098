/**
 * ComfyUI files built in the tests: API prompts as ComfyUI's /prompt receives them, and UI
 * workflows (0.4 with list links, 1.x with object links and subgraphs) as its frontend saves them.
 */

type Literal = string | number | boolean | null;
type ApiInput = Literal | [string, number] | { __value__: unknown[] };
export type ApiPrompt = Record<
  string,
  { class_type: string; inputs: Record<string, ApiInput>; _meta?: { title: string } }
>;

/** The default text-to-image graph, with a LoRA and CLIPSetLastLayer between checkpoint and encoders. */
export function sdxlLoraPrompt(): ApiPrompt {
  return {
    "3": {
      class_type: "KSampler",
      inputs: {
        seed: 42,
        steps: 28,
        cfg: 6.5,
        sampler_name: "dpmpp_2m",
        scheduler: "karras",
        denoise: 1,
        model: ["10", 0],
        positive: ["6", 0],
        negative: ["7", 0],
        latent_image: ["5", 0],
      },
    },
    "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "sd_xl_base_1.0.safetensors" } },
    "5": { class_type: "EmptyLatentImage", inputs: { width: 832, height: 1216, batch_size: 2 } },
    "6": { class_type: "CLIPTextEncode", inputs: { text: "a castle on a hill", clip: ["11", 0] } },
    "7": { class_type: "CLIPTextEncode", inputs: { text: "blurry", clip: ["11", 0] } },
    "8": { class_type: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
    "9": { class_type: "SaveImage", inputs: { filename_prefix: "ComfyUI", images: ["8", 0] } },
    "10": {
      class_type: "LoraLoader",
      inputs: {
        model: ["4", 0],
        clip: ["4", 1],
        lora_name: "styles/castle_style.safetensors",
        strength_model: 0.8,
        strength_clip: 0.8,
      },
    },
    "11": { class_type: "CLIPSetLastLayer", inputs: { clip: ["10", 1], stop_at_clip_layer: -2 } },
  };
}

interface UiSlot {
  name: string;
  type: string;
  link: number | null;
  widget?: { name: string };
}
export interface UiNode {
  id: number;
  type: string;
  pos: [number, number];
  size: [number, number];
  flags: Record<string, never>;
  order: number;
  mode: number;
  title?: string;
  inputs: UiSlot[];
  outputs: { name: string; type: string; links: number[] }[];
  properties: Record<string, unknown>;
  widgets_values: unknown[];
}

/** Builds a UI graph (the root or a subgraph's) the way the frontend serialises one. */
export class UiGraph {
  readonly nodes: UiNode[] = [];
  readonly links: [number, number, number, number, number, string][] = [];
  private nextId = 1;
  constructor(private nextLink = 1) {}

  node(
    type: string,
    widgets: unknown[] = [],
    opts: { outputs?: string[]; mode?: number; title?: string; id?: number } = {},
  ): number {
    const id = opts.id ?? this.nextId++;
    this.nextId = Math.max(this.nextId, id + 1);
    this.nodes.push({
      id,
      type,
      pos: [0, 0],
      size: [200, 100],
      flags: {},
      order: this.nodes.length,
      mode: opts.mode ?? 0,
      ...(opts.title ? { title: opts.title } : {}),
      inputs: [],
      outputs: (opts.outputs ?? []).map((t) => ({ name: t, type: t, links: [] })),
      properties: { "Node name for S&R": type },
      widgets_values: widgets,
    });
    return id;
  }

  /** Wires `from`'s output `slot` to `to`'s input `name` (added on first use), as link type `type`. */
  wire(from: number, slot: number, to: number, name: string, type: string): number {
    const target = this.nodes.find((n) => n.id === to)!;
    let index = target.inputs.findIndex((i) => i.name === name);
    if (index === -1) index = target.inputs.push({ name, type, link: null }) - 1;
    const id = this.nextLink++;
    target.inputs[index].link = id;
    this.nodes.find((n) => n.id === from)?.outputs[slot]?.links.push(id);
    this.links.push([id, from, slot, to, index, type]);
    return id;
  }

  /** Adds an input slot whose value is a widget (as 1.x files list them), optionally wired. */
  widgetInput(to: number, name: string, type: string): void {
    this.nodes.find((n) => n.id === to)!.inputs.push({ name, type, link: null, widget: { name } });
  }

  v04(): Record<string, unknown> {
    return {
      last_node_id: this.nextId - 1,
      last_link_id: this.nextLink - 1,
      nodes: this.nodes,
      links: this.links,
      groups: [],
      config: {},
      extra: {},
      version: 0.4,
    };
  }

  linkObjects(): Record<string, unknown>[] {
    return this.links.map(([id, o, os, t, ts, type]) => ({
      id,
      origin_id: o,
      origin_slot: os,
      target_id: t,
      target_slot: ts,
      type,
    }));
  }

  v1(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      version: 1,
      state: { lastGroupId: 0, lastNodeId: this.nextId - 1, lastLinkId: this.nextLink - 1, lastRerouteId: 0 },
      nodes: this.nodes,
      links: this.linkObjects(),
      groups: [],
      config: {},
      extra: {},
      ...extra,
    };
  }
}

/** The UI form of {@link sdxlLoraPrompt}: same nodes, widget values by position. */
export function sdxlLoraWorkflow(opts: { loraMode?: number; seedWidgetsControl?: boolean } = {}): UiGraph {
  const g = new UiGraph();
  const ckpt = g.node("CheckpointLoaderSimple", ["sd_xl_base_1.0.safetensors"], {
    outputs: ["MODEL", "CLIP", "VAE"],
    id: 4,
  });
  const lora = g.node("LoraLoader", ["styles/castle_style.safetensors", 0.8, 0.8], {
    outputs: ["MODEL", "CLIP"],
    mode: opts.loraMode ?? 0,
    id: 10,
  });
  const skip = g.node("CLIPSetLastLayer", [-2], { outputs: ["CLIP"], id: 11 });
  const pos = g.node("CLIPTextEncode", ["a castle on a hill"], { outputs: ["CONDITIONING"], id: 6 });
  const neg = g.node("CLIPTextEncode", ["blurry"], { outputs: ["CONDITIONING"], id: 7 });
  const latent = g.node("EmptyLatentImage", [832, 1216, 2], { outputs: ["LATENT"], id: 5 });
  const seedWidgets = opts.seedWidgetsControl === false ? [42] : [42, "randomize"];
  const sampler = g.node("KSampler", [...seedWidgets, 28, 6.5, "dpmpp_2m", "karras", 1], {
    outputs: ["LATENT"],
    id: 3,
  });
  const decode = g.node("VAEDecode", [], { outputs: ["IMAGE"], id: 8 });
  const save = g.node("SaveImage", ["ComfyUI"], { id: 9 });
  g.wire(ckpt, 0, lora, "model", "MODEL");
  g.wire(ckpt, 1, lora, "clip", "CLIP");
  g.wire(lora, 1, skip, "clip", "CLIP");
  g.wire(skip, 0, pos, "clip", "CLIP");
  g.wire(skip, 0, neg, "clip", "CLIP");
  g.wire(lora, 0, sampler, "model", "MODEL");
  g.wire(pos, 0, sampler, "positive", "CONDITIONING");
  g.wire(neg, 0, sampler, "negative", "CONDITIONING");
  g.wire(latent, 0, sampler, "latent_image", "LATENT");
  g.wire(sampler, 0, decode, "samples", "LATENT");
  g.wire(ckpt, 2, decode, "vae", "VAE");
  g.wire(decode, 0, save, "images", "IMAGE");
  return g;
}

/**
 * sdxlLoraWorkflow with a second LoRA inside a subgraph "Style" (one MODEL input, one MODEL
 * output), used by one instance, node 50.
 */
export function styleSubgraphWorkflow() {
  // The LoRA lives in a subgraph "Style" with one MODEL input and one MODEL output.
  const inner = new UiGraph(100);
  const lora = inner.node("LoraLoaderModelOnly", ["castle.safetensors", 0.7], { outputs: ["MODEL"], id: 1 });
  inner.links.push([100, -10, 0, lora, 0, "MODEL"], [101, lora, 0, -20, 0, "MODEL"]);
  inner.nodes[0].inputs.push({ name: "model", type: "MODEL", link: 100 });
  const sub = {
    id: "5a7e0c1a-0000-4000-8000-000000000001",
    revision: 0,
    name: "Style",
    inputNode: { id: -10, bounding: [0, 0, 10, 10] },
    outputNode: { id: -20, bounding: [0, 0, 10, 10] },
    inputs: [{ id: "5a7e0c1a-0000-4000-8000-0000000000a1", name: "model", type: "MODEL", linkIds: [100] }],
    outputs: [{ id: "5a7e0c1a-0000-4000-8000-0000000000b1", name: "MODEL", type: "MODEL", linkIds: [101] }],
    widgets: [],
    nodes: inner.nodes,
    links: inner.linkObjects(),
  };
  const g = sdxlLoraWorkflow();
  const sampler = g.nodes.find((n) => n.id === 3)!;
  sampler.inputs = sampler.inputs.filter((i) => i.name !== "model");
  const instance = g.node(sub.id, [], { outputs: ["MODEL"], id: 50 });
  g.wire(10, 0, instance, "model", "MODEL");
  g.wire(instance, 0, 3, "model", "MODEL");
  return { workflow: g.v1({ definitions: { subgraphs: [sub] } }), sub };
}
