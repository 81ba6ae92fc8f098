/**
 * GET /api/lora/header through the real app, router and gate. The upstream is a local server
 * holding real .safetensors files; the injected fetch maps each allowlisted https URL onto it
 * (spy.resolve), so the allowlist under test is the real one and nothing reaches the internet.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/server/app.ts";
import { safetensors, sd1Tensors } from "../interop/safetensorsFixtures.ts";
import { httpRequest, startSpy, type Spy } from "./helpers.ts";

const quiet = { info() {}, warn() {}, error() {} };

const HF = "https://huggingface.co/u/castle/resolve/main/castle.safetensors";
const CASTLE = safetensors(
  {
    ss_base_model_version: "sd_v1",
    ss_network_dim: "16",
    ss_network_alpha: "8",
    ss_tag_frequency: JSON.stringify({ "10_castle": { castle: 9, "stone wall": 3 } }),
  },
  sd1Tensors(16),
);

let spy: Spy;
let app: App;
let base: string;
let fetched: string[];
/** Files by "/host/path" as the spy sees them; redirects by the same key. */
let files: Record<string, Uint8Array>;
let redirects: Record<string, string>;

const keyOf = (url: string) => new URL(url).hostname + new URL(url).pathname;

beforeEach(async () => {
  spy = await startSpy();
  files = { [`/${keyOf(HF)}`]: CASTLE };
  redirects = {};
  fetched = [];
  spy.handler = (call, _req, res) => {
    if (redirects[call.path]) return void res.writeHead(302, { location: redirects[call.path] }).end();
    const file = files[call.path];
    if (!file) return void res.writeHead(404).end("no such file");
    const m = /^bytes=(\d+)-(\d+)$/.exec(String(call.headers.range ?? ""));
    const to = m ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
    res.writeHead(m ? 206 : 200, { "content-range": `bytes 0-${to}/${file.length}` });
    res.end(Buffer.from(file.subarray(0, to + 1)));
  };
  app = createApp({
    standin: true,
    logger: quiet,
    loraHeader: {
      fetch: (url, init) => {
        fetched.push(url);
        return fetch(spy.resolve(url), init);
      },
    },
  });
  base = await app.listen(0);
});

afterEach(async () => {
  await app.close();
  await spy.close();
});

const ask = (url: string) => httpRequest(`${base}/api/lora/header?url=${encodeURIComponent(url)}`);

describe("GET /api/lora/header", () => {
  it("answers a real header with family, rank, alpha, triggers and the raw metadata", async () => {
    const res = await ask(HF);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ source: HF, family: "sd1", rank: 16, alpha: 8, fileBytes: CASTLE.length });
    expect(body.triggerWords).toEqual(["castle", "stone wall"]);
    expect(body.metadata.ss_network_dim).toBe("16");
    // Only the header was asked for, never the tensors.
    expect(spy.calls.map((c) => c.headers.range)).toEqual(["bytes=0-65535"]);
  });

  it("keeps answers: a second ask makes no upstream request", async () => {
    expect((await ask(HF)).status).toBe(200);
    const calls = spy.calls.length;
    const again = await ask(HF);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body).rank).toBe(16);
    expect(spy.calls.length).toBe(calls);
  });

  it("PRX-12 refuses a host off the allowlist without connecting", async () => {
    const res = await ask("https://evil.example/castle.safetensors");
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({ code: "host_not_allowed" });
    expect(JSON.parse(res.body).error.message).toMatch(/evil\.example is not one of the hosts/);
    expect(fetched).toEqual([]);
    expect(spy.calls).toEqual([]);
  });

  it("PRX-12 refuses a redirect to a host off the allowlist, without following it", async () => {
    redirects[`/${keyOf(HF)}`] = "https://169.254.169.254/latest/meta-data";
    const res = await ask(HF);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toMatch(
      /redirected to 169\.254\.169\.254, which is not on the allowlist/,
    );
    expect(fetched).toEqual([HF]);
  });

  it("PRX-12 refuses http:// and a missing or malformed url (400)", async () => {
    const http = await ask(HF.replace("https:", "http:"));
    expect(http.status).toBe(400);
    expect(JSON.parse(http.body).error).toMatchObject({ code: "bad_url" });
    expect(JSON.parse(http.body).error.message).toMatch(/only https URLs/);
    expect((await httpRequest(`${base}/api/lora/header`)).status).toBe(400);
    expect((await ask("not a url")).status).toBe(400);
    expect(fetched).toEqual([]);
  });

  it("PRX-12 refuses a 2 GB header length after the first 64 KiB, reading no further", async () => {
    files[`/${keyOf(HF)}`] = safetensors({}, undefined, { lengthOverride: 2n * 1024n ** 3n });
    const res = await ask(HF);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body).error.message).toMatch(/not a readable safetensors file/);
    expect(spy.calls.map((c) => c.headers.range)).toEqual(["bytes=0-65535"]);
  });

  it("follows an allowed redirect (Hugging Face to its CDN) and reports upstream errors as 502", async () => {
    const cdn = "https://cdn-lfs.huggingface.co/repos/ab/castle";
    redirects[`/${keyOf(HF)}`] = cdn;
    files[`/${keyOf(cdn)}`] = CASTLE;
    expect((await ask(HF)).status).toBe(200);
    expect(fetched).toEqual([HF, cdn]);
    const missing = await ask("https://huggingface.co/u/none/resolve/main/x.safetensors");
    expect(missing.status).toBe(502);
    expect(JSON.parse(missing.body).error.message).toMatch(/answered 404/);
  });

  it("answers 504 when upstream says nothing within the time limit", async () => {
    await app.close();
    app = createApp({
      standin: true,
      logger: quiet,
      loraHeader: {
        timeoutMs: 1,
        fetch: (_url, init) =>
          new Promise((_r, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason))),
      },
    });
    base = await app.listen(0);
    const res = await ask(HF);
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body).error).toMatchObject({ code: "upstream_timeout" });
  });

  it("shares the proxy's per-client budget: past it, 429 with Retry-After and no upstream request", async () => {
    await app.close();
    app = createApp({
      standin: true,
      logger: quiet,
      limits: { rateLimit: { submit: { capacity: 1, refillPerSecond: 0 }, poll: { capacity: 2, refillPerSecond: 0 } } },
      loraHeader: { fetch: (url, init) => (fetched.push(url), fetch(spy.resolve(url), init)) },
    });
    base = await app.listen(0);
    expect((await ask(HF)).status).toBe(200);
    expect((await ask(HF)).status).toBe(200);
    const third = await ask("https://huggingface.co/u/other/resolve/main/x.safetensors");
    expect(third.status).toBe(429);
    expect(third.headers["retry-after"]).toMatch(/^\d+$/);
    expect(fetched.filter((u) => u.includes("/other/"))).toEqual([]);
  });

  it("refuses another site's page (a foreign Origin), so it cannot be used as anyone's fetcher", async () => {
    const res = await httpRequest(`${base}/api/lora/header?url=${encodeURIComponent(HF)}`, {
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(fetched).toEqual([]);
  });

  it("sits behind the gate: a foreign Host is refused", async () => {
    const res = await httpRequest(`${base}/api/lora/header?url=${encodeURIComponent(HF)}`, {
      headers: { host: "evil.example" },
    });
    expect(res.status).toBe(421);
    expect(fetched).toEqual([]);
  });
});
