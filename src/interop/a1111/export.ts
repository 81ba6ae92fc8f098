/**
 * A fal-ai/lora request → A1111 infotext that A1111's PNG Info and Civitai's reader parse
 * (docs/import-export.md): the prompt with `<lora:name:scale>` tags, the negative prompt, then one
 * parameter line that starts with `Steps:` (Civitai looks for that line) and holds at least three
 * pairs (A1111's rule). Values with `,` `:` or a newline are JSON-quoted as A1111 does;
 * `Civitai resources` is bare JSON at the end of the line, where Civitai's regex finds it.
 */
import { IMAGE_SIZE_PRESETS, SCHEDULERS, type Endpoint, type Scheduler } from "../../graph";
import { quote } from "./infotext";
import { a1111FromCheckpoint, a1111FromControlnet, civitaiVersion, nameFromPath, sanitizeName } from "./models";
import { a1111FromSegments, compelSegments } from "./prompt";
import { a1111FromScheduler } from "./samplers";

export interface InfotextExport {
  text: string;
  /** What the text cannot carry (images, Compel-only syntax, paths of local names), one line each. */
  notes: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const numberOr = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/** fal's defaults for the values the parameter line always carries. */
const DEFAULT_STEPS = 30;
const DEFAULT_CFG = 7.5;
const DEFAULT_NOISE_STRENGTH = 0.5;

/** A fal prompt as A1111 text: Compel weights become `(text:w)`; literal brackets are escaped. */
function a1111Prompt(prompt: string, weighting: boolean, notes: string[], which: string): string {
  const segments = weighting ? compelSegments(prompt) : [{ text: prompt, weight: 1 }];
  if (!segments) {
    notes.push(`the ${which} uses Compel syntax A1111 has no form for (.and, .blend, .attend); written as it is`);
    return prompt;
  }
  const text = a1111FromSegments(segments);
  if (/<\w+:[^>]+>/.test(text)) notes.push(`the ${which} contains text A1111 reads as an extra-network tag (<kind:…>)`);
  if (/(^|\n)\s*Negative prompt:/.test(text)) notes.push(`a line of the ${which} starts with "Negative prompt:"`);
  return text;
}

/** The size the image will have: the request's, fal's preset, or fal's default. */
function sizeOf(size: unknown): string | undefined {
  const preset = typeof size === "string" ? IMAGE_SIZE_PRESETS[size as keyof typeof IMAGE_SIZE_PRESETS] : undefined;
  const s = isObj(size) ? size : (preset ?? (size === undefined ? IMAGE_SIZE_PRESETS.square_hd : undefined));
  if (!s) return undefined;
  return `${numberOr(s.width, 512)}x${numberOr(s.height, 512)}`;
}

interface Resource {
  type: "checkpoint" | "lora" | "embed";
  weight?: number;
  modelVersionId: number;
}

function loraTags(
  request: Obj,
  labels: Readonly<Record<string, string>>,
  resources: Resource[],
  notes: string[],
): string[] {
  const loras = Array.isArray(request.loras) ? request.loras : [];
  return loras.flatMap((l, i) => {
    if (!isObj(l)) return [];
    const path = typeof l.path === "string" ? l.path : "";
    const scale = numberOr(l.scale, 1);
    const name = sanitizeName(labels[`loras.${i}`] ?? nameFromPath(path), `lora_${i + 1}`);
    const version = civitaiVersion(path);
    if (version !== null) resources.push({ type: "lora", weight: scale, modelVersionId: version });
    else if (path) notes.push(`LoRA ${name}: A1111 text carries its name, not its path (${path})`);
    return [`<lora:${name}:${scale}>`];
  });
}

function controlnetPairs(request: Obj, labels: Readonly<Record<string, string>>, notes: string[]): [string, string][] {
  const list = Array.isArray(request.controlnets) ? request.controlnets : [];
  return list.flatMap((c, i): [string, string][] => {
    if (!isObj(c)) return [];
    const path = typeof c.path === "string" ? c.path : "";
    if (/,/.test(path)) notes.push(`ControlNet ${i + 1}: its path has a comma, which A1111's format cannot carry`);
    const label = labels[`controlnets.${i}`];
    const moduleName = label?.includes(" / ") ? label.split(" / ")[0] : "none";
    const inner = [
      `Module: ${moduleName.replace(/[,:]/g, " ")}`,
      `Model: ${(a1111FromControlnet(path) || "unknown").replace(/,/g, " ")}`,
      `Weight: ${numberOr(c.conditioning_scale, 1)}`,
      `Guidance Start: ${numberOr(c.start_percentage, 0)}`,
      `Guidance End: ${numberOr(c.end_percentage, 1)}`,
    ].join(", ");
    notes.push(`ControlNet ${i + 1}: its control image is not carried by the text`);
    return [[`ControlNet ${i}`, inner]];
  });
}

/**
 * Writes a request as A1111 infotext. `labels` are the graph's names for request paths
 * ("loras.0" → a LoRA node's title), used for `<lora:NAME:…>` tags.
 * @example
 * infotextFromRequest({ model_name: "stabilityai/stable-diffusion-xl-base-1.0", prompt: "a castle", seed: 1 }).text
 * // "a castle\nSteps: 30, CFG scale: 7.5, Seed: 1, Size: 1024x1024, Model: sd_xl_base_1.0"
 */
export function infotextFromRequest(
  request: Readonly<Obj>,
  endpoint: Endpoint = "fal-ai/lora",
  labels: Readonly<Record<string, string>> = {},
): InfotextExport {
  const notes: string[] = [];
  const resources: Resource[] = [];
  const weighting = request.prompt_weighting === true;
  const prompt = a1111Prompt(typeof request.prompt === "string" ? request.prompt : "", weighting, notes, "prompt");
  const tags = loraTags(request, labels, resources, notes);
  const negativeSource = typeof request.negative_prompt === "string" ? request.negative_prompt : "";
  const negative = negativeSource ? a1111Prompt(negativeSource, weighting, notes, "negative prompt") : "";

  const pairs: [string, string | number][] = [["Steps", numberOr(request.num_inference_steps, DEFAULT_STEPS)]];
  const scheduler = request.scheduler;
  if (typeof scheduler === "string" && (SCHEDULERS as readonly string[]).includes(scheduler)) {
    const s = a1111FromScheduler(scheduler as Scheduler);
    pairs.push(["Sampler", s.sampler]);
    if (s.scheduleType) pairs.push(["Schedule type", s.scheduleType]);
  }
  pairs.push(["CFG scale", numberOr(request.guidance_scale, DEFAULT_CFG)]);
  if (typeof request.seed === "number") pairs.push(["Seed", request.seed]);
  if (endpoint === "fal-ai/lora") {
    const size = sizeOf(request.image_size);
    if (size) pairs.push(["Size", size]);
  }
  const model = typeof request.model_name === "string" ? request.model_name : "";
  if (model) pairs.push(["Model", a1111FromCheckpoint(model)]);
  const modelVersion = civitaiVersion(model);
  if (modelVersion !== null) resources.unshift({ type: "checkpoint", modelVersionId: modelVersion });
  if (endpoint !== "fal-ai/lora") {
    pairs.push(["Denoising strength", numberOr(request.noise_strength, DEFAULT_NOISE_STRENGTH)]);
    notes.push("the init image is not carried by the text");
    if (endpoint === "fal-ai/lora/inpaint") pairs.push(["Mask blur", 0]);
  }
  const clipSkip = numberOr(request.clip_skip, 0);
  if (clipSkip > 0) pairs.push(["Clip skip", clipSkip + 1]);
  if (typeof request.eta === "number" && request.eta !== 0) pairs.push(["Eta", request.eta]);
  pairs.push(...controlnetPairs(request, labels, notes));
  const embeddings = Array.isArray(request.embeddings) ? request.embeddings : [];
  for (const e of embeddings) {
    const version = isObj(e) ? civitaiVersion(e.path) : null;
    if (version !== null) resources.push({ type: "embed", modelVersionId: version });
    else if (isObj(e)) notes.push("the embedding's path is not carried by the text (only Civitai download URLs are)");
  }

  let line = pairs.map(([k, v]) => `${k}: ${typeof v === "string" ? quote(v) : v}`).join(", ");
  if (resources.length) line += `, Civitai resources: ${JSON.stringify(resources)}`;
  const promptLine = [prompt, ...tags].filter((s) => s !== "").join(" ");
  const text = [promptLine, ...(negative ? [`Negative prompt: ${negative}`] : []), line].join("\n");
  return { text, notes };
}
