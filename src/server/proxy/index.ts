/**
 * The fal proxy route (`/api/fal/proxy`; docs/server.md#the-proxy).
 *
 * The browser's @fal-ai/client sends every queue/storage call here with the real fal URL in
 * `x-fal-target-url`. We forward only allowlisted fal-ai/lora operations, attach the server's
 * key ourselves and pass the answer back (the status endpoint is SSE). Host, Origin and the
 * per-client budgets are checked by the gate before this handler runs.
 * The upstream is injectable (`fetch`, `resolveUpstream`) so tests can use a local spy and the
 * offline stand-in can answer in-process behind the very same policy.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_REQUEST_BYTES } from "../../graph/urls.ts";
import type { AllowedTarget, FalOperation } from "../allowlist.ts";
import { answerBodyError, readBody, type BodyRules } from "../body.ts";
import { type Logger, consoleLogger, redactingLogger, sendJsonError } from "../http.ts";
import type { Budget, RateLimits } from "../gate/index.ts";
import { hasBody } from "../gate/index.ts";
import { memoClassify } from "./classifyMemo.ts";
import { Deadlines } from "./deadlines.ts";
import { collectRequestHeaders } from "./headers.ts";
import { describeError, relay } from "./relay.ts";

export { TARGET_URL_HEADER, FORWARDED_FAL_HEADERS } from "./headers.ts";

export const PROXY_PATH = "/api/fal/proxy";

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
  /** Per-client budgets (enforced by the gate); `false` disables limiting. */
  rateLimit: false | RateLimits;
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
  /** Body budget and timing shared with the rest of the server; the cap is limits.maxBodyBytes. */
  body: Omit<BodyRules, "maxBytes">;
  logger?: Logger;
}

export interface Proxy {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Which rate-limit budget a request draws from: submits and uploads cost money, the rest are polls. */
  budgetOf(req: IncomingMessage): Budget;
}

const EMPTY = Buffer.alloc(0);

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
 * Build the proxy. Register `handle` on PROXY_PATH with `budgetOf` as its budget.
 * @example router.add(["GET", "POST", "PUT"], PROXY_PATH, proxy.handle, { budget: proxy.budgetOf });
 */
export function createProxy(options: ProxyOptions): Proxy {
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = redactingLogger(options.logger ?? consoleLogger, [options.falKey]);
  const upstreamFetch = options.fetch ?? defaultFetch;
  const resolveUpstream = options.resolveUpstream ?? ((u: string) => u);
  const deadlines = new Deadlines(limits.upstreamTimeoutMs);
  const classify = memoClassify(512);
  const bodyRules: BodyRules = { ...options.body, maxBytes: limits.maxBodyBytes };

  /** Read the request body (none on GET). Answers and returns null on failure. */
  async function requestBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
    // Without content-length or transfer-encoding there is no body: skip waiting a tick for an
    // 'end' event that carries nothing.
    if (!hasBody(req)) return EMPTY;
    try {
      return await readBody(req, res, bodyRules);
    } catch (e) {
      answerBodyError(res, e);
      return null;
    }
  }

  /** Call fal under the header deadline. Answers the client and returns null on failure. */
  async function callUpstream(
    res: ServerResponse,
    target: AllowedTarget,
    headers: Record<string, string>,
    body: Buffer,
    upstream: AbortController,
  ): Promise<Response | null> {
    let timedOut = false;
    const timer = deadlines.add(() => {
      timedOut = true;
      upstream.abort();
    });
    try {
      return await upstreamFetch(resolveUpstream(target.url, target), {
        method: target.method,
        headers,
        body: target.method === "GET" ? undefined : body,
        signal: upstream.signal,
        redirect: "manual",
        target,
      });
    } catch (e) {
      if (isDropSignal(e)) res.destroy();
      else if (timedOut) {
        logger.warn(`proxy: upstream ${target.op} timed out after ${limits.upstreamTimeoutMs} ms`);
        sendJsonError(res, 504, "upstream_timeout", `fal did not answer within ${limits.upstreamTimeoutMs} ms.`);
      } else if (!res.destroyed) {
        logger.warn(`proxy: upstream ${target.op} failed: ${describeError(e)}`);
        sendJsonError(res, 502, "upstream_unreachable", "Could not reach fal.");
      }
      return null;
    } finally {
      deadlines.cancel(timer);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "";
    const collected = collectRequestHeaders(req.rawHeaders, req.headers.connection);
    if (!collected.ok) {
      const name = collected.duplicate;
      return sendJsonError(res, 400, "duplicate_header", `Header ${name} was sent more than once.`);
    }
    const decision = classify(collected.target, method);
    if (!decision.ok) {
      logger.warn(`proxy: refused ${method} target (${decision.code}): ${decision.message}`);
      return sendJsonError(res, decision.status, decision.code, decision.message);
    }
    const body = await requestBody(req, res);
    if (body === null) return;
    const headers = collected.headers;
    headers["accept-encoding"] = "identity";
    if (options.falKey) headers["authorization"] = `Key ${options.falKey}`;

    const upstream = new AbortController();
    // If the browser goes away (e.g. closes an SSE stream), stop the upstream call too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.abort();
    });
    const started = Date.now();
    const response = await callUpstream(res, decision, headers, body, upstream);
    if (!response) return;
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      logger.warn(`proxy: upstream ${decision.op} answered a redirect (${response.status}); not followed`);
      const message = `fal answered with a redirect (${response.status}), which is not followed.`;
      return sendJsonError(res, 502, "upstream_redirect", message);
    }
    // Polls arrive twice a second per job; only answers worth attention are logged.
    if (response.status >= 400) logger.info(`proxy: ${decision.op} → ${response.status} (${Date.now() - started} ms)`);
    await relay(res, response, decision, {
      maxResponseBytes: limits.maxResponseBytes,
      logger,
      abortUpstream: () => upstream.abort(),
    });
  }

  return {
    // Whatever went wrong, one bad request must never take the process down.
    handle: (req, res) =>
      handle(req, res).catch((e: unknown) => {
        logger.error(`proxy: internal error: ${describeError(e)}`);
        sendJsonError(res, 500, "proxy_error", "The proxy failed to handle this request.");
      }),
    budgetOf(req) {
      const target = req.headers["x-fal-target-url"];
      const decision = classify(typeof target === "string" ? target : undefined, req.method ?? "");
      return decision.ok && SUBMIT_OPS.has(decision.op) ? "submit" : "poll";
    },
  };
}
