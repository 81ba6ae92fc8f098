/**
 * Model families, and what a node learned about the file a param points to. Weights of one family
 * do not fit a base model of another: an SDXL LoRA on an SD1.5 checkpoint loads nothing useful.
 * The compiler refuses such a pair before anything is sent (docs/import-export.md, "Families").
 *
 * The family of a base model comes from its name; the family of a LoRA or embedding comes from
 * its file's header, which the editor reads and keeps on the node as `fileInfo` (data, so the
 * compiler stays pure and a saved file compiles the same in the CLI).
 */

export type Family = "sd1" | "sd2" | "sdxl" | "flux" | "unknown";

export const FAMILIES: readonly Family[] = ["sd1", "sd2", "sdxl", "flux", "unknown"];

export const FAMILY_LABELS: Readonly<Record<Family, string>> = {
  sd1: "SD1",
  sd2: "SD2",
  sdxl: "SDXL",
  flux: "Flux",
  unknown: "unknown",
};

/** Hugging Face ids whose family a name pattern would miss or get wrong. */
const KNOWN_FAMILIES: Readonly<Record<string, Family>> = {
  "runwayml/stable-diffusion-v1-5": "sd1",
  "stable-diffusion-v1-5/stable-diffusion-v1-5": "sd1",
  "compvis/stable-diffusion-v1-4": "sd1",
  "stabilityai/stable-diffusion-2-1": "sd2",
  "stabilityai/stable-diffusion-2-1-base": "sd2",
  "stabilityai/stable-diffusion-2": "sd2",
  "stabilityai/stable-diffusion-2-base": "sd2",
  "stabilityai/sdxl-turbo": "sdxl",
  "lykon/dreamshaper-8": "sd1",
  "segmind/ssd-1b": "sdxl",
};

/** "https://huggingface.co/org/repo/resolve/main/x.safetensors" → "org/repo"; other names as they are. */
function repoIdOf(name: string): string {
  const m = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/([^/?#]+)\/([^/?#]+)/i.exec(name.trim());
  return m ? `${m[1]}/${m[2]}` : name.trim();
}

/**
 * The family a model name, Hugging Face id or URL points to: a table of ids whose name does not
 * say, then name patterns. Names are only hints: "unknown" when nothing in the name says which.
 */
export function familyOfName(name: string): Family {
  const id = repoIdOf(name).toLowerCase();
  if (Object.hasOwn(KNOWN_FAMILIES, id)) return KNOWN_FAMILIES[id];
  const s = id.replace(/\.(safetensors|ckpt|pt|pth|bin)$/, "");
  if (/flux/.test(s)) return "flux";
  if (/sdxl|sd_xl|stable-diffusion-xl|(^|[^a-z0-9])xl([^a-z]|$)|[a-z]xl(_|-|\d|$)|pony/.test(s)) return "sdxl";
  if (/stable-diffusion-2|(^|[^a-z0-9])(sd[-_ ]?2(\.|[-_])?[01]?|v2[-_]1|v2[-_]0)([^0-9]|$)/.test(s)) return "sd2";
  if (/stable-diffusion-v1|sd[-_ ]?1[-_.]?5|sd15|(^|[^a-z0-9])v1[-_]5|sd[-_]v1|(^|[^a-z0-9])sd1([^0-9]|$)/.test(s))
    return "sd1";
  return "unknown";
}

/**
 * What the editor read from the header of the file a param points to (a LoRA's or embedding's
 * .safetensors), kept on the node under the param's key. It holds for `url` only: once the param
 * points elsewhere it is stale and ignored. Files are untrusted, so it is read through
 * `fileFactsOf`, never as stored.
 */
export interface FileFacts {
  url: string;
  family: Family;
  /** Where the family came from ("modelspec.architecture", "tensor names", …). */
  familySource?: string;
  rank?: number;
  alpha?: number;
  triggerWords?: string[];
  title?: string;
}

const MAX_WORDS = 24;
const MAX_TEXT = 200;

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.length > 0 ? v.slice(0, MAX_TEXT) : undefined;
const positive = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;

/**
 * The facts a node holds for `key` while the param still has the value they were read for, well
 * formed; anything else (a stale URL, a hand-edited file) gives undefined.
 */
export function fileFactsOf(
  node: { params: Record<string, unknown>; fileInfo?: unknown },
  key: string,
): FileFacts | undefined {
  const all = node.fileInfo;
  if (typeof all !== "object" || all === null || !Object.hasOwn(all, key)) return undefined;
  const raw = (all as Record<string, unknown>)[key];
  if (typeof raw !== "object" || raw === null) return undefined;
  const f = raw as Record<string, unknown>;
  const value = Object.hasOwn(node.params, key) ? node.params[key] : undefined;
  if (typeof f.url !== "string" || f.url !== value) return undefined;
  const family = FAMILIES.find((x) => x === f.family);
  if (!family) return undefined;
  const words = Array.isArray(f.triggerWords)
    ? f.triggerWords.flatMap((w) => (text(w) ? [text(w)!] : [])).slice(0, MAX_WORDS)
    : undefined;
  const out: FileFacts = { url: f.url, family };
  const source = text(f.familySource);
  if (source) out.familySource = source;
  const rank = positive(f.rank);
  if (rank !== undefined) out.rank = rank;
  const alpha = positive(f.alpha);
  if (alpha !== undefined) out.alpha = alpha;
  if (words?.length) out.triggerWords = words;
  const title = text(f.title);
  if (title) out.title = title;
  return out;
}
