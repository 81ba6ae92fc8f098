/**
 * Reads only the header of a .safetensors file, from disk or over https: first a 64 KiB prefix
 * (most LoRA headers fit), then, if the header says it is longer, exactly the bytes it needs.
 * URLs go through the allowlist of src/interop/safetensors on every redirect, with `Range`
 * requests and no credentials; whatever a server sends, reading stops at the bytes wanted.
 */
import {
  checkLoraUrl,
  checkRedirect,
  DEFAULT_MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  type HeaderResult,
  type UrlCheck,
} from "../interop/safetensors";
import { InputError, type CliIO } from "./io";

/** Enough for most LoRA headers in one read. */
const FIRST_READ = 64 * 1024;
const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 30_000;

export interface HeaderSource {
  /** The file name or URL as given. */
  source: string;
  /** The file's size when known. */
  size?: number;
  result: HeaderResult;
}

export const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

async function readHeader(
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

/** A local file or standard input ("-"). */
export function readLocalHeader(
  io: CliIO,
  path: string,
  maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES,
): Promise<HeaderSource> {
  if (!io.readPrefix) throw new InputError("this build of the CLI cannot read part of a file");
  return readHeader((n) => io.readPrefix!(path, n), path, maxHeaderBytes);
}

/** `Content-Range: bytes 0-65535/123456789` → 123456789. */
function totalOf(res: Response): number | undefined {
  const range = /\/(\d+)\s*$/.exec(res.headers.get("content-range") ?? "");
  if (range) return Number(range[1]);
  const length = res.status === 200 ? Number(res.headers.get("content-length")) : NaN;
  return Number.isFinite(length) ? length : undefined;
}

/** At most `want` bytes of the body; the rest is never read. */
async function readBody(res: Response, want: number): Promise<Uint8Array> {
  const out = new Uint8Array(want);
  let got = 0;
  const reader = res.body?.getReader();
  if (!reader) return out.subarray(0, 0);
  try {
    while (got < want) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, want - got);
      out.set(value.subarray(0, take), got);
      got += take;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out.subarray(0, got);
}

function explainStatus(res: Response, host: string): string {
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
async function rangeGet(
  fetchImpl: typeof fetch,
  start: UrlCheck & { ok: true },
  want: number,
  signal: AbortSignal,
): Promise<{ bytes: Uint8Array; size?: number }> {
  let at = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: Response;
    try {
      res = await fetchImpl(at.url.href, {
        headers: { Range: `bytes=0-${want - 1}` },
        redirect: "manual",
        signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
    } catch (err) {
      const e = err as Error;
      const why = e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : e.message;
      throw new InputError(`cannot read ${at.url.href}: ${why}`);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get("location");
      if (!location) throw new InputError(`${at.url.hostname} answered ${res.status} without a Location`);
      const next = checkRedirect(at, location);
      if (!next.ok) throw new InputError(`cannot read ${start.url.href}: ${next.reason}`);
      at = next;
      continue;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel().catch(() => {});
      throw new InputError(`cannot read ${start.url.href}: ${explainStatus(res, at.url.hostname)}`);
    }
    const size = totalOf(res);
    return { bytes: await readBody(res, want), ...(size !== undefined ? { size } : {}) };
  }
  throw new InputError(`cannot read ${start.url.href}: more than ${MAX_REDIRECTS} redirects`);
}

export function readRemoteHeader(
  fetchImpl: typeof fetch,
  url: string,
  signal: AbortSignal,
  maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES,
): Promise<HeaderSource> {
  const start = checkLoraUrl(url);
  if (!start.ok) throw new InputError(`cannot read ${url}: ${start.reason}`);
  return readHeader((n) => rangeGet(fetchImpl, start, n, signal), url, maxHeaderBytes);
}
