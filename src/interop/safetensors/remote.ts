/**
 * Reads only the header of a .safetensors file: first a 64 KiB prefix (most LoRA headers fit),
 * then, if the header says it is longer, exactly the bytes it needs. One implementation for the
 * CLI (`lora-graph inspect URL`) and the server (`GET /api/lora/header`), see docs/import-export.md.
 * URLs go through the allowlist of hosts.ts on every redirect, with `Range` requests and no
 * credentials; whatever a server sends, reading stops at the bytes wanted.
 *
 * Pure: fetch and the abort signal come from the caller, typed here by the little used of them,
 * since the core's typecheck has neither the DOM's nor Node's types.
 */
import { parseSafetensorsHeader, type HeaderResult, type SafetensorsHeader } from "./header";
import { checkLoraUrl, checkRedirect, type UrlCheck } from "./hosts";
import { huggingFaceTarget, pickLoraFile, repoFileUrl } from "./huggingface";
import { describeLora } from "./lora";

/** Enough for most LoRA headers in one read. */
export const DEFAULT_FIRST_READ = 64 * 1024;
const FIRST_READ = DEFAULT_FIRST_READ;
const MAX_REDIRECTS = 5;

export interface HeaderSource {
  /** The file name or URL as given. */
  source: string;
  /** The file URL read, when it differs from `source` (a Hugging Face repository or page). */
  resolved?: string;
  /** The file's size when known. */
  size?: number;
  result: HeaderResult;
}

/** What went wrong, so that the server can pick a status: 400, 403, 502 or 504. */
export type RemoteFailure = "url" | "host" | "upstream" | "timeout";

export class RemoteHeaderError extends Error {
  constructor(
    message: string,
    readonly kind: RemoteFailure,
  ) {
    super(message);
  }
}

/** The parts of a fetch Response this reader uses. */
export interface RangeResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  body: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
    cancel(): Promise<void>;
  } | null;
}

export type RangeFetch<S> = (
  url: string,
  init: { headers: Record<string, string>; redirect: "manual"; signal: S },
) => Promise<RangeResponse>;

export interface RemoteOptions<S> {
  /** A fresh signal per request, ending when the caller gives up or its time limit passes. */
  signal: () => S;
  /** Only for the message when the signal times out. */
  timeoutMs: number;
  maxHeaderBytes?: number;
}

export async function readHeader(
  read: (bytes: number) => Promise<{ bytes: Uint8Array; size?: number }>,
  source: string,
  maxHeaderBytes: number,
): Promise<HeaderSource> {
  let asked = FIRST_READ;
  let { bytes, size } = await read(asked);
  // Fewer bytes than asked for means the file ended: that is its size.
  const sizeOf = () => size ?? (bytes.length < asked ? bytes.length : undefined);
  let result = parseSafetensorsHeader(bytes, { fileSize: sizeOf(), maxHeaderBytes });
  if (!result.ok && result.code === "incomplete" && result.need !== undefined && result.need > bytes.length) {
    asked = result.need;
    ({ bytes, size } = await read(asked));
    result = parseSafetensorsHeader(bytes, { fileSize: sizeOf(), maxHeaderBytes });
  }
  if (!result.ok && result.code === "incomplete")
    result = {
      ok: false,
      code: "beyond-file",
      message: `the file ends before its header does (${bytes.length} bytes read)`,
    };
  const known = sizeOf();
  return { source, ...(known !== undefined ? { size: known } : {}), result };
}

/** `Content-Range: bytes 0-65535/123456789` → 123456789. */
export function totalOf(res: RangeResponse): number | undefined {
  const range = /\/(\d+)\s*$/.exec(res.headers.get("content-range") ?? "");
  if (range) return Number(range[1]);
  const length = res.status === 200 ? Number(res.headers.get("content-length")) : NaN;
  return Number.isFinite(length) ? length : undefined;
}

/** At most `want` bytes of the body; the rest is never read. */
export async function readBody(res: RangeResponse, want: number): Promise<Uint8Array> {
  const out = new Uint8Array(want);
  let got = 0;
  const reader = res.body?.getReader();
  if (!reader) return out.subarray(0, 0);
  try {
    while (got < want) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      const take = Math.min(value.length, want - got);
      out.set(value.subarray(0, take), got);
      got += take;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out.subarray(0, got);
}

function explainStatus(res: RangeResponse, host: string): string {
  const why =
    res.status === 401 || res.status === 403
      ? " (the file needs a login: gated or private; download it and inspect the file)"
      : res.status === 404
        ? " (no such file)"
        : res.status === 416
          ? " (the file is empty)"
          : res.status === 429
            ? " (too many requests; try again later)"
            : "";
  return `${host} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${why}`;
}

/** GETs the first `want` bytes of `start`, following allowed redirects only. */
async function rangeGet<S>(
  fetchImpl: RangeFetch<S>,
  start: UrlCheck & { ok: true },
  want: number,
  options: RemoteOptions<S>,
): Promise<{ bytes: Uint8Array; size?: number }> {
  let at = start;
  const fail = (why: string, kind: RemoteFailure) =>
    new RemoteHeaderError(`cannot read ${start.url.href}: ${why}`, kind);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: RangeResponse;
    try {
      res = await fetchImpl(at.url.href, {
        headers: { Range: `bytes=0-${want - 1}` },
        redirect: "manual",
        signal: options.signal(),
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === "TimeoutError")
        throw new RemoteHeaderError(
          `cannot read ${at.url.href}: no answer within ${options.timeoutMs / 1000} s`,
          "timeout",
        );
      throw new RemoteHeaderError(`cannot read ${at.url.href}: ${e.message}`, "upstream");
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get("location");
      if (!location)
        throw new RemoteHeaderError(`${at.url.hostname} answered ${res.status} without a Location`, "upstream");
      const next = checkRedirect(at, location);
      if (!next.ok) throw fail(next.reason, next.kind);
      at = next;
      continue;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel().catch(() => {});
      throw fail(explainStatus(res, at.url.hostname), "upstream");
    }
    const size = totalOf(res);
    return { bytes: await readBody(res, want), ...(size !== undefined ? { size } : {}) };
  }
  throw fail(`more than ${MAX_REDIRECTS} redirects`, "upstream");
}

/** A repository's file list is JSON of a few KB; a listing past this is not read. */
const MAX_LISTING_BYTES = 2 * 1024 * 1024;

/** The repository's file list from Hugging Face's API, through the same allowlist and redirect checks. */
async function fetchListing<S>(fetchImpl: RangeFetch<S>, listUrl: string, options: RemoteOptions<S>) {
  const start = checkLoraUrl(listUrl);
  if (!start.ok) throw new RemoteHeaderError(`cannot list ${listUrl}: ${start.reason}`, start.kind);
  let res: RangeResponse;
  try {
    res = await fetchImpl(listUrl, { headers: {}, redirect: "manual", signal: options.signal() });
  } catch (e) {
    const timeout = (e as Error).name === "TimeoutError";
    const why = timeout ? `no answer within ${options.timeoutMs / 1000} s` : (e as Error).message;
    throw new RemoteHeaderError(`cannot list the files of ${listUrl}: ${why}`, timeout ? "timeout" : "upstream");
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw new RemoteHeaderError(`cannot list the files: ${explainStatus(res, start.url.hostname)}`, "upstream");
  }
  const bytes = await readBody(res, MAX_LISTING_BYTES);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    throw new RemoteHeaderError(`Hugging Face's file list for ${listUrl} is not JSON`, "upstream");
  }
}

/**
 * The file URL a LoRA path names: itself, or for a Hugging Face page or repository the file it
 * stands for (huggingface.ts). Throws RemoteHeaderError saying why when no single file is named.
 */
export async function resolveLoraUrl<S>(
  fetchImpl: RangeFetch<S>,
  ref: string,
  options: RemoteOptions<S>,
): Promise<string> {
  const target = huggingFaceTarget(ref);
  if (!target) return ref;
  if (target.kind === "file") return target.url;
  if (target.kind === "unclear") throw new RemoteHeaderError(`cannot read ${ref}: ${target.reason}`, "url");
  const picked = pickLoraFile(await fetchListing(fetchImpl, target.listUrl, options), target.repo);
  if ("reason" in picked) throw new RemoteHeaderError(`cannot read ${ref}: ${picked.reason}`, "url");
  return repoFileUrl(target, picked.file);
}

/**
 * Throws RemoteHeaderError before any request when the URL is not https on an allowlisted host.
 * A Hugging Face repository or page is first resolved to its file.
 */
export async function readRemoteHeader<S>(
  fetchImpl: RangeFetch<S>,
  url: string,
  options: RemoteOptions<S> & { maxHeaderBytes: number },
): Promise<HeaderSource> {
  const fileUrl = await resolveLoraUrl(fetchImpl, url, options);
  const start = checkLoraUrl(fileUrl);
  if (!start.ok) throw new RemoteHeaderError(`cannot read ${url}: ${start.reason}`, start.kind);
  const read = await readHeader((n) => rangeGet(fetchImpl, start, n, options), url, options.maxHeaderBytes);
  return fileUrl === url ? read : { ...read, resolved: fileUrl };
}

/** A diagnostic as `lora-graph --json` prints them. */
export interface HeaderDiagnostic {
  severity: "warning";
  code: "header-dropped" | "metadata-refused";
  message: string;
}

/** What `inspect --json` prints and `/api/lora/header` answers for a readable header. */
export function headerReport(read: HeaderSource, header: SafetensorsHeader) {
  const { thumbnail, ...rest } = describeLora(header);
  const diagnostics: HeaderDiagnostic[] = [
    ...header.warnings.map((message) => ({ severity: "warning" as const, code: "header-dropped" as const, message })),
    ...rest.problems.map((message) => ({ severity: "warning" as const, code: "metadata-refused" as const, message })),
  ];
  return {
    source: read.source,
    ...(read.resolved !== undefined ? { resolved: read.resolved } : {}),
    ...(read.size !== undefined ? { fileBytes: read.size } : {}),
    headerBytes: header.headerLength,
    tensors: header.tensors.size,
    ...rest,
    ...(thumbnail ? { thumbnail: { type: thumbnail.type, bytes: thumbnail.bytes } } : {}),
    metadata: header.metadata,
    diagnostics,
  };
}
