/**
 * Reading a LoRA's (or embedding's) safetensors header in the browser, without its weights
 * (docs/import-export.md, "Reading a header in the editor"):
 *
 * 1. one simple GET with a single `Range` header and no credentials, so the browser sends no
 *    CORS preflight (a second one only when the header is longer than the first read);
 * 2. when the host refuses that (no CORS, an error), our server's `GET /api/lora/header?url=`,
 *    which checks the same allowlist on every redirect.
 *
 * Only URLs on the allowlisted model hosts (src/interop/safetensors/hosts.ts), or on this page's
 * own server (files uploaded to the stand-in), are read. Answers, failures included, are kept per
 * URL for the editor's life, so a node drawn again asks nobody.
 */
import {
  checkLoraUrl,
  checkRedirect,
  checkThumbnail,
  describeLora,
  huggingFaceTarget,
  pickLoraFile,
  readBody,
  repoFileUrl,
  readHeader,
  totalOf,
  type LoraInfo,
  type HfTarget,
  type LoraThumbnail,
  type RangeResponse,
} from "../../interop/safetensors";
import type { FileFacts, FileKind } from "../../graph";
import { definePart, type Editor } from "../store/editor";

/** A LoRA header larger than this is not a LoRA header; the server's limit too. */
const MAX_HEADER_BYTES = 1024 * 1024;
const TIMEOUT_MS = 15_000;
const MAX_CACHED = 300;

export type HeaderVia = "browser" | "server" | "local file";

export type HeaderRead =
  | {
      ok: true;
      info: Omit<LoraInfo, "thumbnail">;
      thumbnail?: LoraThumbnail;
      via: HeaderVia;
      /** What its tensors are, when read from the file itself. */
      kind?: FileKind;
    }
  | { ok: false; error: string };

/** What the compiler keeps on the node: the header's facts without the thumbnail. */
export function factsOf(url: string, read: HeaderRead & { ok: true }): FileFacts {
  const { info } = read;
  return {
    url,
    family: info.family,
    ...(info.familySource !== "none" ? { familySource: info.familySource } : {}),
    ...(info.rank !== undefined ? { rank: info.rank } : {}),
    ...(info.alpha !== undefined ? { alpha: info.alpha } : {}),
    ...(info.triggerWords.length ? { triggerWords: info.triggerWords } : {}),
    ...(info.title ? { title: info.title } : {}),
  };
}

function fromHeaderInfo(info: LoraInfo, via: HeaderVia): HeaderRead & { ok: true } {
  const { thumbnail, ...rest } = info;
  return { ok: true, info: rest, ...(thumbnail ? { thumbnail } : {}), via };
}

/** A dropped or chosen file: read from disk, never uploaded for it. */
export async function readLocalHeader(file: Blob, name: string): Promise<HeaderRead> {
  const read = await readHeader(
    async (n) => ({ bytes: new Uint8Array(await file.slice(0, n).arrayBuffer()), size: file.size }),
    name,
    MAX_HEADER_BYTES,
  );
  if (!read.result.ok) return { ok: false, error: `${name} is not a safetensors file: ${read.result.message}` };
  return {
    ...fromHeaderInfo(describeLora(read.result.header), "local file"),
    kind: kindOf(read.result.header.tensors),
  };
}

/** LoRA weights come in down/up (A/B) pairs; an embedding holds only token vectors. */
function kindOf(tensors: ReadonlyMap<string, unknown>): FileKind {
  const names = [...tensors.keys()];
  const lora = names.some((n) => /lora_down|lora_up|lora_A|lora_B|lora\.down|lora\.up|hada_|lokr_/.test(n));
  const embedding = names.some((n) => /^(emb_params|clip_l|clip_g|string_to_param)/.test(n));
  return embedding && !lora ? "embedding-file" : "lora-file";
}

const sameOrigin = (url: URL) => typeof location !== "undefined" && url.origin === location.origin;

/** Why `url` is not read, or null when it may be. */
function refusal(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is neither a URL nor a Hugging Face id (owner/repo): give the file's URL to read its header`;
  }
  if (sameOrigin(parsed)) return null;
  const check = checkLoraUrl(url);
  return check.ok ? null : check.reason;
}

/** One ranged GET the browser may send without a preflight: one Range header, nothing else. */
async function browserRange(url: string, want: number, signal: AbortSignal) {
  const res = await fetch(url, { headers: { Range: `bytes=0-${want - 1}` }, credentials: "omit", signal });
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`${new URL(url).hostname} answered ${res.status}`);
  }
  // The browser followed any redirect itself: its end must still be a host we would read from.
  const start = checkLoraUrl(url);
  if (res.redirected && start.ok && !checkRedirect(start, res.url).ok) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`redirected to ${new URL(res.url).hostname}, which is not on the list of model hosts`);
  }
  const r = res as unknown as RangeResponse;
  const size = totalOf(r);
  return { bytes: await readBody(r, want), ...(size !== undefined ? { size } : {}) };
}

async function readInBrowser(url: string): Promise<HeaderRead> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const read = await readHeader((n) => browserRange(url, n, signal), url, MAX_HEADER_BYTES);
  if (!read.result.ok) return { ok: false, error: `not a readable safetensors file: ${read.result.message}` };
  return fromHeaderInfo(describeLora(read.result.header), "browser");
}

interface ServerReport extends Omit<LoraInfo, "thumbnail"> {
  metadata?: Record<string, string>;
}

async function readThroughServer(url: string): Promise<HeaderRead> {
  const res = await fetch(`/api/lora/header?url=${encodeURIComponent(url)}`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await res.json().catch(() => null)) as (ServerReport & { error?: { message?: string } }) | null;
  if (!res.ok || !body || typeof body.family !== "string")
    return { ok: false, error: body?.error?.message ?? `the server answered ${res.status}` };
  const { metadata, ...info } = body;
  const raw = metadata?.["modelspec.thumbnail"];
  // The server's report leaves the image out; it is checked here again from the raw metadata.
  const thumbnail = typeof raw === "string" ? checkThumbnail(raw, []) : undefined;
  return {
    ok: true,
    info: { ...info, triggerWords: Array.isArray(info.triggerWords) ? info.triggerWords : [] },
    ...(thumbnail ? { thumbnail } : {}),
    via: "server",
  };
}

const MAX_LISTING_BYTES = 2 * 1024 * 1024;

/**
 * The file a Hugging Face repository stands for, from its file list (a simple GET to
 * huggingface.co's API). Throws when the list cannot be fetched, so the server is asked instead.
 */
async function fileOfRepo(target: HfTarget & { kind: "repo" }): Promise<{ url: string } | { error: string }> {
  const res = await fetch(target.listUrl, { credentials: "omit", signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (res.status === 401 || res.status === 404)
    return { error: `Hugging Face has no public repository ${target.repo} (it answered ${res.status})` };
  if (!res.ok) throw new Error(`huggingface.co answered ${res.status} for the file list`);
  const text = new TextDecoder().decode(await readBody(res as unknown as RangeResponse, MAX_LISTING_BYTES));
  const picked = pickLoraFile(JSON.parse(text), target.repo);
  return "file" in picked ? { url: repoFileUrl(target, picked.file) } : { error: picked.reason };
}

/**
 * A LoRA's path as the file to read: a Hugging Face page or `owner/repo/file` becomes its
 * `/resolve/` URL; a repository becomes its one LoRA file, or an answer saying why there is none.
 */
async function readRemote(ref: string): Promise<HeaderRead> {
  const hf = huggingFaceTarget(ref);
  if (hf?.kind === "unclear") return { ok: false, error: hf.reason };
  if (hf?.kind !== "repo") return readFile(hf?.kind === "file" ? hf.url : ref);
  let found: { url: string } | { error: string };
  try {
    found = await fileOfRepo(hf);
  } catch {
    // No CORS or a network error: the server lists the repository itself.
    return readThroughServer(ref).catch((e: unknown) => ({ ok: false as const, error: (e as Error).message }));
  }
  return "url" in found ? readFile(found.url) : { ok: false, error: found.error };
}

async function readFile(url: string): Promise<HeaderRead> {
  const why = refusal(url);
  if (why) return { ok: false, error: why };
  let first: string;
  try {
    return await readInBrowser(url);
  } catch (e) {
    first = (e as Error).message;
  }
  if (sameOrigin(new URL(url))) return { ok: false, error: first };
  try {
    return await readThroughServer(url);
  } catch (e) {
    return { ok: false, error: `${first}; through the server: ${(e as Error).message}` };
  }
}

const headersPart = definePart("fileHeaders", () => new Map<string, Promise<HeaderRead>>());

/** The header of the file at `url`, read once per editor (failures too, until `forget`). */
export function fileHeader(editor: Editor, url: string): Promise<HeaderRead> {
  const cache = editor.part(headersPart);
  let hit = cache.get(url);
  if (!hit) {
    hit = readRemote(url).catch((e: unknown) => ({ ok: false as const, error: (e as Error).message }));
    cache.set(url, hit);
    while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  return hit;
}

/** A header read some other way (a dropped file) for the URL it was uploaded to. */
export function rememberHeader(editor: Editor, url: string, read: HeaderRead): void {
  editor.part(headersPart).set(url, Promise.resolve(read));
}

export function forgetHeader(editor: Editor, url: string): void {
  editor.part(headersPart).delete(url);
}
