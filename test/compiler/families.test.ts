/**
 * The family rule: a LoRA whose header says another family than the base model is refused before
 * anything is sent; an unknown family is a warning; facts for another URL, or malformed ones, say
 * nothing. Families from names: src/graph/families.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { familyOfName, fileFactsOf, type Family, type WorkflowDocument } from "../../src/graph";
import { build } from "../harness/graph";

const SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5";
const SDXL = "stabilityai/stable-diffusion-xl-base-1.0";
const URL = "https://huggingface.co/u/castle/resolve/main/castle.safetensors";

function pipeline(base: string, lora: { family?: Family | string; url?: string; bypass?: boolean; info?: unknown }) {
  const doc = build(registry, (g) => {
    const m = g.node("base_model", { model_name: base });
    const p = g.node("prompt", { prompt: "a castle" });
    const s = g.node("sampler", { seed: 1 });
    const l = g.node("lora", { path: URL }, { id: "the-lora" });
    g.wire(m, "model", l, "model");
    g.wire(l, "model", s, "model");
    g.wire(p, "conditioning", s, "conditioning");
  });
  const node = doc.nodes.find((n) => n.id === "the-lora")!;
  if (lora.bypass) node.bypass = true;
  node.fileInfo = {
    path:
      "info" in lora
        ? lora.info
        : { url: lora.url ?? URL, family: lora.family ?? "sdxl", familySource: "modelspec.architecture" },
  };
  return doc as WorkflowDocument;
}

const familyDiags = (doc: WorkflowDocument) =>
  compile(doc, registry).diagnostics.filter((d) => d.code.startsWith("family-") || d.code === "model-family-mismatch");

describe("family compatibility", () => {
  it("refuses an SDXL LoRA on an SD1.5 base, on the LoRA's field, with the reason", () => {
    const out = compile(pipeline(SD15, { family: "sdxl" }), registry);
    const d = out.diagnostics.find((x) => x.code === "family-mismatch");
    expect(d).toMatchObject({ severity: "error", nodeId: "the-lora", field: "path" });
    expect(d!.message).toMatch(/made for SDXL \(its header's modelspec\.architecture says so\)/);
    expect(d!.message).toMatch(/base model ".*stable-diffusion-v1-5" is SD1/);
    expect(out.outputs[0].ok).toBe(false);
    expect(out.outputs[0].input).toBeUndefined();
  });

  it("accepts the same LoRA on an SDXL base, and the header outranks a name that says otherwise", () => {
    expect(compile(pipeline(SDXL, { family: "sdxl" }), registry).outputs[0].ok).toBe(true);
    // The URL's name says nothing; but a name saying sd15 would warn by name: the header decides.
    const doc = pipeline(SDXL, { family: "sdxl" });
    const lora = doc.nodes.find((n) => n.id === "the-lora")!;
    lora.params.path = "https://huggingface.co/u/castle-sd15/resolve/main/castle-sd15.safetensors";
    lora.fileInfo = { path: { url: lora.params.path, family: "sdxl" } };
    expect(familyDiags(doc)).toEqual([]);
  });

  it("warns when the LoRA's family is unknown, or the base model's", () => {
    const a = familyDiags(pipeline(SD15, { family: "unknown" }));
    expect(a).toMatchObject([{ severity: "warning", code: "family-unknown", nodeId: "the-lora" }]);
    const b = familyDiags(pipeline("someone/mystery-model", { family: "sdxl" }));
    expect(b).toMatchObject([{ severity: "warning", code: "family-unknown" }]);
    expect(b[0].message).toMatch(/is for SDXL, but the base model "someone\/mystery-model" does not say/);
    expect(compile(pipeline("someone/mystery-model", { family: "sdxl" }), registry).outputs[0].ok).toBe(true);
  });

  it("IMP-11 ignores facts read for another URL, malformed facts, and bypassed LoRAs", () => {
    expect(familyDiags(pipeline(SD15, { url: "https://huggingface.co/other.safetensors" }))).toEqual([]);
    for (const info of [null, 3, "sdxl", { url: URL, family: "sd3" }, { url: URL }, { family: "sdxl" }, []])
      expect(familyDiags(pipeline(SD15, { info }))).toEqual([]);
    expect(compile(pipeline(SD15, { family: "sdxl", bypass: true }), registry).outputs[0].ok).toBe(true);
  });

  // Close to well-formed facts, so each of fileFactsOf's checks is reached; fc.anything() alone
  // almost never makes an object with this URL and a family.
  const nearFacts = fc.record(
    {
      url: fc.oneof(fc.constant(URL), fc.constant("https://huggingface.co/other.safetensors"), fc.anything()),
      family: fc.oneof(fc.constantFrom("sd1", "sd2", "sdxl", "flux", "unknown", "sd3", "__proto__"), fc.anything()),
      familySource: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
      rank: fc.oneof(fc.double(), fc.integer(), fc.anything()),
      alpha: fc.oneof(fc.double(), fc.integer(), fc.anything()),
      triggerWords: fc.oneof(
        fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.anything()), { maxLength: 40 }),
        fc.anything(),
      ),
      title: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
    },
    { requiredKeys: [] },
  );

  it("IMP-11 never throws on arbitrary fileInfo, and reads back only well-formed facts for the param's URL", () => {
    fc.assert(
      fc.property(fc.oneof(nearFacts, fc.anything()), (info) => {
        const doc = pipeline(SD15, { info });
        const facts = fileFactsOf(
          doc.nodes.find((n) => n.id === "the-lora")!,
          "path",
        );
        if (facts) {
          expect(facts.url).toBe(URL);
          expect(["sd1", "sd2", "sdxl", "flux", "unknown"]).toContain(facts.family);
          for (const k of ["rank", "alpha"] as const)
            if (k in facts) expect(Number.isFinite(facts[k]) && facts[k]! > 0, `${k}: ${facts[k]}`).toBe(true);
          for (const k of ["familySource", "title"] as const)
            if (k in facts)
              expect(typeof facts[k] === "string" && facts[k]!.length > 0 && facts[k]!.length <= 200).toBe(true);
          if ("triggerWords" in facts) {
            expect(facts.triggerWords!.length).toBeGreaterThan(0);
            expect(facts.triggerWords!.length).toBeLessThanOrEqual(24);
            for (const w of facts.triggerWords!)
              expect(typeof w === "string" && w.length > 0 && w.length <= 200).toBe(true);
          }
          // Nothing the file wrote besides these fields comes through.
          for (const k of Object.keys(facts))
            expect(["url", "family", "familySource", "rank", "alpha", "triggerWords", "title"]).toContain(k);
        }
        expect(() => compile(doc, registry)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it("IMP-11 cuts what a file can make long: 24 trigger words, 200 characters of text", () => {
    const long = "w".repeat(500);
    const info = { url: URL, family: "sdxl", triggerWords: [...Array(30).keys()].map((i) => `word${i}`), title: long };
    const facts = fileFactsOf(
      pipeline(SD15, { info }).nodes.find((n) => n.id === "the-lora")!,
      "path",
    )!;
    expect(facts.triggerWords).toEqual([...Array(24).keys()].map((i) => `word${i}`));
    expect(facts.title).toBe("w".repeat(200));
  });

  it("IMP-11 a __proto__ key in fileInfo is not read as a param's facts", () => {
    const node = { params: { path: URL }, fileInfo: JSON.parse(`{"__proto__": {"url": "${URL}", "family": "sdxl"}}`) };
    expect(fileFactsOf(node, "__proto__")).toBeUndefined();
    expect(fileFactsOf(node, "path")).toBeUndefined();
    // Only the object's own keys count: facts on a prototype are not the file's.
    const inherited = { params: { path: URL }, fileInfo: Object.create({ path: { url: URL, family: "sdxl" } }) };
    expect(fileFactsOf(inherited, "path")).toBeUndefined();
  });
});

describe("familyOfName", () => {
  it.each([
    [SD15, "sd1"],
    ["runwayml/stable-diffusion-v1-5", "sd1"],
    ["Lykon/dreamshaper-8", "sd1"],
    [SDXL, "sdxl"],
    ["stabilityai/sdxl-turbo", "sdxl"],
    ["https://huggingface.co/stabilityai/stable-diffusion-2-1/resolve/main/v2-1_768-ema-pruned.safetensors", "sd2"],
    ["black-forest-labs/FLUX.1-dev", "flux"],
    ["someone/mystery", "unknown"],
  ])("%s is %s", (name, family) => expect(familyOfName(name)).toBe(family));
});
