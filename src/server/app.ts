/**
 * The single Node process behind `npm start`: built editor, `/api/info`, the fal proxy and,
 * when no FAL_KEY is configured (or FAL_STANDIN=1), the offline stand-in.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { consoleLogger, redactingLogger, sendJson, sendJsonError, type Logger } from "./http.ts";
import { PROXY_PATH, createProxy, type ProxyLimits } from "./proxy.ts";
import { createStandin, type Standin, type StandinOptions } from "./standin/index.ts";
import { createStaticHandler } from "./static.ts";

export interface AppOptions {
  /** The fal key. Without it the stand-in is used. */
  falKey?: string;
  /** Force the stand-in even when a key is present. */
  standin?: boolean;
  standinOptions?: StandinOptions;
  /** Built editor directory. Default `dist` in the working directory. */
  distDir?: string;
  limits?: Partial<ProxyLimits>;
  allowedOrigins?: string[];
  logger?: Logger;
  /** Upstream overrides for tests (see createProxy). */
  resolveUpstream?: (url: string) => string;
  fetch?: Parameters<typeof createProxy>[0]["fetch"];
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

export function createApp(options: AppOptions = {}): App {
  const falKey = options.falKey && options.falKey.length > 0 ? options.falKey : undefined;
  const useStandin = options.standin === true || falKey === undefined;
  const logger = redactingLogger(options.logger ?? consoleLogger, [falKey]);
  const standin = useStandin ? createStandin({ logger, ...options.standinOptions }) : null;
  const proxy = createProxy({
    // The stand-in never needs the key; keep it out of that path entirely.
    falKey: standin ? undefined : falKey,
    fetch: standin ? standin.fetch : options.fetch,
    resolveUpstream: options.resolveUpstream,
    limits: options.limits,
    logger,
    allowedOrigins: options.allowedOrigins,
  });
  const serveStatic = createStaticHandler(options.distDir ?? resolve("dist"));
  const backend = standin ? "standin" : "fal";

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  // Node only checks these timeouts every connectionsCheckingInterval (30 s by default).
  const checkEvery = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  const server = createServer({ maxHeaderSize: 32 * 1024, connectionsCheckingInterval: checkEvery }, (req, res) => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q === -1 ? raw : raw.slice(0, q);
    const falFacing = path === PROXY_PATH || path.startsWith("/standin/upload/") || path.startsWith("/standin/files/");
    if (standin && falFacing && standin.isOffline()) {
      // Injected "offline": behave like an unreachable network.
      req.socket.destroy();
      return;
    }
    // The hot path (status polls twice a second per job) goes straight to the proxy, which
    // answers its own failures; everything else through the async router below.
    if (path === PROXY_PATH) return void proxy(req, res);
    void (async () => {
      if (path === "/api/info") {
        if (req.method !== "GET" && req.method !== "HEAD") {
          return sendJsonError(res, 405, "method_not_allowed", "Use GET.", { allow: "GET" });
        }
        return sendJson(res, 200, { backend, proxyPath: PROXY_PATH });
      }
      if (path.startsWith("/api/")) return sendJsonError(res, 404, "not_found", `No API route ${path}.`);
      if (standin && (await standin.handleHttp(req, res))) return;
      if (await serveStatic(req, res)) return;
      sendJsonError(res, 405, "method_not_allowed", `${req.method} is not supported here.`, { allow: "GET, HEAD" });
    })().catch((e: unknown) => {
      logger.error(`server: unhandled error: ${(e as Error)?.message ?? String(e)}`);
      sendJsonError(res, 500, "internal_error", "The server failed to handle this request.");
    });
  });
  server.headersTimeout = headersTimeout;
  server.requestTimeout = options.requestTimeoutMs ?? 60_000;
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // Malformed or too-slow requests never reach a handler; still answer with JSON, then close.
    if (!socket.writable) return void socket.destroy();
    const [status, reason, code] =
      err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", "request_timeout"]
        : err.code === "HPE_HEADER_OVERFLOW"
          ? [431, "Request Header Fields Too Large", "headers_too_large"]
          : [400, "Bad Request", "bad_request"];
    const body = JSON.stringify({ error: { code, message: `${reason}.` } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

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
          standin?.setBaseUrl(process.env.PUBLIC_URL ?? url);
          resolvePromise(url);
        });
      });
    },
    close() {
      standin?.close();
      return new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
