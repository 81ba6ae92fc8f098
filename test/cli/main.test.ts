/**
 * The CLI's behaviour, in-process: run(argv, { io }) with files served from memory.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { COMMANDS } from "../../src/cli/main";
import { memoryCli } from "./memoryCli";
import { loadWorkflow } from "../../src/graph";
import { registry } from "../../nodes";

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8");
const REQUEST = fixture("request-img2img.json");
const VALID = fixture("valid-img2img.workflow.json");
const INVALID = fixture("invalid-params.workflow.json");

const cli = (argv: string[], files: Record<string, string | Uint8Array> = {}, stdin?: string) =>
  memoryCli(argv, files, { stdin });

const LINE = /^(error|warning|info) [a-z-]+( node \S+ \([a-z_]+\))?( field \S+)?( edge \S+)?( at \S+)?: .+$/;

describe("lora-graph compile", () => {
  it("prints [{output, endpoint, input}] and exits 0 for a valid pipeline", async () => {
    const r = await cli(["compile", "w.json"], { "w.json": VALID });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toEqual([{ output: "sampler", endpoint: "fal-ai/lora/image-to-image", input: expect.any(Object) }]);
    expect(out[0].input).toMatchObject(JSON.parse(REQUEST).input);
  });

  it("prints one line per diagnostic on stderr and exits 1 for an invalid pipeline", async () => {
    const r = await cli(["compile", "w.json"], { "w.json": INVALID });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines).toContain(
      "error invalid-param node sampler (sampler) field guidance_scale: Guidance (CFG) must be at most 20",
    );
    expect(lines.some((l) => l.startsWith("error invalid-param node lora_1 (lora) field scale: "))).toBe(true);
  });

  it("--json puts outputs and diagnostics on stdout as one object", async () => {
    const bad = await cli(["compile", "--json", "w.json"], { "w.json": INVALID });
    expect(bad.code).toBe(1);
    const parsed = JSON.parse(bad.stdout);
    expect(parsed.outputs).toEqual([{ output: "sampler", endpoint: "fal-ai/lora/image-to-image", ok: false }]);
    expect(parsed.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "error",
        code: "invalid-param",
        nodeId: "sampler",
        nodeType: "sampler",
        field: "guidance_scale",
      }),
    );
    const good = await cli(["compile", "w.json", "--json"], { "w.json": VALID });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).outputs[0]).toMatchObject({ ok: true, input: { seed: 1234 } });
  });

  it("reads the workflow from standard input with -", async () => {
    const r = await cli(["compile", "-"], {}, VALID);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].output).toBe("sampler");
  });

  it("exits 1 when nothing compiles (no Sampler)", async () => {
    const doc = {
      format: "lora-graph/workflow",
      version: 2,
      meta: {},
      nodes: [{ id: "p", type: "prompt", typeVersion: 1, position: { x: 0, y: 0 }, params: { prompt: "x" } }],
      edges: [],
    };
    const r = await cli(["compile", "w.json"], { "w.json": JSON.stringify(doc) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warning no-output: /m);
  });

  it.each([
    ["a truncated file", fixture("truncated.workflow.json"), /^error json-syntax: .*line 1/],
    ["an empty file", "", /^error empty-file: /],
    ["a fal request", REQUEST, /^error fal-request: w\.json is a fal-ai\/lora request.*lora-graph import w\.json/],
    ["binary data", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]), /^error png-file: /],
  ])("exits 2 with a clear message for %s", async (_, content, message) => {
    const r = await cli(["compile", "w.json"], { "w.json": content });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });
});

describe("lora-graph validate", () => {
  it("prints nothing and exits 0 for a valid pipeline", async () => {
    expect(await cli(["validate", "w.json"], { "w.json": VALID })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("prints the diagnostics on stdout and exits 1 when there are errors", async () => {
    const r = await cli(["validate", "w.json"], { "w.json": INVALID });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(LINE);
  });

  it("exits 0 with warnings only", async () => {
    const doc = JSON.parse(VALID);
    doc.extra = true; // an unknown top-level field: loaded with a warning
    const r = await cli(["validate", "w.json", "--json"], { "w.json": JSON.stringify(doc) });
    expect(r.code).toBe(0);
    const { diagnostics } = JSON.parse(r.stdout);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d: { severity: string }) => d.severity !== "error")).toBe(true);
  });
  it("IMP-09 warns where a Windows-1252 file is not UTF-8, naming the node and field", async () => {
    const [before, after] = VALID.split("a lighthouse");
    const enc = new TextEncoder();
    // "café" as Windows-1252 writes it: 0xE9 alone is not UTF-8.
    const bytes = new Uint8Array([...enc.encode(`${before}caf`), 0xe9, ...enc.encode(` lighthouse${after}`)]);
    const r = await cli(["validate", "w.json"], { "w.json": bytes });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^warning invalid-utf8 node prompt \(prompt\) field prompt: The text at \$\.nodes\[\d+\]\.params\.prompt has a byte that is not UTF-8 \(0xE9 at line \d+, column \d+\)/,
    );
    const json = await cli(["validate", "--json", "w.json"], { "w.json": bytes });
    expect(JSON.parse(json.stdout).diagnostics).toEqual([
      expect.objectContaining({
        code: "invalid-utf8",
        severity: "warning",
        path: expect.stringMatching(/^\$\.nodes\[\d+\]\.params\.prompt$/),
      }),
    ]);
  });
});

describe("lora-graph import", () => {
  it("prints a workflow that loads and compiles back to the request", async () => {
    const r = await cli(["import", "req.json"], { "req.json": REQUEST });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const loaded = loadWorkflow(r.stdout, registry);
    expect(loaded.ok && loaded.warnings).toEqual([]);
    const back = await cli(["compile", "-"], {}, r.stdout);
    expect(JSON.parse(back.stdout)[0].input).toMatchObject(JSON.parse(REQUEST).input);
  });

  it("still prints the workflow for a bad request, names the problems, and exits 1", async () => {
    const r = await cli(
      ["import", "-"],
      {},
      JSON.stringify({ model_name: "a/b", prompt: "x", guidance_scale: 99, strength: 1 }),
    );
    expect(r.code).toBe(1);
    expect(loadWorkflow(r.stdout, registry).ok).toBe(true);
    expect(r.stderr).toContain("warning unknown-field at strength: unknown field strength, dropped\n");
    expect(r.stderr).toMatch(/^error invalid-param node sampler \(sampler\) field guidance_scale: /m);
  });

  it("--json gives { document, diagnostics }", async () => {
    const r = await cli(["import", "--json", "req.json"], { "req.json": REQUEST });
    const out = JSON.parse(r.stdout);
    expect(out.document.format).toBe("lora-graph/workflow");
    expect(out.diagnostics).toEqual([]);
  });

  it("refuses a workflow file and non-JSON with exit 2", async () => {
    expect((await cli(["import", "w.json"], { "w.json": VALID })).stderr).toMatch(/already a lora-graph workflow/);
    const r = await cli(["import", "x.json"], { "x.json": "{nope" });
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^error json-syntax: Not a readable request \(JSON error at line 1/);
  });
});

describe("usage", () => {
  it.each([
    [[], 2, "stderr", /Usage: lora-graph <command>/],
    [["--help"], 0, "stdout", /Commands:\n {2}compile/],
    [["compile", "--help"], 0, "stdout", /Usage: lora-graph compile \[options\] FILE/],
    [["frobnicate"], 2, "stderr", /unknown command "frobnicate"; expected one of compile, import, validate/],
    [["compile"], 2, "stderr", /compile takes one FILE .* got 0/],
    [["compile", "a", "b"], 2, "stderr", /got 2/],
    [["compile", "--fast", "a"], 2, "stderr", /Unknown option '--fast'; see lora-graph compile --help/],
    [["compile", "missing.json"], 2, "stderr", /cannot read missing\.json: no such file/],
  ] as const)("%j exits %i", async (argv, code, stream, message) => {
    const r = await cli([...argv]);
    expect(r.code).toBe(code);
    expect(r[stream]).toMatch(message);
  });

  it("--json reports usage errors as JSON too", async () => {
    const r = await cli(["compile", "--json", "missing.json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      diagnostics: [{ severity: "error", code: "usage", message: "cannot read missing.json: no such file" }],
    });
  });

  it("every command has help", async () => {
    for (const name of Object.keys(COMMANDS)) {
      const r = await cli([name, "-h"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`lora-graph ${name}`);
    }
  });

  it("never throws and never prints a stack trace, whatever the arguments and file", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .tuple(fc.constantFrom("compile", "import", "validate"), fc.constantFrom("f", "-"), fc.subarray(["--json"]))
            .map(([c, f, flags]) => [c, f, ...flags]),
          fc.array(fc.oneof(fc.constantFrom("compile", "--json", "-h", "-", "f"), fc.string({ maxLength: 6 })), {
            maxLength: 4,
          }),
        ),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array({ maxLength: 64 }).map((b) => b as Uint8Array),
        ),
        async (argv, content) => {
          const r = await cli(argv, { f: content }, typeof content === "string" ? content : "");
          expect([0, 1, 2]).toContain(r.code);
          expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
        },
      ),
      { numRuns: 150 },
    );
  });
});
