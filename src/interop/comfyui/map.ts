/**
 * A ComfyUI graph → one fal-ai/lora request. The walk starts at the sampler and follows its
 * inputs upstream the way the data flows in ComfyUI: `model` through LoRAs and IP-Adapters to the
 * checkpoint, `positive`/`negative` through ControlNets to the text encoders, `latent_image` to
 * an empty latent (text-to-image) or an encoded image (image-to-image, inpaint). See
 * docs/import-export.md for every mapping and why.
 */
import { familyOfModelName, checkpointRepo, controlNetRepo, IMAGE_ENCODERS, type ImageEncoder } from "../models";
import type { FlatNode } from "./graph";
import { Mapper, show } from "./mapper";
import { falScheduler } from "./samplers";
import { mapIpAdapters, IP_ADAPTER_APPLY, IP_ADAPTER_PASS_THROUGH, type IpAdapterPending } from "./ipadapter";
import { mapImage } from "./images";

export const SAMPLERS = new Set(["KSampler", "KSamplerAdvanced"]);
const CHECKPOINTS = new Set(["CheckpointLoaderSimple", "CheckpointLoader", "CheckpointLoader|pysssss"]);
const LORAS = new Set(["LoraLoader", "LoraLoaderModelOnly"]);
const MAX_HOPS = 256;

/** Sampler settings; returns the denoise to apply to an image, if the sampler has one. */
export function mapSampler(m: Mapper, s: FlatNode): number | undefined {
  const advanced = s.classType === "KSamplerAdvanced";
  const seed = m.num(s, advanced ? "noise_seed" : "seed", true);
  if (seed !== undefined) {
    m.set("seed", seed, s);
    if (!Number.isSafeInteger(seed))
      m.note("warning", s, `seed ${seed} is larger than JSON numbers hold exactly; it may differ from ComfyUI's`, {
        field: "seed",
        path: "seed",
      });
  }
  const steps = m.num(s, "steps", true);
  if (steps !== undefined) m.set("num_inference_steps", steps, s);
  const cfg = m.num(s, "cfg");
  if (cfg !== undefined) m.set("guidance_scale", cfg, s);
  const choice = falScheduler(m.value(s, "sampler_name"), m.value(s, "scheduler"));
  if (choice.scheduler) m.set("scheduler", choice.scheduler, s);
  if (choice.note) m.note("warning", s, choice.note, { field: "sampler_name", path: "scheduler" });
  m.use(s);
  // ComfyUI's default denoise is 1: an absent input means full denoising, not fal's 0.5.
  if (!advanced) return s.inputs.has("denoise") ? m.num(s, "denoise") : 1;

  if (m.value(s, "add_noise") === "disable")
    m.note("warning", s, "add_noise is disabled (it continues another sampler's work); fal always adds noise", {
      field: "add_noise",
    });
  const start = m.num(s, "start_at_step", true) ?? 0;
  const end = m.num(s, "end_at_step", true) ?? 10000;
  if (steps !== undefined && end < steps)
    m.note(
      "warning",
      s,
      `stops at step ${end} of ${steps} and hands a noisy latent on (a refiner setup); fal runs every step`,
      { field: "end_at_step" },
    );
  if (steps === undefined || steps <= 0) return undefined;
  if (start > 0)
    m.note(
      "info",
      s,
      `start_at_step ${start} of ${steps} was read as a denoising strength of ${round(Math.max(0, (steps - start) / steps))}`,
      { field: "start_at_step", path: "noise_strength" },
    );
  return Math.max(0, (steps - start) / steps);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The sampler's latent: empty (size, batch) or an encoded image (image-to-image, inpaint). */
export function mapLatent(m: Mapper, s: FlatNode, denoise: number | undefined): void {
  let node = m.upstream(s, "latent_image");
  if (!node) {
    m.note("error", s, "latent_image is not connected, so there is nothing to sample", { field: "latent_image" });
    return;
  }
  let masked = false;
  for (let hop = 0; node && hop < MAX_HOPS; hop++) {
    switch (node.classType) {
      case "EmptyLatentImage": {
        const width = m.num(node, "width", true);
        const height = m.num(node, "height", true);
        if (width !== undefined && height !== undefined) m.set("image_size", { width, height }, node);
        const batch = m.num(node, "batch_size", true);
        if (batch !== undefined) m.set("num_images", batch, node);
        m.use(node);
        if (denoise !== undefined && denoise < 1)
          m.note("warning", s, `denoise ${denoise} on an empty latent has no fal equivalent; fal denoises fully`, {
            field: s.classType === "KSamplerAdvanced" ? "start_at_step" : "denoise",
          });
        return;
      }
      case "RepeatLatentBatch": {
        const amount = m.num(node, "amount", true);
        if (amount !== undefined) m.set("num_images", amount, node);
        node = m.upstream(node, "samples");
        continue;
      }
      case "SetLatentNoiseMask":
        mapImage(m, node, "mask", "mask_url", "inpaint mask");
        masked = true;
        node = m.upstream(node, "samples");
        continue;
      case "VAEEncode":
      case "VAEEncodeForInpaint":
        mapEncodedImage(m, node, masked, denoise);
        return;
      default:
        m.note(
          "warning",
          node,
          `${node.classType} changes the latent before sampling; fal-ai/lora has no equivalent, so it was left out`,
        );
        node = m.upstream(node, "samples") ?? m.upstream(node, "latent");
    }
  }
  m.note("error", s, "latent_image does not lead to an EmptyLatentImage or an encoded image", {
    field: "latent_image",
  });
}

function mapEncodedImage(m: Mapper, node: FlatNode, masked: boolean, denoise: number | undefined): void {
  m.use(node);
  const inpaint = masked || node.classType === "VAEEncodeForInpaint";
  m.endpoint = inpaint ? "fal-ai/lora/inpaint" : "fal-ai/lora/image-to-image";
  mapImage(m, node, "pixels", "image_url", inpaint ? "image to inpaint" : "init image");
  if (node.classType === "VAEEncodeForInpaint") {
    mapImage(m, node, "mask", "mask_url", "inpaint mask");
    const grow = m.num(node, "grow_mask_by", true);
    if (grow !== undefined && grow > 0)
      m.note("info", node, `grow_mask_by ${grow}: fal does not grow the mask; grow it in the mask image if needed`, {
        field: "grow_mask_by",
      });
  }
  if (denoise !== undefined) m.set("noise_strength", denoise, node);
}

interface LoraPending {
  node: FlatNode;
  /** Applied only to the text encoder in ComfyUI (found on the clip path, not the model path). */
  clipOnly: boolean;
}

/** The model path: checkpoint, LoRAs and IP-Adapters in the order ComfyUI applies them. */
export function mapModel(m: Mapper, s: FlatNode): { loras: LoraPending[]; ipAdapters: IpAdapterPending[] } {
  const loras: LoraPending[] = [];
  const ipAdapters: IpAdapterPending[] = [];
  let node = m.upstream(s, "model");
  let hop = 0;
  for (; node && hop < MAX_HOPS; hop++) {
    if (CHECKPOINTS.has(node.classType)) {
      mapCheckpoint(m, node);
      break;
    }
    if (LORAS.has(node.classType)) loras.unshift({ node, clipOnly: false });
    else if (IP_ADAPTER_APPLY.has(node.classType)) ipAdapters.unshift({ node });
    else if (IP_ADAPTER_PASS_THROUGH.has(node.classType)) m.use(node);
    else if (!node.inputs.has("model")) {
      m.note(
        "error",
        node,
        `the model comes from ${node.classType}, which fal-ai/lora cannot load; choose a base model`,
        { path: "model_name" },
      );
      return { loras, ipAdapters };
    } else
      m.note("warning", node, `${node.classType} changes the model; fal-ai/lora has no equivalent, so it was left out`);
    node = m.upstream(node, "model");
  }
  if (!node && hop < MAX_HOPS) {
    const cut = m.g.cut.find((c) => c.input === "model");
    m.note(
      "error",
      s,
      cut
        ? `the model path is cut at muted node ${cut.from}; ComfyUI would refuse to run it. Choose a base model`
        : "the sampler's model path does not reach a checkpoint loader; choose a base model",
      { field: "model", path: "model_name" },
    );
  }
  return { loras, ipAdapters };
}

function mapCheckpoint(m: Mapper, node: FlatNode): void {
  const name = m.str(node, "ckpt_name");
  const repo = name === undefined ? undefined : checkpointRepo(name);
  if (repo) {
    m.set("model_name", repo, node);
    m.note("info", node, `checkpoint ${name} is ${repo} on Hugging Face`, { field: "ckpt_name", path: "model_name" });
    return;
  }
  const url = m.localName(node, "ckpt_name", "model_name", "Base model", name);
  if (url) m.request.model_name = url;
}

/** One LoRA: the model strength is fal's scale; a differing clip strength is reported. */
export function mapLoras(m: Mapper, pending: LoraPending[]): void {
  const items: Record<string, unknown>[] = [];
  pending.forEach(({ node, clipOnly }, i) => {
    const path = `loras.${i}`;
    const item: Record<string, unknown> = {};
    const url = m.localName(node, "lora_name", `${path}.path`, "LoRA", m.str(node, "lora_name"));
    if (url) item.path = url;
    const model = m.num(node, "strength_model");
    const clip = node.classType === "LoraLoader" ? m.num(node, "strength_clip") : 0;
    const scale = clipOnly ? clip : model;
    if (scale !== undefined) item.scale = scale;
    items.push(item);
    m.use(node, path);
    if (clipOnly)
      m.note(
        "warning",
        node,
        `in ComfyUI this LoRA changes only the text encoder (its model output is not used); fal applies it to both at scale ${show(scale)}`,
        { field: "strength_model", path: `${path}.scale` },
      );
    else if (clip !== undefined && model !== undefined && clip !== model)
      m.note(
        "warning",
        node,
        node.classType === "LoraLoaderModelOnly"
          ? `LoraLoaderModelOnly leaves the text encoder alone; fal has one scale for both, so the text encoder gets ${model} too`
          : `strength_clip ${clip} differs from strength_model ${model}; fal has one scale for both, so ${model} was used`,
        { field: node.classType === "LoraLoader" ? "strength_clip" : "strength_model", path: `${path}.scale` },
      );
  });
  if (items.length) m.request.loras = items;
}

/** Conditioning nodes fal has no counterpart for; the walk goes on through their input. */
const CONDITIONING_PASS = ["conditioning", "conditioning_to", "conditioning_1"];

export interface PromptParts {
  texts: { text: string; node: FlatNode }[];
  encoders: FlatNode[];
  controlnets: FlatNode[];
}

/** The prompt feeding `s.role`, walked back through ControlNets and conditioning nodes. */
export function walkConditioning(m: Mapper, s: FlatNode, role: "positive" | "negative"): PromptParts {
  const parts: PromptParts = { texts: [], encoders: [], controlnets: [] };
  const visit = (node: FlatNode | undefined, slot: number, depth: number): void => {
    if (!node || depth > MAX_HOPS) return;
    switch (node.classType) {
      case "CLIPTextEncode": {
        const text = m.str(node, "text");
        if (text !== undefined) parts.texts.push({ text, node });
        parts.encoders.push(node);
        m.use(node, role === "positive" ? "prompt" : "negative_prompt");
        return;
      }
      case "CLIPTextEncodeSDXL":
        return visitSdxlEncoder(m, node, role, parts);
      case "ControlNetApply":
      case "ControlNetApplyAdvanced": {
        if (!parts.controlnets.includes(node)) parts.controlnets.push(node);
        const next = node.classType === "ControlNetApply" ? "conditioning" : slot === 1 ? "negative" : "positive";
        return visit(m.upstream(node, next), m.wire(node, next)?.slot ?? 0, depth + 1);
      }
      case "ConditioningCombine":
      case "ConditioningConcat": {
        const [a, b] =
          node.classType === "ConditioningCombine"
            ? ["conditioning_1", "conditioning_2"]
            : ["conditioning_to", "conditioning_from"];
        m.use(node);
        m.note("warning", node, `${node.classType} joins two prompts; fal takes one, so their texts were joined`);
        visit(m.upstream(node, a), m.wire(node, a)?.slot ?? 0, depth + 1);
        return visit(m.upstream(node, b), m.wire(node, b)?.slot ?? 0, depth + 1);
      }
      case "ConditioningZeroOut":
        m.use(node);
        m.note("info", node, `the ${role} prompt is zeroed out; fal gets an empty one`);
        return;
      default: {
        const through = CONDITIONING_PASS.find((n) => m.wire(node, n));
        if (!through) {
          m.note("error", node, `the ${role} prompt comes from ${node.classType}, which the import cannot read`, {
            path: role === "positive" ? "prompt" : "negative_prompt",
          });
          return;
        }
        m.note(
          "warning",
          node,
          `${node.classType} has no fal-ai/lora equivalent; it was left out of the ${role} prompt`,
        );
        return visit(m.upstream(node, through), m.wire(node, through)?.slot ?? 0, depth + 1);
      }
    }
  };
  visit(m.upstream(s, role), m.wire(s, role)?.slot ?? 0, 0);
  return parts;
}

function visitSdxlEncoder(m: Mapper, node: FlatNode, role: string, parts: PromptParts): void {
  const g = m.str(node, "text_g");
  const l = m.str(node, "text_l");
  const text = g || l;
  if (text !== undefined) parts.texts.push({ text, node });
  if (g && l && l !== g)
    m.note(
      "warning",
      node,
      "text_l differs from text_g; fal sends one prompt to both text encoders, so text_g was used",
      {
        field: "text_l",
      },
    );
  parts.encoders.push(node);
  m.use(node, role === "positive" ? "prompt" : "negative_prompt");
}

/** The ControlNets, in the order ComfyUI applies them (nearest the text encoder first). */
export function mapControlNets(m: Mapper, found: FlatNode[], negativeOnly: Set<FlatNode>): void {
  const items: Record<string, unknown>[] = [];
  [...found].reverse().forEach((node, i) => {
    const path = `controlnets.${i}`;
    const item: Record<string, unknown> = {};
    const net = m.upstream(node, "control_net");
    if (net && (net.classType === "ControlNetLoader" || net.classType === "DiffControlNetLoader")) {
      const name = m.str(net, "control_net_name");
      const repo = name === undefined ? undefined : controlNetRepo(name);
      if (repo) {
        item.path = repo;
        m.use(net, `${path}.path`);
        m.note("info", net, `ControlNet ${name} is ${repo} on Hugging Face`, { path: `${path}.path` });
      } else {
        const url = m.localName(net, "control_net_name", `${path}.path`, "ControlNet", name);
        if (url) item.path = url;
      }
    } else {
      m.note("error", node, "control_net does not come from a ControlNet loader; choose the ControlNet", {
        field: "control_net",
        path: `${path}.path`,
      });
    }
    const image = mapImage(m, node, "image", `${path}.image_url`, `ControlNet ${i + 1} control image`);
    if (image) item.image_url = image;
    const strength = m.num(node, "strength");
    if (strength !== undefined) item.conditioning_scale = strength;
    if (node.classType === "ControlNetApplyAdvanced") {
      const start = m.num(node, "start_percent");
      const end = m.num(node, "end_percent");
      if (start !== undefined) item.start_percentage = start;
      if (end !== undefined) item.end_percentage = end;
    }
    if (negativeOnly.has(node))
      m.note("warning", node, "in ComfyUI this ControlNet steers only the negative prompt; fal applies it to both", {
        path,
      });
    m.use(node, path);
    items.push(item);
  });
  if (items.length) m.request.controlnets = items;
}

/**
 * The text encoders' clip path: CLIPSetLastLayer becomes clip_skip, and LoRAs found only there
 * are added as LoRAs (fal applies each LoRA to both the model and the text encoder).
 */
export function mapClipPath(m: Mapper, encoders: FlatNode[], loras: LoraPending[]): void {
  const skips = new Map<number, FlatNode>();
  for (const encoder of encoders) {
    let node = m.upstream(encoder, "clip");
    for (let hop = 0; node && hop < MAX_HOPS && !CHECKPOINTS.has(node.classType); hop++) {
      if (node.classType === "CLIPSetLastLayer") {
        const layer = m.num(node, "stop_at_clip_layer", true);
        m.use(node);
        if (layer !== undefined && layer < 0) skips.set(-layer - 1, node);
        else if (layer !== undefined)
          m.note("warning", node, `stop_at_clip_layer ${layer} should be -1 or lower; ignored`, {
            field: "stop_at_clip_layer",
          });
      } else if (LORAS.has(node.classType)) {
        const known = loras.find((l) => l.node === node);
        if (!known) loras.push({ node, clipOnly: true });
      } else if (!m.reported.has(node.id)) {
        m.note("warning", node, `${node.classType} changes the text encoder; fal-ai/lora has no equivalent`);
      }
      node = m.upstream(node, "clip");
    }
  }
  if (skips.size === 0) return;
  const [[skip, node], ...others] = [...skips];
  if (others.length)
    m.note("warning", node, "the prompts use different clip skips; fal has one, so the positive prompt's was used", {
      path: "clip_skip",
    });
  if (skip > 0) {
    m.set("clip_skip", skip, node);
    m.note(
      "info",
      node,
      `stop_at_clip_layer ${-skip - 1} became clip_skip ${skip}: ComfyUI counts the last layer as -1, diffusers counts layers skipped (assumed for fal, not confirmed by fal)`,
      { field: "stop_at_clip_layer", path: "clip_skip" },
    );
  }
}

/** `embedding:name` in ComfyUI prompts. fal takes one embedding, bound to tokens in the prompt. */
export function mapEmbeddings(m: Mapper, encoders: FlatNode[]): void {
  const re = /embedding:([^\s,()]+)/gi;
  const names: string[] = [];
  for (const key of ["prompt", "negative_prompt"] as const) {
    const text = m.request[key];
    if (typeof text !== "string") continue;
    for (const match of text.matchAll(re)) {
      const name = match[1].replace(/:-?[\d.]+$/, "");
      if (!names.includes(name)) names.push(name);
    }
  }
  if (names.length === 0) return;
  const [first, ...rest] = names;
  const token = first.replace(/^.*[\\/]/, "").replace(/\.(safetensors|pt|bin)$/i, "");
  const node = encoders[0];
  for (const key of ["prompt", "negative_prompt"] as const) {
    const text = m.request[key];
    if (typeof text === "string")
      m.request[key] = text.replace(re, (all, n: string) => (n.replace(/:-?[\d.]+$/, "") === first ? token : all));
  }
  m.request.embeddings = [{ tokens: [token] }];
  m.localName(node, "text", "embeddings.0.path", "Embedding", first);
  for (const name of rest)
    m.note("warning", node, `fal-ai/lora takes one embedding; "embedding:${name}" stays in the prompt as text`, {
      path: "embeddings",
    });
}

/** Which IP-Adapter and image-encoder files a workflow's base model family calls for. */
export function baseFamily(m: Mapper): "sd1" | "sdxl" | undefined {
  const name = typeof m.request.model_name === "string" ? m.request.model_name : m.labels.model_name;
  const family = name ? familyOfModelName(name) : "unknown";
  return family === "sd1" || family === "sdxl" ? family : undefined;
}

export function setImageEncoder(m: Mapper, encoders: Map<ImageEncoder, FlatNode>): void {
  const [[encoder, node], ...others] = [...encoders];
  for (const [key, value] of Object.entries(IMAGE_ENCODERS[encoder])) m.set(key, value, node);
  if (others.length)
    m.note(
      "warning",
      others[0][1],
      "the IP-Adapters use different CLIP image encoders; fal uses one for all, so the first one's was used",
      { path: "image_encoder_path" },
    );
}

export { mapIpAdapters };
