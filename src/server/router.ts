/**
 * One router for every route of the server, behind one gate (docs/server.md#routes).
 *
 * Adding a route is one line, and the line cannot skip the gate:
 *
 *   router.add("GET", "/api/lora/header", handleLoraHeader);
 *   router.add(["GET", "PUT"], "/api/workspace/*", handleWorkspace, { budget: "poll" });
 *
 * A path ending in `/*` matches everything below it (longest prefix wins); any other path
 * matches exactly. Handlers get the request, the response and what the gate learnt.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJsonError, type Logger } from "./http.ts";
import type { Budget, Gate, GateRoute, RequestContext } from "./gate/index.ts";

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => void | Promise<void>;

export interface RouteOptions {
  /** Which token bucket the request draws from. Default "poll"; money-spending routes say "submit". */
  budget?: GateRoute["budget"];
  /** GET/HEAD may be read cross-origin (public files). Default false. */
  publicReads?: boolean;
}

interface Route extends GateRoute {
  path: string;
  handle: Handler;
}

export interface Router {
  add(methods: string | readonly string[], path: string, handle: Handler, options?: RouteOptions): void;
  /** The node:http request listener. */
  dispatch(req: IncomingMessage, res: ServerResponse): void;
}

export function createRouter(gate: Gate, logger: Logger): Router {
  const exact = new Map<string, Route>();
  // Longest prefix first.
  let prefixes: Route[] = [];

  function find(path: string): Route | undefined {
    const hit = exact.get(path);
    if (hit) return hit;
    for (const r of prefixes) if (path.startsWith(r.path)) return r;
    return undefined;
  }

  function fail(res: ServerResponse, e: unknown): void {
    logger.error(`server: unhandled error: ${(e as Error)?.message ?? String(e)}`);
    sendJsonError(res, 500, "internal_error", "The server failed to handle this request.");
  }

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    if (!gate.hostAllowed(req)) {
      const host = req.headers.host;
      return sendJsonError(
        res,
        421,
        "host_not_allowed",
        host === undefined
          ? "A Host header is required."
          : `${JSON.stringify(host)} is not a name of this server; if it should be, add it to ALLOWED_HOSTS.`,
        { connection: "close" },
      );
    }
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q === -1 ? raw : raw.slice(0, q);
    const route = find(path);
    if (!route) return sendJsonError(res, 404, "not_found", `No route ${path}.`);
    const method = req.method ?? "";
    if (method === "OPTIONS" && !route.methods.includes("OPTIONS")) return gate.preflight(req, res, route);
    if (!route.methods.includes(method)) {
      const allow = route.methods.filter((m) => m !== "OPTIONS").join(", ");
      return sendJsonError(
        res,
        405,
        "method_not_allowed",
        `${method || "(none)"} is not supported here; use ${allow}.`,
        {
          allow,
        },
      );
    }
    const ctx: RequestContext = { path, search: q === -1 ? "" : raw.slice(q), client: gate.clientOf(req) };
    if (!gate.admit(req, res, route, ctx)) return;
    try {
      const done = route.handle(req, res, ctx);
      if (done) done.catch((e: unknown) => fail(res, e));
    } catch (e) {
      fail(res, e);
    }
  }

  return {
    add(methods, path, handle, options = {}) {
      const route: Route = {
        path: path.endsWith("/*") ? path.slice(0, -1) : path,
        methods: typeof methods === "string" ? [methods] : [...methods],
        handle,
        budget: options.budget ?? ("poll" satisfies Budget),
        publicReads: options.publicReads ?? false,
      };
      if (!path.endsWith("/*")) {
        if (exact.has(path)) throw new Error(`route ${path} is registered twice`);
        exact.set(path, route);
      } else {
        if (prefixes.some((r) => r.path === route.path)) throw new Error(`route ${path} is registered twice`);
        prefixes = [...prefixes, route].sort((a, b) => b.path.length - a.path.length);
      }
    },
    dispatch,
  };
}
