/**
 * Relaying fal's answer to the browser (docs/server.md#how-the-proxy-answers).
 *
 * `text/event-stream` (the status stream) and answers over 256 KiB stream through as they
 * arrive; everything else (polls, submits, errors) is read whole and written once with a
 * content-length: one write instead of headers, chunk and terminator apart, which was most of
 * the proxy's per-poll cost. An answer over the response cap gets 502 if nothing was sent yet;
 * a stream crossing it is cut.
 */
import type { ServerResponse } from "node:http";
import type { AllowedTarget } from "../allowlist.ts";
import { sendJsonError, type Logger } from "../http.ts";
import { responseHeaders } from "./headers.ts";

/** Non-SSE answers up to this size are buffered and sent with a content-length. */
export const BUFFERED_BYTES = 256 * 1024;

export interface RelayDeps {
  maxResponseBytes: number;
  logger: Logger;
  /** Aborts the upstream call. */
  abortUpstream: () => void;
}

type Reader = ReadableStreamDefaultReader<Uint8Array>;

function tooLarge(res: ServerResponse, target: AllowedTarget, deps: RelayDeps, why: string): void {
  deps.logger.warn(`proxy: upstream ${target.op} ${why}, over the ${deps.maxResponseBytes}-byte limit; refused`);
  sendJsonError(res, 502, "upstream_too_large", `fal's answer exceeds the ${deps.maxResponseBytes}-byte limit.`);
}

function stop(deps: RelayDeps, reader: Reader): void {
  deps.abortUpstream();
  reader.cancel().catch(() => {});
}

/** Read a small answer whole; `done: false` when it outgrew `limit` (the caller streams the rest). */
async function readSmall(
  reader: Reader,
  limit: number,
): Promise<{ chunks: Uint8Array[]; bytes: number; done: boolean }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, bytes, done: true };
    bytes += value.byteLength;
    chunks.push(value);
    if (bytes > limit) return { chunks, bytes, done: false };
  }
}

async function stream(res: ServerResponse, reader: Reader, sent: number, target: AllowedTarget, deps: RelayDeps) {
  let relayed = sent;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    relayed += value.byteLength;
    if (relayed > deps.maxResponseBytes) {
      deps.logger.warn(`proxy: upstream ${target.op} response exceeded ${deps.maxResponseBytes} bytes; cut`);
      stop(deps, reader);
      res.destroy();
      return;
    }
    if (res.destroyed) return stop(deps, reader);
    res.write(value);
  }
  res.end();
}

/** Relay `response` (already known not to be a redirect) to `res`. */
export async function relay(res: ServerResponse, response: Response, target: AllowedTarget, deps: RelayDeps) {
  const headers = responseHeaders(response.headers);
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > deps.maxResponseBytes) {
    await response.body.cancel().catch(() => {});
    return tooLarge(res, target, deps, `announced ${declared} bytes`);
  }
  const reader = response.body.getReader();
  try {
    const sse = (response.headers.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream");
    const bufferLimit = Math.min(BUFFERED_BYTES, deps.maxResponseBytes);
    let head: Uint8Array[] = [];
    let sent = 0;
    if (!sse && declared <= bufferLimit) {
      const small = await readSmall(reader, bufferLimit);
      if (small.done) {
        headers["content-length"] = String(small.bytes);
        res.writeHead(response.status, headers);
        res.end(small.chunks.length === 1 ? small.chunks[0] : Buffer.concat(small.chunks, small.bytes));
        return;
      }
      if (small.bytes > deps.maxResponseBytes) {
        stop(deps, reader);
        return tooLarge(res, target, deps, "answered more bytes than allowed");
      }
      // Larger than announced (or unannounced): stream the rest.
      head = small.chunks;
      sent = small.bytes;
    }
    res.writeHead(response.status, headers);
    // SSE must reach the browser as events happen, not when a buffer fills.
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    for (const chunk of head) res.write(chunk);
    await stream(res, reader, sent, target, deps);
  } catch (e) {
    if (!res.destroyed) deps.logger.warn(`proxy: upstream ${target.op} stream broke: ${describeError(e)}`);
    stop(deps, reader);
    res.destroy();
  }
}

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code =
      cause && typeof cause === "object" && "code" in cause ? ` (${String((cause as { code: unknown }).code)})` : "";
    return `${e.name}: ${e.message}${code}`;
  }
  return String(e);
}
