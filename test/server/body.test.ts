/**
 * PRX-08: request bodies cannot pin memory. No body on GET; one in-flight byte budget for all
 * bodies (503 beyond it); bodies slower than a minimum rate are cut off (src/server/body.ts).
 */
import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, type StartedServer } from "../harness/server.ts";
import { httpRequest, startSpy, until, type Spy } from "./helpers.ts";

const SUBMIT = "https://queue.fal.run/fal-ai/lora";
const STATUS = "https://queue.fal.run/fal-ai/lora/requests/0f8a3c2e-5b1d-4e6a-9c7b-2d4e6f8a0b1c/status";
let spy: Spy;
const servers: StartedServer[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  spy = await startSpy();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  spy.calls.length = 0;
});
afterAll(() => spy.close());

async function boot(options: Parameters<typeof startServer>[0]): Promise<StartedServer> {
  const s = await startServer({ falKey: "fal-canary-body", resolveUpstream: spy.resolve, ...options });
  servers.push(s);
  return s;
}

/** A raw connection that sends `head` and then whatever the test writes; collects the answer. */
function open(s: StartedServer, head: string): Promise<Socket & { answer: () => string }> {
  const { port, host } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), "127.0.0.1") as Socket & { answer: () => string };
    sockets.push(sock);
    let text = "";
    sock.answer = () => text;
    sock.on("data", (c: Buffer) => (text += c.toString("latin1")));
    sock.on("error", () => {});
    sock.once("connect", () => {
      sock.write(head.replace("{host}", host));
      resolve(sock);
    });
    sock.once("error", reject);
  });
}

const post = (length: number | "chunked") =>
  `POST /api/fal/proxy HTTP/1.1\r\nhost: {host}\r\nx-fal-target-url: ${SUBMIT}\r\ncontent-type: application/json\r\n` +
  (length === "chunked" ? "transfer-encoding: chunked\r\n\r\n" : `content-length: ${length}\r\n\r\n`);

describe("PRX-08 stalled and slow bodies", () => {
  it("PRX-08 a GET with a body is refused with 400 JSON and nothing is read or forwarded", async () => {
    const s = await boot({});
    for (const headers of [{ "content-length": "5" }, { "transfer-encoding": "chunked" }] as Record<string, string>[]) {
      const res = await httpRequest(s.proxyUrl, {
        method: "GET",
        headers: { "x-fal-target-url": STATUS, ...headers },
        body: "hello",
      });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe("body_not_allowed");
    }
    // Every route, not only the proxy.
    const info = await httpRequest(`${s.url}/api/info`, {
      method: "GET",
      headers: { "content-length": "3" },
      body: "abc",
    });
    expect(info.status).toBe(400);
    expect(spy.calls).toHaveLength(0);
    expect((await httpRequest(s.proxyUrl, { headers: { "x-fal-target-url": STATUS } })).status).toBe(200);
  });

  it("PRX-08 bodies share one in-flight budget: past it a request gets 503 at once, and it frees up", async () => {
    const s = await boot({ limits: { maxBodyBytes: 100_000, rateLimit: false }, body: { maxInFlightBytes: 250_000 } });
    // Ten clients announce 100 kB each and send 10 bytes: only two fit the 250 kB budget.
    const stalled = await Promise.all(Array.from({ length: 10 }, () => open(s, post(100_000) + "0123456789")));
    await until("eight are refused", () => stalled.filter((c) => c.answer().startsWith("HTTP/1.1 503")).length === 8);
    for (const c of stalled.filter((x) => x.answer() !== "")) {
      expect(c.answer()).toContain('"code":"server_busy"');
      expect(c.answer().toLowerCase()).toContain("retry-after: 1");
    }
    // Chunked bodies are counted as they arrive.
    const chunked = await open(s, post("chunked") + `ea60\r\n${"x".repeat(60_000)}`);
    await until("the chunked body is refused", () => chunked.answer().startsWith("HTTP/1.1 503"));
    // The two holders leave; their reservation is released and a real submit goes through.
    for (const c of [...stalled, chunked]) c.destroy();
    // The server notices the closed sockets on its next turns; retry until it has.
    const body = JSON.stringify({ model_name: "a/b", prompt: "x".repeat(90_000) });
    const statuses: number[] = [];
    const submit = async () =>
      (await httpRequest(s.proxyUrl, { method: "POST", headers: { "x-fal-target-url": SUBMIT }, body })).status;
    while (statuses.at(-1) !== 200 && statuses.length < 100) statuses.push(await submit());
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.every((x) => x === 503 || x === 200)).toBe(true);
    expect(spy.calls).toHaveLength(1);
  });

  it("PRX-08 a body dripping slower than the minimum rate is cut off with 408", async () => {
    const s = await boot({ body: { minBytesPerSecond: 1000, graceMs: 200 } });
    const slow = await open(s, post(5000) + "{");
    const drip = setInterval(() => slow.write(" "), 50); // 20 bytes/s
    try {
      await until("the server answers", () => slow.answer() !== "");
      expect(slow.answer()).toMatch(/^HTTP\/1\.1 408/);
      expect(slow.answer()).toContain('"code":"body_too_slow"');
      await until("the connection is closed", () => slow.closed);
    } finally {
      clearInterval(drip);
    }
    expect(spy.calls).toHaveLength(0);
    // A body at a normal pace is unaffected.
    const res = await httpRequest(s.proxyUrl, { method: "POST", headers: { "x-fal-target-url": SUBMIT }, body: "{}" });
    expect(res.status).toBe(200);
  });
});
