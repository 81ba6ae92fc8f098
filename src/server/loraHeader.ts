/**
 * `GET /api/lora/header?url=`: a LoRA's safetensors header for the editor, when the browser's own
 * Range read is refused (no CORS on the host). The read is the CLI's (src/interop/safetensors),
 * so the host allowlist is checked before any connection and on every redirect; the header is
 * capped at 1 MiB and the whole read at a time limit. Answers are kept in a small LRU so the
 * editor asking again (every reload, every node) costs no upstream request. See docs/server.md.
 */
import {
  headerReport,
  readRemoteHeader,
  RemoteHeaderError,
  type RangeFetch,
  type RemoteFailure,
} from "../interop/safetensors/index.ts";
import { sendJson, sendJsonError } from "./http.ts";
import type { Handler } from "./router.ts";

export const LORA_HEADER_PATH = "/api/lora/header";
/** A LoRA header larger than this is not a LoRA header (real ones are a few hundred KiB). */
export const MAX_LORA_HEADER_BYTES = 1024 * 1024;

export interface LoraHeaderOptions {
  /** The fetch used upstream; tests inject one that maps allowlisted URLs onto a local server. */
  fetch?: RangeFetch<AbortSignal>;
  timeoutMs?: number;
  /** Answers kept. Default 32 (each at most ~1 MiB of metadata). */
  cacheEntries?: number;
}

const STATUS: Record<RemoteFailure, [number, string]> = {
  url: [400, "bad_url"],
  host: [403, "host_not_allowed"],
  upstream: [502, "upstream_failed"],
  timeout: [504, "upstream_timeout"],
};

type Report = ReturnType<typeof headerReport>;

export function createLoraHeaderHandler(options: LoraHeaderOptions = {}): Handler {
  const fetchImpl = options.fetch ?? (globalThis.fetch as RangeFetch<AbortSignal>);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const max = options.cacheEntries ?? 32;
  // In-flight reads are shared too, so a burst of the same URL makes one upstream read.
  const cache = new Map<string, Promise<Report>>();

  async function load(url: string): Promise<Report> {
    // One deadline for the whole read (both ranges and every redirect), not one per request.
    const deadline = AbortSignal.timeout(timeoutMs);
    const read = await readRemoteHeader(fetchImpl, url, {
      signal: () => deadline,
      timeoutMs,
      maxHeaderBytes: MAX_LORA_HEADER_BYTES,
    });
    if (!read.result.ok)
      throw new RemoteHeaderError(`${url} is not a readable safetensors file: ${read.result.message}`, "upstream");
    return headerReport(read, read.result.header);
  }

  function cached(url: string): Promise<Report> {
    let hit = cache.get(url);
    if (hit) cache.delete(url);
    else {
      hit = load(url);
      hit.catch(() => cache.get(url) === hit && cache.delete(url));
    }
    cache.set(url, hit);
    while (cache.size > max) cache.delete(cache.keys().next().value as string);
    return hit;
  }

  return async (_req, res, ctx) => {
    const url = new URLSearchParams(ctx.search).get("url");
    if (!url) return sendJsonError(res, 400, "bad_url", "Give the LoRA's https URL as ?url=.");
    try {
      sendJson(res, 200, await cached(url));
    } catch (e) {
      if (!(e instanceof RemoteHeaderError)) throw e;
      const [status, code] = STATUS[e.kind];
      sendJsonError(res, status, code, e.message);
    }
  };
}
