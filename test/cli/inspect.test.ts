/**
 * lora-graph inspect, in-process: local files from memory or disk, URLs through an injected fetch
 * that answers Range requests like Hugging Face and Civitai do, and records what was asked.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run, type CliIO } from "../../src/cli/main";
import { InputError, nodeIO } from "../../src/cli/io";
import { dataUrl, PNG_1x1, safetensors, sd1Tensors } from "../interop/safetensorsFixtures";

const SDXL = safetensors({
  ss_base_model_version: "sdxl_base_v1-0",
  ss_network_dim: "32",
  ss_network_alpha: "16",
  ss_output_name: "castle_xl",
  ss_tag_frequency: JSON.stringify({ "10_castle": { castle: 9, "stone wall": 3 } }),
  "modelspec.thumbnail": dataUrl("image/png", PNG_1x1),
});

function memoryIO(files: Record<string, Uint8Array>) {
  const out = { stdout: "", stderr: "" };
  const io: CliIO = {
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    read: async () => {
      throw new Error("inspect must not read whole files");
    },
    async readPrefix(path, bytes) {
      const f = files[path];
      if (!f) throw new InputError(`cannot read ${path}: no such file`);
      return { bytes: f.subarray(0, bytes), size: f.length };
    },
  };
  return { io, out };
}

async function inspect(argv: string[], files: Record<string, Uint8Array> = {}, fetch?: typeof globalThis.fetch) {
  const { io, out } = memoryIO(files);
  const code = await run(["inspect", ...argv], { io, fetch });
  return { code, ...out };
}

interface Served {
  url: string;
  range: string | null;
  headers: string[];
  /** Body bytes the client actually pulled. */
  pulled: number;
}

/**
 * A fake web: `files` by URL answer GETs (206 for a Range unless `ignoreRange`), `redirects` by
 * URL answer 302. Bodies are streamed in 16 KiB chunks, counting what the client pulls.
 */
function fakeWeb(
  files: Record<string, Uint8Array>,
  redirects: Record<string, string> = {},
  opts: { ignoreRange?: boolean; status?: number } = {},
) {
  const served: Served[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const entry: Served = { url, range: headers.get("range"), headers: [...headers.keys()], pulled: 0 };
    served.push(entry);
    expect(init?.redirect).toBe("manual");
    if (redirects[url]) return new Response(null, { status: 302, headers: { location: redirects[url] } });
    const file = files[url];
    if (!file || opts.status) return new Response("nope", { status: opts.status ?? 404, statusText: "Not Found" });
    const m = /^bytes=(\d+)-(\d+)$/.exec(entry.range ?? "");
    const [from, to] =
      m && !opts.ignoreRange ? [Number(m[1]), Math.min(Number(m[2]), file.length - 1)] : [0, file.length - 1];
    const body = file.subarray(from, to + 1);
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= body.length) return c.close();
        const chunk = body.subarray(at, at + 16384);
        at += chunk.length;
        entry.pulled += chunk.length;
        c.enqueue(chunk);
      },
    });
    return m && !opts.ignoreRange
      ? new Response(stream, { status: 206, headers: { "content-range": `bytes ${from}-${to}/${file.length}` } })
      : new Response(stream, { status: 200, headers: { "content-length": String(file.length) } });
  }) as typeof globalThis.fetch;
  return { fetch, served };
}

describe("lora-graph inspect FILE", () => {
  it("prints family, rank, alpha and trigger words, and exits 0", async () => {
    const r = await inspect(["castle.safetensors"], { "castle.safetensors": SDXL });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^castle\.safetensors\n/);
    expect(r.stdout).toMatch(/ family +SDXL \(ss_base_model_version: sdxl_base_v1-0\)\n/);
    expect(r.stdout).toMatch(/ rank +32\n/);
    expect(r.stdout).toMatch(/ alpha +16\n/);
    expect(r.stdout).toMatch(/ trigger words +castle, stone wall {2}\(most frequent training tags\)\n/);
    expect(r.stdout).toMatch(/ thumbnail +image\/png, \d+ bytes\n/);
  });

  it("--json prints the raw metadata with what was derived from it", async () => {
    const r = await inspect(["--json", "castle.safetensors"], { "castle.safetensors": SDXL });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      source: "castle.safetensors",
      fileBytes: SDXL.length,
      family: "sdxl",
      rank: 32,
      alpha: 16,
      triggerWords: ["castle", "stone wall"],
      thumbnail: { type: "image/png", bytes: PNG_1x1.length },
      diagnostics: [],
    });
    expect(out.metadata.ss_output_name).toBe("castle_xl");
    expect(out.metadata["modelspec.thumbnail"]).toMatch(/^data:image\/png;base64,/);
  });

  it("says plainly when the header tells nothing about the family", async () => {
    const r = await inspect(["x.safetensors"], { "x.safetensors": safetensors(undefined, { w: { shape: [2, 2] } }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/family +unknown \(the header says nothing about it: compatibility cannot be checked\)/);
    expect(r.stdout).toMatch(/trigger words +none in the metadata/);
  });

  it.each<[string, Uint8Array, RegExp]>([
    [
      "a length beyond the file",
      safetensors({ a: "b" }, {}, { lengthOverride: 1n << 20n }),
      /error beyond-file: .*claims 1048576 bytes/,
    ],
    ["a 2 GB length", safetensors({ a: "b" }, {}, { lengthOverride: 2n << 30n }), /error (beyond-file|too-large): /],
    ["a header that is not JSON", safetensors(undefined, {}, { headerText: "{oops" }), /error not-json: /],
    ["a text file", new TextEncoder().encode("hello, this is not a LoRA at all"), /error (beyond-file|too-large): /],
  ])("refuses %s with exit 2", async (_, bytes, line) => {
    const r = await inspect(["bad.safetensors"], { "bad.safetensors": bytes });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(line);
    expect(r.stderr).toMatch(/bad\.safetensors is not a readable safetensors file/);
  });

  it("exits 1 when parts of the header were refused, and escapes control characters from the file", async () => {
    const hostile = safetensors({
      ss_base_model_version: "sd_v1",
      ss_output_name: "\u001b]0;pwned\u0007title\u001b[2J",
      "modelspec.trigger_phrase": "cstl\u202e, \u001b[31mred",
      "modelspec.thumbnail": dataUrl("image/svg+xml", new TextEncoder().encode("<svg onload=alert(1)/>")),
    });
    const r = await inspect(["h.safetensors"], { "h.safetensors": hostile });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.stdout).toMatch(/title +\\u001b\]0;pwned\\u0007title\\u001b\[2J/);
    expect(r.stdout).toMatch(/trigger words +cstl\\u202e, \\u001b\[31mred/);
    expect(r.stderr).toMatch(/^warning metadata-refused: modelspec\.thumbnail was refused: image\/svg\+xml/m);
  });

  it("reads a real file on disk without reading it whole", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inspect-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "big.safetensors");
    // A 4 MB body after the header: only the header is read.
    const lora = safetensors(
      { ss_base_model_version: "sd_v1", ss_network_dim: "8" },
      { ...sd1Tensors(8), big: { shape: [1024, 2048] } },
    );
    writeFileSync(file, lora);
    let stdout = "";
    const io: CliIO = { ...nodeIO, stdout: (s) => void (stdout += s), stderr: () => {} };
    expect(await run(["inspect", file], { io })).toBe(0);
    expect(stdout).toMatch(/family +SD1/);
    expect(await run(["inspect", join(dir, "missing.safetensors")], { io })).toBe(2);
  });
});

describe("lora-graph inspect URL", () => {
  const HF = "https://huggingface.co/someone/castle/resolve/main/castle.safetensors";
  const CDN = "https://cas-bridge.xethub.hf.co/xet-bridge-us/abc?X-Amz-Signature=1";

  it("follows Hugging Face's redirect to its CDN and reads the header with one Range request", async () => {
    const web = fakeWeb({ [CDN]: SDXL }, { [HF]: CDN });
    const r = await inspect([HF], {}, web.fetch);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/family +SDXL/);
    expect(web.served.map((s) => s.url)).toEqual([HF, CDN]);
    // A simple request: one Range header and nothing else, so browsers would not need a preflight.
    expect(web.served.every((s) => s.headers.length === 1 && s.range === "bytes=0-65535")).toBe(true);
  });

  it("asks for exactly the rest of a header longer than the first read", async () => {
    const tags = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`tag number ${i}`, 6000 - i]));
    const big = safetensors({ ss_base_model_version: "sd_v1", ss_tag_frequency: JSON.stringify({ d: tags }) });
    const web = fakeWeb({ [HF]: big });
    const r = await inspect(["--json", HF], {}, web.fetch);
    expect(r.code).toBe(0);
    const n = Number(new DataView(big.buffer).getBigUint64(0, true));
    expect(n).toBeGreaterThan(65536);
    expect(web.served.map((s) => s.range)).toEqual(["bytes=0-65535", `bytes=0-${n + 7}`]);
    expect(JSON.parse(r.stdout).triggerWords[0]).toBe("tag number 0");
  });

  it("stops reading when a server ignores Range and sends the whole file", async () => {
    const large = safetensors({ ss_base_model_version: "sd_v1" }, { w: { shape: [4096, 1024] } });
    const web = fakeWeb({ [HF]: large }, {}, { ignoreRange: true });
    const r = await inspect([HF], {}, web.fetch);
    expect(r.code).toBe(0);
    expect(large.length).toBeGreaterThan(8_000_000);
    expect(web.served[0].pulled).toBeLessThanOrEqual(65536 + 16384);
  });

  it("refuses a redirect off the allowlist without fetching it", async () => {
    const web = fakeWeb({ "https://evil.example/x": SDXL }, { [HF]: "https://evil.example/x" });
    const r = await inspect([HF], {}, web.fetch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huggingface\.co redirected to evil\.example, which is not on the allowlist/);
    expect(web.served.map((s) => s.url)).toEqual([HF]);
  });

  it.each([
    ["http://huggingface.co/x.safetensors", /only https URLs are fetched/],
    ["https://127.0.0.1:8787/x.safetensors", /port/],
    ["https://example.com/x.safetensors", /example\.com is not one of the hosts LoRAs are read from/],
    ["ftp://huggingface.co/x", /only https URLs are fetched/],
  ])("refuses %s before any request", async (url, why) => {
    const web = fakeWeb({});
    const r = await inspect([url], {}, web.fetch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(web.served).toEqual([]);
  });

  it("reads a Hugging Face repository as the one LoRA file it holds, and a /blob/ page as its file", async () => {
    const repo = "https://huggingface.co/someone/castle";
    const list = "https://huggingface.co/api/models/someone/castle/revision/main";
    const files = ["README.md", "castle.safetensors", "sample.png"].map((rfilename) => ({ rfilename }));
    const web = fakeWeb({ [list]: new TextEncoder().encode(JSON.stringify({ siblings: files })), [HF]: SDXL });
    const r = await inspect([repo], {}, web.fetch);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`file +${HF.replace(/[./]/g, "\\$&")}\n`));
    expect(r.stdout).toMatch(/family +SDXL/);
    expect(web.served.map((s) => s.url)).toEqual([list, HF]);
    // The file list is asked for without a Range header, and nothing else is sent either.
    expect(web.served[0].headers).toEqual([]);
    const blob = await inspect(["--json", HF.replace("/resolve/", "/blob/")], {}, fakeWeb({ [HF]: SDXL }).fetch);
    expect(JSON.parse(blob.stdout)).toMatchObject({ resolved: HF, family: "sdxl" });
  });

  it("says why a repository holding several LoRA files, or a folder, was not read", async () => {
    const list = "https://huggingface.co/api/models/someone/castle/revision/main";
    const files = ["v1.safetensors", "v2.safetensors"].map((rfilename) => ({ rfilename }));
    const web = fakeWeb({ [list]: new TextEncoder().encode(JSON.stringify({ siblings: files })) });
    const r = await inspect(["https://huggingface.co/someone/castle"], {}, web.fetch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/several \.safetensors files \(v1\.safetensors, v2\.safetensors\): name the file/);
    expect(web.served.map((s) => s.url)).toEqual([list]);
    const folder = await inspect(["https://huggingface.co/someone/castle/tree/main/loras"], {}, web.fetch);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is a folder of someone\/castle, not a file/);
  });

  it("explains an error answer", async () => {
    const r = await inspect([HF], {}, fakeWeb({ [HF]: SDXL }, {}, { status: 401 }).fetch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huggingface\.co answered 401 .*needs a login/);
  });
});
