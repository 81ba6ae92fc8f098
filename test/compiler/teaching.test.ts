import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { guessFamily, usesPromptWeighting } from "../../src/compiler/teaching";
import { build } from "../harness/graph";

function pipeline(opts: { base: string; lora?: string; prompt?: string; weighting?: boolean }) {
  return build(registry, (g) => {
    const m = g.node("base_model", { model_name: opts.base });
    const p = g.node("prompt", { prompt: opts.prompt ?? "a castle", prompt_weighting: opts.weighting ?? false });
    const s = g.node("sampler", { seed: 1 });
    let model = m;
    if (opts.lora) {
      const l = g.node("lora", { path: opts.lora }, { id: "the-lora" });
      g.wire(m, "model", l, "model");
      model = l;
    }
    g.wire(model, "model", s, "model");
    g.wire(p, "conditioning", s, "conditioning");
  });
}

describe("teaching warnings", () => {
  it("guesses SD1.5 and SDXL families from common names and leaves unknown names alone", () => {
    expect(guessFamily("stabilityai/stable-diffusion-xl-base-1.0")).toBe("sdxl");
    expect(guessFamily("nerijs/pixel-art-xl")).toBe("sdxl");
    expect(guessFamily("runwayml/stable-diffusion-v1-5")).toBe("sd15");
    expect(guessFamily("lllyasviel/control_v11p_sd15_canny")).toBe("sd15");
    expect(guessFamily("h94/IP-Adapter")).toBeUndefined();
    expect(guessFamily("https://example.com/axolotl.safetensors")).toBeUndefined();
  });

  it("warns on the LoRA node when an SD1.5 LoRA meets an SDXL base, and says how to fix it", () => {
    const out = compile(
      pipeline({ base: "stabilityai/stable-diffusion-xl-base-1.0", lora: "someone/style-lora-sd15" }),
      registry,
    );
    const w = out.diagnostics.find((d) => d.code === "model-family-mismatch");
    expect(w).toMatchObject({ severity: "warning", nodeId: "the-lora", field: "path" });
    expect(w!.message).toMatch(/SD1\.5.*SDXL.*Use a SDXL LoRA/);
    expect(out.outputs[0].ok).toBe(true); // a warning never blocks the run
  });

  it("stays quiet when families match or cannot be told", () => {
    for (const lora of ["nerijs/pixel-art-xl", "https://example.com/mystery.safetensors"]) {
      const out = compile(pipeline({ base: "stabilityai/stable-diffusion-xl-base-1.0", lora }), registry);
      expect(out.diagnostics.filter((d) => d.code === "model-family-mismatch")).toEqual([]);
    }
  });

  it("recognises Compel weighting syntax", () => {
    for (const p of [
      "a (red cat)1.3",
      "a cat++ on a mat",
      "a dog--",
      '("a cat", "a dog").blend(0.5, 0.5)',
      "a.and(b)",
    ]) {
      expect(usesPromptWeighting(p), p).toBe(true);
    }
    for (const p of ["a red cat", "well-lit room, 8k", "portrait (detailed)", "(masterpiece:1.2)"])
      expect(usesPromptWeighting(p), p).toBe(false);
  });

  it("flags A1111 (word:1.2) syntax, which Compel reads literally, even with weighting on", () => {
    for (const weighting of [false, true]) {
      const out = compile(pipeline({ base: "x/y", prompt: "a castle, (masterpiece:1.2)", weighting }), registry);
      const w = out.diagnostics.filter((d) => d.code === "prompt-weighting-off");
      expect(w).toHaveLength(1);
      expect(w[0]).toMatchObject({ field: "prompt", severity: "warning" });
      expect(w[0].message).toMatch(/\(masterpiece:1\.2\) is AUTOMATIC1111 syntax.*\(words\)1\.2/);
    }
  });

  it("warns when weighting syntax is used with prompt weighting off, on the prompt_weighting field", () => {
    const out = compile(pipeline({ base: "x/y", prompt: "a (red cat)1.4" }), registry);
    const w = out.diagnostics.find((d) => d.code === "prompt-weighting-off");
    expect(w).toMatchObject({ severity: "warning", field: "prompt_weighting" });
    expect(w!.message).toMatch(/Turn on Prompt weighting/);
    const fixed = compile(pipeline({ base: "x/y", prompt: "a (red cat)1.4", weighting: true }), registry);
    expect(fixed.diagnostics.some((d) => d.code.startsWith("prompt-weighting"))).toBe(false);
  });

  it("notes the reverse case: weighting on with no syntax", () => {
    const out = compile(pipeline({ base: "x/y", prompt: "a red cat", weighting: true }), registry);
    expect(out.diagnostics.find((d) => d.code === "prompt-weighting-unused")?.severity).toBe("info");
  });

  it("warns, without blocking, when the prompt is empty", () => {
    const out = compile(pipeline({ base: "x/y", prompt: "  " }), registry);
    expect(out.diagnostics.find((d) => d.field === "prompt")).toMatchObject({
      severity: "warning",
      code: "node-error",
    });
    expect(out.outputs[0].ok).toBe(true);
    expect(
      compile(pipeline({ base: "x/y", prompt: "a cat" }), registry).diagnostics.some((d) => d.field === "prompt"),
    ).toBe(false);
  });
});
