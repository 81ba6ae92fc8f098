/**
 * Names A1111 writes for files, and what fal can load instead: well-known checkpoints by their
 * Hugging Face ids, ControlNet 1.1 models by their lllyasviel repositories, Civitai model
 * versions by their download URL. Anything else is a local file only its owner has.
 */
import { checkpointFileOf, checkpointRepo, controlNetRepo } from "../models";

/** `Model hash` (first 10 hex digits of the file's SHA-256) of well-known checkpoints, for texts without `Model`. */
const CHECKPOINT_HASHES: Readonly<Record<string, string>> = {
  "31e35c80fc": "sd_xl_base_1.0",
  "7440042bbd": "sd_xl_refiner_1.0",
  "6ce0161689": "v1-5-pruned-emaonly",
};

const HF_ID = /^[\w.-]+\/[\w.-]+$/;
const CIVITAI_DOWNLOAD = /^https:\/\/civitai\.com\/api\/download\/models\/(\d+)(?:[?#].*)?$/;

/** A file name without its hash suffix and extension; URLs are kept whole. */
function stem(name: string): string {
  if (/^https:\/\//.test(name.trim())) return name.trim();
  return name
    .trim()
    .replace(/\s*\[[0-9a-f]{8,10}\]$/i, "")
    .replace(/\.(safetensors|ckpt|pt|pth|bin)$/i, "");
}

/** What fal can load for an A1111 `Model` value, or null when it names a local file only. */
export function checkpointFromA1111(model: string | undefined, hash: string | undefined): string | null {
  const name = model ? stem(model) : hash ? CHECKPOINT_HASHES[hash.trim().toLowerCase()] : undefined;
  if (!name) return null;
  // Well-known files are in src/interop/models.ts, shared with the ComfyUI import.
  const repo = name.includes("/") ? undefined : checkpointRepo(name);
  if (repo) return repo;
  // A1111 writes a file's base name, never a path; a name with one slash is a Hugging Face id
  // (our own export writes those), and a URL is a URL.
  if (HF_ID.test(name) || /^https:\/\//.test(name)) return name;
  return null;
}

/** The A1111 name for a model fal loads: the well-known file name, else the id or URL itself. */
export function a1111FromCheckpoint(modelName: string): string {
  return checkpointFileOf(modelName) ?? modelName;
}

/** ControlNet model as A1111 names it (`control_v11p_sd15_canny [d14c016b]`) → a loadable id, or null. */
export function controlnetFromA1111(model: string): string | null {
  const name = stem(model);
  const repo = controlNetRepo(name);
  if (repo) return repo;
  if (HF_ID.test(name) || /^https:\/\//.test(name)) return name;
  return null;
}

export function a1111FromControlnet(path: string): string {
  const m = /^lllyasviel\/(control_v11\w+)$/.exec(path);
  return m ? m[1] : path;
}

export function civitaiUrl(modelVersionId: number | string): string {
  return `https://civitai.com/api/download/models/${modelVersionId}`;
}

/** The model version id of a Civitai download URL, or null. */
export function civitaiVersion(url: unknown): number | null {
  const m = typeof url === "string" ? CIVITAI_DOWNLOAD.exec(url) : null;
  return m ? Number(m[1]) : null;
}

/** A file name for a LoRA tag: what Civitai's reader accepts (`[A-Za-z0-9_.-]`), never empty. */
export function sanitizeName(name: string, fallback: string): string {
  const clean = name
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^[_.]+|_+$/g, "")
    .slice(0, 80);
  return clean || fallback;
}

/** The name a LoRA path suggests: the file name without its extension, or a Hugging Face repo's name. */
export function nameFromPath(path: string): string {
  const clean = path.split(/[?#]/)[0].replace(/\/+$/, "");
  const last = clean.slice(clean.lastIndexOf("/") + 1);
  return stem(decodeURIComponentSafe(last).replace(/^https:\/\//, ""));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
