/**
 * Connection hygiene for the node:http server (PRX-07, docs/server.md#connections).
 *
 * - A malformed or too-slow request gets a JSON error, then the socket is destroyed after a
 *   short grace: `socket.end()` alone half-closes, and a client that never reads keeps the
 *   socket (and its file descriptor) open for good.
 * - Connections are capped in total and per client (a client as in gate/clientKey.ts); over a
 *   cap, a new connection is closed at once. Connections from a trusted proxy carry many
 *   clients, so only the total cap applies to them.
 * - A socket with no traffic either way for `idleMs` is destroyed: a client that stops reading
 *   a large answer stalls it, and nothing else would ever end it.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "./http.ts";
import { ThrottledLog } from "./rateLimit.ts";

export interface ConnectionLimits {
  /** Open connections in total. Default 512 (well under a typical `ulimit -n` of 1024). */
  maxConnections: number;
  /** Open connections per client. Default 128 (a browser opens 6 per host). */
  maxPerClient: number;
  /** Time a refused request's socket gets to read its error before it is destroyed. Default 1 s. */
  closeGraceMs: number;
  /** No bytes either way for this long: destroyed. Default 120 s (SSE keep-alives come every 15 s). */
  idleMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 512,
  maxPerClient: 128,
  closeGraceMs: 1_000,
  idleMs: 120_000,
};

export interface ConnectionGuard {
  /** Open connections now, in total and for one client key. */
  open(client?: string): number;
}

/** End the socket, and destroy it if the peer has not closed its side within `graceMs`. */
export function closeSoon(socket: Socket, graceMs: number, lastWords?: string): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), graceMs);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  if (socket.writable) socket.end(lastWords ?? "");
  else socket.destroy();
}

function rawJsonError(status: number, reason: string, code: string): string {
  const body = JSON.stringify({ error: { code, message: `${reason}.` } });
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nconnection: close\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  clientOfSocket: (socket: Socket) => string | null,
  logger: Logger,
): ConnectionGuard {
  const perClient = new Map<string, number>();
  let total = 0;
  const refusals = new ThrottledLog();

  server.on("connection", (socket: Socket) => {
    const client = clientOfSocket(socket);
    const mine = client === null ? 0 : (perClient.get(client) ?? 0);
    if (total >= limits.maxConnections || mine >= limits.maxPerClient) {
      const overTotal = total >= limits.maxConnections;
      if (refusals.shouldLog(overTotal ? "total" : String(client)) !== null) {
        logger.warn(
          `server: connection refused, ${overTotal ? `${total} in total` : `${mine} for ${client}`} already open`,
        );
      }
      socket.destroy();
      return;
    }
    total += 1;
    if (client !== null) perClient.set(client, mine + 1);
    socket.once("close", () => {
      total -= 1;
      if (client === null) return;
      const left = (perClient.get(client) ?? 1) - 1;
      if (left === 0) perClient.delete(client);
      else perClient.set(client, left);
    });
  });

  // node:http destroys a socket that times out when no 'timeout' listener takes over.
  server.setTimeout(limits.idleMs);

  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    // Malformed or too-slow requests never reach a handler; still answer with JSON, then close.
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    const [status, reason, code] =
      err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", "request_timeout"]
        : err.code === "HPE_HEADER_OVERFLOW"
          ? [431, "Request Header Fields Too Large", "headers_too_large"]
          : [400, "Bad Request", "bad_request"];
    closeSoon(socket, limits.closeGraceMs, rawJsonError(status, reason, code));
  });

  return {
    open: (client) => (client === undefined ? total : (perClient.get(client) ?? 0)),
  };
}
