/** Shared helpers for server tests: an upstream spy, a raw HTTP client, and a wait on a condition. */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";

export interface SpyCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Spy {
  url: string;
  calls: SpyCall[];
  /** Replace to change how the spy answers (default: 200 JSON echo of the path). */
  handler: (call: SpyCall, req: IncomingMessage, res: ServerResponse) => void;
  /** Maps an allowed https fal URL onto the spy, keeping host + path visible in the spy's path. */
  resolve: (url: string) => string;
  close(): Promise<void>;
}

export async function startSpy(): Promise<Spy> {
  const spy = {
    calls: [] as SpyCall[],
    handler: ((call, _req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, path: call.path }));
    }) as Spy["handler"],
  } as Spy;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const call = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      spy.calls.push(call);
      spy.handler(call, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  spy.url = `http://127.0.0.1:${port}`;
  spy.resolve = (u: string) => {
    const parsed = new URL(u);
    return `${spy.url}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
  };
  spy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return spy;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

/** node:http request that allows arbitrary (even duplicated) headers via a raw header list. */
export function httpRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string> | [string, string][]; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = Array.isArray(opts.headers) ? opts.headers.flat() : opts.headers;
    const req = request(url, { method: opts.method ?? "GET", headers: headers as never }, (res) =>
      readAnswer(res).then(resolve, reject),
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A node:http response read to its end: status, headers and the body as text. */
export function readAnswer(res: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        rawHeaders: res.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
      }),
    );
    res.on("error", reject);
  });
}

/** Write raw bytes to the server and collect whatever comes back until it closes or `ms` pass. */
export function rawExchange(baseUrl: string, raw: string | Buffer, ms = 1000): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const sock = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(t);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const t = setTimeout(done, ms);
    sock.on("data", (c) => chunks.push(c));
    sock.on("end", done);
    sock.on("close", done);
    sock.on("error", done);
    sock.write(raw);
  });
}

/** Waits until `cond` holds, re-checking after each turn of the event loop; fails after `ms`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
