import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { registry } from "../../nodes";
import { compile, endpointInputKeys, NESTED_INPUT_KEYS, ENDPOINTS, type CompiledOutput } from "../../src/compiler";
import { importRequest, importRequestSync } from "../../src/compiler/importer";
import { estimateNodeSize } from "../../src/graph";
import type { Diagnostic, WorkflowDocument } from "../../src/graph";

const IMG = "https://img.example.com/a.png";
const base = { model_name: "stabilityai/stable-diffusion-xl-base-1.0", prompt: "a lighthouse" };

function compileOne(doc: WorkflowDocument): CompiledOutput {
  const { outputs } = compile(doc, registry);
  expect(outputs).toHaveLength(1);
  return outputs[0];
}
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const wiresInto = (doc: WorkflowDocument, target: string, port: string) =>
  doc.edges.filter((e) => e.target === target && e.targetHandle === port).map((e) => e.source);

describe("importRequest: endpoints", () => {
  it.each([
    ["a bare input without images", base, "fal-ai/lora"],
    ["a bare input with image_url", { ...base, image_url: IMG }, "fal-ai/lora/image-to-image"],
    ["a bare input with image_url and mask_url", { ...base, image_url: IMG, mask_url: IMG }, "fal-ai/lora/inpaint"],
    [
      "{endpoint, input}",
      { endpoint: "fal-ai/lora/image-to-image", input: { ...base, image_url: IMG } },
      "fal-ai/lora/image-to-image",
    ],
    [
      "a fal.run URL as endpoint",
      { endpoint: "https://fal.run/fal-ai/lora/inpaint", input: { ...base, image_url: IMG, mask_url: IMG } },
      "fal-ai/lora/inpaint",
    ],
    ["the CLI's compile output", [{ output: "sampler", endpoint: "fal-ai/lora", input: base }], "fal-ai/lora"],
    [
      "the CLI's compile --json output",
      { outputs: [{ output: "sampler", endpoint: "fal-ai/lora", ok: true, input: base }], diagnostics: [] },
      "fal-ai/lora",
    ],
  ])("reads %s", async (_, json, endpoint) => {
    const r = await importRequest(json, registry);
    expect(r.endpoint).toBe(endpoint);
    expect(r.diagnostics).toEqual([]);
    const o = compileOne(r.document);
    expect(o.ok).toBe(true);
    expect(o.endpoint).toBe(endpoint);
    expect(o.input).toMatchObject(base);
  });

  it("drops a field the named endpoint does not take, saying which", () => {
    const r = importRequestSync(
      { endpoint: "fal-ai/lora", input: { ...base, image_url: IMG, noise_strength: 0.3 } },
      registry,
    );
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "unknown-field",
        path: "image_url",
        message: "image_url is not accepted by fal-ai/lora; dropped",
      }),
      expect.objectContaining({ severity: "warning", code: "unknown-field", path: "noise_strength" }),
    ]);
    expect(compileOne(r.document).endpoint).toBe("fal-ai/lora");
  });

  it("reports an image-to-image request without image_url", () => {
    const r = importRequestSync({ endpoint: "fal-ai/lora/image-to-image", input: base }, registry);
    expect(errors(r.diagnostics)).toEqual([expect.objectContaining({ code: "request-invalid", path: "image_url" })]);
  });

  it("reports an unknown endpoint and falls back to the input's fields", () => {
    const r = importRequestSync({ endpoint: "fal-ai/flux", input: { ...base, image_url: IMG } }, registry);
    expect(r.endpoint).toBe("fal-ai/lora/image-to-image");
    expect(errors(r.diagnostics)).toEqual([
      expect.objectContaining({ path: "endpoint", message: expect.stringContaining('"fal-ai/flux"') }),
    ]);
  });
});

describe("importRequest: graph shape", () => {
  const full = {
    ...base,
    prompt: "a lighthouse, <s0>",
    loras: [{ path: "owner/first", scale: 0.7 }, { path: "owner/second" }],
    embeddings: [{ path: "owner/emb", tokens: ["<s0>"] }],
    ip_adapter: [
      { path: "h94/IP-Adapter", ip_adapter_image_url: [IMG], ip_adapter_mask_url: IMG },
      {
        path: "h94/IP-Adapter",
        ip_adapter_image_url: ["https://a.example/1.png", "https://a.example/2.png"],
        weight_name: "ip-adapter-plus_sdxl_vit-h.safetensors",
      },
    ],
    image_encoder_path: "laion/CLIP-ViT-H-14-laion2B-s32B-b79K",
    ic_light_model_url: "https://example.com/iclight.safetensors",
    ic_light_image_url: IMG,
    controlnets: [
      { path: "owner/canny", image_url: IMG, mask_url: IMG },
      { path: "owner/instantid", image_url: IMG, ip_adapter_index: 1 },
    ],
    scheduler: "DPM++ 2M Karras",
    num_inference_steps: 25,
  };

  it("chains the model and conditioning streams in request order and wires every image", async () => {
    const { document: doc, diagnostics } = await importRequest(full, registry);
    expect(diagnostics).toEqual([]);
    const typeOf = (id: string) => doc.nodes.find((n) => n.id === id)!.type;
    const upstream = (id: string, port: string): string[] => {
      const chain: string[] = [];
      for (let at = wiresInto(doc, id, port)[0]; at; at = wiresInto(doc, at, port)[0]) chain.unshift(at);
      return chain;
    };
    expect(upstream("sampler", "model").map(typeOf)).toEqual([
      "base_model",
      "lora",
      "lora",
      "embedding",
      "ip_adapter",
      "ip_adapter",
      "ic_light",
    ]);
    expect(upstream("sampler", "conditioning").map(typeOf)).toEqual(["prompt", "controlnet", "controlnet"]);
    expect(wiresInto(doc, "sampler", "scheduler")).toEqual(["scheduler"]);

    const [ip1, ip2] = doc.nodes.filter((n) => n.type === "ip_adapter");
    expect(ip1.params.reference_as_list).toBe(true);
    expect(ip2.params.reference_as_list).toBe(false);
    expect(wiresInto(doc, ip2.id, "image").map((id) => doc.nodes.find((n) => n.id === id)!.params.url)).toEqual([
      "https://a.example/1.png",
      "https://a.example/2.png",
    ]);
    // One encoder for the whole request, on every IP-Adapter.
    expect(wiresInto(doc, ip1.id, "image_encoder")).toEqual(["image_encoder"]);
    expect(wiresInto(doc, ip2.id, "image_encoder")).toEqual(["image_encoder"]);
    expect(wiresInto(doc, "sampler", "image_encoder")).toEqual([]);
    // ip_adapter_index 1 → the second IP-Adapter's link output.
    const [, instantId] = doc.nodes.filter((n) => n.type === "controlnet");
    expect(doc.edges.filter((e) => e.target === instantId.id && e.targetHandle === "ip_adapter")).toEqual([
      expect.objectContaining({ source: ip2.id, sourceHandle: "ip_adapter" }),
    ]);

    const o = compileOne(doc);
    expect(o.ok).toBe(true);
    expect(o.input).toMatchObject(full);
  });

  it("lays the graph out left to right without overlaps", async () => {
    const { document: doc } = await importRequest(full, registry);
    const at = (id: string) => doc.nodes.find((n) => n.id === id)!.position;
    expect(at("base_model").x).toBeLessThan(at("lora_1").x);
    expect(at("lora_1").x).toBeLessThan(at("lora_2").x);
    expect(at("controlnet_2").x).toBeLessThan(at("sampler").x);
    const boxes = doc.nodes.map((n) => ({ id: n.id, ...n.position, ...estimateNodeSize(n, registry.get(n.type)) }));
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
  });

  it("wires the image encoder to the Sampler when there is no IP-Adapter", () => {
    const { document: doc } = importRequestSync(
      { ...base, image_encoder_path: "laion/CLIP", image_encoder_subfolder: "models" },
      registry,
    );
    expect(wiresInto(doc, "sampler", "image_encoder")).toEqual(["image_encoder"]);
    expect(compileOne(doc).input).toMatchObject({
      image_encoder_path: "laion/CLIP",
      image_encoder_subfolder: "models",
    });
  });

  it("adds a Scheduler node only when a scheduler field is present", () => {
    expect(importRequestSync(base, registry).document.nodes.some((n) => n.type === "scheduler")).toBe(false);
    expect(importRequestSync({ ...base, eta: 0.3 }, registry).document.nodes.some((n) => n.type === "scheduler")).toBe(
      true,
    );
  });

  it("has a node for every field of every endpoint's schema (a new fal field needs a param or port declaring it)", () => {
    for (const e of ENDPOINTS)
      for (const key of endpointInputKeys(e)) {
        const list = key in NESTED_INPUT_KEYS && key !== "image_size" && key !== "timesteps" && key !== "sigmas";
        if (list) {
          for (const field of NESTED_INPUT_KEYS[key as "loras"])
            expect(registry.feeder(`${key}[].${field}`), `${key}[].${field}`).toBeDefined();
        } else expect(registry.feeder(key), key).toBeDefined();
      }
  });
});

describe("importRequest: invalid requests", () => {
  /** Imports, compiles, and returns every diagnostic from both steps. */
  function diagnose(json: unknown): Diagnostic[] {
    const r = importRequestSync(json, registry);
    return [...r.diagnostics, ...compile(r.document, registry).diagnostics];
  }

  it.each([
    ["guidance_scale out of range", { ...base, guidance_scale: 50 }, { nodeId: "sampler", field: "guidance_scale" }],
    ["a missing model_name", { prompt: "x" }, { nodeId: "base_model", field: "model_name" }],
    ["a prompt that is not text", { ...base, prompt: 42 }, { nodeId: "prompt", field: "prompt" }],
    [
      "a LoRA scale that is not a number",
      { ...base, loras: [{ path: "a/b", scale: "high" }] },
      { nodeId: "lora_1", field: "scale" },
    ],
    ["a LoRA without path", { ...base, loras: [{ scale: 1 }] }, { nodeId: "lora_1", field: "path" }],
    ["steps as text", { ...base, num_inference_steps: "many" }, { nodeId: "scheduler", field: "num_inference_steps" }],
    ["an image URL that is a number", { ...base, image_url: 7 }, { nodeId: "image_1", field: "url" }],
    [
      "a custom size not a multiple of 8",
      { ...base, image_size: { width: 1001, height: 512 } },
      { nodeId: "sampler", field: "image_size", path: "image_size.width" },
    ],
    [
      "ControlNet start after end",
      { ...base, controlnets: [{ path: "a/b", image_url: IMG, start_percentage: 0.8, end_percentage: 0.2 }] },
      { nodeId: "controlnet_1", field: "start_percentage" },
    ],
    [
      'a "plus" IP-Adapter without an encoder',
      {
        ...base,
        ip_adapter: [{ path: "h94/IP-Adapter", ip_adapter_image_url: IMG, weight_name: "ip-adapter-plus_sd15.bin" }],
      },
      { nodeId: "ip_adapter_1", field: "weight_name" },
    ],
    ["loras that is not a list", { ...base, loras: { path: "a/b" } }, { path: "loras" }],
    ["a LoRA that is not an object", { ...base, loras: ["a/b"] }, { path: "loras.0" }],
    [
      "an ip_adapter_index pointing nowhere",
      { ...base, controlnets: [{ path: "a/b", image_url: IMG, ip_adapter_index: 2 }] },
      { path: "controlnets.0.ip_adapter_index" },
    ],
  ])("names the field for %s", (_, json, where) => {
    const found = errors(diagnose(json));
    expect(found).toContainEqual(expect.objectContaining(where));
  });

  it("warns about unknown fields, at the top and inside list items, and drops them", () => {
    const r = importRequestSync({ ...base, strength: 0.5, loras: [{ path: "a/b", force: true }] }, registry);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "unknown-field",
        path: "strength",
        message: "unknown field strength, dropped",
      }),
      expect.objectContaining({
        severity: "warning",
        code: "unknown-field",
        path: "loras.0.force",
        message: "unknown field loras.0.force, dropped",
      }),
    ]);
    const o = compileOne(r.document);
    expect(o.ok).toBe(true);
    expect(o.input).not.toHaveProperty("strength");
    expect(o.input!.loras).toEqual([{ path: "a/b", scale: 1 }]);
  });

  it("says what JSON that is not a request object is", () => {
    for (const [json, what] of [
      [null, "null"],
      ["text", 'text "text"'],
      [[], "empty list"],
      [5, "5"],
    ] as const) {
      const r = importRequestSync(json, registry);
      expect(errors(r.diagnostics)[0].message, String(json)).toContain(what);
      expect(r.document.nodes).toEqual([]);
    }
  });
});

describe("IMP-03 / IMP-04 importRequest: hostile JSON (pasted requests)", () => {
  function neverThrows(json: unknown): void {
    const r = importRequestSync(json, registry);
    expect(() => compile(r.document, registry)).not.toThrow();
  }

  it("never throws on arbitrary JSON values, bare or wrapped", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, wrap) => {
        neverThrows(wrap ? { endpoint: "fal-ai/lora", input: v } : v);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on request-shaped objects with wrong types everywhere", () => {
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(NaN, Infinity, -0, "__proto__"));
    const keys = [...new Set(ENDPOINTS.flatMap(endpointInputKeys))];
    const item = fc.dictionary(
      fc.constantFrom(...new Set(Object.values(NESTED_INPUT_KEYS).flat()), "__proto__", "constructor"),
      anyValue,
    );
    const request = fc.dictionary(
      fc.constantFrom(...keys),
      fc.oneof(anyValue, fc.array(fc.oneof(item, anyValue), { maxLength: 4 })),
    );
    fc.assert(
      fc.property(request, (r) => neverThrows(r)),
      { numRuns: 300 },
    );
  });

  it("caps depth before walking a deeply nested value", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = importRequestSync({ ...base, loras: deep }, registry);
    expect(errors(r.diagnostics)[0].message).toMatch(/nested too deeply/);
  });

  it("drops __proto__ keys without polluting prototypes", () => {
    const json = JSON.parse(
      `{"model_name":"a/b","prompt":"x","__proto__":{"polluted":1},"loras":[{"path":"a/b","__proto__":{"polluted":2}}]}`,
    );
    const r = importRequestSync(json, registry);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(r.diagnostics.every((d) => d.severity === "warning")).toBe(true);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(compileOne(r.document).ok).toBe(true);
  });

  it("reports values that are not JSON data (throwing getters, proxies, functions)", () => {
    const getter = Object.defineProperty({ ...base }, "seed", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error("trap");
        },
      },
    );
    for (const v of [getter, proxy, { ...base, seed: () => 1 }, { ...base, seed: 10n }]) {
      const r = importRequestSync(v, registry);
      expect(errors(r.diagnostics).length, String(v)).toBeGreaterThan(0);
    }
  });

  it("imports only the first entries of a huge list, and says so", async () => {
    const r = await importRequest(
      { ...base, loras: Array.from({ length: 5000 }, (_, i) => ({ path: `a/l${i}` })) },
      registry,
    );
    expect(errors(r.diagnostics)).toEqual([
      expect.objectContaining({ path: "loras", message: expect.stringMatching(/5000 entries; only the first \d+/) }),
    ]);
    expect(r.document.nodes.filter((n) => n.type === "lora").length).toBeLessThan(5000);
  });
});

describe("importRequest: defaults create nothing", () => {
  it("a field at fal's documented default makes no node and no error", () => {
    const r = importRequestSync({ ...base, image_encoder_weight_name: "pytorch_model.bin" }, registry);
    expect(r.diagnostics).toEqual([]);
    expect(r.document.nodes.map((n) => n.type).sort()).toEqual(["base_model", "prompt", "sampler"]);
    const o = compileOne(r.document);
    expect(o.ok).toBe(true);
    expect(o.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("imports a request shaped like fal's own example, every default spelled out, without an error", () => {
    const example = {
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "Photo of a european medieval 40 year old queen, silver hair, highly detailed face",
      negative_prompt: "cartoon, painting, illustration, worst quality, low quality, normal quality",
      prompt_weighting: true,
      loras: [],
      embeddings: [],
      controlnets: [],
      ip_adapter: [],
      image_encoder_weight_name: "pytorch_model.bin",
      num_inference_steps: 30,
      guidance_scale: 7.5,
      clip_skip: 0,
      timesteps: { method: "default", array: [] },
      sigmas: { method: "default", array: [] },
      prediction_type: "epsilon",
      rescale_betas_snr_zero: false,
      image_format: "jpeg",
      num_images: 1,
      enable_safety_checker: true,
      tile_width: 4096,
      tile_height: 4096,
      tile_stride_width: 2048,
      tile_stride_height: 2048,
      eta: 0,
      debug_latents: false,
      debug_per_pass_latents: false,
      image_size: "square_hd",
    };
    const r = importRequestSync(example, registry);
    expect(r.diagnostics).toEqual([]);
    // Every scheduler and encoder field is at its default: neither node is made.
    expect(r.document.nodes.map((n) => n.type).sort()).toEqual(["base_model", "prompt", "sampler"]);
    const o = compileOne(r.document);
    expect(o.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(o.input).toMatchObject({ prompt_weighting: true, image_format: "jpeg", enable_safety_checker: true });
  });

  it("one field off its default is enough to make the node, with the defaults beside it", () => {
    const { document } = importRequestSync(
      { ...base, image_encoder_path: "laion/CLIP", image_encoder_weight_name: "pytorch_model.bin" },
      registry,
    );
    const encoder = document.nodes.find((n) => n.id === "image_encoder");
    expect(encoder?.params).toEqual({
      image_encoder_path: "laion/CLIP",
      image_encoder_weight_name: "pytorch_model.bin",
    });
  });
});

describe("importRequest: names by request path", () => {
  it("names a LoRA known only by a local name and asks for its path", () => {
    const r = importRequestSync({ ...base, loras: [{ path: "a/b" }, { scale: 0.6 }] }, registry, {
      labels: { "loras.1": "my_castle_style" },
    });
    const lora = r.document.nodes.find((n) => n.id === "lora_2")!;
    expect(lora.label).toBe("my_castle_style");
    expect(lora.params).toMatchObject({ scale: 0.6 });
    expect(lora.params.path).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        code: "path-needed",
        message: "LoRA `my_castle_style`: path needed",
        nodeId: "lora_2",
        field: "path",
        path: "loras.1.path",
      },
    ]);
  });

  it("names a checkpoint by its field, and an image by the field it arrives as", () => {
    const r = importRequestSync({ prompt: "x", image_url: IMG }, registry, {
      labels: { model_name: "juggernautXL_v9", image_url: "photo.png" },
    });
    expect(r.document.nodes.find((n) => n.id === "base_model")!.label).toBe("juggernautXL_v9");
    const image = r.document.nodes.find((n) => n.id === wiresInto(r.document, "sampler", "init_image")[0])!;
    expect(image.label).toBe("photo.png");
    expect(errors(r.diagnostics)).toEqual([
      expect.objectContaining({ message: "Base model `juggernautXL_v9`: model_name needed", nodeId: "base_model" }),
    ]);
  });

  it("a named node that has its path gets the name and no error", () => {
    const r = importRequestSync({ ...base, loras: [{ path: "a/b" }] }, registry, {
      labels: { "loras.0.path": "castle" },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.document.nodes.find((n) => n.id === "lora_1")!.label).toBe("castle");
  });

  it("says when a name fits no imported node", () => {
    const r = importRequestSync(base, registry, { labels: { "loras.3": "ghost" } });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", path: "loras.3", message: expect.stringContaining('"ghost"') }),
    ]);
  });
});
