import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadlines } from "../../src/server/proxy/deadlines.ts";
import { startServer, type StartedServer } from "../harness/server.ts";
import { ALLOWED, HOSTILE } from "./targets.ts";
import { httpRequest, rawExchange, startSpy, type RawResponse, type Spy } from "./helpers.ts";

const CANARY = `fal-canary-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const ID = "0f8a3c2e-5b1d-4e6a-9c7b-2d4e6f8a0b1c";
const SUBMIT = "https://queue.fal.run/fal-ai/lora";

let spy: Spy;
let srv: StartedServer;
/** Short deadlines, for the tests that are about them; on a busy machine a loopback answer can take longer. */
let strict: StartedServer;
const DEADLINE_MS = 2000;
/** Every response any test saw, for the key-leak check at the end. */
const seen: RawResponse[] = [];
const servers: StartedServer[] = [];

async function call(
  target: string | undefined,
  opts: {
    method?: string;
    headers?: Record<string, string> | [string, string][];
    body?: string | Buffer;
    server?: StartedServer;
  } = {},
): Promise<RawResponse> {
  const s = opts.server ?? srv;
  let headers = opts.headers ?? {};
  if (target !== undefined) {
    headers = Array.isArray(headers)
      ? [["x-fal-target-url", target], ...headers]
      : { "x-fal-target-url": target, ...headers };
  }
  const res = await httpRequest(s.proxyUrl, { method: opts.method ?? "POST", headers, body: opts.body });
  seen.push(res);
  return res;
}

async function boot(extra: Parameters<typeof startServer>[0] = {}): Promise<StartedServer> {
  const s = await startServer({ falKey: CANARY, resolveUpstream: spy.resolve, ...extra });
  servers.push(s);
  return s;
}

beforeAll(async () => {
  spy = await startSpy();
  // The upstream deadline and the header timeout keep their defaults here: at load ~40 a 250 ms
  // deadline cut answers the spy had sent (a 504 where the test expected what it forwarded).
  srv = await boot({ limits: { maxBodyBytes: 4096, rateLimit: false } });
  strict = await boot({ limits: { upstreamTimeoutMs: DEADLINE_MS, rateLimit: false }, headersTimeoutMs: 300 });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await spy.close();
});

beforeEach(() => {
  spy.calls.length = 0;
  spy.handler = (c, _req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, path: c.path }));
  };
});

function expectJsonError(res: RawResponse, status: number | [number, number]) {
  if (Array.isArray(status)) {
    expect(res.status).toBeGreaterThanOrEqual(status[0]);
    expect(res.status).toBeLessThanOrEqual(status[1]);
  } else expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/application\/json/);
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(5);
  return body.error;
}

describe("proxy policy", () => {
  it("reports the backend in /api/info", async () => {
    const res = await httpRequest(`${srv.url}/api/info`);
    expect(JSON.parse(res.body)).toEqual({ backend: "fal", proxyPath: "/api/fal/proxy", workspace: false });
  });

  // Node's client refuses to send NUL, and HTTP itself trims header whitespace; those cases are
  // covered by the unit table and the raw-socket test below.
  const sendable = HOSTILE.filter(([, t]) => t === undefined || (!/[\0]/.test(t) && t.trim() === t));
  it.each(sendable)("PRX-01 refuses %s %j (%s) with 4xx JSON and no upstream call", async (method, target) => {
    const res = await call(target, { method, body: method === "GET" ? undefined : "{}" });
    expectJsonError(res, [400, 499]);
    expect(spy.calls).toHaveLength(0);
  });

  it.each(["DELETE", "PATCH", "TRACE"])("PRX-01 answers 405 to %s without an upstream call", async (method) => {
    const res = await call(SUBMIT, { method });
    expectJsonError(res, 405);
    expect(res.headers.allow).toBe("GET, POST, PUT");
    expect(spy.calls).toHaveLength(0);
  });

  it.each(ALLOWED)("PRX-01 forwards %s %s (%s) to the upstream", async (method, target) => {
    const res = await call(target, { method, body: method === "GET" ? undefined : "{}" });
    expect(res.status).toBe(200);
    expect(spy.calls).toHaveLength(1);
    const u = new URL(target);
    expect(spy.calls[0].path).toBe(`/${u.hostname}${u.pathname}${u.search}`);
    expect(spy.calls[0].method).toBe(method);
  });

  it("PRX-01 refuses duplicated x-fal-target-url and x-fal-* headers", async () => {
    const send = (headers: string) =>
      rawExchange(
        srv.url,
        `POST /api/fal/proxy HTTP/1.1\r\nhost: ${new URL(srv.url).host}\r\n${headers}content-length: 2\r\nconnection: close\r\n\r\n{}`,
      );
    const dupTarget = await send(`x-fal-target-url: ${SUBMIT}\r\nX-Fal-Target-Url: https://evil.com/\r\n`);
    expect(dupTarget).toMatch(/^HTTP\/1\.1 400/);
    expect(dupTarget).toContain('"code":"duplicate_header"');
    const sameTwice = await send(`x-fal-target-url: ${SUBMIT}\r\nx-fal-target-url: ${SUBMIT}\r\n`);
    expect(sameTwice).toContain('"code":"duplicate_header"');
    const dupFal = await send(
      `x-fal-target-url: ${SUBMIT}\r\nx-fal-queue-priority: low\r\nx-fal-queue-priority: normal\r\n`,
    );
    expect(dupFal).toContain('"code":"duplicate_header"');
    expect(spy.calls).toHaveLength(0);
  });

  it("PRX-02 malformed targets never crash the process; the next request is served", async () => {
    for (const t of [
      "not a url",
      "http://[::1",
      "https://",
      "https://[",
      "%",
      "https://queue.fal.run/%zz",
      "x".repeat(16 * 1024),
    ]) {
      const res = await call(t, { body: "{}" });
      expectJsonError(res, 400);
    }
    // Control characters and a NUL straight onto the socket (no client library would send them).
    for (const bad of [
      "https://queue.fal.run/fal-ai/lora\u0001",
      "https://queue.fal.run/fal-ai/\u0000lora",
      "https://queue.fal.run/\u007ffal-ai/lora",
    ]) {
      const raw = await rawExchange(
        srv.url,
        `POST /api/fal/proxy HTTP/1.1\r\nhost: ${new URL(srv.url).host}\r\nx-fal-target-url: ${bad}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`,
      );
      expect(raw).toMatch(/^HTTP\/1\.1 4\d\d/);
    }
    // A header block beyond the server's limit is refused by Node itself, still with a 4xx.
    const huge = await rawExchange(
      srv.url,
      `GET /api/fal/proxy HTTP/1.1\r\nhost: ${new URL(srv.url).host}\r\nx-fal-target-url: ${"a".repeat(40_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(spy.calls).toHaveLength(0);
    const info = await httpRequest(`${srv.url}/api/info`);
    expect(info.status).toBe(200);
  });

  it("PRX-03 sends only the server key, never the browser's credentials, and forwards x-fal-* headers", async () => {
    spy.handler = (_c, _req, res) => {
      res.writeHead(202, {
        "content-type": "application/json",
        "set-cookie": ["tracker=1; Path=/", "session=evil"],
        "x-fal-request-id": ID,
        // fetch decodes the body, so the header must not be relayed with the decoded bytes.
        "content-encoding": "gzip",
        "keep-alive": "timeout=99",
        "x-upstream-extra": "kept",
      });
      res.end(gzipSync(JSON.stringify({ status: "IN_QUEUE" })));
    };
    const res = await call(SUBMIT, {
      headers: {
        authorization: "Bearer browser-token",
        cookie: "session=abc",
        "content-type": "application/json",
        accept: "application/json",
        "x-fal-queue-priority": "low",
        "x-fal-runner-hint": "hint-1",
        "x-custom-header": "not forwarded",
        "proxy-authorization": "Basic xyz",
      },
      body: JSON.stringify({ prompt: "a cat" }),
    });
    expect(spy.calls).toHaveLength(1);
    const h = spy.calls[0].headers;
    expect(h.authorization).toBe(`Key ${CANARY}`);
    expect(h.cookie).toBeUndefined();
    expect(h["proxy-authorization"]).toBeUndefined();
    expect(h["x-custom-header"]).toBeUndefined();
    expect(h["x-fal-target-url"]).toBeUndefined();
    expect(h["x-fal-queue-priority"]).toBe("low");
    expect(h["x-fal-runner-hint"]).toBe("hint-1");
    expect(h["content-type"]).toBe("application/json");
    expect(h["accept-encoding"]).toBe("identity");
    expect(spy.calls[0].body.toString()).toBe(JSON.stringify({ prompt: "a cat" }));

    expect(res.status).toBe(202);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["keep-alive"]).not.toBe("timeout=99");
    expect(res.headers["x-fal-request-id"]).toBe(ID);
    expect(res.headers["x-upstream-extra"]).toBe("kept");
    expect(JSON.parse(res.body)).toEqual({ status: "IN_QUEUE" });
  });

  it("PRX-03 passes upstream error statuses and bodies through unchanged", async () => {
    spy.handler = (_c, _req, res) => {
      res.writeHead(422, { "content-type": "application/json", "x-fal-request-id": ID });
      res.end(JSON.stringify({ detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "missing" }] }));
    };
    const res = await call(SUBMIT, { body: "{}" });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).detail[0].loc).toEqual(["body", "prompt"]);
  });

  it("PRX-03 refuses foreign origins and preflights unless configured; same origin works", async () => {
    const foreign = await call(SUBMIT, { headers: { origin: "https://evil.example" }, body: "{}" });
    expect(expectJsonError(foreign, 403).code).toBe("origin_not_allowed");
    const preflight = await call(undefined, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expectJsonError(preflight, 403);
    expect(spy.calls).toHaveLength(0);
    const same = await call(SUBMIT, { headers: { origin: srv.url }, body: "{}" });
    expect(same.status).toBe(200);

    const cors = await boot({ allowedOrigins: ["https://app.example"] });
    const ok = await call(undefined, {
      server: cors,
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-headers": "content-type,x-fal-target-url" },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(ok.headers["access-control-allow-methods"]).toContain("PUT");
  });

  it("PRX-03 streams SSE through as events arrive, past the header timeout", async () => {
    // The fake upstream sends the next event only once the browser side has received the last
    // one: a proxy that buffered the stream would never deliver the first, and the test would
    // stop at the guard below instead of passing.
    let received = () => {};
    spy.handler = (c, _req, res) => {
      if (!c.path.includes("/status/stream")) return; // the later call below: never answered
      res.writeHead(200, { "content-type": "text/event-stream" });
      let n = 0;
      const next = () => {
        n += 1;
        if (n > 4) return void res.end();
        res.write(`data: {"n":${n}}\n\n`);
      };
      received = next;
      next();
    };
    const res = await fetch(strict.proxyUrl, {
      headers: { "x-fal-target-url": `https://queue.fal.run/fal-ai/lora/requests/${ID}/status/stream?logs=1` },
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    const events: string[] = [];
    let buffered = "";
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const guard = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`event ${events.length + 1} never arrived: the stream is buffered`)),
          5000,
        );
      });
      const { done, value } = await Promise.race([reader.read(), guard]).finally(() => clearTimeout(timer));
      if (done) break;
      buffered += new TextDecoder().decode(value);
      const complete = buffered.split("\n\n");
      buffered = complete.pop()!;
      events.push(...complete);
      // Outlast the stream's header deadline once: a live stream must not be cut by it. A call
      // made now, to an upstream that never answers, times out after the stream's deadline
      // would have (deadlines have one length and expire in order), however slow the machine.
      if (events.length === 2 && complete.length > 0) {
        const later = await call(SUBMIT, { server: strict, body: "{}" });
        expect(expectJsonError(later, 504).code).toBe("upstream_timeout");
      }
      if (complete.length > 0) received();
    }
    expect(events).toEqual([1, 2, 3, 4].map((n) => `data: {"n":${n}}`));
  });
});

describe("proxy limits", () => {
  it("PRX-04 answers 413 JSON above the body limit, without an upstream call", async () => {
    const res = await call(SUBMIT, { body: JSON.stringify({ prompt: "x".repeat(5000) }) });
    expect(expectJsonError(res, 413).code).toBe("body_too_large");
    const chunked = await rawExchange(
      srv.url,
      `POST /api/fal/proxy HTTP/1.1\r\nhost: ${new URL(srv.url).host}\r\nx-fal-target-url: ${SUBMIT}\r\ntransfer-encoding: chunked\r\n\r\n1388\r\n${"y".repeat(5000)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    expect(spy.calls).toHaveLength(0);
  });

  it("PRX-04 answers 504 JSON when the upstream hangs", async () => {
    spy.handler = () => {}; // never answers
    const t0 = Date.now();
    const res = await call(SUBMIT, { server: strict, body: "{}" });
    expect(expectJsonError(res, 504).code).toBe("upstream_timeout");
    // At its own deadline: not before it, and long before the default 30 s one.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 8000);
  });

  it("PRX-04 does not follow upstream redirects (502 JSON)", async () => {
    spy.handler = (_c, _req, res) => {
      res.writeHead(302, { location: `${spy.url}/elsewhere` });
      res.end();
    };
    const res = await call(SUBMIT, { body: "{}" });
    expect(expectJsonError(res, 502).code).toBe("upstream_redirect");
    expect(spy.calls.map((c) => c.path)).toEqual(["/queue.fal.run/fal-ai/lora"]);
  });

  it("PRX-04 answers 502 JSON when the upstream is unreachable", async () => {
    const dead = await boot({ resolveUpstream: () => "http://127.0.0.1:9/" });
    const res = await call(SUBMIT, { server: dead, body: "{}" });
    expect(expectJsonError(res, 502).code).toBe("upstream_unreachable");
  });

  it("PRX-04 cuts off a client that sends headers too slowly", async () => {
    const t0 = Date.now();
    const out = await rawExchange(
      strict.url,
      `GET /api/info HTTP/1.1\r\nhost: ${new URL(strict.url).host}\r\nx-slow: 1`,
      3000,
    );
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(out).toMatch(/^HTTP\/1\.1 408/);
  });

  it("PRX-04 rate-limits per client with separate submit and poll budgets (429 + Retry-After)", async () => {
    const limited = await boot({
      limits: {
        rateLimit: { submit: { capacity: 2, refillPerSecond: 0.01 }, poll: { capacity: 3, refillPerSecond: 0.01 } },
      },
    });
    const statusTarget = `https://queue.fal.run/fal-ai/lora/requests/${ID}/status?logs=0`;
    expect((await call(SUBMIT, { server: limited, body: "{}" })).status).toBe(200);
    expect((await call(SUBMIT, { server: limited, body: "{}" })).status).toBe(200);
    const third = await call(SUBMIT, { server: limited, body: "{}" });
    expect(expectJsonError(third, 429).code).toBe("rate_limited");
    expect(Number(third.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Polls have their own budget.
    expect((await call(statusTarget, { server: limited, method: "GET" })).status).toBe(200);
    expect(spy.calls).toHaveLength(3);
  });
});

describe("proxy relay", () => {
  const STATUS = `https://queue.fal.run/fal-ai/lora/requests/${ID}/status`;

  it("PRX-03 relays a small answer whole, with its exact content-length", async () => {
    const payload = JSON.stringify({ status: "IN_PROGRESS", logs: [{ message: "ünïcode ✓" }] });
    spy.handler = (_c, _req, res) => {
      // Chunked, with no length announced: the proxy must count the bytes itself.
      res.writeHead(202, { "content-type": "application/json", "x-fal-request-id": ID });
      res.write(payload.slice(0, 10));
      res.end(payload.slice(10));
    };
    const res = await call(STATUS, { method: "GET" });
    expect(res.status).toBe(202);
    expect(res.body).toBe(payload);
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(payload)));
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(res.headers["x-fal-request-id"]).toBe(ID);
  });

  it("PRX-03 streams a large unannounced answer through intact", async () => {
    // Well past the proxy's small-answer buffer, in uneven pieces.
    const big = Buffer.from(Array.from({ length: 700_000 }, (_, i) => 97 + (i % 26)));
    spy.handler = (_c, _req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(big.subarray(0, 1000));
      res.write(big.subarray(1000, 400_000));
      res.end(big.subarray(400_000));
    };
    const res = await call(`https://queue.fal.run/fal-ai/lora/requests/${ID}`, { method: "GET" });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(big.length);
    expect(res.body === big.toString("latin1")).toBe(true);
  });

  it("PRX-04 refuses upstream answers over the response cap (502 JSON before any byte, or a cut stream)", async () => {
    const capped = await boot({ limits: { maxResponseBytes: 10_000, rateLimit: false } });
    spy.handler = (_c, _req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "20000" });
      res.end("x".repeat(20_000));
    };
    const announced = await call(STATUS, { method: "GET", server: capped });
    expect(expectJsonError(announced, 502).code).toBe("upstream_too_large");
    spy.handler = (_c, _req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("x".repeat(6_000));
      res.end("x".repeat(6_000));
    };
    const unannounced = await call(STATUS, { method: "GET", server: capped });
    expect(expectJsonError(unannounced, 502).code).toBe("upstream_too_large");
    // A stream has already started when it crosses the cap: the connection is cut.
    spy.handler = (_c, _req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${"x".repeat(6_000)}\n\n`);
      res.end(`data: ${"x".repeat(6_000)}\n\n`);
    };
    await expect(call(`${STATUS}/stream`, { method: "GET", server: capped })).rejects.toThrow();
    expect(capped.logs.filter((l) => /10000.byte/.test(l))).toHaveLength(3);
  });

  it("PRX-04 times out each hanging upstream call after its own deadline, not an earlier one's", () => {
    vi.useFakeTimers();
    try {
      const deadlines = new Deadlines(250, () => Date.now());
      const expired: string[] = [];
      deadlines.add(() => expired.push("first"));
      vi.advanceTimersByTime(150);
      deadlines.add(() => expired.push("second"));
      const third = deadlines.add(() => expired.push("third"));
      vi.advanceTimersByTime(99);
      expect(expired).toEqual([]);
      vi.advanceTimersByTime(1); // 250 ms: only the first call's deadline
      expect(expired).toEqual(["first"]);
      deadlines.cancel(third); // its answer arrived
      vi.advanceTimersByTime(149);
      expect(expired).toEqual(["first"]);
      vi.advanceTimersByTime(1); // 400 ms: the second call got its full 250 ms
      expect(expired).toEqual(["first", "second"]);
      vi.advanceTimersByTime(10_000);
      expect(expired).toEqual(["first", "second"]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("PRX-01 judges a repeated target again for another method (no decision reused across methods)", async () => {
    expect((await call(STATUS, { method: "GET" })).status).toBe(200);
    expect((await call(STATUS, { method: "GET" })).status).toBe(200);
    const post = await call(STATUS, { method: "POST", body: "{}" });
    expect(expectJsonError(post, 400).code).toBe("method_not_allowed");
    expect(spy.calls).toHaveLength(2);
  });
});

describe("PRX-11 header hygiene", () => {
  it("PRX-11 forwards only allowlisted x-fal-* headers, and none the client named in Connection", async () => {
    const res = await call(SUBMIT, {
      headers: [
        ["content-type", "application/json"],
        ["x-fal-queue-priority", "low"],
        ["x-fal-request-timeout", "30"],
        ["x-fal-object-lifecycle-preference", '{"expiration_duration_seconds":60}'],
        ["x-fal-runner-hint", "hint-1"],
        ["x-fal-anything", "smuggled"],
        ["x-fal-client-proxy", "spoofed"],
        ["x-fal-store-io", "1"],
        ["connection", "keep-alive, X-Fal-Runner-Hint, content-type"],
        // Given a raw header list, node:http adds neither Host nor the body's framing.
        ["host", new URL(srv.url).host],
        ["content-length", "2"],
      ],
      body: "{}",
    });
    expect(res.body).toBe('{"ok":true,"path":"/queue.fal.run/fal-ai/lora"}');
    const h = spy.calls[0].headers;
    expect(h["x-fal-queue-priority"]).toBe("low");
    expect(h["x-fal-request-timeout"]).toBe("30");
    expect(h["x-fal-object-lifecycle-preference"]).toBe('{"expiration_duration_seconds":60}');
    // Named in Connection: hop-by-hop by the client's own declaration.
    expect(h["x-fal-runner-hint"]).toBeUndefined();
    expect(h["content-type"]).toBeUndefined();
    for (const name of ["x-fal-anything", "x-fal-client-proxy", "x-fal-store-io"]) expect(h[name]).toBeUndefined();
  });

  it("PRX-11 strips upstream CORS grants, CSP, Clear-Site-Data and headers named in its Connection", async () => {
    spy.handler = (_c, _req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "x-fal-request-id": ID,
        "access-control-allow-origin": "*",
        "access-control-allow-credentials": "true",
        "access-control-allow-headers": "*",
        "access-control-expose-headers": "x-secret",
        "content-security-policy": "default-src *",
        "content-security-policy-report-only": "default-src *",
        "clear-site-data": '"*"',
        refresh: "0; url=https://evil.example/",
        connection: "x-upstream-hop",
        "x-upstream-hop": "1",
      });
      res.end("{}");
    };
    const cors = await boot({ allowedOrigins: ["https://app.example"] });
    for (const [server, origin] of [
      [srv, undefined],
      [cors, "https://app.example"],
    ] as const) {
      const res = await call(SUBMIT, { server, headers: origin ? { origin } : {}, body: "{}" });
      expect(res.status).toBe(200);
      expect(res.headers["x-fal-request-id"]).toBe(ID);
      for (const name of [
        "access-control-allow-credentials",
        "access-control-allow-headers",
        "access-control-expose-headers",
        "content-security-policy",
        "content-security-policy-report-only",
        "clear-site-data",
        "refresh",
        "x-upstream-hop",
      ])
        expect(res.headers[name]).toBeUndefined();
      // CORS is the gate's decision: nothing for same-origin, the configured origin otherwise.
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
    }
  });
});

describe("key hygiene", () => {
  it("PRX-05 the canary key appears in no response and no log line", async () => {
    // A few more error paths on top of everything the tests above exercised.
    spy.handler = (_c, req, res) => {
      req.socket.destroy(); // upstream drops the connection
      void res;
    };
    seen.push(await call(SUBMIT, { body: "{}" }));
    seen.push(await call("https://evil.com/?k=" + "x", { body: "{}" }));
    // FAL_STANDIN=1 with a key configured: the stand-in path must not see or echo the key either.
    const standin = await boot({ standin: true });
    const sub = await call(SUBMIT, { server: standin, body: JSON.stringify({ model_name: "a/b", prompt: "p" }) });
    const rid = JSON.parse(sub.body).request_id as string;
    await call(`https://queue.fal.run/fal-ai/lora/requests/${rid}/status?logs=1`, { server: standin, method: "GET" });
    await call(`https://queue.fal.run/fal-ai/lora/requests/${rid}`, { server: standin, method: "GET" });
    await call(SUBMIT, { server: standin, body: "{}" });
    await call(`https://queue.fal.run/fal-ai/lora/requests/${rid}/cancel`, { server: standin, method: "PUT" });
    expect(seen.length).toBeGreaterThan(80);
    for (const r of seen) {
      expect(r.body).not.toContain(CANARY);
      expect(r.rawHeaders.join("\n")).not.toContain(CANARY);
    }
    const lines = servers.flatMap((s) => s.logs);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).not.toContain(CANARY);
  });

  it("PRX-05 the logger redacts the key even if a message contains it", async () => {
    const { redactingLogger } = await import("../../src/server/http.ts");
    const lines: string[] = [];
    const log = redactingLogger(
      { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
      [CANARY],
    );
    log.error(`oops Key ${CANARY} leaked`);
    expect(lines).toEqual(["oops Key [redacted] leaked"]);
  });
});
