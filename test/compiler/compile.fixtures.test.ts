/**
 * The domain artefacts, snapshotted: each example and each valid fixture compiles to a request,
 * each invalid fixture to its diagnostic codes. Expectations that matter are also spelled out, so a
 * carelessly updated snapshot cannot hide a regression.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { compile, inputSchemaFor } from "../../src/compiler";
import { PORT_KIND_INFO, type DiagnosticCode, type Severity, type WorkflowDocument } from "../../src/graph";
import { expectLoadsUnchanged } from "../graph/helpers";

const FIXTURES = join(__dirname, "..", "fixtures");
const load = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as WorkflowDocument;
const fixtures = (prefix: string) =>
  readdirSync(FIXTURES)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .sort();

const requestJson = (outputs: { output: string; endpoint: string; input?: unknown }[]) =>
  `${JSON.stringify(
    outputs.map((o) => ({ output: o.output, endpoint: o.endpoint, input: o.input })),
    null,
    2,
  )}\n`;

describe("examples", () => {
  it("has unique ids, titles and one-line descriptions, starting with the medieval-queen starter", () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
    expect(examples[0].id).toBe("medieval-queen");
    expect(new Set(examples.map((e) => e.id)).size).toBe(examples.length);
    for (const e of examples) {
      expect(e.document.version).toBe(4);
      expect(e.title).toBe(e.document.meta.name);
      expect(e.description.length).toBeGreaterThan(10);
      expect(e.description).not.toMatch(/\n/);
    }
  });

  it.each(examples.map((e) => [e.id, e] as const))(
    "%s loads through the file loader unchanged and without warnings",
    (_id, e) => {
      // The editor opens a template like any file, so it must survive the loader as is.
      expectLoadsUnchanged(e.document);
    },
  );

  it("reproduces fal's own fal-ai/lora example request exactly", () => {
    const out = compile(examples[0].document, registry).outputs[0];
    expect(out.endpoint).toBe("fal-ai/lora");
    expect(out.input).toEqual({
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt:
        "Photo of a european medieval 40 year old queen, silver hair, highly detailed face, detailed eyes, head shot, intricate crown, age spots, wrinkles",
    });
  });

  it.each(examples.map((e) => [e.id, e] as const))(
    "%s is laid out left to right, model row above conditioning row",
    (_id, e) => {
      const doc = e.document;
      const at = new Map(doc.nodes.map((n) => [n.id, n]));
      for (const edge of doc.edges) {
        expect(at.get(edge.source)!.position.x, edge.id).toBeLessThan(at.get(edge.target)!.position.x);
      }
      const samplerX = Math.max(...doc.nodes.filter((n) => n.type === "sampler").map((n) => n.position.x));
      for (const n of doc.nodes) expect(n.position.x).toBeLessThanOrEqual(samplerX);
      const rowOf = (kind: keyof typeof PORT_KIND_INFO) =>
        doc.nodes.filter((n) => registry.get(n.type)!.outputs.some((p) => p.kind === kind)).map((n) => n.position.y);
      expect(Math.max(...rowOf("model"))).toBeLessThan(Math.min(...rowOf("conditioning")));
    },
  );

  // Examples reproduce fal's own requests faithfully, so a teaching warning may stand where fal's
  // example has the issue (InstantID's negative prompt uses (text:1.2) with weighting off).
  const expectedWarnings: Record<string, string[]> = { instantid: ["prompt-weighting-off"] };

  it.each(examples.map((e) => [e.id, e] as const))(
    "%s compiles without errors and matches its snapshot",
    async (id, e) => {
      const result = compile(e.document, registry);
      expect(result.diagnostics.map((d) => d.code)).toEqual(expectedWarnings[id] ?? []);
      expect(result.outputs).toHaveLength(1);
      const [out] = result.outputs;
      expect(out.ok).toBe(true);
      expect(inputSchemaFor(out.endpoint).safeParse(out.input).success).toBe(true);
      // A file snapshot keeps the request's key order, which is part of the contract (stable, readable JSON).
      await expect(requestJson([out])).toMatchFileSnapshot(`__snapshots__/requests/example-${e.id}.json`);
    },
  );

  it("covers the endpoints and features the editor advertises", () => {
    const compiled = examples.map((e) => compile(e.document, registry).outputs[0]);
    expect(new Set(compiled.map((o) => o.endpoint))).toEqual(
      new Set(["fal-ai/lora", "fal-ai/lora/image-to-image", "fal-ai/lora/inpaint"]),
    );
    const has = (pred: (i: Record<string, any>) => boolean) => compiled.some((o) => pred(o.input!));
    expect(has((i) => i.loras?.length === 2)).toBe(true);
    expect(has((i) => i.controlnets?.some((c: any) => c.mask_url))).toBe(true);
    expect(has((i) => i.ip_adapter?.some((a: any) => /plus/.test(a.weight_name)) && i.image_encoder_path)).toBe(true);
    expect(has((i) => i.controlnets?.some((c: any) => c.ip_adapter_index === 0))).toBe(true);
    expect(has((i) => i.ic_light_model_url && i.ic_light_image_url)).toBe(true);
    expect(has((i) => i.sigmas?.method === "array")).toBe(true);
  });
});

describe("valid fixtures", () => {
  it.each(fixtures("valid-"))("%s compiles to its snapshotted request", async (file) => {
    const result = compile(load(file), registry);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.outputs.length).toBeGreaterThan(0);
    for (const o of result.outputs) {
      expect(o.ok).toBe(true);
      expect(inputSchemaFor(o.endpoint).safeParse(o.input).success).toBe(true);
    }
    await expect(requestJson(result.outputs)).toMatchFileSnapshot(`__snapshots__/requests/${file}`);
  });
});

interface Expected {
  code: DiagnosticCode;
  nodeId?: string;
  field?: string;
  severity?: Severity;
}

/** What each invalid fixture must report (at least); the snapshot pins the full list. */
const EXPECTED: Record<string, Expected[]> = {
  "invalid-missing-base-model": [{ code: "missing-input", nodeId: "sampler", field: "model" }],
  "invalid-two-embeddings": [{ code: "too-many-embeddings", nodeId: "emb2" }],
  "invalid-controlnet-start-after-end": [{ code: "request-invalid", nodeId: "cn", field: "start_percentage" }],
  "invalid-timesteps-and-sigmas": [{ code: "request-invalid", nodeId: "sched", field: "sigmas" }],
  "invalid-encoder-subfolder-without-path": [{ code: "invalid-param", nodeId: "enc", field: "image_encoder_path" }],
  "invalid-plus-without-encoder": [{ code: "request-invalid", nodeId: "ipa", field: "weight_name" }],
  "invalid-two-encoders": [
    { code: "encoder-mismatch", nodeId: "enc-h" },
    { code: "encoder-mismatch", nodeId: "enc-g" },
  ],
  "invalid-cycle": [
    { code: "cycle", nodeId: "lora-a" },
    { code: "cycle", nodeId: "lora-b" },
  ],
  "invalid-dangling-input": [{ code: "missing-input", nodeId: "lora", field: "model" }],
  "invalid-unknown-node-type": [{ code: "unknown-node-type", nodeId: "up" }],
  "invalid-javascript-url": [{ code: "invalid-param", nodeId: "init", field: "url" }],
  "invalid-mask-without-init": [{ code: "node-error", nodeId: "sampler", field: "init_image" }],
  "invalid-numbers": [
    { code: "invalid-param", nodeId: "lora", field: "scale" },
    { code: "invalid-param", nodeId: "sched", field: "num_inference_steps" },
    { code: "invalid-param", nodeId: "sampler", field: "seed" },
    { code: "invalid-param", nodeId: "sampler", field: "guidance_scale" },
    { code: "invalid-param", nodeId: "sampler", field: "num_images" },
    { code: "invalid-param", nodeId: "sampler", field: "tile_width" },
  ],
  "invalid-embedding-tokens-unused": [
    { code: "embedding-tokens-unused", nodeId: "emb", field: "tokens", severity: "warning" },
  ],
  "invalid-wire-type-mismatch": [{ code: "invalid-edge", nodeId: "lora", field: "model" }],
  "invalid-two-ic-lights": [{ code: "field-conflict", nodeId: "ic2", field: "ic_light_model_url" }],
};

/** Fixtures whose only problems are warnings: the request is still sent. */
const STILL_OK = new Set(["invalid-embedding-tokens-unused"]);

describe("invalid fixtures", () => {
  it("every invalid fixture states what it must report", () => {
    expect(
      fixtures("invalid-")
        .map((f) => f.replace(/\.json$/, ""))
        .sort(),
    ).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures("invalid-"))("%s reports its diagnostics", (file) => {
    const name = file.replace(/\.json$/, "");
    const result = compile(load(file), registry);
    const got = result.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      nodeId: d.nodeId,
      field: d.field,
    }));
    for (const want of EXPECTED[name]) {
      expect(got).toContainEqual(expect.objectContaining({ severity: want.severity ?? "error", ...want }));
    }
    for (const d of result.diagnostics) expect(d.message.length).toBeGreaterThan(10);
    if (STILL_OK.has(name)) {
      expect(result.outputs.every((o) => o.ok && o.input)).toBe(true);
    } else {
      // Errors block the request: nothing is sent for a broken graph.
      expect(result.outputs.every((o) => !o.ok && o.input === undefined)).toBe(true);
    }
    expect(got).toMatchSnapshot();
  });

  it("a JSON number too large for a double (1e309) reaches the compiler as Infinity and is refused", () => {
    const doc = load("invalid-numbers.json");
    expect(doc.nodes.find((n) => n.id === "sampler")!.params.tile_width).toBe(Infinity);
  });
});
