/**
 * The gate every request passes before any route handler runs (docs/server.md#the-gate):
 *
 *   1. Host names this server (PRX-06, DNS rebinding)               → 421
 *   2. the route exists and takes the method                         → 404 / 405
 *   3. Origin is ours or configured (PRX-03, PRX-09)                 → 403
 *   4. GET and HEAD carry no body (PRX-08)                           → 400
 *   5. the client's budget has a token (PRX-04, PRX-10)              → 429 + Retry-After
 *
 * The router (router.ts) is the only caller, so a route cannot be reached around it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJsonError, type Logger } from "../http.ts";
import { ThrottledLog, TokenBuckets, type BucketConfig } from "../rateLimit.ts";
import { createClientOf, type ClientOf } from "./clientKey.ts";
import type { HostCheck } from "./hosts.ts";
import type { BlockList } from "node:net";

export type Budget = "submit" | "poll";

export interface RateLimits {
  submit: BucketConfig;
  poll: BucketConfig;
}

export interface GateOptions {
  /** Origins allowed cross-origin (PROXY_ALLOWED_ORIGINS). Same-origin is always allowed. */
  allowedOrigins?: readonly string[];
  /** Per-client token buckets; false disables limiting. */
  rateLimit: false | RateLimits;
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY). */
  trustedProxies?: BlockList | null;
  logger: Logger;
}

/** What a route tells the gate about itself. */
export interface GateRoute {
  methods: readonly string[];
  budget: Budget | ((req: IncomingMessage) => Budget);
  /** GET/HEAD may come from any origin (public files, like a CDN's). Writes never may. */
  publicReads: boolean;
}

/** What a handler learns from the gate. */
export interface RequestContext {
  /** The path, without the query. */
  path: string;
  /** The query with its `?`, or "". */
  search: string;
  /** The client key (see clientKey.ts). */
  client: string;
}

export interface Gate {
  /** Called once the server listens and its port is known; until then every Host is refused. */
  setHostCheck(check: HostCheck): void;
  hostAllowed(req: IncomingMessage): boolean;
  /** Steps 3–5 for a request whose route and method are known. Answers and returns false on refusal. */
  admit(req: IncomingMessage, res: ServerResponse, route: GateRoute, ctx: RequestContext): boolean;
  /** Answers a CORS preflight for the route. */
  preflight(req: IncomingMessage, res: ServerResponse, route: GateRoute): void;
  clientOf: ClientOf;
}

const READS = new Set(["GET", "HEAD"]);

export function createGate(options: GateOptions): Gate {
  let hostCheck: HostCheck = () => false;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const clientOf = createClientOf(options.trustedProxies ?? null);
  const buckets = options.rateLimit
    ? { submit: new TokenBuckets(options.rateLimit.submit), poll: new TokenBuckets(options.rateLimit.poll) }
    : null;
  const limitLog = new ThrottledLog();

  /** "same": our own origin (or none sent); "configured": PROXY_ALLOWED_ORIGINS; "foreign": anything else. */
  function originKind(req: IncomingMessage): "same" | "configured" | "foreign" {
    const origin = req.headers.origin;
    if (origin === undefined) return "same";
    if (allowedOrigins.has(origin)) return "configured";
    // The Host was checked first, so an Origin equal to it is really ours (no rebinding).
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`) ? "same" : "foreign";
  }

  function refuseOrigin(res: ServerResponse, origin: string | undefined): false {
    sendJsonError(res, 403, "origin_not_allowed", `Origin ${origin} may not use this server.`);
    return false;
  }

  function rateLimited(req: IncomingMessage, res: ServerResponse, route: GateRoute, client: string): boolean {
    if (!buckets) return false;
    const budget = typeof route.budget === "function" ? route.budget(req) : route.budget;
    const verdict = buckets[budget].take(client);
    if (verdict.allowed) return false;
    const suppressed = limitLog.shouldLog(`${budget} ${client}`);
    if (suppressed !== null) {
      const more = suppressed > 0 ? ` (${suppressed} more refusals for this client not logged)` : "";
      options.logger.warn(`gate: rate limit (${budget}) for ${client}${more}`);
    }
    sendJsonError(res, 429, "rate_limited", `Too many ${budget} requests; retry in ${verdict.retryAfterSeconds} s.`, {
      "retry-after": String(verdict.retryAfterSeconds),
    });
    return true;
  }

  return {
    clientOf,
    setHostCheck(check) {
      hostCheck = check;
    },
    hostAllowed(req) {
      return hostCheck(req.headers.host);
    },
    admit(req, res, route, ctx) {
      const method = req.method ?? "";
      const kind = originKind(req);
      const publicRead = route.publicReads && READS.has(method);
      if (kind === "foreign" && !publicRead) return refuseOrigin(res, req.headers.origin);
      if (READS.has(method) && hasBody(req)) {
        sendJsonError(res, 400, "body_not_allowed", `A ${method} request carries no body.`, { connection: "close" });
        return false;
      }
      if (rateLimited(req, res, route, ctx.client)) return false;
      if (publicRead) res.setHeader("access-control-allow-origin", "*");
      else if (kind === "configured") {
        res.setHeader("access-control-allow-origin", req.headers.origin!);
        res.setHeader("vary", "origin");
      }
      return true;
    },
    preflight(req, res, route) {
      const origin = req.headers.origin;
      const kind = originKind(req);
      const wanted = String(req.headers["access-control-request-method"] ?? "GET").toUpperCase();
      const publicRead = route.publicReads && READS.has(wanted);
      if (origin === undefined || (kind !== "configured" && !publicRead)) {
        return void sendJsonError(res, 403, "origin_not_allowed", `Cross-origin use is not enabled for ${origin}.`);
      }
      const methods = route.methods.filter((m) => m !== "OPTIONS");
      res.writeHead(204, {
        "access-control-allow-origin": kind === "configured" ? origin : "*",
        "access-control-allow-methods": (kind === "configured" ? methods : methods.filter((m) => READS.has(m))).join(
          ", ",
        ),
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type",
        "access-control-max-age": "600",
        vary: "origin",
      });
      res.end();
    },
  };
}

/** HTTP/1.1 framing: a body exists when a non-zero length or a transfer coding is announced. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}
