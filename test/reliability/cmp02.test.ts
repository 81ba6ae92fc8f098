// CMP-02: URL and data-URI fields from an untrusted graph are refused at the node and field that
// hold them, before anything is sent; an inline image too big for the proxy says "upload instead".
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { MAX_REQUEST_BYTES, type WorkflowDocument } from "../../src/graph";
import { DEFAULT_LIMITS } from "../../src/server/proxy/index.ts";
import { build } from "../harness/graph.ts";

/** base → [lora] → sampler; prompt → controlnet (image `cn`) → sampler; init image `init`. */
function graph(p: { init?: string; cn?: string; mask?: string; lora?: string; model?: string }): WorkflowDocument {
  return build(registry, (g) => {
    const base = g.node(
      "base_model",
      { model_name: p.model ?? "stabilityai/stable-diffusion-xl-base-1.0" },
      { id: "base" },
    );
    const prompt = g.node("prompt", { prompt: "a lighthouse at dusk" }, { id: "prompt" });
    const sampler = g.node("sampler", { seed: 1 }, { id: "sampler" });
    let model = base;
    if (p.lora !== undefined) {
      const l = g.node("lora", { path: p.lora, scale: 0.8 }, { id: "lora" });
      g.wire(base, "model", l, "model");
      model = l;
    }
    g.wire(model, "model", sampler, "model");
    let cond = prompt;
    if (p.cn !== undefined) {
      const cn = g.node("controlnet", { path: "diffusers/controlnet-canny-sdxl-1.0" }, { id: "controlnet" });
      const img = g.node("image", { url: p.cn }, { id: "cn" });
      g.wire(prompt, "conditioning", cn, "conditioning");
      g.wire(img, "image", cn, "image");
      if (p.mask !== undefined) g.wire(g.node("image", { url: p.mask }, { id: "mask" }), "image", cn, "mask");
      cond = cn;
    }
    g.wire(cond, "conditioning", sampler, "conditioning");
    if (p.init !== undefined) g.wire(g.node("image", { url: p.init }, { id: "init" }), "image", sampler, "init_image");
  });
}

const errorsOf = (doc: WorkflowDocument) => {
  const r = compile(doc, registry);
  return { r, errors: r.diagnostics.filter((d) => d.severity === "error") };
};

const dataUri = (chars: number, type = "image/png") => {
  const head = `data:${type};base64,`;
  return head + "A".repeat(Math.max(4, chars - head.length) & ~3);
};

describe("CMP-02 URL and data-URI fields", () => {
  const hostileImages: Array<[string, RegExp]> = [
    ["javascript:alert(document.cookie)", /"javascript:" scheme/],
    ["JaVaScRiPt:alert(1)", /"javascript:" scheme/],
    ["file:///etc/passwd", /"file:" scheme/],
    ["ftp://example.com/a.png", /"ftp:" scheme/],
    ["C:/Users/me/cat.png", /local file path/],
    ["C:\\Users\\me\\cat.png", /backslash/],
    [" https://example.com/a.png", /leading or trailing whitespace/],
    ["https://example.com/a b.png", /whitespace/],
    ["https://exa\u200bmple.com/a.png", /invisible or control character \(U\+200B\)/],
    ["https://example.com/\u202Egnp.exe", /invisible or control character \(U\+202E\)/],
    ["ｈttps://example.com/a.png", /non-ASCII/],
    ["https://ｅxample.com/a.png", /non-ASCII character "ｅ".*host name/],
    ["https://fal.run@evil.example/a.png", /user name or password/],
    ["data:text/html,<script>alert(1)</script>", /only images/],
    ["data:application/pdf;base64,JVBERi0=", /only images/],
    ["data:image/png;base64,not*base64", /outside base64/],
  ];

  it.each(hostileImages)("CMP-02 image %j is refused on the image node's url field: %s", (url, message) => {
    const { r, errors } = errorsOf(graph({ init: url }));
    const onField = errors.find((d) => d.nodeId === "init" && d.field === "url");
    expect(onField, JSON.stringify(errors)).toBeDefined();
    expect(onField!.message).toMatch(message);
    // Nothing is sent for a graph with errors.
    expect(r.outputs.every((o) => !o.ok && o.input === undefined)).toBe(true);
  });

  const hostileModels: Array<[string, RegExp]> = [
    ["javascript:alert(1)", /"javascript:" scheme/],
    ["file:///home/me/lora.safetensors", /"file:" scheme/],
    ["data:application/octet-stream;base64,AAAA", /data: URI; model files/],
    ["/home/me/lora.safetensors", /local file path/],
    ["owner/../../secret", /"\.\." path segment/],
    ["owner/na me", /whitespace/],
    ["https://user:pw@huggingface.co/x", /user name or password/],
  ];
  it.each(hostileModels)("CMP-02 LoRA path %j is refused on the LoRA's path field: %s", (path, message) => {
    const { r, errors } = errorsOf(graph({ lora: path }));
    const onField = errors.find((d) => d.nodeId === "lora" && d.field === "path");
    expect(onField, JSON.stringify(errors)).toBeDefined();
    expect(onField!.message).toMatch(message);
    expect(r.outputs[0].ok).toBe(false);
  });

  it.each([
    [
      "https URL",
      { init: "https://example.com/a.png", lora: "https://civitai.com/api/download/models/123?type=Model" },
    ],
    ["Hugging Face ids", { lora: "nerijs/pixel-art-xl", model: "SG161222/Realistic_Vision_V2.0" }],
    ["small data URI", { init: dataUri(2000) }],
    ["SVG data URI (an image type)", { init: "data:image/svg+xml;base64,PHN2Zz4=" }],
  ])("CMP-02 %s pass", (_label, p) => {
    const { r, errors } = errorsOf(graph(p));
    expect(errors).toEqual([]);
    expect(r.outputs[0].ok).toBe(true);
  });

  it("CMP-02 the request cap is the proxy's body limit", () => {
    expect(DEFAULT_LIMITS.maxBodyBytes).toBe(MAX_REQUEST_BYTES);
  });

  it("CMP-02 one data URI over the cap is refused on its field: too large, upload instead", () => {
    const { r, errors } = errorsOf(graph({ init: dataUri(MAX_REQUEST_BYTES + 10) }));
    const onField = errors.find((d) => d.nodeId === "init" && d.field === "url");
    expect(onField?.message).toMatch(/too large to send inline.*the limit is 8 MB.*upload the file instead/);
    expect(r.outputs[0].input).toBeUndefined();
  });

  it("CMP-02 several data URIs that together exceed the cap name each image, largest first; fitting ones pass", () => {
    const third = Math.floor(MAX_REQUEST_BYTES / 3);
    const { r, errors } = errorsOf(
      graph({ init: dataUri(third + 4000), cn: dataUri(third + 8000), mask: dataUri(third) }),
    );
    const big = errors.filter((d) => d.code === "request-too-large");
    expect(big.map((d) => [d.nodeId, d.field])).toEqual([
      ["cn", "url"],
      ["init", "url"],
      ["mask", "url"],
    ]);
    for (const d of big)
      expect(d.message).toMatch(
        /^Image too large to send inline \(.+ as a data: URI; the request would be 8 MB, over the 8 MB limit\): upload the file instead$/,
      );
    expect(r.outputs[0].ok).toBe(false);

    // Smaller images: the request fits, is sent, and is indeed under the proxy's limit.
    const fits = compile(
      graph({ init: dataUri(third - 4000), cn: dataUri(third - 4000), mask: dataUri(third - 4000) }),
      registry,
    );
    expect(fits.outputs[0].ok).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(fits.outputs[0].input))).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
  });
});
