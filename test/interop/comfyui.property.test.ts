import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { importComfy, type ComfyImport } from "../../src/interop/comfyui";
import { WIDGETS } from "../../src/interop/comfyui/widgets";
import { sdxlLoraPrompt, sdxlLoraWorkflow } from "./comfyFixtures";

const SEVERITIES = new Set(["error", "warning", "info"]);

/** The result is always well formed, whatever went in, and no exception was caught on the way. */
function expectWellFormed(r: ComfyImport): void {
  expect(r.notes.filter((u) => u.message.startsWith("ComfyUI import bug"))).toEqual([]);
  expect(["api", "workflow"]).toContain(r.comfyFormat);
  expect(typeof r.request).toBe("object");
  for (const u of r.notes) {
    expect(SEVERITIES.has(u.severity)).toBe(true);
    expect(typeof u.message).toBe("string");
    expect(u.message.length).toBeGreaterThan(0);
  }
  for (const v of Object.values(r.labels)) expect(typeof v).toBe("string");
  expect(() => JSON.stringify(r)).not.toThrow();
}

/** Replaces the value at a random path of `root` with `replacement` (or deletes it). */
function mutate(root: unknown, steps: number[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(root);
  let parent: unknown = null;
  let key: string | number | null = null;
  let node: unknown = copy;
  for (const step of steps) {
    if (typeof node !== "object" || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    parent = node;
    key = Array.isArray(node) ? step % node.length : keys[step % keys.length];
    node = (node as Record<string | number, unknown>)[key];
  }
  if (parent === null || key === null) return replacement;
  if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key];
  else (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

const realFiles = [sdxlLoraPrompt(), sdxlLoraWorkflow().v04(), sdxlLoraWorkflow({ loraMode: 4 }).v1()];

describe("importComfy never throws", () => {
  it("on any value", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (v) => {
        expectWellFormed(importComfy(v));
      }),
      { numRuns: 400 },
    );
  });

  it("on any JSON", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expectWellFormed(importComfy(JSON.parse(text)));
      }),
      { numRuns: 400 },
    );
  });

  it("on real prompts and workflows with a random part replaced or removed", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...realFiles),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.oneof(
          fc.jsonValue(),
          fc.constantFrom(
            ["3", 0],
            ["999", 0],
            ["4", 7],
            [3, -1],
            "-10",
            -10,
            -20,
            Number.POSITIVE_INFINITY,
            "__proto__",
          ),
        ),
        fc.boolean(),
        (file, steps, replacement, remove) => {
          expectWellFormed(importComfy(mutate(file, steps, replacement, remove)));
        },
      ),
      { numRuns: 600 },
    );
  });
});

/** Random API prompts of the classes the importer maps, wired at random (cycles and dangling wires included). */
const randomPrompt = fc
  .array(
    fc.record({
      classType: fc.constantFrom(...Object.keys(WIDGETS), "VAEEncode", "VAEDecode", "PreviewImage", "SomePackNode"),
      inputs: fc.dictionary(
        fc.constantFrom(
          "model",
          "clip",
          "positive",
          "negative",
          "latent_image",
          "samples",
          "pixels",
          "image",
          "mask",
          "control_net",
          "ipadapter",
          "conditioning",
          "seed",
          "text",
          "lora_name",
          "strength_model",
          "ckpt_name",
          "width",
        ),
        fc.oneof(
          fc.tuple(fc.nat(12).map(String), fc.nat(2)),
          fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
        ),
      ),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((nodes) => Object.fromEntries(nodes.map((n, i) => [String(i), { class_type: n.classType, inputs: n.inputs }])));

describe("importComfy lists every node", () => {
  it("each node of a random prompt is either mapped or named in the report", () => {
    fc.assert(
      fc.property(randomPrompt, (prompt) => {
        const r = importComfy(prompt);
        expectWellFormed(r);
        const listed = new Set([...r.mapped, ...r.notes.map((u) => u.nodeId)]);
        expect(Object.keys(prompt).filter((id) => !listed.has(id))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("importComfy on hostile files", () => {
  it("stops at a chain of bypassed nodes longer than any real one, instead of overflowing the stack", () => {
    const g = sdxlLoraWorkflow();
    const sampler = g.nodes.find((n) => n.id === 3)!;
    sampler.inputs = sampler.inputs.filter((i) => i.name !== "model");
    let prev = 10;
    for (let i = 0; i < 5000; i++) {
      const id = g.node("LoraLoaderModelOnly", ["x.safetensors", 1], { outputs: ["MODEL"], mode: 4 });
      g.wire(prev, 0, id, "model", "MODEL");
      prev = id;
    }
    g.wire(prev, 0, 3, "model", "MODEL");
    const r = importComfy(g.v04());
    expectWellFormed(r);
    expect(r.notes.some((u) => u.path === "model_name" && u.severity === "error")).toBe(true);
  });

  it("bounds subgraphs that fan out exponentially", () => {
    // Ten levels of subgraphs, each holding 20 instances of the next: 20^10 instances if expanded.
    const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const subgraphs = ids.map((id, level) => ({
      id,
      name: `L${level}`,
      nodes:
        level === ids.length - 1
          ? []
          : Array.from({ length: 20 }, (_, k) => ({ id: k + 1, type: ids[level + 1], mode: 0 })),
      links: [],
      outputs: [],
    }));
    const r = importComfy({
      version: 1,
      state: {},
      nodes: [{ id: 1, type: ids[0], mode: 0 }],
      links: [],
      definitions: { subgraphs },
    });
    expectWellFormed(r);
    expect(r.notes.some((u) => /more than 5000 nodes/.test(u.message))).toBe(true);
  });
});
