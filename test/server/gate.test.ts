/**
 * The gate every route passes (src/server/gate, src/server/router.ts): Host names this server
 * (PRX-06), Origin is ours on every state-changing route (PRX-09), and the rate limit counts
 * clients, not socket addresses (PRX-10).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { optionsFromEnv } from "../../src/server/env.ts";
import { clientKeyOf, createClientOf, parseTrustedProxies } from "../../src/server/gate/clientKey.ts";
import { createHostCheck } from "../../src/server/gate/hosts.ts";
import { startServer, type StartedServer } from "../harness/server.ts";
import { httpRequest, startSpy, type RawResponse, type Spy } from "./helpers.ts";

const CANARY = `fal-canary-${Math.random().toString(36).slice(2)}`;
const SUBMIT = "https://queue.fal.run/fal-ai/lora";
const STATUS = "https://queue.fal.run/fal-ai/lora/requests/0f8a3c2e-5b1d-4e6a-9c7b-2d4e6f8a0b1c/status";
const JSON_TYPE = { "content-type": "application/json" };

let spy: Spy;
let fal: StartedServer;
let standin: StartedServer;

beforeAll(async () => {
  spy = await startSpy();
  fal = await startServer({ falKey: CANARY, resolveUpstream: spy.resolve });
  standin = await startServer({});
});
afterAll(async () => {
  await Promise.all([fal.close(), standin.close(), spy.close()]);
});

const port = (s: StartedServer) => new URL(s.url).port;

function expectRefusal(res: RawResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/application\/json/);
  expect(JSON.parse(res.body).error.code).toBe(code);
}

describe("PRX-06 DNS rebinding: only the server's own names are served", () => {
  // What a page on attacker.test sends after rebinding its name to 127.0.0.1: Host and Origin agree.
  const rebound = (s: StartedServer, extra: Record<string, string> = {}) => ({
    host: `attacker.test:${port(s)}`,
    origin: `http://attacker.test:${port(s)}`,
    ...extra,
  });

  it("PRX-06 a rebound submit is refused with 421 JSON and the key never leaves", async () => {
    spy.calls.length = 0;
    const res = await httpRequest(fal.proxyUrl, {
      method: "POST",
      headers: rebound(fal, { "x-fal-target-url": SUBMIT, ...JSON_TYPE }),
      body: JSON.stringify({ model_name: "a/b", prompt: "p" }),
    });
    expectRefusal(res, 421, "host_not_allowed");
    expect(JSON.parse(res.body).error.message).toContain("ALLOWED_HOSTS");
    expect(spy.calls).toHaveLength(0);
  });

  it.each([
    ["GET", "/api/info"],
    ["GET", "/api/nope"],
    ["GET", "/"],
    ["GET", "/assets/index.js"],
    ["GET", "/standin/files/0f8a3c2e.png"],
    ["PUT", "/standin/upload/0f8a3c2e.png"],
    ["GET", "/standin/faults"],
    ["POST", "/standin/faults"],
    ["GET", "/standin/stats"],
    ["OPTIONS", "/api/fal/proxy"],
    ["DELETE", "/nowhere"],
  ])("PRX-06 every route refuses a foreign Host: %s %s", async (method, path) => {
    const before = standin.standin!.faults.list().length;
    const res = await httpRequest(`${standin.url}${path}`, {
      method,
      headers: rebound(standin, method === "POST" ? JSON_TYPE : {}),
      body: method === "POST" || method === "PUT" ? JSON.stringify({ kind: "offline", ms: 60_000 }) : undefined,
    });
    expectRefusal(res, 421, "host_not_allowed");
    expect(standin.standin!.faults.list()).toHaveLength(before);
    expect(standin.standin!.isOffline()).toBe(false);
  });

  it("PRX-06 a request without Host is refused too", async () => {
    const res = await new Promise<RawResponse>((resolve, reject) => {
      // HTTP/1.0 may omit Host; node:http accepts it, the gate must not.
      const req = request(`${standin.url}/api/info`, { setHost: false }, (r) => {
        let body = "";
        r.on("data", (c: Buffer) => (body += c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, headers: r.headers, rawHeaders: r.rawHeaders, body }));
      });
      req.on("error", reject);
      req.end();
    });
    // node:http itself answers 400 to an HTTP/1.1 request without Host; either way nothing is served.
    expect([400, 421]).toContain(res.status);
  });

  it("PRX-06 localhost, 127.0.0.1 and [::1] with the port are ours; other ports and names are not", () => {
    const check = createHostCheck({ listenHost: "127.0.0.1", port: 8787 });
    for (const ok of ["localhost:8787", "127.0.0.1:8787", "[::1]:8787", "LOCALHOST:8787"]) expect(check(ok)).toBe(true);
    for (const bad of ["localhost", "localhost:5173", "127.0.0.1:80", "attacker.test:8787", "127.0.0.2:8787", ""])
      expect(check(bad)).toBe(false);
    expect(check(undefined)).toBe(false);
  });

  it("PRX-06 ALLOWED_HOSTS and PUBLIC_URL add names; a wildcard listen accepts IP literals only", () => {
    const check = createHostCheck({
      listenHost: "0.0.0.0",
      port: 8787,
      allowedHosts: ["lora.example.com", "studio.lan:9000"],
      publicUrl: "https://public.example.org",
    });
    for (const ok of ["lora.example.com", "lora.example.com:8787", "studio.lan:9000", "public.example.org"])
      expect(check(ok)).toBe(true);
    for (const ok of ["192.168.1.20:8787", "[fe80::1]:8787", "10.0.0.5:8787"]) expect(check(ok)).toBe(true);
    for (const bad of ["studio.lan:8787", "lora.example.com:1", "192.168.1.20:9999", "my-pc:8787", "attacker.test"])
      expect(check(bad)).toBe(false);
    expect(() => createHostCheck({ listenHost: "::1", port: 1, allowedHosts: ["bad host"] })).toThrow(/ALLOWED_HOSTS/);
  });

  it("PRX-06 ALLOWED_HOSTS reaches the server from the environment, and a bad entry names the variable", async () => {
    const options = optionsFromEnv({ ALLOWED_HOSTS: "lora.test" });
    const app = createApp({ ...options, standinOptions: { latencyMs: 10, queueDelayMs: 0 }, logger: quiet });
    const url = await app.listen(0, "127.0.0.1");
    try {
      const named = await httpRequest(`${url}/api/info`, { headers: { host: "lora.test" } });
      expect(named.status).toBe(200);
      const other = await httpRequest(`${url}/api/info`, { headers: { host: "lora.test.evil:1" } });
      expect(other.status).toBe(421);
    } finally {
      await app.close();
    }
    expect(() => optionsFromEnv({ ALLOWED_HOSTS: "ok.test, http://x/" })).toThrow(/ALLOWED_HOSTS: "http:\/\/x\/"/);
  });
});

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe("PRX-09 stand-in control routes: same origin, JSON only, test mode only", () => {
  it("PRX-09 a page on another localhost port cannot arm a fault (403), even as text/plain", async () => {
    const before = standin.standin!.faults.list().length;
    for (const headers of [
      { origin: "http://localhost:5173", "content-type": "text/plain" },
      { origin: "http://localhost:5173", ...JSON_TYPE },
      { origin: "null", ...JSON_TYPE },
    ]) {
      const res = await httpRequest(`${standin.url}/standin/faults`, {
        method: "POST",
        headers,
        body: JSON.stringify({ kind: "offline", ms: 60_000 }),
      });
      expectRefusal(res, 403, "origin_not_allowed");
    }
    const del = await httpRequest(`${standin.url}/standin/stats`, {
      method: "DELETE",
      headers: { origin: "http://127.0.0.1:1" },
    });
    expectRefusal(del, 403, "origin_not_allowed");
    expect(standin.standin!.faults.list()).toHaveLength(before);
    expect(standin.standin!.isOffline()).toBe(false);
  });

  it("PRX-09 a same-origin fault must be JSON: text/plain and forms get 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await httpRequest(`${standin.url}/standin/faults`, {
        method: "POST",
        headers: { origin: standin.url, "content-type": type },
        body: JSON.stringify({ op: "status", kind: "http", status: 500 }),
      });
      expectRefusal(res, 415, "json_required");
    }
    expect(standin.standin!.faults.list()).toEqual([]);
    const ok = await httpRequest(`${standin.url}/standin/faults`, {
      method: "POST",
      headers: { origin: standin.url, ...JSON_TYPE },
      body: JSON.stringify({ op: "status", kind: "http", status: 500 }),
    });
    expect(ok.status).toBe(200);
    standin.standin!.faults.clear();
  });

  it("PRX-09 outside test mode there are no faults: routes answer 404, the API and STANDIN_FAULTS refuse", async () => {
    const app = createApp({ standinOptions: { latencyMs: 10, queueDelayMs: 0 }, logger: quiet });
    const url = await app.listen(0, "127.0.0.1");
    try {
      for (const [method, path] of [
        ["POST", "/standin/faults"],
        ["GET", "/standin/faults"],
        ["DELETE", "/standin/stats"],
      ]) {
        const res = await httpRequest(`${url}${path}`, {
          method,
          headers: JSON_TYPE,
          body: method === "POST" ? JSON.stringify({ kind: "offline", ms: 60_000 }) : undefined,
        });
        expectRefusal(res, 404, "test_mode_only");
        expect(JSON.parse(res.body).error.message).toContain("STANDIN_TEST_MODE=1");
      }
      expect(() => app.standin!.faults.add({ kind: "offline", ms: 1000 })).toThrow(/test mode/);
      expect(app.standin!.isOffline()).toBe(false);
    } finally {
      await app.close();
    }
    const fault = JSON.stringify({ op: "status", kind: "drop" });
    expect(() => optionsFromEnv({ STANDIN_FAULTS: fault })).toThrow(/STANDIN_TEST_MODE=1/);
    expect(optionsFromEnv({ STANDIN_FAULTS: fault, STANDIN_TEST_MODE: "1" }).standinOptions).toMatchObject({
      testMode: true,
      faults: [{ op: "status", kind: "drop" }],
    });
  });

  it("PRX-09 every state-changing route checks Origin: upload PUT and proxy POST from a foreign page get 403", async () => {
    const foreign = { origin: "http://localhost:5173", ...JSON_TYPE };
    const put = await httpRequest(`${standin.url}/standin/upload/0f8a3c2e.png`, {
      method: "PUT",
      headers: foreign,
      body: "x",
    });
    expectRefusal(put, 403, "origin_not_allowed");
    const post = await httpRequest(standin.proxyUrl, {
      method: "POST",
      headers: { ...foreign, "x-fal-target-url": SUBMIT },
      body: "{}",
    });
    expectRefusal(post, 403, "origin_not_allowed");
    // Reading a public file cross-origin is fine (fal's CDN allows it too).
    const read = await httpRequest(`${standin.url}/standin/files/0f8a3c2e.png`, { headers: foreign });
    expect(read.status).toBe(404);
    expect(read.headers["access-control-allow-origin"]).toBe("*");
  });
});

/** GET from a given loopback source address. */
function pollFrom(s: StartedServer, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      s.proxyUrl,
      { localAddress, agent: false, headers: { "x-fal-target-url": STATUS, ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const tight = {
  rateLimit: { submit: { capacity: 1, refillPerSecond: 0.001 }, poll: { capacity: 3, refillPerSecond: 0.001 } },
};

describe("PRX-10 the rate limit counts clients, not socket addresses", () => {
  it("PRX-10 127.0.0.10, .11 and .12 share one loopback budget", async () => {
    const s = await startServer({ falKey: CANARY, resolveUpstream: spy.resolve, limits: tight });
    try {
      const statuses = [];
      for (const a of ["127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.1"])
        statuses.push(await pollFrom(s, a));
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await s.close();
    }
  });

  it("PRX-10 IPv4-mapped addresses on a dual-stack listener are the same client", async () => {
    const s = await startServer({ falKey: CANARY, resolveUpstream: spy.resolve, limits: tight, host: "::" });
    try {
      const url = s.proxyUrl; // http://127.0.0.1:port: the socket sees ::ffff:127.0.0.x
      expect(url).toContain("127.0.0.1");
      const statuses = [];
      for (const a of ["127.0.0.20", "127.0.0.21", "127.0.0.22", "127.0.0.23"]) statuses.push(await pollFrom(s, a));
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await s.close();
    }
  });

  it("PRX-10 keys: IPv4 by address, all loopback as one, IPv6 by /64, mapped IPv4 normalised", () => {
    expect(clientKeyOf("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKeyOf("127.0.0.1")).toBe(clientKeyOf("127.255.0.9"));
    expect(clientKeyOf("::1")).toBe(clientKeyOf("127.0.0.1"));
    expect(clientKeyOf("::ffff:127.0.0.5")).toBe(clientKeyOf("127.0.0.1"));
    expect(clientKeyOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientKeyOf("::ffff:cb00:7107")).toBe("203.0.113.7");
    expect(clientKeyOf("2001:db8:1:2:aaaa::1")).toBe(clientKeyOf("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    expect(clientKeyOf("2001:db8:1:2::1")).not.toBe(clientKeyOf("2001:db8:1:3::1"));
    expect(clientKeyOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKeyOf("fe80::1%eth0")).toBe(clientKeyOf("fe80::2"));
    expect(clientKeyOf("::")).toBe("0:0:0:0::/64");
    expect(clientKeyOf(undefined)).toBe("unknown");
    expect(clientKeyOf("not-an-ip")).toBe("unknown");
  });

  it("PRX-10 X-Forwarded-For counts only from a proxy named in TRUST_PROXY, rightmost untrusted hop first", async () => {
    const fake = (remoteAddress: string, xff?: string) =>
      ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { "x-forwarded-for": xff } }) as never;
    const untrusting = createClientOf(null);
    expect(untrusting(fake("127.0.0.1", "203.0.113.7"))).toBe("loopback");
    const trusting = createClientOf(parseTrustedProxies(["10.0.0.0/8", "::ffff:192.0.2.1"]));
    expect(trusting(fake("10.1.2.3", "203.0.113.7"))).toBe("203.0.113.7");
    // A client cannot escape its budget by prepending addresses of its own.
    expect(trusting(fake("10.1.2.3", "198.51.100.1, 203.0.113.7"))).toBe("203.0.113.7");
    expect(trusting(fake("10.1.2.3", "203.0.113.7, 10.9.9.9"))).toBe("203.0.113.7");
    expect(trusting(fake("::ffff:10.1.2.3", "2001:db8:5:6::7"))).toBe("2001:db8:5:6::/64");
    expect(trusting(fake("10.1.2.3", "garbage"))).toBe("10.1.2.3");
    expect(trusting(fake("198.51.100.9", "203.0.113.7"))).toBe("198.51.100.9");
    expect(() => parseTrustedProxies(["10.0.0.0/33"])).toThrow(/TRUST_PROXY: "10.0.0.0\/33"/);
    expect(() => optionsFromEnv({ TRUST_PROXY: "proxy.lan" })).toThrow(/TRUST_PROXY/);

    const behind = await startServer({
      falKey: CANARY,
      resolveUpstream: spy.resolve,
      limits: tight,
      trustProxy: ["loopback"],
    });
    const direct = await startServer({ falKey: CANARY, resolveUpstream: spy.resolve, limits: tight });
    try {
      const from = (s: StartedServer, xff: string) => pollFrom(s, "127.0.0.1", { "x-forwarded-for": xff });
      // Behind a trusted proxy each forwarded client has its own budget of 3.
      expect([await from(behind, "203.0.113.1"), await from(behind, "203.0.113.2")]).toEqual([200, 200]);
      for (let i = 0; i < 2; i++) expect(await from(behind, "203.0.113.1")).toBe(200);
      expect(await from(behind, "203.0.113.1")).toBe(429);
      expect(await from(behind, "203.0.113.2")).toBe(200);
      // Without TRUST_PROXY the header is ignored: changing it buys no new budget.
      const statuses = [];
      for (const x of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"])
        statuses.push(await from(direct, x));
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await Promise.all([behind.close(), direct.close()]);
    }
  });
});
