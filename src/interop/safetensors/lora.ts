/**
 * What a LoRA's header says about it: the model family it was trained for, rank and alpha, its
 * trigger words and its thumbnail. Rules follow the tools users already read these with (A1111's
 * Lora extension, kohya's sd-scripts, Stability's modelspec); see docs/import-export.md ("safetensors").
 */
import { parseJsonSafely } from "../../graph/safeJson";
import { familyOfModelName, type Family } from "../models";
import type { SafetensorsHeader } from "./header";

export type FamilySource =
  "modelspec.architecture" | "ss_base_model_version" | "ss_v2" | "kohya metadata" | "tensor names" | "none";

export interface LoraThumbnail {
  /** A data: URL of a PNG, JPEG, WebP, GIF or AVIF image, checked against the image's own bytes. */
  url: string;
  type: string;
  bytes: number;
}

export interface LoraInfo {
  family: Family;
  /** Where the family came from; "kohya metadata" and "tensor names" are inferences. */
  familySource: FamilySource;
  /** The metadata value the family was read from, when there is one. */
  familyEvidence?: string;
  rank?: number;
  alpha?: number;
  triggerWords: string[];
  triggerSource: "modelspec.trigger_phrase" | "ss_tag_frequency" | "none";
  title?: string;
  /** The model it was trained on, as the trainer named it (ss_sd_model_name). */
  trainedOn?: string;
  thumbnail?: LoraThumbnail;
  /** Things in the metadata that were refused, said plainly. */
  problems: string[];
}

/** A1111 shows the 24 most frequent tags. */
export const MAX_TRIGGER_WORDS = 24;
/** A thumbnail larger than this is not a thumbnail. */
const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;

export function describeLora(header: SafetensorsHeader): LoraInfo {
  const md = header.metadata;
  const problems: string[] = [];
  const fam = familyOf(header);
  const triggers = triggerWords(md, problems);
  const title = md["modelspec.title"] || md.ss_output_name || undefined;
  const thumbnail = md["modelspec.thumbnail"] ? checkThumbnail(md["modelspec.thumbnail"], problems) : undefined;
  const { rank, alpha } = rankAndAlpha(header);
  return {
    ...fam,
    ...(rank !== undefined ? { rank } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    ...triggers,
    ...(title ? { title } : {}),
    ...(md.ss_sd_model_name ? { trainedOn: md.ss_sd_model_name } : {}),
    ...(thumbnail ? { thumbnail } : {}),
    problems,
  };
}

function familyOfArchitecture(arch: string): Family {
  const a = arch.toLowerCase();
  if (a.startsWith("stable-diffusion-xl")) return "sdxl";
  if (a.startsWith("stable-diffusion-v2")) return "sd2";
  if (a.startsWith("stable-diffusion-v1")) return "sd1";
  if (a.startsWith("flux")) return "flux";
  return "unknown";
}

function familyOf(header: SafetensorsHeader): Pick<LoraInfo, "family" | "familySource" | "familyEvidence"> {
  const md = header.metadata;
  const arch = md["modelspec.architecture"];
  if (arch) return { family: familyOfArchitecture(arch), familySource: "modelspec.architecture", familyEvidence: arch };
  const version = md.ss_base_model_version;
  if (version) {
    // kohya writes sd_v1, sd_v2, sdxl_base_v1-0, flux1, sd3…
    const v = version.toLowerCase();
    const family: Family = v.startsWith("sdxl_")
      ? "sdxl"
      : v.startsWith("sd_v2")
        ? "sd2"
        : v.startsWith("sd_v1")
          ? "sd1"
          : v.startsWith("flux")
            ? "flux"
            : "unknown";
    return { family, familySource: "ss_base_model_version", familyEvidence: version };
  }
  if (md.ss_v2 === "True") return { family: "sd2", familySource: "ss_v2", familyEvidence: "True" };
  const fromTensors = familyOfTensors(header.tensors);
  if (fromTensors !== "unknown") return { family: fromTensors, familySource: "tensor names" };
  // kohya's metadata predates SDXL when it carries no version: A1111 reads that as SD1.
  if (Object.keys(md).some((k) => k.startsWith("ss_"))) {
    const hint = md.ss_sd_model_name ? familyOfModelName(md.ss_sd_model_name) : "unknown";
    return { family: hint !== "unknown" ? hint : "sd1", familySource: "kohya metadata" };
  }
  return { family: "unknown", familySource: "none" };
}

/**
 * The family the tensors were made for: a second text encoder means SDXL; Flux has its own block
 * names; otherwise the width of a cross-attention key projection (or of an embedding's vectors)
 * says which text encoder it reads (768 SD1, 1024 SD2, 2048 SDXL).
 */
export function familyOfTensors(tensors: Map<string, { shape: number[] }>): Family {
  let width: number | undefined;
  for (const [name, t] of tensors) {
    if (/double_blocks|single_blocks|single_transformer_blocks|transformer\.transformer_blocks/.test(name))
      return "flux";
    if (/^lora_te2_|^te2[._]|text_encoder_2\.|conditioner\.embedders\.1/.test(name)) return "sdxl";
    // Textual-inversion embeddings: SDXL's carry one vector set per text encoder.
    if (name === "clip_g") return "sdxl";
    if (width === undefined && (name === "emb_params" || name.startsWith("string_to_param"))) width = t.shape[1];
    if (width === undefined && /attn2[._]to_k/.test(name) && /lora_down|lora_A|lora\.down/.test(name))
      width = t.shape[1];
  }
  if (width === 768) return "sd1";
  if (width === 1024) return "sd2";
  if (width === 2048) return "sdxl";
  return "unknown";
}

function positive(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function rankAndAlpha(header: SafetensorsHeader): { rank?: number; alpha?: number } {
  const md = header.metadata;
  let rank = positive(md.ss_network_dim);
  const alpha = positive(md.ss_network_alpha);
  if (rank === undefined) {
    for (const [name, t] of header.tensors) {
      if (/(lora_down|lora_A|lora\.down)\.weight$/.test(name) && typeof t.shape[0] === "number") {
        rank = t.shape[0];
        break;
      }
    }
  }
  return { ...(rank !== undefined ? { rank } : {}), ...(alpha !== undefined ? { alpha } : {}) };
}

function triggerWords(
  md: Record<string, string>,
  problems: string[],
): Pick<LoraInfo, "triggerWords" | "triggerSource"> {
  const phrase = md["modelspec.trigger_phrase"];
  if (phrase && phrase.trim()) {
    const words = phrase
      .split(",")
      .map((w) => w.trim())
      .filter(Boolean);
    return { triggerWords: unique(words).slice(0, MAX_TRIGGER_WORDS), triggerSource: "modelspec.trigger_phrase" };
  }
  const raw = md.ss_tag_frequency;
  if (!raw) return { triggerWords: [], triggerSource: "none" };
  const parsed = parseJsonSafely(raw, { maxBytes: raw.length * 3 + 2, maxDepth: 3, maxIssues: 5 });
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) {
    problems.push("ss_tag_frequency is not the JSON object kohya writes; no trigger words from it");
    return { triggerWords: [], triggerSource: "none" };
  }
  const top = topTags(parsed.value as Record<string, unknown>);
  return top.length
    ? { triggerWords: top, triggerSource: "ss_tag_frequency" }
    : { triggerWords: [], triggerSource: "none" };
}

/** Tags summed across dataset folders, most frequent first; sentence captions are split into words. */
export function topTags(frequency: Record<string, unknown>): string[] {
  let counts = new Map<string, number>();
  for (const dir of Object.values(frequency)) {
    if (typeof dir !== "object" || dir === null || Array.isArray(dir)) continue;
    for (const [tag, count] of Object.entries(dir)) {
      const n = typeof count === "number" ? count : Number(count);
      const t = tag.trim();
      if (!t || !Number.isFinite(n)) continue;
      counts.set(t, (counts.get(t) ?? 0) + n);
    }
  }
  // Captions written as sentences make long "tags": A1111 then counts their words instead.
  const tags = [...counts.keys()];
  if (tags.length && tags.reduce((s, t) => s + t.length, 0) / tags.length >= 16) {
    const words = new Map<string, number>();
    for (const [text, n] of counts)
      for (const w of text.match(/[-_\p{L}\p{N}']+/gu) ?? []) if (w.length >= 3) words.set(w, (words.get(w) ?? 0) + n);
    counts = words;
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_TRIGGER_WORDS)
    .map(([t]) => t.slice(0, 200));
}

function unique(words: string[]): string[] {
  return [...new Set(words)];
}

const IMAGE_MAGIC: Readonly<Record<string, (b: Uint8Array) => boolean>> = {
  "image/png": (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/gif": (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38,
  "image/webp": (b) =>
    b[0] === 0x52 &&
    b[1] === 0x49 &&
    b[2] === 0x46 &&
    b[3] === 0x46 &&
    b[8] === 0x57 &&
    b[9] === 0x45 &&
    b[10] === 0x42 &&
    b[11] === 0x50,
  "image/avif": (b) => b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70,
};

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The first 12 bytes of base64 data (16 characters hold 12), enough to check an image's signature. */
function decodeBase64Prefix(b64: string): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of b64.slice(0, 16)) {
    const v = BASE64.indexOf(ch);
    if (v < 0) break;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/**
 * The thumbnail as an image data: URL, or nothing. SVG and every non-image type are refused (they
 * can carry markup and script), and the bytes must start like the image type they claim.
 */
export function checkThumbnail(value: string, problems: string[]): LoraThumbnail | undefined {
  const m = /^data:(image\/(?:png|jpeg|gif|webp|avif));base64,([A-Za-z0-9+/]+={0,2})$/.exec(value.trim());
  if (!m) {
    const kind = /^data:([^;,]{0,40})/.exec(value.trim())?.[1];
    const why = !kind
      ? "it is not a base64 image data: URL"
      : Object.hasOwn(IMAGE_MAGIC, kind)
        ? "its data is not plain base64"
        : `${kind} is not an image type this tool shows`;
    problems.push(`modelspec.thumbnail was refused: ${why}`);
    return undefined;
  }
  const [, type, b64] = m;
  const bytes = Math.floor((b64.length * 3) / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
  if (bytes > MAX_THUMBNAIL_BYTES) {
    problems.push(`modelspec.thumbnail was refused: ${bytes} bytes is over the ${MAX_THUMBNAIL_BYTES}-byte limit`);
    return undefined;
  }
  if (!IMAGE_MAGIC[type](decodeBase64Prefix(b64))) {
    problems.push(`modelspec.thumbnail was refused: it says ${type} but its bytes are not one`);
    return undefined;
  }
  return { url: `data:${type};base64,${b64}`, type, bytes };
}
