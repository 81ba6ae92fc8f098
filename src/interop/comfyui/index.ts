/**
 * ComfyUI → fal-ai/lora: reads an API prompt (`{id: {class_type, inputs}}`) or a UI workflow
 * (0.4 or 1.x, subgraphs flattened) and returns one request, what did not map, and labels for
 * what ComfyUI knows only by a local name. Pure; never throws, whatever the JSON.
 * See docs/import-export.md ("ComfyUI").
 */
import { toSafeTree, type JsonLimits } from "../../graph/safeJson";
import { isObj, looksLikeApiPrompt, readApiPrompt, type FlatGraph, type FlatNode, type Obj } from "./graph";
import {
  baseFamily,
  mapClipPath,
  mapControlNets,
  mapEmbeddings,
  mapIpAdapters,
  mapLatent,
  mapLoras,
  mapModel,
  mapSampler,
  setImageEncoder,
  walkConditioning,
  SAMPLERS,
} from "./map";
import { Mapper } from "./mapper";
import { COMFY_FORMATS, type ComfyFormat, type ComfyImport, type Unmapped } from "./types";
import { looksLikeWorkflow, readWorkflow } from "./workflow";

export type * from "./types";
export { COMFY_FORMATS } from "./types";

/** Workflows run to a few MB; subgraph definitions nest a dozen levels deep at most. */
const LIMITS: JsonLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 96, maxIssues: 20 };

/**
 * Which ComfyUI format `json` is, if any. Also sees through the wrappers ComfyUI itself writes:
 * the `/prompt` body `{prompt, extra_data}` and `{workflow}`.
 */
export function detectComfy(json: unknown): ComfyFormat | undefined {
  return unwrap(json)?.format;
}

function unwrap(json: unknown): { format: ComfyFormat; value: Obj } | undefined {
  if (looksLikeWorkflow(json)) return { format: "workflow", value: json };
  if (isObj(json) && looksLikeWorkflow(json.workflow)) return { format: "workflow", value: json.workflow };
  if (isObj(json) && looksLikeApiPrompt(json.prompt)) return { format: "api", value: json.prompt };
  if (looksLikeApiPrompt(json)) return { format: "api", value: json };
  return undefined;
}

/** Canonical order of the request's fields, as fal documents them. */
const ORDER = [
  "model_name",
  "prompt",
  "negative_prompt",
  "image_url",
  "mask_url",
  "noise_strength",
  "image_size",
  "num_images",
  "seed",
  "num_inference_steps",
  "guidance_scale",
  "scheduler",
  "clip_skip",
  "loras",
  "embeddings",
  "controlnets",
  "ip_adapter",
  "image_encoder_path",
  "image_encoder_subfolder",
  "image_encoder_weight_name",
];

/**
 * @example
 * const r = importComfy({
 *   "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "sd_xl_base_1.0.safetensors" } },
 *   …
 * });
 * r.request.model_name; // → "stabilityai/stable-diffusion-xl-base-1.0"
 * r.labels["loras.0"]; // → "castle_style.safetensors"
 */
export function importComfy(json: unknown): ComfyImport {
  const result: ComfyImport = {
    format: COMFY_FORMATS.api,
    comfyFormat: "api",
    endpoint: "fal-ai/lora",
    request: {},
    notes: [],
    labels: {},
    mapped: [],
    sources: {},
    subgraphs: [],
  };
  try {
    const safe = toSafeTree(json, LIMITS);
    if (!safe.ok) {
      for (const e of safe.errors)
        result.notes.push({
          severity: "error",
          message: `${e.message.replace(/^Not a valid pipeline file/, "Not a readable ComfyUI file")} at ${e.path}`,
        });
      return result;
    }
    for (const w of safe.warnings) result.notes.push({ severity: "warning", message: w.message, path: w.path });
    const found = unwrap(safe.value);
    if (!found) {
      result.notes.push({
        severity: "error",
        message:
          "Not a ComfyUI file: expected an API prompt ({id: {class_type, inputs}}) or a UI workflow ({nodes, links})",
      });
      return result;
    }
    result.comfyFormat = found.format;
    result.format = COMFY_FORMATS[found.format];
    const g = found.format === "api" ? readApiPrompt(found.value) : readWorkflow(found.value);
    if ("version" in g && typeof g.version === "number") result.version = g.version;
    const m = mapGraph(g);
    Object.assign(result, {
      endpoint: m.endpoint,
      request: ordered(m.request),
      labels: m.labels,
      mapped: [...m.used],
      sources: m.sources,
      subgraphs: g.subgraphs,
    });
    result.notes.push(...m.notes);
  } catch (err) {
    result.notes.push({
      severity: "error",
      message: `ComfyUI import bug: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  for (const note of result.notes)
    if (note.source === undefined && note.nodeId !== undefined) note.source = sourceOf(note);
  return result;
}

/** "node 10 (LoraLoader) strength_clip": how the import report names where a note comes from. */
function sourceOf(n: Unmapped): string {
  return `node ${n.nodeId}${n.classType ? ` (${n.classType})` : ""}${n.field ? ` ${n.field}` : ""}`;
}

function ordered(request: Obj): Obj {
  const out: Obj = {};
  for (const key of ORDER) if (Object.hasOwn(request, key)) out[key] = request[key];
  for (const [key, value] of Object.entries(request)) if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}

function mapGraph(g: FlatGraph): Mapper {
  const m = new Mapper(g);
  m.notes.push(...g.problems);
  reportSkipped(m);
  const samplers = [...g.nodes.values()].filter((n) => SAMPLERS.has(n.classType));
  const main = chooseSampler(m, samplers);
  if (!main) {
    m.notes.push({
      severity: "error",
      message: "The file has no KSampler or KSamplerAdvanced, so there is no image generation to import",
    });
    reportLeftovers(m, undefined);
    return m;
  }
  const denoise = mapSampler(m, main);
  mapLatent(m, main, denoise);
  const { loras, ipAdapters } = mapModel(m, main);
  const positive = walkConditioning(m, main, "positive");
  const negative = walkConditioning(m, main, "negative");
  setPrompt(m, main, "prompt", positive.texts);
  setPrompt(m, main, "negative_prompt", negative.texts);
  mapClipPath(m, [...positive.encoders, ...negative.encoders], loras);
  mapLoras(m, loras);
  mapEmbeddings(m, [...positive.encoders, ...negative.encoders]);
  const negativeOnly = new Set(negative.controlnets.filter((c) => !positive.controlnets.includes(c)));
  mapControlNets(m, [...positive.controlnets, ...[...negativeOnly]], negativeOnly);
  const encoders = mapIpAdapters(m, ipAdapters, baseFamily(m));
  if (encoders.size) setImageEncoder(m, encoders);
  reportWeighting(m);
  markOutputs(m, main);
  reportLeftovers(m, main);
  return m;
}

function setPrompt(m: Mapper, s: FlatNode, key: "prompt" | "negative_prompt", texts: { text: string }[]): void {
  if (texts.length) m.request[key] = texts.map((t) => t.text).join(", ");
  else if (key === "prompt")
    m.note("error", s, "the positive prompt does not lead to a text encoder; write the prompt", {
      field: "positive",
      path: "prompt",
    });
}

function reportSkipped(m: Mapper): void {
  for (const s of m.g.skipped) {
    const at = { nodeId: s.nodeId, classType: s.classType };
    if (s.why === "note") {
      const text = (s.text ?? "").replace(/\s+/g, " ").trim();
      m.notes.push({
        ...at,
        severity: "info",
        message: `A note was not imported${text ? `: "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"` : ""}`,
      });
    } else if (s.why === "muted") {
      m.notes.push({
        ...at,
        severity: "info",
        message: `${s.classType} is muted: ComfyUI does not run it, so it was left out`,
      });
    } else {
      m.notes.push({
        ...at,
        severity: "info",
        message: `${s.classType} is bypassed: ComfyUI passes its inputs through, and so did the import`,
      });
    }
  }
  for (const c of m.g.cut)
    m.notes.push({
      nodeId: c.nodeId,
      classType: m.g.nodes.get(c.nodeId)?.classType,
      field: c.input,
      severity: "warning",
      message: `${c.input} is wired to muted node ${c.from}; ComfyUI drops that wire, and so did the import`,
    });
}

/** Is another sampler's output upstream of this one's latent (a second pass: hires fix, refiner)? */
function isLaterPass(m: Mapper, s: FlatNode): boolean {
  let node = m.upstream(s, "latent_image");
  for (let hop = 0; node && hop < 64; hop++) {
    if (SAMPLERS.has(node.classType)) return true;
    const next = ["samples", "latent", "pixels", "images", "image"].find((n) => m.wire(node!, n));
    node = next ? m.upstream(node, next) : undefined;
  }
  return false;
}

function chooseSampler(m: Mapper, samplers: FlatNode[]): FlatNode | undefined {
  if (samplers.length === 0) return undefined;
  const firstPasses = samplers.filter((s) => !isLaterPass(m, s));
  const candidates = firstPasses.length ? firstPasses : samplers;
  const withOutput = candidates.filter((s) => downstream(m, s).some((n) => OUTPUTS.has(n.classType)));
  const main = (withOutput.length ? withOutput : candidates)[0];
  for (const s of samplers) {
    if (s === main) continue;
    m.note(
      "warning",
      s,
      firstPasses.includes(s)
        ? "another sampler: fal-ai/lora makes one request per sampler and the import took the first; import this one from a copy without the other"
        : "a second pass over the first sampler's result (hires fix or refiner); fal-ai/lora runs one pass, so it was left out",
    );
  }
  return main;
}

const OUTPUTS = new Set(["SaveImage", "PreviewImage"]);

/** Every node that reads, directly or not, from `start`. */
function downstream(m: Mapper, start: FlatNode): FlatNode[] {
  const readers = new Map<string, FlatNode[]>();
  for (const n of m.g.nodes.values())
    for (const v of n.inputs.values())
      if ("link" in v) readers.set(v.link.nodeId, [...(readers.get(v.link.nodeId) ?? []), n]);
  const seen = new Set<string>([start.id]);
  const out: FlatNode[] = [];
  const stack = [start];
  while (stack.length) {
    for (const r of readers.get(stack.pop()!.id) ?? []) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(r);
      stack.push(r);
    }
  }
  return out;
}

/** Every node `start` reads from, directly or not. */
function upstreamAll(m: Mapper, start: FlatNode): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    for (const v of stack.pop()!.inputs.values()) {
      if (!("link" in v) || seen.has(v.link.nodeId)) continue;
      seen.add(v.link.nodeId);
      const n = m.g.nodes.get(v.link.nodeId);
      if (n) stack.push(n);
    }
  }
  return seen;
}

/** The sampler's VAEDecode and the Save/Preview nodes after it are what fal's output is. */
function markOutputs(m: Mapper, s: FlatNode): void {
  for (const n of downstream(m, s)) {
    if (n.classType !== "VAEDecode") continue;
    m.use(n);
    const vae = m.upstream(n, "vae");
    if (vae && (vae.classType === "CheckpointLoaderSimple" || vae.classType === "CheckpointLoader")) m.use(vae);
    for (const o of downstream(m, n)) if (OUTPUTS.has(o.classType) && m.upstream(o, "images") === n) m.use(o);
  }
}

const A1111_WEIGHTS = /\([^()]*:\s*-?\d*\.?\d+\s*\)/;

function reportWeighting(m: Mapper): void {
  const text = `${m.request.prompt ?? ""} ${m.request.negative_prompt ?? ""}`;
  const hit = A1111_WEIGHTS.exec(text);
  if (hit)
    m.notes.push({
      severity: "warning",
      path: "prompt",
      message: `${hit[0]} is ComfyUI's weighting syntax; fal reads Compel's, so it was kept as text. Write (words)1.2 and turn on prompt weighting`,
    });
}

function reportLeftovers(m: Mapper, main: FlatNode | undefined): void {
  const before = main ? upstreamAll(m, main) : new Set<string>();
  const after = new Set(main ? downstream(m, main).map((n) => n.id) : []);
  for (const n of m.g.nodes.values()) {
    if (m.used.has(n.id) || m.reported.has(n.id)) continue;
    if (n.classType === "VAELoader" && before.has(n.id)) {
      m.note("info", n, "fal uses the base model's own VAE; this VAE was left out");
    } else if (before.has(n.id)) {
      m.note("warning", n, `${n.classType} has no fal-ai/lora equivalent; it was left out`);
    } else if (after.has(n.id)) {
      m.note(
        "warning",
        n,
        `${n.classType} works on the generated image; fal-ai/lora has no equivalent, so it was left out`,
      );
    } else {
      m.note("info", n, `${n.classType} is not connected to the imported sampler; it was left out`);
    }
  }
}
export { subgraphsToComponents } from "./components";
