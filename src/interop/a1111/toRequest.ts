/**
 * A1111 / Forge / Civitai infotext → a fal-ai/lora request (docs/import-export.md has the rules).
 * Every key of the text is either mapped or named in a note; local files (LoRAs, checkpoints,
 * ControlNet models) become labels with an error asking for a URL. Never throws.
 */
import type { Endpoint } from "../../graph";
import type { ForeignNote, ForeignRequest } from "../foreign";
import { parseInfotext, scanParams, unquote } from "./infotext";
import { checkpointFromA1111, civitaiUrl, controlnetFromA1111 } from "./models";
import {
  a1111Segments,
  compelFromSegments,
  extractExtraNetworks,
  plainFromSegments,
  weighted,
  type ExtraNetwork,
} from "./prompt";
import { schedulerFromA1111 } from "./samplers";

export const A1111_FORMAT = "A1111 / Forge / Civitai";

/** Longest infotext read: real ones are a few kilobytes. */
export const MAX_INFOTEXT_CHARS = 1_000_000;

type Params = Map<string, string>;

interface Ctx {
  request: Record<string, unknown>;
  labels: Record<string, string>;
  notes: ForeignNote[];
  used: Set<string>;
}

const note = (ctx: Ctx, n: ForeignNote) => ctx.notes.push(n);

/** Keys that carry no generation setting: listed as information, with why they are not used. */
const INFORMATIONAL: Readonly<Record<string, string>> = {
  Version: "the version of the tool that wrote it",
  "Model hash": "identifies the checkpoint file; fal needs its id or URL",
  "VAE hash": "identifies the VAE file; fal-ai/lora uses the model's own VAE",
  "Lora hashes": "identifies the LoRA files; fal needs their URLs",
  "TI hashes": "identifies the embedding files; fal needs their URLs",
  Hashes: "identifies the files; fal needs their URLs",
  "Hypernet hashes": "identifies hypernetwork files, which fal cannot use",
};

function num(ctx: Ctx, params: Params, key: string, path: string, int: boolean): void {
  const raw = params.get(key);
  if (raw === undefined) return;
  ctx.used.add(key);
  const n = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(n) || (int && !Number.isInteger(n))) {
    note(ctx, {
      severity: "warning",
      source: key,
      path,
      message: `${key} "${raw}" is not ${int ? "a whole number" : "a number"}; not set`,
    });
    return;
  }
  ctx.request[path] = n;
}

/** Turns A1111 prompt text into fal's, switching Compel weighting on when the text has weights. */
function promptText(ctx: Ctx, text: string, key: string): { text: string; weighted: boolean } {
  let t = text;
  if (/\bBREAK\b/.test(t)) {
    t = t.replace(/\s*\bBREAK\b\s*/g, " ").trim();
    note(ctx, {
      severity: "warning",
      source: key,
      message: "BREAK (start a new 75-token chunk) has no fal equivalent; removed",
    });
  }
  // Prompt editing [from:to:when] and alternation [a|b] change the prompt during sampling.
  t = t.replace(
    /\[([^[\]:|]*):([^[\]:|]*):\s*([\d.]+)\s*\]|\[([^[\]:|]*):\s*([\d.]+)\s*\]/g,
    (m, _from, to, _w, to2) => {
      note(ctx, {
        severity: "warning",
        source: key,
        message: `prompt editing ${m} changes the prompt during sampling; fal cannot, kept "${to ?? to2}"`,
      });
      return to ?? to2;
    },
  );
  t = t.replace(/\[([^[\]|]*(?:\|[^[\]|]*)+)\]/g, (m, alts: string) => {
    const first = alts.split("|")[0];
    note(ctx, {
      severity: "warning",
      source: key,
      message: `alternation ${m} switches words every step; fal cannot, kept "${first}"`,
    });
    return first;
  });
  const segments = a1111Segments(t);
  return weighted(segments)
    ? { text: compelFromSegments(segments), weighted: true }
    : { text: plainFromSegments(segments), weighted: false };
}

interface LoraTag {
  name: string;
  scale: number;
}

function loraTags(ctx: Ctx, networks: ExtraNetwork[]): LoraTag[] {
  const out: LoraTag[] = [];
  for (const n of networks) {
    if (n.kind !== "lora" && n.kind !== "lyco") {
      note(ctx, {
        severity: "warning",
        source: n.tag,
        message: `${n.kind} networks have no fal equivalent; ${n.tag} left out`,
      });
      continue;
    }
    const positional = n.args.filter((a) => !a.includes("="));
    const named = Object.fromEntries(
      n.args.filter((a) => a.includes("=")).map((a) => a.split("=", 2) as [string, string]),
    );
    const name = positional[0]?.trim() ?? "";
    const te = Number(named.te ?? positional[1] ?? 1);
    const unet = Number(named.unet ?? positional[2] ?? te);
    const scale = Number.isFinite(unet) ? unet : 1;
    if (Number.isFinite(te) && te !== scale)
      note(ctx, {
        severity: "warning",
        source: n.tag,
        path: `loras.${out.length}.scale`,
        message: `fal has one LoRA scale: took the UNet weight ${scale}, not the text-encoder weight ${te}`,
      });
    const extra = Object.keys(named).filter((k) => k !== "te" && k !== "unet");
    if (extra.length)
      note(ctx, {
        severity: "warning",
        source: n.tag,
        message: `LoRA arguments ${extra.join(", ")} have no fal equivalent`,
      });
    out.push({ name, scale });
  }
  return out;
}

interface CivitaiResource {
  type: string;
  weight?: number;
  modelVersionId?: number;
  modelName?: string;
}

/** `Civitai resources: [...]`, written as bare JSON. */
function civitaiResources(ctx: Ctx, json: string | undefined): CivitaiResource[] {
  if (json === undefined) return [];
  ctx.used.add("Civitai resources");
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    note(ctx, { severity: "warning", source: "Civitai resources", message: "is not valid JSON; ignored" });
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.flatMap((r): CivitaiResource[] => {
    if (!r || typeof r !== "object") return [];
    const o = r as Record<string, unknown>;
    // Newer entries name the resource by an AIR: urn:air:<base>:<type>:civitai:<model>@<version>
    const air = typeof o.air === "string" ? /:(\w+):civitai:\d+@(\d+)$/.exec(o.air) : null;
    const type = String(air?.[1] ?? o.type ?? "").toLowerCase();
    const id = Number(air?.[2] ?? o.modelVersionId);
    if (!Number.isInteger(id) || id <= 0) return [];
    const weight = typeof o.weight === "number" ? o.weight : undefined;
    return [{ type, weight, modelVersionId: id, modelName: typeof o.modelName === "string" ? o.modelName : undefined }];
  });
}

function mapLoras(ctx: Ctx, tags: LoraTag[], resources: CivitaiResource[]): void {
  const loraResources = resources.filter((r) => ["lora", "locon", "lycoris", "dora"].includes(r.type));
  const used = new Set<CivitaiResource>();
  const loras: { path: string; scale: number }[] = [];
  tags.forEach((t, i) => {
    // Civitai lists the same LoRAs as the prompt's tags, with the same weights, in order.
    const match = loraResources.find((r) => !used.has(r) && (r.weight ?? 1) === t.scale);
    if (match) used.add(match);
    loras.push({ path: match ? civitaiUrl(match.modelVersionId!) : "", scale: t.scale });
    if (t.name) ctx.labels[`loras.${i}`] = t.name;
    if (!match)
      note(ctx, {
        severity: "error",
        source: `<lora:${t.name}>`,
        path: `loras.${i}.path`,
        message: `LoRA \`${t.name}\`: path needed (a URL or Hugging Face id; A1111 names only a local file)`,
      });
  });
  for (const r of loraResources) {
    if (used.has(r)) continue;
    const i = loras.length;
    loras.push({ path: civitaiUrl(r.modelVersionId!), scale: r.weight ?? 1 });
    ctx.labels[`loras.${i}`] = r.modelName ?? `civitai ${r.modelVersionId}`;
  }
  if (loras.length) ctx.request.loras = loras;
}

function mapResources(ctx: Ctx, resources: CivitaiResource[]): void {
  const embeds = resources.filter((r) => r.type === "embed" || r.type === "embedding" || r.type === "textualinversion");
  if (embeds.length) {
    ctx.request.embeddings = [{ path: civitaiUrl(embeds[0].modelVersionId!) }];
    note(ctx, {
      severity: "warning",
      source: "Civitai resources",
      path: "embeddings.0.tokens",
      message: "the prompt names the embedding by its file name; set the tokens it uses in the prompt",
    });
    if (embeds.length > 1)
      note(ctx, {
        severity: "warning",
        source: "Civitai resources",
        message: `fal-ai/lora takes one embedding; ${embeds.length - 1} more left out`,
      });
  }
  const known = new Set(["lora", "locon", "lycoris", "dora", "embed", "embedding", "textualinversion", "checkpoint"]);
  for (const r of resources.filter((x) => !known.has(x.type)))
    note(ctx, {
      severity: "warning",
      source: "Civitai resources",
      message: `${r.type || "untyped"} resource ${r.modelVersionId} has no fal equivalent`,
    });
}

function mapModel(ctx: Ctx, params: Params, resources: CivitaiResource[]): void {
  const model = params.get("Model");
  const hash = params.get("Model hash");
  ctx.used.add("Model");
  const id = checkpointFromA1111(model, hash);
  const checkpoint = resources.find((r) => r.type === "checkpoint");
  if (id) ctx.request.model_name = id;
  else if (checkpoint) {
    ctx.request.model_name = civitaiUrl(checkpoint.modelVersionId!);
    if (model) ctx.labels.model_name = model;
  } else {
    // Empty rather than absent: the base model node still gets made, titled with the name.
    ctx.request.model_name = "";
    if (model) ctx.labels.model_name = model;
    note(ctx, {
      severity: "error",
      source: "Model",
      path: "model_name",
      message: model
        ? `Model \`${model}\`: a Hugging Face id or URL is needed (A1111 names only a local file)`
        : "the text names no model: choose one",
    });
  }
}

function mapSampler(ctx: Ctx, params: Params): void {
  const sampler = params.get("Sampler");
  if (sampler === undefined) return;
  ctx.used.add("Sampler").add("Schedule type");
  const m = schedulerFromA1111(sampler, params.get("Schedule type"));
  if (m.scheduler) ctx.request.scheduler = m.scheduler;
  else
    note(ctx, {
      severity: "warning",
      source: "Sampler",
      path: "scheduler",
      message: `sampler "${sampler}" has no fal equivalent; the model's default scheduler is used`,
    });
  if (m.scheduler && m.ignoredSchedule)
    note(ctx, {
      severity: "warning",
      source: "Schedule type",
      path: "scheduler",
      message: `schedule type "${m.ignoredSchedule}" has no fal equivalent for ${m.scheduler}; its default schedule is used`,
    });
}

function mapSize(ctx: Ctx, params: Params, endpoint: Endpoint): void {
  const size = params.get("Size");
  if (size === undefined) return;
  ctx.used.add("Size");
  const m = /^(\d+)x(\d+)$/.exec(size.trim());
  if (!m)
    note(ctx, {
      severity: "warning",
      source: "Size",
      path: "image_size",
      message: `Size "${size}" is not WIDTHxHEIGHT; not set`,
    });
  else if (endpoint !== "fal-ai/lora")
    note(ctx, {
      severity: "info",
      source: "Size",
      message: `the output size follows the init image (${size} in the source)`,
    });
  else ctx.request.image_size = { width: Number(m[1]), height: Number(m[2]) };
}

/** img2img or inpaint by the keys A1111 writes only there; Denoising strength with Hires keys is hires fix. */
function mapDenoising(ctx: Ctx, params: Params): Endpoint {
  const hires = [...params.keys()].filter((k) => k.startsWith("Hires "));
  const denoise = params.get("Denoising strength");
  if (denoise !== undefined && hires.length) {
    ctx.used.add("Denoising strength");
    note(ctx, {
      severity: "warning",
      source: "Denoising strength",
      message: `hires fix (${hires.join(", ")}, Denoising strength ${denoise}) is a second pass fal-ai/lora cannot do; the first pass is imported`,
    });
    for (const k of hires) ctx.used.add(k);
    return "fal-ai/lora";
  }
  if (denoise === undefined) return "fal-ai/lora";
  const inpaint = params.has("Mask blur") || params.has("Inpaint area") || params.has("Masked area padding");
  const endpoint: Endpoint = inpaint ? "fal-ai/lora/inpaint" : "fal-ai/lora/image-to-image";
  num(ctx, params, "Denoising strength", "noise_strength", false);
  note(ctx, {
    severity: "error",
    source: "Denoising strength",
    path: "image_url",
    message: "the init image is not in the text: add it",
  });
  if (inpaint) {
    note(ctx, {
      severity: "error",
      source: "Mask blur",
      path: "mask_url",
      message: "the inpaint mask is not in the text: add it",
    });
  }
  return endpoint;
}

function mapClipSkip(ctx: Ctx, params: Params): void {
  const raw = params.get("Clip skip");
  if (raw === undefined) return;
  ctx.used.add("Clip skip");
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    note(ctx, {
      severity: "warning",
      source: "Clip skip",
      path: "clip_skip",
      message: `Clip skip "${raw}" is not a whole number from 1; not set`,
    });
    return;
  }
  if (n > 1) ctx.request.clip_skip = n - 1;
  note(ctx, {
    severity: "info",
    source: "Clip skip",
    path: "clip_skip",
    message: `A1111 Clip skip ${n} counts the last layer as 1; fal counts skipped layers (as diffusers does), so clip_skip ${n - 1}. fal does not document its unit: unverified`,
  });
}

function mapControlNets(ctx: Ctx, params: Params): void {
  const controlnets: Record<string, unknown>[] = [];
  for (const [key, value] of params) {
    if (!/^ControlNet \d+$/.test(key)) continue;
    ctx.used.add(key);
    const cn = new Map(scanParams(value).map(([k, v]) => [k.trim(), unquote(v)]));
    const model = cn.get("Model") ?? "";
    if (!model || model === "None") continue;
    const i = controlnets.length;
    const entry: Record<string, unknown> = { path: controlnetFromA1111(model) ?? "" };
    for (const [from, to] of [
      ["Weight", "conditioning_scale"],
      ["Guidance Start", "start_percentage"],
      ["Guidance End", "end_percentage"],
    ] as const) {
      const n = Number(cn.get(from));
      if (cn.has(from) && Number.isFinite(n)) entry[to] = n;
    }
    controlnets.push(entry);
    const moduleName = cn.get("Module");
    ctx.labels[`controlnets.${i}`] = moduleName && moduleName !== "none" ? `${moduleName} / ${model}` : model;
    if (!entry.path)
      note(ctx, {
        severity: "error",
        source: key,
        path: `controlnets.${i}.path`,
        message: `ControlNet \`${model}\`: path needed (a URL or Hugging Face id)`,
      });
    note(ctx, {
      severity: "error",
      source: key,
      path: `controlnets.${i}.image_url`,
      message: "the control image is not in the text: add it",
    });
    const rest = [...cn.keys()].filter(
      (k) => !["Model", "Module", "Weight", "Guidance Start", "Guidance End"].includes(k),
    );
    if (rest.length) note(ctx, { severity: "info", source: key, message: `not mapped: ${rest.join(", ")}` });
  }
  if (controlnets.length) ctx.request.controlnets = controlnets;
}

/**
 * Reads A1111 / Forge / Civitai generation data as a fal-ai/lora request.
 * @example
 * const r = a1111ToRequest(
 *   "a castle <lora:castle:0.7>\nSteps: 28, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 832x1216",
 * );
 * r.request.loras; // [{ path: "", scale: 0.7 }]
 * r.labels["loras.0"]; // "castle", with an error note at "loras.0.path"
 */
export function a1111ToRequest(text: string): ForeignRequest {
  const ctx: Ctx = { request: {}, labels: {}, notes: [], used: new Set() };
  try {
    const source = String(text);
    if (source.length > MAX_INFOTEXT_CHARS)
      note(ctx, {
        severity: "warning",
        message: `the text is ${source.length} characters; only the first ${MAX_INFOTEXT_CHARS} are read`,
      });
    const info = parseInfotext(source.slice(0, MAX_INFOTEXT_CHARS));
    const params: Params = new Map(info.params);
    const resources = civitaiResources(ctx, info.json.get("Civitai resources"));

    const { prompt, networks } = extractExtraNetworks(info.prompt);
    const positive = promptText(ctx, prompt, "Prompt");
    const negative = promptText(ctx, extractExtraNetworks(info.negativePrompt).prompt, "Negative prompt");
    mapModel(ctx, params, resources);
    ctx.request.prompt = positive.text;
    if (negative.text) ctx.request.negative_prompt = negative.text;
    if (positive.weighted || negative.weighted) ctx.request.prompt_weighting = true;
    const endpoint = mapDenoising(ctx, params);
    num(ctx, params, "Steps", "num_inference_steps", true);
    num(ctx, params, "CFG scale", "guidance_scale", false);
    num(ctx, params, "Seed", "seed", true);
    num(ctx, params, "Eta", "eta", false);
    mapSampler(ctx, params);
    mapSize(ctx, params, endpoint);
    mapClipSkip(ctx, params);
    mapLoras(ctx, loraTags(ctx, networks), resources);
    mapResources(ctx, resources);
    mapControlNets(ctx, params);
    if (extractExtraNetworks(info.negativePrompt).networks.length)
      note(ctx, {
        severity: "warning",
        source: "Negative prompt",
        message: "extra-network tags in the negative prompt have no fal equivalent; left out",
      });
    for (const line of info.trailing)
      note(ctx, { severity: "info", source: line.slice(0, 40), message: "text after the parameter line is not read" });
    if (info.params.length === 0 && info.json.size === 0 && source.trim() !== "")
      note(ctx, {
        severity: "warning",
        message: "no parameter line (Steps: …, Sampler: …) found: only the prompt was read",
      });
    for (const [key, value] of [...info.params, ...[...info.json].filter(([k]) => k !== "Civitai resources")]) {
      if (ctx.used.has(key)) continue;
      ctx.used.add(key);
      note(
        ctx,
        Object.hasOwn(INFORMATIONAL, key)
          ? { severity: "info", source: key, message: `not used: ${INFORMATIONAL[key]}` }
          : { severity: "warning", source: key, message: `not mapped ("${value.slice(0, 60)}")` },
      );
    }
    return { format: A1111_FORMAT, endpoint, request: ctx.request, labels: ctx.labels, notes: ctx.notes };
  } catch (e) {
    note(ctx, { severity: "error", message: `could not read the text: ${(e as Error)?.message ?? e}` });
    return { format: A1111_FORMAT, endpoint: "fal-ai/lora", request: { prompt: "" }, labels: {}, notes: ctx.notes };
  }
}

/** Whether text looks like A1111 generation data (Civitai's own test: it names its Steps). */
export function looksLikeInfotext(text: string): boolean {
  return /(^|\n|, )Steps: \d/.test(text.slice(0, MAX_INFOTEXT_CHARS));
}
