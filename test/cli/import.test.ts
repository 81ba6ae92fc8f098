// `lora-graph import` on A1111 / Forge / Civitai generation data and ComfyUI files: as text (a file
// or stdin) and inside PNG and JPEG images, with everything it could not map on stderr by its source
// key or ComfyUI node id.
import { describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { memoryCli } from "./memoryCli";
import { loadWorkflow, type WorkflowDocument } from "../../src/graph";
import { PARAMETERS_KEYWORD, writeImageMetadata } from "../../src/interop/image";
import { registry } from "../../nodes";
import { sdxlLoraPrompt, sdxlLoraWorkflow } from "../interop/comfyFixtures";

const cli = (argv: string[], files: Record<string, string | Uint8Array> = {}, stdin?: string) =>
  memoryCli(argv, files, { stdin });

const TEXT = [
  "a castle on a hill, (masterpiece:1.2) <lora:castle_style:0.7>",
  "Negative prompt: blurry",
  'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234, Size: 832x1216, Model: sd_xl_base_1.0, ENSD: 31337, Civitai resources: [{"type":"lora","weight":0.7,"modelVersionId":4242}]',
].join("\n");

function documentOf(stdout: string): WorkflowDocument {
  const r = loadWorkflow(stdout, registry);
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
}

function expectCastle(doc: WorkflowDocument) {
  const params = (label: string) => doc.nodes.find((n) => n.label === label)?.params;
  expect(params("castle_style")).toEqual({ path: "https://civitai.com/api/download/models/4242", scale: 0.7 });
  const all = Object.assign({}, ...doc.nodes.map((n) => n.params));
  expect(all).toMatchObject({
    model_name: "stabilityai/stable-diffusion-xl-base-1.0",
    prompt: "a castle on a hill, (masterpiece)1.2",
    prompt_weighting: true,
    negative_prompt: "blurry",
    num_inference_steps: 28,
    scheduler: "DPM++ 2M Karras",
    guidance_scale: 6.5,
    seed: 1234,
    image_size: { width: 832, height: 1216 },
  });
}

describe("lora-graph import: A1111 generation data", () => {
  it("reads the parameters text from a file and from stdin; unmapped keys go to stderr by name", async () => {
    for (const r of [await cli(["import", "p.txt"], { "p.txt": TEXT }), await cli(["import", "-"], {}, TEXT)]) {
      expect(r.code, r.stderr).toBe(0);
      expectCastle(documentOf(r.stdout));
      expect(r.stderr).toMatch(/^warning import: A1111 \/ Forge \/ Civitai "ENSD": not mapped \("31337"\)$/m);
    }
  });

  it("a LoRA known only by its local name is a titled node with an error naming it (exit 1)", async () => {
    const r = await cli(["import", "p.txt"], { "p.txt": TEXT.replace(/, Civitai resources: .*$/, "") });
    expect(r.code).toBe(1);
    expect(documentOf(r.stdout).nodes.find((n) => n.label === "castle_style")?.params).toEqual({
      path: "",
      scale: 0.7,
    });
    expect(r.stderr).toMatch(/^error import at loras\.0\.path: .*LoRA `castle_style`: path needed/m);
  });

  it("reads it from a PNG tEXt chunk and from a JPEG's EXIF UserComment", async () => {
    const png = new PNG({ width: 8, height: 8 });
    const jpg = jpeg.encode({ data: Buffer.alloc(8 * 8 * 4, 128), width: 8, height: 8 }, 80).data;
    for (const [file, image] of [
      ["a.png", new Uint8Array(PNG.sync.write(png))],
      ["a.jpg", new Uint8Array(jpg)],
    ] as const) {
      const w = writeImageMetadata(image, [{ keyword: PARAMETERS_KEYWORD, text: TEXT }]);
      if (!w.ok) throw new Error(w.error);
      const r = await cli(["import", file], { [file]: w.bytes });
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      expectCastle(documentOf(r.stdout));
    }
  });

  it("an image without generation data is refused with exit 2 and the reason", async () => {
    const r = await cli(["import", "a.png"], {
      "a.png": new Uint8Array(PNG.sync.write(new PNG({ width: 2, height: 2 }))),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("carries no generation data");
  });
});

describe("lora-graph import: ComfyUI files", () => {
  const api = JSON.stringify(sdxlLoraPrompt());
  const workflow = JSON.stringify(sdxlLoraWorkflow());
  const expectComfy = (r: { code: number; stdout: string; stderr: string }, format: string) => {
    expect(r.code, r.stderr).toBe(1);
    const doc = documentOf(r.stdout);
    const lora = doc.nodes.find((n) => n.type === "lora");
    expect(lora?.label).toMatch(/castle_style/);
    expect(lora?.params).toMatchObject({ scale: 0.8 });
    const all = Object.assign({}, ...doc.nodes.map((n) => n.params));
    expect(all).toMatchObject({
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "a castle on a hill",
      negative_prompt: "blurry",
      seed: 42,
      scheduler: "DPM++ 2M Karras",
    });
    expect(r.stderr).toContain(
      `error import at loras.0.path: ${format} "node 10 (LoraLoader) lora_name": LoRA \`castle_style\`: path needed`,
    );
  };

  it("reads an API prompt and a UI workflow as JSON files, naming what needs the user by node id", async () => {
    expectComfy(await cli(["import", "api.json"], { "api.json": api }), "ComfyUI API prompt");
    expectComfy(await cli(["import", "-"], {}, workflow), "ComfyUI workflow");
  });

  it("reads the prompt chunk of a ComfyUI PNG, and the workflow chunk when it is the only one", async () => {
    const png = new Uint8Array(PNG.sync.write(new PNG({ width: 4, height: 4 })));
    const both = writeImageMetadata(png, [
      { keyword: "prompt", text: api },
      { keyword: "workflow", text: workflow },
    ]);
    const only = writeImageMetadata(png, [{ keyword: "workflow", text: workflow }]);
    if (!both.ok || !only.ok) throw new Error("could not write the fixture");
    expectComfy(await cli(["import", "c.png"], { "c.png": both.bytes }), "ComfyUI API prompt");
    expectComfy(await cli(["import", "w.png"], { "w.png": only.bytes }), "ComfyUI workflow");
  });

  it("text that is no known format is refused with exit 2 and what it expected", async () => {
    const r = await cli(["import", "-"], {}, "just a prompt, nothing else");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error request-invalid: Not something lora-graph can import: expected a fal request/m);
  });
});
