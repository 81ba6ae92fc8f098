/**
 * How the Sampler picks its endpoint, how InstantID links a ControlNet to its IP-Adapter, and how
 * bypass passes values through.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { build, type GraphBuilder } from "../harness/graph";

const A = "https://example.com/a.png";
const B = "https://example.com/b.png";

type Ids = { base: string; prompt: string; sampler: string };

/** Base model and prompt wired straight into a Sampler, unless `extra` wires them itself. */
function sdxl(
  extra: (g: GraphBuilder, ids: Ids) => void = () => {},
  own: { model?: boolean; conditioning?: boolean } = {},
) {
  return build(registry, (g) => {
    const ids = {
      base: g.node("base_model"),
      prompt: g.node("prompt", { prompt: "a lighthouse" }),
      sampler: g.node("sampler", {}, { id: "out" }),
    };
    extra(g, ids);
    if (!own.model) g.wire(ids.base, "model", ids.sampler, "model");
    if (!own.conditioning) g.wire(ids.prompt, "conditioning", ids.sampler, "conditioning");
  });
}

describe("Sampler endpoint choice", () => {
  it("no init image → fal-ai/lora with image_size and no image fields", () => {
    const [o] = compile(sdxl(), registry).outputs;
    expect(o.ok).toBe(true);
    expect(o.endpoint).toBe("fal-ai/lora");
    expect(o.input).toHaveProperty("image_size", "square_hd");
    expect(o.input).not.toHaveProperty("image_url");
    expect(o.input).not.toHaveProperty("noise_strength");
  });

  it("init image → image-to-image, with image_url and noise_strength and without image_size", () => {
    const doc = sdxl((g, ids) => g.wire(g.node("image", { url: A }), "image", ids.sampler, "init_image"));
    const [o] = compile(doc, registry).outputs;
    expect(o.ok).toBe(true);
    expect(o.endpoint).toBe("fal-ai/lora/image-to-image");
    expect(o.input).toMatchObject({ image_url: A, noise_strength: 0.5 });
    expect(o.input).not.toHaveProperty("image_size");
    expect(o.input).not.toHaveProperty("mask_url");
    expect(o.sourceMap.image_url.field).toBe("url");
  });

  it("init image + mask → inpaint, with both URLs", () => {
    const doc = sdxl((g, ids) => {
      g.wire(g.node("image", { url: A }), "image", ids.sampler, "init_image");
      g.wire(g.node("image", { url: B }), "image", ids.sampler, "mask");
    });
    const [o] = compile(doc, registry).outputs;
    expect(o.ok).toBe(true);
    expect(o.endpoint).toBe("fal-ai/lora/inpaint");
    expect(o.input).toMatchObject({ image_url: A, mask_url: B });
    expect(o.input).not.toHaveProperty("image_size");
  });

  it("a bypassed init image falls back to text-to-image", () => {
    const doc = sdxl((g, ids) =>
      g.wire(g.node("image", { url: A }, { bypass: true }), "image", ids.sampler, "init_image"),
    );
    const [o] = compile(doc, registry).outputs;
    expect(o.endpoint).toBe("fal-ai/lora");
    expect(o.input).not.toHaveProperty("image_url");
  });
});

describe("InstantID", () => {
  it("links each ControlNet to the index of the IP-Adapter wired to it", () => {
    const doc = sdxl(
      (g, ids) => {
        const style = g.node("ip_adapter", { path: "h94/IP-Adapter", weight_name: "ip-adapter_sdxl.safetensors" });
        const face = g.node("ip_adapter", { path: "InstantX/InstantID", weight_name: "ip-adapter.bin" });
        const img = g.node("image", { url: A });
        const cn = g.node("controlnet", { path: "InstantX/InstantID" });
        g.wire(ids.base, "model", style, "model");
        g.wire(style, "model", face, "model");
        g.wire(face, "model", ids.sampler, "model");
        g.wire(img, "image", style, "image");
        g.wire(img, "image", face, "image");
        g.wire(img, "image", cn, "image");
        g.wire(ids.prompt, "conditioning", cn, "conditioning");
        g.wire(face, "ip_adapter", cn, "ip_adapter");
        g.wire(cn, "conditioning", ids.sampler, "conditioning");
      },
      { model: true, conditioning: true },
    );
    const [o] = compile(doc, registry).outputs;
    expect(o.diagnostics).toEqual([]);
    const input = o.input as { ip_adapter: { path: string }[]; controlnets: { ip_adapter_index: number }[] };
    expect(input.ip_adapter.map((a) => a.path)).toEqual(["h94/IP-Adapter", "InstantX/InstantID"]);
    expect(input.controlnets[0].ip_adapter_index).toBe(1);
    expect(input.ip_adapter[input.controlnets[0].ip_adapter_index].path).toBe("InstantX/InstantID");
  });

  it("a ControlNet without an IP-Adapter link sends no ip_adapter_index", () => {
    const doc = sdxl(
      (g, ids) => {
        const cn = g.node("controlnet", { path: "diffusers/controlnet-canny-sdxl-1.0" });
        g.wire(g.node("image", { url: A }), "image", cn, "image");
        g.wire(ids.prompt, "conditioning", cn, "conditioning");
        g.wire(cn, "conditioning", ids.sampler, "conditioning");
      },
      { conditioning: true },
    );
    const [o] = compile(doc, registry).outputs;
    expect(o.ok).toBe(true);
    expect((o.input as { controlnets: object[] }).controlnets[0]).not.toHaveProperty("ip_adapter_index");
  });
});

describe("bypass", () => {
  function chain(bypassed: number[]) {
    return build(registry, (g) => {
      const base = g.node("base_model");
      let prev = base;
      for (let i = 0; i < 4; i++) {
        const l = g.node(
          "lora",
          { path: `owner/lora-${i}`, scale: 0.5 },
          { id: `lora${i}`, bypass: bypassed.includes(i) },
        );
        g.wire(prev, "model", l, "model");
        prev = l;
      }
      const s = g.node("sampler");
      g.wire(prev, "model", s, "model");
      g.wire(g.node("prompt", { prompt: "x" }), "conditioning", s, "conditioning");
    });
  }

  it("a bypassed LoRA in the middle of a chain is skipped and the chain still compiles", () => {
    const [o] = compile(chain([1]), registry).outputs;
    expect(o.ok).toBe(true);
    expect((o.input as { loras: { path: string }[] }).loras.map((l) => l.path)).toEqual([
      "owner/lora-0",
      "owner/lora-2",
      "owner/lora-3",
    ]);
    expect(o.sourceMap["loras.1.path"]).toEqual({ nodeId: "lora2", field: "path" });
  });

  it("consecutive bypassed LoRAs, including the last one, pass the model through", () => {
    const [o] = compile(chain([1, 2, 3]), registry).outputs;
    expect(o.ok).toBe(true);
    expect((o.input as { loras: { path: string }[] }).loras.map((l) => l.path)).toEqual(["owner/lora-0"]);
    expect(o.input!.model_name).toBe("stabilityai/stable-diffusion-xl-base-1.0");
  });

  it("bypassing the only model source leaves the Sampler without a model", () => {
    const doc = chain([]);
    doc.nodes.find((n) => n.type === "base_model")!.bypass = true;
    const [o] = compile(doc, registry).outputs;
    expect(o.ok).toBe(false);
    expect(o.diagnostics.map((d) => d.code)).toContain("missing-input");
  });
});
