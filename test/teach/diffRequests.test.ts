import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import type { WorkflowDocument } from "../../src/graph";
import { diffRequests, type RequestSnapshot } from "../../src/teach/diffRequests";
import { shortModelName } from "../../src/teach/names";
import { build } from "../harness/graph";

const GRAIN = "https://civitai.example/loras/film-grain.safetensors";
const PIXEL = "https://huggingface.co/nerijs/pixel-art-xl/resolve/main/pixel-art-xl.safetensors";
const CANNY = "diffusers/controlnet-canny-sdxl-1.0";

describe("shortModelName", () => {
  it("uses the file name without extension, the repository for ids and generic file names", () => {
    expect(shortModelName(PIXEL)).toBe("pixel-art-xl");
    expect(shortModelName("latent-consistency/lcm-lora-sdxl")).toBe("lcm-lora-sdxl");
    expect(shortModelName(CANNY)).toBe("controlnet-canny-sdxl-1.0");
    expect(
      shortModelName(
        "https://huggingface.co/InstantX/InstantID/resolve/main/ControlNetModel/diffusion_pytorch_model.safetensors",
      ),
    ).toBe("InstantID");
    expect(shortModelName("https://example.com/my%20lora.safetensors?download=1")).toBe("my lora");
  });
});

describe("diffRequests", () => {
  it("says what changed in plain words, matching list items by what they load", () => {
    const before = {
      prompt: "a fox",
      guidance_scale: 7.5,
      loras: [
        { path: PIXEL, scale: 0.8 },
        { path: GRAIN, scale: 0.5 },
      ],
      controlnets: [{ path: CANNY, image_url: "https://example.com/edges.png" }],
    };
    const after = {
      prompt: "a fox",
      guidance_scale: 4,
      loras: [{ path: PIXEL, scale: 0.8 }],
      controlnets: [{ path: CANNY, image_url: "https://example.com/edges.png", end_percentage: 0.6 }],
    };
    const d = diffRequests(before, after, registry);
    expect(d.sentence).toBe(
      "guidance_scale 7.5 → 4; LoRA film-grain removed; ControlNet controlnet-canny-sdxl-1.0 end 1 → 0.6",
    );
    expect(d.changes.map((c) => [c.kind, c.path])).toEqual([
      ["changed", "guidance_scale"],
      ["removed", "loras.1"],
      ["changed", "controlnets.0.end_percentage"],
    ]);
    expect(d.changes[2]).toMatchObject({
      subject: "ControlNet controlnet-canny-sdxl-1.0",
      field: "end_percentage",
      from: 1,
      to: 0.6,
    });
  });

  it("reads reordering as a move of the fewest items, not as every item changing", () => {
    const l = (name: string, scale = 1) => ({ path: `https://example.com/${name}.safetensors`, scale });
    const d = diffRequests({ loras: [l("a"), l("b"), l("c")] }, { loras: [l("c"), l("a"), l("b", 0.7)] }, registry);
    expect(d.changes.map((c) => c.text)).toEqual(["LoRA b scale 1 → 0.7", "LoRA c moved from 3rd to 1st"]);
    const swap = diffRequests({ loras: [l("a"), l("b")] }, { loras: [l("b"), l("a")] }, registry);
    expect(swap.changes).toHaveLength(1);
    expect(swap.changes[0].kind).toBe("moved");
    // Removing the first item does not move the others.
    expect(diffRequests({ loras: [l("a"), l("b"), l("c")] }, { loras: [l("b"), l("c")] }, registry).sentence).toBe(
      "LoRA a removed",
    );
  });

  it("treats omitted fields as fal's defaults", () => {
    expect(
      diffRequests(
        { loras: [{ path: PIXEL, scale: 1 }], num_inference_steps: 30 },
        { loras: [{ path: PIXEL }] },
        registry,
      ).changes,
    ).toEqual([]);
    expect(diffRequests({ prompt: "x" }, { prompt: "x" }, registry).sentence).toBe(
      "No difference between the two requests.",
    );
    expect(diffRequests({ seed: 42 }, {}, registry).sentence).toBe("seed 42 → random");
    expect(diffRequests({ scheduler: "DDIM" }, {}, registry).sentence).toBe("scheduler DDIM → model default");
    expect(diffRequests({}, { guidance_scale: 9 }, registry).sentence).toBe("guidance_scale 7.5 → 9");
  });

  it("keeps long values out of the sentence", () => {
    const d = diffRequests(
      { prompt: "a fox in the snow", image_url: "data:image/png;base64,AAAA", image_size: "square_hd" },
      {
        prompt: "a fox in the snow, golden hour, cinematic light, 35mm film",
        image_url: "data:image/png;base64,BBBB",
        image_size: { width: 1024, height: 768 },
      },
      registry,
    );
    expect(d.sentence).toBe(
      'prompt "a fox in the snow" → "a fox in the snow, golden hour, cinemat…"; image_url changed; image_size square_hd → 1024×768',
    );
  });

  it("tells IP-Adapters from one repository apart by their weights file", () => {
    const ipa = (weight_name: string) => ({
      path: "h94/IP-Adapter",
      model_subfolder: "sdxl_models",
      weight_name,
      ip_adapter_image_url: "https://example.com/r.png",
    });
    const d = diffRequests(
      { ip_adapter: [ipa("ip-adapter_sdxl.safetensors")] },
      { ip_adapter: [ipa("ip-adapter-plus_sdxl_vit-h.safetensors")] },
      registry,
    );
    expect(d.sentence).toBe("IP-Adapter ip-adapter_sdxl removed; IP-Adapter ip-adapter-plus_sdxl_vit-h added");
  });

  describe("with the graphs behind the requests", () => {
    function doc(opts: { grainBypassed?: boolean; guidance?: number; init?: boolean }): WorkflowDocument {
      return build(registry, (g) => {
        const m = g.node("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" });
        const a = g.node("lora", { path: PIXEL, scale: 0.8 }, { id: "pixel", label: "Pixel art" });
        const b = g.node("lora", { path: GRAIN, scale: 0.5 }, { id: "grain", bypass: opts.grainBypassed });
        const p = g.node("prompt", { prompt: "a fox" });
        const s = g.node("sampler", { seed: 1, guidance_scale: opts.guidance ?? 7.5 });
        g.wire(m, "model", a, "model");
        g.wire(a, "model", b, "model");
        g.wire(b, "model", s, "model");
        g.wire(p, "conditioning", s, "conditioning");
        if (opts.init) g.wire(g.node("image", { url: "https://example.com/photo.png" }), "image", s, "init_image");
      });
    }
    const snap = (d: WorkflowDocument): RequestSnapshot => {
      const out = compile(d, registry).outputs[0];
      expect(out.ok).toBe(true);
      return { input: out.input!, endpoint: out.endpoint, sourceMap: out.sourceMap, document: d };
    };

    it("says bypassed rather than removed, and uses node labels", () => {
      const d = diffRequests(snap(doc({})), snap(doc({ grainBypassed: true, guidance: 5 })), registry);
      expect(d.sentence).toBe("guidance_scale 7.5 → 5; LoRA film-grain bypassed");
      const back = diffRequests(snap(doc({ grainBypassed: true })), snap(doc({})), registry);
      expect(back.sentence).toBe("LoRA film-grain switched back on");

      const relabelled = doc({});
      const scaled = {
        ...relabelled,
        nodes: relabelled.nodes.map((n) => (n.id === "pixel" ? { ...n, params: { ...n.params, scale: 0.6 } } : n)),
      };
      expect(diffRequests(snap(relabelled), snap(scaled), registry).sentence).toBe("LoRA Pixel art scale 0.8 → 0.6");
    });

    it("names an endpoint change", () => {
      const d = diffRequests(snap(doc({})), snap(doc({ init: true })), registry);
      expect(d.changes[0]).toMatchObject({ path: "endpoint", text: "text-to-image → image-to-image" });
      expect(d.changes.find((c) => c.path === "image_url")?.text).toBe(
        "image_url set to https://example.com/photo.png",
      );
    });
  });
});
