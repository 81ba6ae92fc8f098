/**
 * The single Node process behind `npm start` (docs/server.md): the built editor, `/api/info`,
 * the fal proxy and, when no FAL_KEY is configured (or FAL_STANDIN=1), the offline stand-in.
 * Every route is registered on one router behind one gate (router.ts, gate/).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { BodyBudget, DEFAULT_BODY_TIMING, type BodyRules } from "./body.ts";
import { DEFAULT_CONNECTION_LIMITS, guardConnections, type ConnectionLimits } from "./connections.ts";
import { clientKeyOf, isTrustedPeer, parseTrustedProxies } from "./gate/clientKey.ts";
import { createHostCheck } from "./gate/hosts.ts";
import { createGate } from "./gate/index.ts";
import { consoleLogger, redactingLogger, sendJson, sendJsonError, type Logger } from "./http.ts";
import { DEFAULT_LIMITS, PROXY_PATH, createProxy, type ProxyLimits, type UpstreamFetch } from "./proxy/index.ts";
import { createLoraHeaderHandler, LORA_HEADER_PATH, type LoraHeaderOptions } from "./loraHeader.ts";
import { createRouter, type Handler, type Router } from "./router.ts";
import { createStandin, type Standin, type StandinOptions } from "./standin/index.ts";
import { createStaticHandler } from "./static.ts";
import type { Workspace } from "./workspace/index.ts";

export interface BodyLimits {
  /** Bytes of request bodies held at once across all requests (503 beyond). Default 64 MiB. */
  maxInFlightBytes: number;
  /** A body slower than this on average, after the grace period, is cut off (408). Default 16 KiB/s. */
  minBytesPerSecond: number;
  graceMs: number;
}

export interface AppOptions {
  /** The fal key. Without it the stand-in is used. */
  falKey?: string;
  /** Force the stand-in even when a key is present. */
  standin?: boolean;
  standinOptions?: StandinOptions;
  /** Built editor directory. Default `dist` in the working directory. */
  distDir?: string;
  limits?: Partial<ProxyLimits>;
  body?: Partial<BodyLimits>;
  connections?: Partial<ConnectionLimits>;
  /** Origins allowed cross-origin (PROXY_ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
  /** Extra Host names of this server (ALLOWED_HOSTS): `name` or `name:port`. */
  allowedHosts?: string[];
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY): addresses, CIDR ranges, `loopback`. */
  trustProxy?: string[];
  /** Public base URL (PUBLIC_URL) when it differs from the listen address. */
  publicUrl?: string;
  logger?: Logger;
  /** Upstream overrides for tests (see createProxy). */
  resolveUpstream?: (url: string) => string;
  fetch?: UpstreamFetch;
  /** The workspace folder's API (docs/components.md#the-workspace-api), opened by the caller. */
  workspace?: Workspace;
  /** The LoRA header route's upstream fetch, time limit and cache size (tests). */
  loraHeader?: LoraHeaderOptions;
  /** Slowloris guards (node:http). Defaults 10 s for headers, 60 s for a whole request. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface App {
  server: Server;
  backend: "standin" | "fal";
  standin: Standin | null;
  /** Start listening; resolves with the base URL (e.g. http://127.0.0.1:8787). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

interface RouteParts {
  proxy: Handler;
  proxyBudget: ReturnType<typeof createProxy>["budgetOf"];
  standin: Standin | null;
  backend: App["backend"];
  serveStatic: Handler;
  body: Omit<BodyRules, "maxBytes">;
  workspace?: Workspace;
  loraHeader: Handler;
}

/** Every route of the server, in one place (docs/server.md#routes). */
function registerRoutes(router: Router, p: RouteParts): void {
  router.add(["GET", "POST", "PUT"], PROXY_PATH, p.proxy, { budget: p.proxyBudget });
  router.add(["GET", "HEAD"], "/api/info", (_req, res) =>
    // `workspace`: the editor lists and saves the workspace folder (docs/components.md#in-the-editor).
    sendJson(res, 200, { backend: p.backend, proxyPath: PROXY_PATH, workspace: !!p.workspace }),
  );
  router.add("GET", LORA_HEADER_PATH, p.loraHeader);
  router.add(ANY_METHOD, "/api/*", (_req, res, ctx) =>
    sendJsonError(res, 404, "not_found", `No API route ${ctx.path}.`),
  );
  p.standin?.register(router, p.body);
  p.workspace?.register(router, p.body);
  router.add(["GET", "HEAD"], "/*", p.serveStatic);
}

export function createApp(options: AppOptions = {}): App {
  const falKey = options.falKey && options.falKey.length > 0 ? options.falKey : undefined;
  const useStandin = options.standin === true || falKey === undefined;
  const logger = redactingLogger(options.logger ?? consoleLogger, [falKey]);
  const standin = useStandin ? createStandin({ logger, ...options.standinOptions }) : null;
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const trusted = options.trustProxy?.length ? parseTrustedProxies(options.trustProxy) : null;
  const bodyLimits = { maxInFlightBytes: 64 * 1024 * 1024, ...DEFAULT_BODY_TIMING, ...options.body };
  const body = { ...bodyLimits, budget: new BodyBudget(bodyLimits.maxInFlightBytes) };
  const gate = createGate({
    allowedOrigins: options.allowedOrigins,
    rateLimit: limits.rateLimit,
    trustedProxies: trusted,
    logger,
  });
  const proxy = createProxy({
    // The stand-in never needs the key; keep it out of that path entirely.
    falKey: standin ? undefined : falKey,
    fetch: standin ? standin.fetch : options.fetch,
    resolveUpstream: options.resolveUpstream,
    limits,
    body,
    logger,
  });
  const router = createRouter(gate, logger);
  const backend = standin ? "standin" : "fal";
  registerRoutes(router, {
    // Injected "offline": the fal side behaves like an unreachable network.
    proxy: standin
      ? (req, res) => (standin.isOffline() ? void req.socket.destroy() : proxy.handle(req, res))
      : proxy.handle,
    proxyBudget: proxy.budgetOf,
    standin,
    backend,
    serveStatic: createStaticHandler(options.distDir ?? resolve("dist")),
    body,
    workspace: options.workspace,
    loraHeader: createLoraHeaderHandler(options.loraHeader),
  });

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  // Node only checks these timeouts every connectionsCheckingInterval (30 s by default).
  const checkEvery = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  const server = createServer({ maxHeaderSize: 32 * 1024, connectionsCheckingInterval: checkEvery }, router.dispatch);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = options.requestTimeoutMs ?? 60_000;
  // A trusted proxy's connections carry many clients: only the total cap applies to them.
  const socketClient = (s: { remoteAddress?: string }) =>
    isTrustedPeer(trusted, s.remoteAddress) ? null : clientKeyOf(s.remoteAddress);
  guardConnections(server, { ...DEFAULT_CONNECTION_LIMITS, ...options.connections }, socketClient, logger);

  return {
    server,
    backend,
    standin,
    listen(port = 8787, host = "127.0.0.1") {
      return new Promise((resolvePromise, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const addr = server.address() as AddressInfo;
          const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
          const url = `http://${h === "0.0.0.0" || h === "[::]" ? "127.0.0.1" : h}:${addr.port}`;
          const publicUrl = options.publicUrl ?? url;
          gate.setHostCheck(
            createHostCheck({ listenHost: host, port: addr.port, allowedHosts: options.allowedHosts, publicUrl }),
          );
          standin?.setBaseUrl(publicUrl);
          options.workspace?.setRemote(!isLoopbackHost(host));
          resolvePromise(url);
        });
      });
    },
    close() {
      standin?.close();
      options.workspace?.close();
      return new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: listening there keeps the server to this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
