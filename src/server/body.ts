/**
 * Reading request bodies without letting slow or stalled clients pin memory (PRX-08,
 * docs/server.md#bodies).
 *
 * - Every body has its own cap (413).
 * - All bodies being read or held at once share one byte budget: a request that would go past
 *   it is refused (503) instead of growing the heap. A declared length is reserved up front;
 *   chunked bodies reserve chunk by chunk. The bytes stay reserved until the response closes,
 *   since the handler keeps them that long (the proxy sends them upstream).
 * - A body must keep arriving at a minimum rate after a short grace, not just finish within the
 *   request timeout: one dripping a byte a second is cut off with 408.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJsonError } from "./http.ts";

export interface BodyRules {
  /** This body's cap. */
  maxBytes: number;
  /** The shared in-flight budget. */
  budget: BodyBudget;
  /** Minimum average arrival rate after the grace period. */
  minBytesPerSecond: number;
  graceMs: number;
}

export const DEFAULT_BODY_TIMING = { minBytesPerSecond: 16 * 1024, graceMs: 5_000 };

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes.`);
  }
}
export class BodyBudgetError extends Error {
  constructor() {
    super("The server is holding too many request bodies; retry shortly.");
  }
}
export class BodyTooSlowError extends Error {
  constructor(readonly minBytesPerSecond: number) {
    super(`The request body arrived slower than ${minBytesPerSecond} bytes per second.`);
  }
}

/** Bytes of request bodies the server holds at once, across all requests. */
export class BodyBudget {
  private used = 0;
  constructor(readonly capacity: number) {}
  get inFlight(): number {
    return this.used;
  }
  reserve(bytes: number): boolean {
    if (this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/**
 * Read a whole request body under `rules`. The reservation is released when `res` closes.
 * Rejects with BodyTooLargeError, BodyBudgetError, BodyTooSlowError or a plain Error (aborted).
 */
export function readBody(req: IncomingMessage, res: ServerResponse, rules: BodyRules): Promise<Buffer> {
  let reserved = 0;
  res.once("close", () => rules.budget.release(reserved));
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    const n = Number(declared);
    if (n > rules.maxBytes) return Promise.reject(new BodyTooLargeError(rules.maxBytes));
    if (!rules.budget.reserve(n)) return Promise.reject(new BodyBudgetError());
    reserved = n;
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const started = Date.now();
    let total = 0;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", finish).off("aborted", onAborted);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, total));
    };
    const onData = (c: Buffer) => {
      total += c.length;
      if (total > rules.maxBytes) return finish(new BodyTooLargeError(rules.maxBytes));
      if (total > reserved) {
        if (!rules.budget.reserve(total - reserved)) return finish(new BodyBudgetError());
        reserved = total;
      }
      chunks.push(c);
    };
    const onEnd = () => finish(null);
    const onAborted = () => finish(new Error("Client aborted the request body."));
    // The deadline for what has arrived so far; checked when the timer fires, never per chunk.
    const check = () => {
      const due = started + rules.graceMs + (total / rules.minBytesPerSecond) * 1000;
      const left = due - Date.now();
      if (left <= 0) return finish(new BodyTooSlowError(rules.minBytesPerSecond));
      timer = setTimeout(check, left);
    };
    timer = setTimeout(check, rules.graceMs);
    req.on("data", onData).on("end", onEnd).on("error", finish).on("aborted", onAborted);
  });
}

/**
 * Answer a readBody failure: 413, 503 or 408 JSON, with `connection: close` since the rest of
 * the body is never read; anything else (the client went away) just closes.
 */
export function answerBodyError(res: ServerResponse, e: unknown, limitName = "body"): void {
  const close = { connection: "close" };
  if (e instanceof BodyTooLargeError) {
    sendJsonError(res, 413, "body_too_large", `Request ${limitName} exceeds the ${e.limit}-byte limit.`, close);
  } else if (e instanceof BodyBudgetError) {
    sendJsonError(res, 503, "server_busy", e.message, { ...close, "retry-after": "1" });
  } else if (e instanceof BodyTooSlowError) {
    sendJsonError(res, 408, "body_too_slow", e.message, close);
  } else res.destroy();
}
