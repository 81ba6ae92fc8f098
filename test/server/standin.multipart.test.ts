/**
 * The stand-in's multipart upload (src/server/standin/multipart.ts), driven by the real client
 * through our runner: a file over 90 MiB goes as 10 MiB parts and comes back byte for byte; the
 * protocol's own checks (part etags, order, caps, unknown uploads) answer with what is wrong.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRunner } from "../../src/fal/runner.ts";
import { KEY_PATTERN, storageKey } from "../../src/server/standin/storage.ts";
import { startServer, type StartedServer } from "../harness/server.ts";
import { httpRequest } from "./helpers.ts";

let srv: StartedServer;
beforeAll(async () => {
  srv = await startServer({ standinOptions: { multipart: { maxMultipartBytes: 128 * 1024 * 1024 } } });
});
afterAll(() => srv.close());

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Asks the stand-in, through the proxy at `proxyUrl`, to start a multipart upload of `fileName`. */
function startUpload(proxyUrl: string, fileName: string): Promise<Response> {
  return fetch(proxyUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-fal-target-url": "https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3",
    },
    body: JSON.stringify({ content_type: "application/octet-stream", file_name: fileName }),
  });
}

async function initiate(): Promise<{ upload_url: string; file_url: string }> {
  const res = await startUpload(srv.proxyUrl, "castle.safetensors");
  expect(res.status).toBe(200);
  return (await res.json()) as { upload_url: string; file_url: string };
}

describe("EXE-08 stand-in multipart upload", () => {
  it("a 91 MiB file goes up in 10 MiB parts through the client and comes back byte for byte", async () => {
    const bytes = new Uint8Array(91 * 1024 * 1024 + 12345);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i % 251;
    const puts: string[] = [];
    const runner = createRunner({
      proxyUrl: srv.proxyUrl,
      fetch: (input, init) => {
        if (init?.method === "PUT") puts.push(String(input));
        return fetch(input, init);
      },
    });
    const url = await runner.upload(new File([bytes], "castle.safetensors"));
    expect(puts.length).toBe(10);
    expect(puts[0]).toMatch(/\/standin\/multipart\/[A-Za-z0-9-]+\/castle\.safetensors\/1$/);
    // The file keeps its name, as on fal's CDN: the URL ends in ".safetensors".
    expect(url).toMatch(/\/standin\/files\/[0-9a-f-]{36}\/castle\.safetensors$/);
    const back = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(back.length).toBe(bytes.length);
    expect(sha(back)).toBe(sha(bytes));
  });

  it("a cancelled upload stops at once, retries included", async () => {
    const ac = new AbortController();
    const runner = createRunner({
      proxyUrl: srv.proxyUrl,
      fetch: (input, init) => {
        if (init?.method === "PUT") ac.abort();
        return fetch(input, { ...init, signal: ac.signal });
      },
    });
    await expect(
      runner.upload(new File([new Uint8Array(91 * 1024 * 1024)], "big.safetensors"), { signal: ac.signal }),
    ).rejects.toThrow();
    expect(ac.signal.aborted).toBe(true);
  });

  it("refuses a complete whose parts or etags do not match what was uploaded", async () => {
    const { upload_url } = await initiate();
    const put = await httpRequest(`${upload_url}/1`, { method: "PUT", body: "part one" });
    const { etag, partNumber } = JSON.parse(put.body);
    expect(partNumber).toBe(1);
    const complete = (parts: unknown) =>
      httpRequest(`${upload_url}/complete`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ parts }),
      });
    const wrong = await complete([{ partNumber: 1, etag: '"nope"' }]);
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body).error.message).toMatch(/parts\[0\] is not part 1/);
    expect((await complete([{ partNumber: 2, etag }])).status).toBe(400);
    expect((await complete("x")).status).toBe(400);
    const ok = await complete([{ partNumber: 1, etag }]);
    expect(ok.status).toBe(200);
    // Finished: the upload URL is used up.
    expect((await httpRequest(`${upload_url}/2`, { method: "PUT", body: "late" })).status).toBe(404);
  });

  it("caps a part and the whole file, and knows no made-up upload", async () => {
    const small = await startServer({
      standinOptions: { multipart: { maxPartBytes: 1024, maxMultipartBytes: 1536 } },
    });
    try {
      const res = await startUpload(small.proxyUrl, "x.safetensors");
      const { upload_url } = (await res.json()) as { upload_url: string };
      expect((await httpRequest(`${upload_url}/1`, { method: "PUT", body: "x".repeat(2000) })).status).toBe(413);
      expect((await httpRequest(`${upload_url}/1`, { method: "PUT", body: "x".repeat(1000) })).status).toBe(200);
      expect((await httpRequest(`${upload_url}/2`, { method: "PUT", body: "x".repeat(1000) })).status).toBe(413);
      const ghost = upload_url.replace(
        /[0-9a-f-]{36}\/x\.safetensors$/,
        "00000000-0000-0000-0000-000000000000/x.safetensors",
      );
      expect(ghost).not.toBe(upload_url);
      expect((await httpRequest(`${ghost}/1`, { method: "PUT", body: "x" })).status).toBe(404);
      expect(
        (await httpRequest(`${upload_url.replace(/x\.safetensors$/, "..")}/1`, { method: "PUT", body: "x" })).status,
      ).toBe(404);
    } finally {
      await small.close();
    }
  });
});

describe("EXE-08 stand-in multipart bounds", () => {
  let small: StartedServer;
  beforeAll(async () => {
    // The default bounds: 10,000 parts, 4 open uploads.
    small = await startServer();
  });
  afterAll(() => small.close());

  async function open(name: string): Promise<string> {
    const res = await fetch(small.proxyUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-fal-target-url": "https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3",
      },
      body: JSON.stringify({ content_type: "application/octet-stream", file_name: name }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { upload_url: string }).upload_url;
  }

  it("EXE-08 part numbers run from 1 to 10,000: 0 and 10,001 get 400 and are not kept", async () => {
    const url = await open("parts.safetensors");
    for (const n of [0, 10_001, 99_999]) {
      const res = await httpRequest(`${url}/${n}`, { method: "PUT", body: "x" });
      expect(res.status, `part ${n}`).toBe(400);
      expect(JSON.parse(res.body).error.message).toMatch(/Part numbers run from 1 to 10000/);
    }
    expect((await httpRequest(`${url}/10000`, { method: "PUT", body: "x" })).status).toBe(200);
    const first = JSON.parse((await httpRequest(`${url}/1`, { method: "PUT", body: "x" })).body).etag;
    // The refused parts were not kept: the upload holds parts 1 and 10,000 only.
    const res = await httpRequest(`${url}/complete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ parts: [{ partNumber: 1, etag: first }] }),
    });
    expect(JSON.parse(res.body).error.message).toBe("2 parts were uploaded but 1 listed.");
  });

  it("EXE-08 at most 4 uploads are open at once: a fifth drops the oldest, whose parts then get 404", async () => {
    const urls: string[] = [];
    for (let i = 0; i < 5; i++) urls.push(await open(`open${i}.safetensors`));
    expect((await httpRequest(`${urls[0]}/1`, { method: "PUT", body: "x" })).status).toBe(404);
    for (const url of urls.slice(1))
      expect((await httpRequest(`${url}/1`, { method: "PUT", body: "x" })).status).toBe(200);
    const sixth = await open("open5.safetensors");
    expect((await httpRequest(`${urls[1]}/1`, { method: "PUT", body: "x" })).status).toBe(404);
    expect((await httpRequest(`${sixth}/1`, { method: "PUT", body: "x" })).status).toBe(200);
  });
});

describe("stand-in file names", () => {
  it("keep the uploaded name and extension, reduced to URL-safe characters", () => {
    const key = (name: string) => storageKey(name).replace(/^[0-9a-f-]{36}\//, "");
    expect(key("castle_style.safetensors")).toBe("castle_style.safetensors");
    expect(key("My Castle (v2).SafeTensors")).toBe("My_Castle_v2_.safetensors");
    expect(key("../../etc/passwd")).toBe("passwd.bin");
    expect(key("C:\\loras\\.hidden.pt")).toBe("hidden.pt");
    expect(key(".safetensors")).toBe("file.safetensors");
    expect(key("")).toBe("file.bin");
  });

  it("every name the client sends gives a key the routes accept: one plain path segment after the id (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: "binary" }), (name) => {
        const k = storageKey(name);
        expect(k).toMatch(KEY_PATTERN);
        expect(k.split("/")).toHaveLength(2);
        expect(k.split("/")[1]).not.toMatch(/^\./);
      }),
    );
  });
});
