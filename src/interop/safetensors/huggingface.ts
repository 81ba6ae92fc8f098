/**
 * What a Hugging Face reference in a LoRA's path points at, so its header can be read: a file
 * (`/resolve/` URLs, `/blob/` pages, `owner/repo/dir/file.safetensors`) or a whole repository
 * (`owner/repo`, `https://huggingface.co/owner/repo`, `…/tree/<revision>`), whose file is then
 * chosen the way diffusers' `load_lora_weights` chooses it, and only when that choice is the
 * only one. See docs/import-export.md ("Hugging Face references").
 */

const HOSTS = new Set(["huggingface.co", "hf.co"]);
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
/** Weight files a LoRA path names directly. */
const WEIGHTS = /\.(safetensors|bin|pt|pth|ckpt)$/i;

export type HfTarget =
  /** A file: read its header at `url`. */
  | { kind: "file"; url: string }
  /** A repository: its file list (`listUrl`) decides which file fal would load. */
  | { kind: "repo"; repo: string; revision: string; listUrl: string }
  /** A Hugging Face reference that names no file, with why. */
  | { kind: "unclear"; reason: string };

const resolveUrl = (prefix: string, repo: string, revision: string, file: string) =>
  `https://huggingface.co/${prefix}${repo}/resolve/${encodeURIComponent(revision)}/${file
    .split("/")
    .map(encodeURIComponent)
    .join("/")}`;

function repoTarget(prefix: string, repo: string, revision: string): HfTarget {
  const kind = prefix === "datasets/" ? "datasets" : "models";
  return {
    kind: "repo",
    repo: `${prefix}${repo}`,
    revision,
    listUrl: `https://huggingface.co/api/${kind}/${repo}/revision/${encodeURIComponent(revision)}`,
  };
}

/** `owner/repo[/dir…/file.ext]`, the form fal's model fields accept besides URLs. */
function fromId(ref: string): HfTarget | null {
  const parts = ref.split("/");
  if (parts.length < 2 || !parts.every((p) => SEGMENT.test(p) && p !== "." && p !== "..")) return null;
  const [owner, name, ...rest] = parts;
  const repo = `${owner}/${name}`;
  if (rest.length === 0) return repoTarget("", repo, "main");
  const file = rest.join("/");
  if (WEIGHTS.test(file)) return { kind: "file", url: resolveUrl("", repo, "main", file) };
  return {
    kind: "unclear",
    reason: `"${ref}" names a folder of ${repo}, not a weights file: give the file (…/${file}/name.safetensors)`,
  };
}

/** A huggingface.co / hf.co URL: `/[datasets/]owner/repo[/(resolve|blob|raw|tree)/rev/path]`. */
function fromUrl(url: URL): HfTarget | null {
  if (url.protocol !== "https:" || !HOSTS.has(url.hostname)) return null;
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const prefix = parts[0] === "datasets" ? "datasets/" : "";
  if (prefix) parts.shift();
  if (parts[0] === "api" || parts[0] === "spaces" || parts.length < 2) return null;
  const [owner, name, verb, revision, ...rest] = parts;
  const repo = `${owner}/${name}`;
  if (verb === undefined) return repoTarget(prefix, repo, "main");
  if (verb === "tree" && revision !== undefined) {
    if (rest.length === 0) return repoTarget(prefix, repo, revision);
    return {
      kind: "unclear",
      reason: `${url.href} is a folder of ${repo}, not a file: open the file and copy its link`,
    };
  }
  if ((verb === "resolve" || verb === "blob" || verb === "raw") && revision !== undefined && rest.length) {
    // A /blob/ page is HTML and /raw/ gives Git LFS's pointer: the bytes live at /resolve/.
    if (verb === "resolve") return { kind: "file", url: url.href };
    return { kind: "file", url: resolveUrl(prefix, repo, revision, rest.join("/")) };
  }
  return null;
}

/** What `ref` (a LoRA's path) names on Hugging Face; null when it is not a Hugging Face reference. */
export function huggingFaceTarget(ref: string): HfTarget | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
    try {
      return fromUrl(new URL(ref));
    } catch {
      return null;
    }
  }
  return fromId(ref);
}

/** diffusers' `_best_guess_weight_name`: what it leaves out and what it prefers. */
const NOT_LORA = ["scheduler", "optimizer", "checkpoint"];
const PREFERRED = "pytorch_lora_weights.safetensors";

/**
 * The file diffusers would load from a repository, given the repository's listing (the JSON of
 * `GET /api/models/<repo>/revision/<rev>`, as untrusted text), or why there is no single one.
 * diffusers takes the first of several with a warning; that is a guess the user cannot see, so
 * here several candidates are an answer naming them, not a pick.
 */
export function pickLoraFile(listing: unknown, repo: string): { file: string } | { reason: string } {
  const siblings = (listing as { siblings?: unknown } | null)?.siblings;
  if (!Array.isArray(siblings)) return { reason: `Hugging Face did not list the files of ${repo}` };
  const names = siblings
    .map((s) => (s as { rfilename?: unknown } | null)?.rfilename)
    .filter((n): n is string => typeof n === "string" && n.endsWith(".safetensors"));
  let candidates = names.filter((n) => !NOT_LORA.some((bad) => n.includes(bad)));
  if (candidates.some((n) => n.endsWith(PREFERRED))) candidates = candidates.filter((n) => n.endsWith(PREFERRED));
  if (candidates.length === 1) return { file: candidates[0] };
  if (candidates.length === 0) return { reason: `${repo} holds no .safetensors LoRA file` };
  const shown = candidates.slice(0, 4).join(", ") + (candidates.length > 4 ? `, … (${candidates.length})` : "");
  return {
    reason: `${repo} holds several .safetensors files (${shown}): name the file, e.g. ${repo}/${candidates[0]}`,
  };
}

/** The `/resolve/` URL of `file` in a repository target. */
export function repoFileUrl(target: HfTarget & { kind: "repo" }, file: string): string {
  const prefix = target.repo.startsWith("datasets/") ? "datasets/" : "";
  return resolveUrl(prefix, target.repo.slice(prefix.length), target.revision, file);
}
