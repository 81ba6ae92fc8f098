/**
 * `lora-graph run`, in-process against the real server in stand-in mode: requests go through
 * the proxy (or, for direct mode, a fetch that forwards fal's URLs to it), images land on disk.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run, type CliIO } from "../../src/cli/main";
import { nodeIO } from "../../src/cli/io";
import { download, extensionFor, parseOverride } from "../../src/cli/run";
import { registry } from "../../nodes";
import { validateInput } from "../../src/server/standin/validate";
import { startServer, type StartedServer } from "../harness/server";
import { PNG } from "pngjs";
import { PARAMETERS_KEYWORD, REQUEST_KEYWORD, WORKFLOW_KEYWORD, readImageMetadata } from "../../src/interop/image";
import { a1111ToRequest } from "../../src/interop/a1111";

const example = (name: string) => fileURLToPath(new URL(`../../src/examples/${name}.json`, import.meta.url));
const QUEEN = example("medieval-queen");
const LORAS = example("sdxl-two-loras");
const INVALID = fileURLToPath(new URL("./fixtures/invalid-params.workflow.json", import.meta.url));
// 512 px placeholders instead of the example's 1024: the stand-in draws them, tests stay quick.
const SMALL = ["--set", 'sampler.image_size="square"'];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let srv: StartedServer;
let out: string;
/** The stand-in's own validation, plus a rule these tests can turn on to get a 422 for a field. */
let extraRule: ((input: Record<string, unknown>) => { loc: (string | number)[]; msg: string; type: string }[]) | null =
  null;

beforeAll(async () => {
  srv = await startServer({
    standinOptions: {
      latencyMs: 30,
      queueDelayMs: 10,
      validate: (endpoint, input) => [
        ...validateInput(endpoint, input),
        ...(extraRule?.(input as Record<string, unknown>) ?? []),
      ],
    },
  });
});
afterAll(() => srv.close());
beforeEach(async () => {
  srv.standin!.faults.clear();
  srv.standin!.resetStats();
  extraRule = null;
  out = await mkdtemp(join(tmpdir(), "lora-graph-run-"));
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await rm(out, { recursive: true, force: true });
});

const calls = () => srv.standin!.stats().calls;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with real files; `onStderr` sees stderr as it is written (to interrupt mid-run). */
function cli(
  argv: string[],
  options: { env?: Record<string, string>; signal?: AbortSignal; onStderr?: (all: string) => void } = {},
): Promise<CliRun> {
  const r = { stdout: "", stderr: "" };
  const io: CliIO = {
    stdout: (s) => void (r.stdout += s),
    stderr: (s) => {
      r.stderr += s;
      options.onStderr?.(r.stderr);
    },
    read: nodeIO.read,
  };
  return run(argv, { io, env: options.env ?? {}, signal: options.signal }).then((code) => ({ code, ...r }));
}

const runQueen = (...extra: string[]) => cli(["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out, ...SMALL, ...extra]);

async function savedPngs(): Promise<string[]> {
  const names = (await readdir(out)).sort();
  for (const name of names) {
    const bytes = await readFile(join(out, name));
    expect([...bytes.subarray(0, 8)], name).toEqual(PNG_SIGNATURE);
  }
  return names;
}

describe("lora-graph run", () => {
  it("runs the medieval queen through the proxy, saves the image and prints the result", async () => {
    const r = await runQueen();
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toEqual([
      {
        output: "sampler",
        endpoint: "fal-ai/lora",
        requestId: expect.stringMatching(UUID),
        result: expect.objectContaining({ images: [expect.objectContaining({ url: expect.any(String), width: 512 })] }),
        files: [join(out, "sampler-0.png")],
      },
    ]);
    expect(await savedPngs()).toEqual(["sampler-0.png"]);
    // The saved file is the image fal's result points at, with its recipe inside: the workflow,
    // the request, and A1111's parameters text that A1111 and Civitai read.
    const served = Buffer.from(await (await fetch(printed[0].result.images[0].url)).arrayBuffer());
    const saved = new Uint8Array(await readFile(join(out, "sampler-0.png")));
    // Buffer.equals: a deep toEqual walks the 1 MiB of pixels one index at a time (seconds).
    const same = PNG.sync.read(Buffer.from(saved)).data.equals(PNG.sync.read(served).data);
    expect(same, "the saved image has the served image's pixels").toBe(true);
    const meta = readImageMetadata(saved);
    if (!meta.ok) throw new Error(meta.error);
    expect(JSON.parse(meta.entries[WORKFLOW_KEYWORD]).format).toBe("lora-graph/workflow");
    expect(JSON.parse(meta.entries[REQUEST_KEYWORD])).toMatchObject({
      endpoint: "fal-ai/lora",
      input: { image_size: "square" },
    });
    const params = a1111ToRequest(meta.entries[PARAMETERS_KEYWORD]);
    expect(params.request).toMatchObject({
      prompt: JSON.parse(meta.entries[REQUEST_KEYWORD]).input.prompt,
      image_size: { width: 512, height: 512 },
    });
    // Progress: queue, then the end; polling by default (the quick stand-in job may finish between polls).
    expect(r.stderr).toMatch(/^sampler: in queue.*\(\d+\.\d s\)$/m);
    expect(r.stderr).toMatch(/^sampler: done after 30\/30 steps, fetching the result \(\d+\.\d s\)$/m);
    expect(r.stderr).toContain(`sampler: 1 image saved: ${join(out, "sampler-0.png")}`);
    expect(calls()).toMatchObject({ submit: 1, stream: 0, cancel: 0 });
    expect(calls().status).toBeGreaterThan(0);
  });

  it("--set sampler.num_images=2 gives two images", async () => {
    const r = await runQueen("--set", "sampler.num_images=2");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0].result.images).toHaveLength(2);
    expect(await savedPngs()).toEqual(["sampler-0.png", "sampler-1.png"]);
    expect(calls().submit).toBe(1);
  });

  it("--stream follows the status over server-sent events", async () => {
    const r = await runQueen("--stream");
    expect(r.code, r.stderr).toBe(0);
    expect(await savedPngs()).toEqual(["sampler-0.png"]);
    // Every update arrives over the stream: the first step seen and the last are both shown.
    const steps = [...r.stderr.matchAll(/^sampler: step (\d+)\/30 \(\d+\.\d s\)$/gm)].map((m) => Number(m[1]));
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.at(-1)).toBe(30);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(calls().stream).toBeGreaterThan(0);
    expect(calls().status).toBe(0);
  });

  it("runs every Sampler output, concurrently", async () => {
    const doc = JSON.parse(await readFile(QUEEN, "utf8"));
    doc.nodes.push({
      id: "second",
      type: "sampler",
      typeVersion: 1,
      position: { x: 640, y: 140 },
      params: { num_images: 2, image_size: "square", seed: 7 },
    });
    doc.edges.push(
      { id: "e2m", source: "base", sourceHandle: "model", target: "second", targetHandle: "model" },
      { id: "e2c", source: "prompt", sourceHandle: "conditioning", target: "second", targetHandle: "conditioning" },
    );
    const file = join(out, "two.json");
    await writeFile(file, JSON.stringify(doc));
    const r = await cli(["run", file, "--proxy", srv.proxyUrl, "--out", join(out, "img"), ...SMALL]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      JSON.parse(r.stdout).map((o: { output: string; result: { images: unknown[] } }) => [
        o.output,
        o.result.images.length,
      ]),
    ).toEqual([
      ["sampler", 1],
      ["second", 2],
    ]);
    expect((await readdir(join(out, "img"))).sort()).toEqual(["sampler-0.png", "second-0.png", "second-1.png"]);
    expect(calls().submit).toBe(2);
  });

  it("creates --out when it does not exist", async () => {
    const nested = join(out, "a", "b");
    const r = await cli(["run", QUEEN, "--proxy", srv.proxyUrl, "-o", nested, ...SMALL]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(nested)).toEqual(["sampler-0.png"]);
  });

  it("sends nothing for an invalid pipeline: diagnostics on stderr, exit 1", async () => {
    const r = await runQueen("--set", "sampler.guidance_scale=99");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error invalid-param node sampler (sampler) field guidance_scale: Guidance (CFG) must be at most 20\n",
    );
    const fixture = await cli(["run", INVALID, "--proxy", srv.proxyUrl, "--out", out]);
    expect(fixture.code).toBe(1);
    expect(fixture.stderr).toMatch(/^error invalid-param node lora_1 \(lora\) field scale: /m);
    expect(calls().submit).toBe(0);
    expect(await readdir(out)).toEqual([]);
  });

  it("shows fal's 422 on the node and field that set the value (after the compile's warnings)", async () => {
    extraRule = (input) => {
      const loras = input.loras as { scale?: number }[] | undefined;
      return loras?.[1]?.scale === 1
        ? [{ loc: ["body", "loras", 1, "scale"], msg: "Input should be less than 1", type: "less_than" }]
        : [];
    };
    const r = await cli([
      "run",
      LORAS,
      "--proxy",
      srv.proxyUrl,
      "--out",
      out,
      ...SMALL,
      "--set",
      "lora-style.scale=1.5",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^warning param-out-of-confirmed-range node lora-style \(lora\) field scale: Scale 1\.5 is outside 0–1/,
      ),
      "error request-invalid node lora-lcm (lora) field scale: fal rejected loras.1.scale: Input should be less than 1 (step submit)",
    ]);
    expect(await readdir(out)).toEqual([]);
  });

  it.each([
    [
      "a failed result fetch",
      { op: "result", kind: "http", status: 500 } as const,
      /step result, request /,
      /Injected 500/,
    ],
    [
      "a job that fails at fal",
      { op: "submit", kind: "jobError", detail: "CUDA out of memory" } as const,
      /step result, request /,
      /CUDA out of memory/,
    ],
  ])("names the step and the request id for %s", async (_, fault, where, what) => {
    srv.standin!.faults.add(fault);
    const r = await runQueen();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const line = r.stderr.trimEnd().split("\n").at(-1)!;
    expect(line).toMatch(/^error run-failed node sampler \(sampler\): /);
    expect(line).toMatch(where);
    expect(line).toMatch(what);
    expect(line).toMatch(UUID);
    expect(calls().submit).toBe(1);
    expect(await readdir(out)).toEqual([]);
  });

  it("keeps the result when an image cannot be downloaded: printed on stdout, the failure named, exit 1", async () => {
    srv.standin!.faults.add({ op: "file", kind: "http", status: 404 });
    const r = await runQueen();
    expect(r.code).toBe(1);
    const printed = JSON.parse(r.stdout);
    expect(printed[0]).toMatchObject({ output: "sampler", requestId: expect.stringMatching(UUID), files: [] });
    expect(r.stderr).toMatch(
      new RegExp(
        `^error save-failed node sampler \\(sampler\\): could not download result\\.images\\[0\\] from http://\\S+: HTTP 404 \\(request ${printed[0].requestId}; the URL is in the result\\)$`,
        "m",
      ),
    );
    expect(await readdir(out)).toEqual([]);
  });

  it("download caps the size whether or not Content-Length is declared", async () => {
    const r = await runQueen();
    const url = JSON.parse(r.stdout)[0].result.images[0].url;
    const signal = new AbortController().signal;
    const full = await download(url, signal);
    expect(extensionFor(full, "application/octet-stream")).toBe("png");
    await expect(download(url, signal, full.length - 1)).rejects.toThrow(
      `${full.length} bytes is over the ${full.length - 1}-byte limit`,
    );
    // Without Content-Length (a data: URI here), the cap is enforced on the bytes as they arrive.
    const dataUri = `data:image/png;base64,${Buffer.from(full).toString("base64")}`;
    expect(await download(dataUri, signal)).toEqual(full);
    await expect(download(dataUri, signal, 100)).rejects.toThrow(/^over the 100-byte limit$/);
  });

  it("--json gives { outputs, diagnostics } with ok and result, or the error's kind, step and request id", async () => {
    const good = await runQueen("--json");
    expect(good.code).toBe(0);
    const g = JSON.parse(good.stdout);
    expect(g).toEqual({
      outputs: [
        {
          output: "sampler",
          endpoint: "fal-ai/lora",
          ok: true,
          requestId: expect.stringMatching(UUID),
          result: expect.any(Object),
          files: [join(out, "sampler-0.png")],
        },
      ],
      diagnostics: [],
    });

    srv.standin!.faults.add({ op: "result", kind: "http", status: 500 });
    const bad = await runQueen("--json");
    expect(bad.code).toBe(1);
    const b = JSON.parse(bad.stdout);
    expect(b.outputs[0]).toMatchObject({
      ok: false,
      requestId: expect.stringMatching(UUID),
      error: { kind: "http", step: "result", status: 500 },
    });
    expect(b.outputs[0].error.requestId).toBe(b.outputs[0].requestId);
    expect(b.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", code: "run-failed", nodeId: "sampler" }),
    ]);
  });

  it("CLI-02: progress and saved-file lines show a hostile output id escaped, on a terminal too", async () => {
    const id = "s\u001b]0;owned\u0007\u001b[2J";
    const doc = JSON.parse(await readFile(QUEEN, "utf8"));
    for (const n of doc.nodes) if (n.id === "sampler") n.id = id;
    for (const e of doc.edges) if (e.target === "sampler") e.target = id;
    const file = join(out, "hostile.json");
    await writeFile(file, JSON.stringify(doc));
    const argv = [
      "run",
      file,
      "--proxy",
      srv.proxyUrl,
      "--out",
      join(out, "img"),
      "--set",
      `${id}.image_size="square"`,
    ];
    const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    for (const tty of [false, true]) {
      let stderr = "";
      const redrawn: string[] = [];
      const io: CliIO = {
        stdout: () => {},
        stderr: (s) => void (stderr += s),
        read: nodeIO.read,
        ...(tty ? { redrawLine: (s: string) => void redrawn.push(s) } : {}),
      };
      expect(await run(argv, { io, env: {} })).toBe(0);
      expect(stderr + redrawn.join("")).not.toMatch(control);
      const shown = "s\\u001b]0;owned\\u0007\\u001b[2J";
      expect(stderr).toContain(`${shown}: 1 image saved: `);
      if (tty) expect(redrawn.length > 0 && redrawn.every((l) => l.startsWith(`${shown}: `))).toBe(true);
      else expect(stderr).toMatch(/: done after 30\/30 steps/);
    }
  });

  it("Ctrl-C cancels the queued request and exits 130", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "stuck" });
    const interrupt = new AbortController();
    const r = await cli(["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out, ...SMALL], {
      signal: interrupt.signal,
      onStderr: (all) => {
        // Interrupted while following (after the first status answer), not just after submit.
        if (all.includes("in queue, position")) interrupt.abort();
      },
    });
    expect(r.code).toBe(130);
    expect(calls()).toMatchObject({ submit: 1, cancel: 1 });
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning interrupted node sampler \\(sampler\\): interrupted: request ${UUID.source} cancelled$`,
        "m",
      ),
    );
    expect(srv.standin!.stats().jobs).toMatchObject({ queued: 0, running: 0 });
    expect(await readdir(out)).toEqual([]);
  });

  it("talks to fal directly with FAL_KEY when there is no --proxy", async () => {
    const auth: (string | null)[] = [];
    const realFetch = globalThis.fetch;
    // Stands in for fal's hosts: records the key, then forwards to our proxy (which drops it).
    vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!/^https:\/\/([a-z.]+\.)?fal\.(run|ai)\//.test(url)) return realFetch(input, init);
      const headers = new Headers(init?.headers);
      auth.push(headers.get("authorization"));
      headers.delete("authorization");
      headers.set("x-fal-target-url", url);
      return realFetch(srv.proxyUrl, { ...init, headers });
    });
    const r = await cli(["run", QUEEN, "--out", out, ...SMALL], { env: { FAL_KEY: "test-key-123" } });
    expect(r.code, r.stderr).toBe(0);
    expect(await savedPngs()).toEqual(["sampler-0.png"]);
    expect(auth.length).toBeGreaterThanOrEqual(3); // submit, status, result
    expect(new Set(auth)).toEqual(new Set(["Key test-key-123"]));
  });

  it("refuses to run without --proxy or FAL_KEY", async () => {
    const r = await cli(["run", QUEEN, "--out", out], { env: { FAL_KEY: "  " } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lora-graph: run needs somewhere to send the requests: set FAL_KEY .* or give --proxy URL/,
    );
    expect(calls().submit).toBe(0);
  });

  it("--set reads JSON when the param takes it, else the text; null removes the param", async () => {
    const doc = JSON.parse(await readFile(LORAS, "utf8"));
    const value = (raw: string) => parseOverride(raw, doc, { registry }).value;
    expect(value("sampler.num_images=2")).toBe(2);
    expect(value('sampler.image_size={"width":64,"height":64}')).toEqual({ width: 64, height: 64 });
    expect(value("prompt.prompt=42")).toBe("42");
    expect(value("prompt.prompt=a cat, 8k")).toBe("a cat, 8k");
    expect(value("prompt.prompt_weighting=true")).toBe(true);
    expect(value("sampler.seed=null")).toBeUndefined();
    expect(value("sampler.seed=abc")).toBe("abc"); // then refused by the compiler, before any request
    expect(parseOverride("lora-style.scale=0.5", doc, { registry })).toEqual({
      nodeId: "lora-style",
      param: "scale",
      value: 0.5,
    });
  });

  it.each([
    [
      ["--set", "nope.seed=1"],
      /--set nope\.seed: no node "nope" in the workflow; its nodes are base, prompt, sampler, note/,
    ],
    [
      ["--set", "sampler.sed=1"],
      /--set sampler\.sed: node sampler \(sampler\) has no param "sed"; its params are seed, guidance_scale/,
    ],
    [["--set", "sampler"], /--set "sampler": expected node\.param=value/],
    [["--set", "sampler=3"], /--set sampler: expected node\.param=value/],
    [["--proxy", "not a url"], /--proxy "not a url" is not a URL/],
    [["--proxy", "ftp://x/y"], /--proxy must be an http or https URL/],
  ])("%j is a usage error (exit 2) naming what is wrong", async (args, message) => {
    const r = await cli(["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(calls().submit).toBe(0);
  });
});
