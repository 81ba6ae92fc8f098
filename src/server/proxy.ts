/**
 * The fal proxy route (`/api/fal/proxy`), plain node:http.
 *
 * The browser's @fal-ai/client sends every queue/storage call here with the real fal URL in
 * `x-fal-target-url`. We forward only allowlisted fal-ai/lora operations, attach the server's
 * key ourselves and pass the answer back as a stream (the status endpoint is SSE).
 * The upstream is injectable (`fetch`, `resolveUpstream`) so tests can use a local spy and the
 * offline stand-in can answer in-process behind the very same policy.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_REQUEST_BYTES } from "../graph/urls.ts";
import { classifyTarget, type AllowedTarget, type FalOperation } from "./allowlist.ts";
import {
  BodyTooLargeError,
  HOP_BY_HOP,
  type Logger,
  consoleLogger,
  readBody,
  redactingLogger,
  sendJsonError,
} from "./http.ts";
import { TokenBuckets, type BucketConfig } from "./rateLimit.ts";

export const PROXY_PATH = "/api/fal/proxy";
export const TARGET_URL_HEADER = "x-fal-target-url";

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  signal: AbortSignal;
  redirect: "manual";
  /** The classified operation, for in-process upstreams like the stand-in. */
  target: AllowedTarget;
}

/** Anything shaped like fetch; the stand-in implements it in-process. */
export type UpstreamFetch = (url: string, init: UpstreamInit) => Promise<Response>;

export interface ProxyLimits {
  /** Largest request body accepted (data URIs travel inline). Default 8 MiB. */
  maxBodyBytes: number;
  /** Deadline for upstream connect + response headers. Default 30 s. A live stream is never cut by it. */
  upstreamTimeoutMs: number;
  /** Largest upstream response body relayed. Default 64 MiB. */
  maxResponseBytes: number;
  /** Per-client budgets; `false` disables limiting. */
  rateLimit: false | { submit: BucketConfig; poll: BucketConfig };
}

export const DEFAULT_LIMITS: ProxyLimits = {
  // The editor's compiler refuses requests above the same size, naming the inline image at fault.
  maxBodyBytes: MAX_REQUEST_BYTES,
  upstreamTimeoutMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
  rateLimit: {
    // Submits cost money: a small burst, then one every 3 s.
    submit: { capacity: 20, refillPerSecond: 1 / 3 },
    // fal.subscribe polls every 500 ms per job; leave room for several tabs and client retries.
    poll: { capacity: 200, refillPerSecond: 20 },
  },
};

export interface ProxyOptions {
  /** The fal key sent upstream as `Authorization: Key …`. Required unless an in-process upstream is used. */
  falKey?: string;
  /** Map an allowed fal URL to the URL actually fetched (tests point it at a spy). Default: identity. */
  resolveUpstream?: (url: string, target: AllowedTarget) => string;
  fetch?: UpstreamFetch;
  limits?: Partial<ProxyLimits>;
  logger?: Logger;
  /** Extra origins allowed cross-origin (CORS). Default none: same-origin only. */
  allowedOrigins?: string[];
  /** Rate-limit key for a request. Default: the socket's remote address. */
  clientKey?: (req: IncomingMessage) => string;
}

export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const EMPTY = Buffer.alloc(0);

/**
 * Non-SSE upstream answers up to this size are buffered and sent with a content-length; larger
 * ones (results with inline images) stream through as they arrive. Below maxResponseBytes.
 */
const BUFFERED_BYTES = 256 * 1024;

const SUBMIT_OPS: ReadonlySet<FalOperation> = new Set([
  "submit",
  "run",
  "upload",
  "uploadMultipart",
  "completeMultipart",
]);

/** Marker an in-process upstream can throw to make the proxy drop the client connection. */
export interface DropConnectionSignal {
  dropClientConnection: true;
}
function isDropSignal(e: unknown): e is DropConnectionSignal {
  return typeof e === "object" && e !== null && (e as DropConnectionSignal).dropClientConnection === true;
}

const defaultFetch: UpstreamFetch = (url, init) =>
  fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body as BodyInit | undefined,
    signal: init.signal,
    redirect: init.redirect,
  });

/**
 * Build the proxy request handler.
 * @example
 * const handle = createProxy({ falKey: process.env.FAL_KEY });
 * http.createServer((req, res) => req.url?.startsWith(PROXY_PATH) ? handle(req, res) : next(req, res));
 */
export function createProxy(options: ProxyOptions): ProxyHandler {
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = redactingLogger(options.logger ?? consoleLogger, [options.falKey]);
  const upstreamFetch = options.fetch ?? defaultFetch;
  const resolveUpstream = options.resolveUpstream ?? ((u: string) => u);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const clientKey = options.clientKey ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? "unknown");
  const limitLog = new ThrottledLog();
  const deadlines = new Deadlines(limits.upstreamTimeoutMs);
  const classify = memoClassify(512);
  const buckets = limits.rateLimit
    ? { submit: new TokenBuckets(limits.rateLimit.submit), poll: new TokenBuckets(limits.rateLimit.poll) }
    : null;

  function corsHeaders(origin: string | undefined): Record<string, string> {
    if (!origin || !allowedOrigins.has(origin)) return {};
    return { "access-control-allow-origin": origin, vary: "origin" };
  }

  /** Same-origin requests, or origins explicitly configured, may use the proxy. */
  function originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (allowedOrigins.has(origin)) return true;
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "").toUpperCase();
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    if (method === "OPTIONS") {
      if (origin && allowedOrigins.has(origin)) {
        res.writeHead(204, {
          ...corsHeaders(origin),
          "access-control-allow-methods": "GET, POST, PUT",
          "access-control-allow-headers":
            req.headers["access-control-request-headers"] ?? "content-type, accept, x-fal-target-url",
          "access-control-max-age": "600",
        });
        res.end();
        return;
      }
      return sendJsonError(
        res,
        403,
        "origin_not_allowed",
        "Cross-origin use of the proxy is not enabled for this origin.",
      );
    }
    if (method !== "GET" && method !== "POST" && method !== "PUT") {
      return sendJsonError(
        res,
        405,
        "method_not_allowed",
        `Method ${method || "(none)"} is not supported; use GET, POST or PUT.`,
        {
          allow: "GET, POST, PUT",
        },
      );
    }
    if (!originAllowed(req)) {
      return sendJsonError(res, 403, "origin_not_allowed", `Origin ${origin} may not use this proxy.`);
    }
    const cors = corsHeaders(origin);

    // One pass over the raw header list: refuse repeated x-fal-* headers (Node would join them
    // as "a, b"; refuse rather than guess) and pick the few that are forwarded upstream.
    const headers: Record<string, string> = {};
    let rawTarget: string | undefined;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (name.startsWith("x-fal-")) {
        if (name === TARGET_URL_HEADER ? rawTarget !== undefined : headers[name] !== undefined) {
          return sendJsonError(res, 400, "duplicate_header", `Header ${name} was sent more than once.`, cors);
        }
        if (name === TARGET_URL_HEADER) rawTarget = raw[i + 1];
        else headers[name] = raw[i + 1];
      } else if ((name === "content-type" || name === "accept") && headers[name] === undefined) {
        headers[name] = raw[i + 1];
      }
    }
    const decision = classify(rawTarget, method);
    if (!decision.ok) {
      logger.warn(`proxy: refused ${method} target (${decision.code}): ${decision.message}`);
      return sendJsonError(res, decision.status, decision.code, decision.message, cors);
    }
    const target = decision;

    if (buckets) {
      const budget = SUBMIT_OPS.has(target.op) ? "submit" : "poll";
      const verdict = buckets[budget].take(clientKey(req));
      if (!verdict.allowed) {
        const suppressed = limitLog.shouldLog(`${budget} ${clientKey(req)}`);
        if (suppressed !== null) {
          logger.warn(
            `proxy: rate limit (${budget}) for ${target.op}${suppressed > 0 ? ` (${suppressed} more refusals for this client not logged)` : ""}`,
          );
        }
        return sendJsonError(
          res,
          429,
          "rate_limited",
          `Too many ${budget} requests; retry in ${verdict.retryAfterSeconds} s.`,
          {
            ...cors,
            "retry-after": String(verdict.retryAfterSeconds),
          },
        );
      }
    }

    let body: Buffer = EMPTY;
    try {
      // HTTP/1.1 framing: without content-length or transfer-encoding there is no body (status
      // polls), so skip waiting a tick for an 'end' event that carries nothing.
      if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) {
        body = await readBody(req, limits.maxBodyBytes);
      }
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        // We stop reading mid-body, so the connection cannot be reused.
        return sendJsonError(
          res,
          413,
          "body_too_large",
          `Request body exceeds the ${limits.maxBodyBytes}-byte limit.`,
          {
            ...cors,
            connection: "close",
          },
        );
      }
      res.destroy();
      return;
    }

    headers["accept-encoding"] = "identity";
    if (options.falKey) headers["authorization"] = `Key ${options.falKey}`;

    const upstream = new AbortController();
    let headersArrived = false;
    let timedOut = false;
    const timer = deadlines.add(() => {
      timedOut = true;
      upstream.abort();
    });
    // If the browser goes away (e.g. closes an SSE stream), stop the upstream call too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.abort();
    });

    let response: Response;
    const started = Date.now();
    try {
      response = await upstreamFetch(resolveUpstream(target.url, target), {
        method: target.method,
        headers,
        body: target.method === "GET" ? undefined : body,
        signal: upstream.signal,
        redirect: "manual",
        target,
      });
      headersArrived = true;
    } catch (e) {
      deadlines.cancel(timer);
      if (isDropSignal(e)) {
        res.destroy();
        return;
      }
      if (timedOut) {
        logger.warn(`proxy: upstream ${target.op} timed out after ${limits.upstreamTimeoutMs} ms`);
        return sendJsonError(
          res,
          504,
          "upstream_timeout",
          `fal did not answer within ${limits.upstreamTimeoutMs} ms.`,
          cors,
        );
      }
      if (res.destroyed) return;
      logger.warn(`proxy: upstream ${target.op} failed: ${describeError(e)}`);
      return sendJsonError(res, 502, "upstream_unreachable", "Could not reach fal.", cors);
    } finally {
      if (headersArrived) deadlines.cancel(timer);
    }

    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      logger.warn(`proxy: upstream ${target.op} answered a redirect (${response.status}); not followed`);
      return sendJsonError(
        res,
        502,
        "upstream_redirect",
        `fal answered with a redirect (${response.status}), which is not followed.`,
        cors,
      );
    }

    const outHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      const n = name.toLowerCase();
      if (
        HOP_BY_HOP.has(n) ||
        n === "content-length" ||
        n === "content-encoding" ||
        n === "set-cookie" ||
        n === "set-cookie2"
      )
        return;
      outHeaders[n] = value;
    });
    Object.assign(outHeaders, cors);
    // Polls arrive twice a second per job; only answers worth attention are logged.
    if (response.status >= 400) logger.info(`proxy: ${target.op} → ${response.status} (${Date.now() - started} ms)`);

    if (!response.body) {
      res.writeHead(response.status, outHeaders);
      res.end();
      return;
    }
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > limits.maxResponseBytes) {
      await response.body.cancel().catch(() => {});
      logger.warn(
        `proxy: upstream ${target.op} announced ${declared} bytes, over the ${limits.maxResponseBytes}-byte limit; refused`,
      );
      return sendJsonError(
        res,
        502,
        "upstream_too_large",
        `fal's answer exceeds the ${limits.maxResponseBytes}-byte limit.`,
        cors,
      );
    }
    // (No per-request closures here: under tsx every named one costs a defineProperty.)
    const reader = response.body.getReader();
    const pending: Uint8Array[] = [];
    let relayed = 0;
    try {
      const sse = (response.headers.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream");
      const bufferLimit = Math.min(BUFFERED_BYTES, limits.maxResponseBytes);
      if (!sse && declared <= bufferLimit) {
        // Small answers (status polls, submits, errors) are collected and written in one go
        // with a content-length: one syscall instead of headers, chunk and terminator apart.
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            outHeaders["content-length"] = String(relayed);
            res.writeHead(response.status, outHeaders);
            res.end(pending.length === 1 ? pending[0] : Buffer.concat(pending, relayed));
            return;
          }
          relayed += value.byteLength;
          pending.push(value);
          if (relayed > bufferLimit) break; // larger than announced (or unannounced): stream it
        }
        if (relayed > limits.maxResponseBytes) {
          // Nothing sent yet, so the browser can still get a proper answer.
          logger.warn(`proxy: upstream ${target.op} response exceeded ${limits.maxResponseBytes} bytes; cut`);
          stopUpstream(upstream, reader);
          return sendJsonError(
            res,
            502,
            "upstream_too_large",
            `fal's answer exceeds the ${limits.maxResponseBytes}-byte limit.`,
            cors,
          );
        }
      }
      res.writeHead(response.status, outHeaders);
      // SSE must reach the browser as events happen, not when a buffer fills.
      res.socket?.setNoDelay(true);
      res.flushHeaders();
      for (const chunk of pending) res.write(chunk);
      pending.length = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        relayed += value.byteLength;
        if (relayed > limits.maxResponseBytes) {
          logger.warn(`proxy: upstream ${target.op} response exceeded ${limits.maxResponseBytes} bytes; cut`);
          stopUpstream(upstream, reader);
          res.destroy();
          return;
        }
        if (res.destroyed) {
          stopUpstream(upstream, reader);
          return;
        }
        res.write(value);
      }
      res.end();
    } catch (e) {
      if (!res.destroyed) logger.warn(`proxy: upstream ${target.op} stream broke: ${describeError(e)}`);
      stopUpstream(upstream, reader);
      res.destroy();
    }
  }

  // Whatever went wrong, one bad request must never take the process down.
  const internalError = (res: ServerResponse, e: unknown) => {
    logger.error(`proxy: internal error: ${describeError(e)}`);
    sendJsonError(res, 500, "proxy_error", "The proxy failed to handle this request.");
  };
  // handle is async, so even a synchronous throw arrives here as a rejection.
  return (req, res) => handle(req, res).catch((e: unknown) => internalError(res, e));
}

/**
 * The allowlist decision for a (method, target) pair never changes, and a running job is polled
 * with the same target twice a second: remember the last few hundred allowed decisions instead
 * of re-parsing the URL each time. Refusals are not kept (hostile input must not fill the memo).
 */
function memoClassify(size: number): typeof classifyTarget {
  // One map per method, keyed by the raw target itself (no key string to build per request).
  const memos = new Map<string, Map<string, AllowedTarget>>();
  return (raw, method) => {
    if (raw === undefined) return classifyTarget(raw, method);
    let memo = memos.get(method);
    const hit = memo?.get(raw);
    if (hit) return hit;
    const decision = classifyTarget(raw, method);
    if (decision.ok) {
      // Shared across requests, so nobody may change it.
      Object.freeze(decision);
      if (!memo) memos.set(method, (memo = new Map()));
      if (memo.size >= size) memo.delete(memo.keys().next().value!);
      memo.set(raw, decision);
    }
    return decision;
  };
}

interface Deadline {
  at: number;
  onExpire: () => void;
}

/**
 * Upstream header deadlines. They all have the same length, so they expire in the order they
 * were set: one timer aimed at the oldest replaces a setTimeout/clearTimeout pair per request.
 */
class Deadlines {
  private readonly pending = new Set<Deadline>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(private readonly ms: number) {}

  add(onExpire: () => void): Deadline {
    const d = { at: Date.now() + this.ms, onExpire };
    this.pending.add(d);
    if (this.timer === null) this.arm(this.ms);
    return d;
  }

  cancel(d: Deadline): void {
    this.pending.delete(d);
  }

  private arm(delay: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), delay);
    // The requests waiting on it keep the process alive, not the timer.
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = null;
    const now = Date.now();
    for (const d of this.pending) {
      if (d.at > now) return this.arm(d.at - now);
      this.pending.delete(d);
      d.onExpire();
    }
  }
}

/**
 * One client hammering the limiter would otherwise write a log line per refused request (a
 * flood of its own): log the first refusal per key and window, then one line with the count.
 */
class ThrottledLog {
  private readonly seen = new Map<string, { until: number; suppressed: number }>();
  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** null: stay quiet; otherwise log now, mentioning how many refusals went unlogged. */
  shouldLog(key: string): number | null {
    const t = this.now();
    const e = this.seen.get(key);
    if (e && t < e.until) {
      e.suppressed += 1;
      return null;
    }
    const suppressed = e?.suppressed ?? 0;
    this.seen.delete(key);
    this.seen.set(key, { until: t + this.windowMs, suppressed: 0 });
    if (this.seen.size > this.maxKeys) {
      for (const [k, v] of this.seen) if (v.until <= t || this.seen.size > this.maxKeys) this.seen.delete(k);
    }
    return suppressed;
  }
}

function stopUpstream(upstream: AbortController, reader: ReadableStreamDefaultReader<Uint8Array>): void {
  upstream.abort();
  reader.cancel().catch(() => {});
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code =
      cause && typeof cause === "object" && "code" in cause ? ` (${String((cause as { code: unknown }).code)})` : "";
    return `${e.name}: ${e.message}${code}`;
  }
  return String(e);
}
