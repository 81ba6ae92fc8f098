import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  checkLoraUrl,
  checkRedirect,
  describeLora,
  parseSafetensorsHeader,
  type HeaderResult,
  type SafetensorsHeader,
} from "../../src/interop/safetensors";
import { checkpointRepo, controlNetRepo, familyOfModelName, ipAdapterFile } from "../../src/interop/models";
import { dataUrl, PNG_1x1, safetensors, sd1Tensors, sdxlDiffusersTensors } from "./safetensorsFixtures";

function header(bytes: Uint8Array, fileSize = bytes.length): SafetensorsHeader {
  const r = parseSafetensorsHeader(bytes, { fileSize });
  if (!r.ok) throw new Error(`expected a header, got ${r.code}: ${r.message}`);
  return r.header;
}

const KOHYA_SD1 = {
  ss_base_model_version: "sd_v1",
  ss_network_module: "networks.lora",
  ss_network_dim: "16",
  ss_network_alpha: "8.0",
  ss_output_name: "castle_style",
  ss_sd_model_name: "v1-5-pruned-emaonly.safetensors",
  // Two dataset folders: tags are summed across them, as A1111 shows them.
  ss_tag_frequency: JSON.stringify({
    "10_castle": { castle: 10, "stone wall": 4, sky: 2 },
    "5_towers": { castle: 5, tower: 7, " sky ": 3 },
  }),
};

describe("parseSafetensorsHeader", () => {
  it("reads the metadata and tensor list of a kohya SD1 LoRA", () => {
    const h = header(safetensors(KOHYA_SD1, sd1Tensors()));
    expect(h.metadata).toEqual(KOHYA_SD1);
    expect(h.tensors.size).toBe(4);
    expect(h.headerLength % 8).toBe(0);
    expect(h.warnings).toEqual([]);
  });

  it("asks for more bytes when given only a prefix, then reads the header from exactly that many", () => {
    const file = safetensors(KOHYA_SD1, sd1Tensors());
    const first = parseSafetensorsHeader(file.subarray(0, 8));
    expect(first).toMatchObject({ ok: false, code: "incomplete" });
    const need = (first as { need: number }).need;
    expect(parseSafetensorsHeader(file.subarray(0, need)).ok).toBe(true);
    expect(parseSafetensorsHeader(file.subarray(0, need - 1))).toMatchObject({ ok: false, code: "incomplete", need });
  });

  // The size column: the file's size, undefined for the bytes given, null when unknown (a URL).
  it.each<[string, Uint8Array, number | null | undefined, string, RegExp]>([
    ["fewer than 8 bytes", new Uint8Array([1, 2, 3]), 3, "too-short", /has 3 bytes/],
    [
      "a length beyond the end of the file",
      safetensors({ a: "b" }, {}, { lengthOverride: 5000n }),
      undefined,
      "beyond-file",
      /claims 5000 bytes but the file has only/,
    ],
    [
      "a 2 GB length",
      safetensors({ a: "b" }, {}, { lengthOverride: 2n * 1024n ** 3n }),
      5 * 1024 ** 3,
      "too-large",
      /claims 2048 MiB, over the 16 MiB limit/,
    ],
    ["a 2^63 length", safetensors({}, {}, { lengthOverride: 2n ** 63n }), null, "too-large", /over the/],
    [
      "a header that is not JSON",
      safetensors(undefined, {}, { headerText: "{not json at all}" }),
      undefined,
      "not-json",
      /line 1, column 2/,
    ],
    [
      "a header that is not an object",
      safetensors(undefined, {}, { headerText: "[1,2,3]  " }),
      undefined,
      "not-json",
      /start with/,
    ],
    [
      "a header nested 1000 deep",
      safetensors(undefined, {}, { headerText: `{"a":${"[".repeat(1000)}${"]".repeat(1000)}}` }),
      undefined,
      "not-json",
      /nested too deeply/,
    ],
    [
      "a header of invalid UTF-8",
      (() => {
        const f = safetensors({ a: "bb" });
        f[12] = 0xff;
        return f;
      })(),
      undefined,
      "not-utf8",
      /not UTF-8/,
    ],
  ])("refuses %s, saying why", (_, bytes, size, code, message) => {
    const fileSize = size === null ? undefined : (size ?? bytes.length);
    const r: HeaderResult = parseSafetensorsHeader(bytes, { fileSize });
    expect(r).toMatchObject({ ok: false, code });
    expect((r as { message: string }).message).toMatch(message);
  });

  it("drops __proto__ keys and non-text metadata, saying so, without polluting anything", () => {
    const text =
      '{"__proto__":{"polluted":true},"__metadata__":{"__proto__":{"x":1},"ss_network_dim":"8","n":5},"w":{"dtype":"F16","shape":[8,4],"data_offsets":[0,64]}}';
    const h = header(safetensors(undefined, {}, { headerText: text }));
    expect(h.metadata).toEqual({ ss_network_dim: "8" });
    expect(Object.getPrototypeOf(h.metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(h.warnings.join("\n")).toMatch(/__proto__/);
    expect(h.warnings.join("\n")).toMatch(/__metadata__\.n is not text/);
  });

  it("never throws, on any bytes or on a real file with bytes changed", () => {
    const real = safetensors(KOHYA_SD1, sd1Tensors());
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
            .map((edits) => {
              const f = real.slice();
              for (const [at, v] of edits) f[at] = v;
              return f;
            }),
        ),
        fc.option(fc.nat(), { nil: undefined }),
        (bytes, size) => {
          const r = parseSafetensorsHeader(bytes, { fileSize: size });
          if (r.ok) expect(() => describeLora(r.header)).not.toThrow();
          else expect(r.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("describeLora", () => {
  it("SD1 from kohya's version key; rank and alpha; trigger words summed across dataset folders", () => {
    const info = describeLora(header(safetensors(KOHYA_SD1, sd1Tensors())));
    expect(info).toMatchObject({
      family: "sd1",
      familySource: "ss_base_model_version",
      familyEvidence: "sd_v1",
      rank: 16,
      alpha: 8,
      title: "castle_style",
      trainedOn: "v1-5-pruned-emaonly.safetensors",
      triggerSource: "ss_tag_frequency",
      triggerWords: ["castle", "tower", "sky", "stone wall"],
    });
    expect(info.problems).toEqual([]);
  });

  it("SDXL from modelspec, whose trigger phrase wins over the tags", () => {
    const info = describeLora(
      header(
        safetensors({
          ...KOHYA_SD1,
          ss_base_model_version: "sdxl_base_v1-0",
          "modelspec.architecture": "stable-diffusion-xl-v1-base/lora",
          "modelspec.trigger_phrase": "cstl style, stone",
          "modelspec.title": "Castle XL",
        }),
      ),
    );
    expect(info).toMatchObject({
      family: "sdxl",
      familySource: "modelspec.architecture",
      triggerWords: ["cstl style", "stone"],
      triggerSource: "modelspec.trigger_phrase",
      title: "Castle XL",
    });
  });

  it.each([
    [{ ss_base_model_version: "sdxl_base_v0-9" }, "sdxl"],
    [{ ss_base_model_version: "flux1" }, "flux"],
    [{ ss_v2: "True", ss_network_dim: "4" }, "sd2"],
    [{ "modelspec.architecture": "flux-1-dev/lora" }, "flux"],
    [{ "modelspec.architecture": "stable-diffusion-v2-768-v/lora" }, "sd2"],
    [{ "modelspec.architecture": "stable-diffusion-3-medium/lora" }, "unknown"],
    [{ format: "pt" }, "unknown"],
  ])("family of %o is %s", (md, family) => {
    expect(describeLora(header(safetensors(md, { w: { shape: [2, 2] } }))).family).toBe(family);
  });

  it("infers the family from tensor names when the metadata says nothing (diffusers files)", () => {
    expect(describeLora(header(safetensors({ format: "pt" }, sdxlDiffusersTensors(32))))).toMatchObject({
      family: "sdxl",
      familySource: "tensor names",
      rank: 32,
    });
    expect(describeLora(header(safetensors(undefined, sd1Tensors(8))))).toMatchObject({ family: "sd1", rank: 8 });
    expect(
      describeLora(
        header(
          safetensors(undefined, {
            "transformer.single_transformer_blocks.0.attn.to_k.lora_A.weight": { shape: [16, 3072] },
          }),
        ),
      ),
    ).toMatchObject({ family: "flux", rank: 16 });
  });

  it("tells an embedding's family by its vectors: clip_g is SDXL, 768 wide SD1, 1024 wide SD2", () => {
    const fam = (t: Record<string, { shape: number[] }>) => describeLora(header(safetensors(undefined, t))).family;
    expect(fam({ clip_l: { shape: [2, 768] }, clip_g: { shape: [2, 1280] } })).toBe("sdxl");
    expect(fam({ emb_params: { shape: [2, 768] } })).toBe("sd1");
    expect(fam({ "string_to_param.*": { shape: [2, 1024] } })).toBe("sd2");
    expect(fam({ emb_params: { shape: [2, 640] } })).toBe("unknown");
  });

  it("reads kohya metadata without a version as SD1, as A1111 does", () => {
    expect(describeLora(header(safetensors({ ss_network_dim: "4" }, { w: { shape: [2, 2] } })))).toMatchObject({
      family: "sd1",
      familySource: "kohya metadata",
    });
  });

  it("splits sentence captions into words before counting", () => {
    const md = {
      ss_tag_frequency: JSON.stringify({ d: { "a photo of a castle at dusk": 3, "a castle by the sea at night": 2 } }),
    };
    expect(describeLora(header(safetensors(md))).triggerWords.slice(0, 2)).toEqual(["castle", "photo"]);
  });

  it("shows a PNG thumbnail as an image data: URL", () => {
    const info = describeLora(header(safetensors({ "modelspec.thumbnail": dataUrl("image/png", PNG_1x1) })));
    expect(info.thumbnail).toEqual({ url: dataUrl("image/png", PNG_1x1), type: "image/png", bytes: PNG_1x1.length });
    expect(info.problems).toEqual([]);
  });

  it.each([
    [
      "an SVG",
      dataUrl("image/svg+xml", new TextEncoder().encode("<svg onload=alert(1)>")),
      /image\/svg\+xml is not an image type/,
    ],
    ["HTML", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", /text\/html is not an image type/],
    [
      "markup claiming to be a PNG",
      dataUrl("image/png", new TextEncoder().encode("<img src=x onerror=alert(1)>")),
      /says image\/png but its bytes are not one/,
    ],
    ["a javascript: URL", "javascript:alert(1)", /not a base64 image data: URL/],
    [
      "a data URL with markup after the base64",
      `${dataUrl("image/png", PNG_1x1)}"><script>`,
      /its data is not plain base64/,
    ],
  ])("refuses a thumbnail that is %s", (_, value, why) => {
    const info = describeLora(header(safetensors({ "modelspec.thumbnail": value })));
    expect(info.thumbnail).toBeUndefined();
    expect(info.problems.join("\n")).toMatch(why);
  });

  it("reports tag frequencies that are not JSON instead of guessing", () => {
    const info = describeLora(header(safetensors({ ss_tag_frequency: "{castle: 3" })));
    expect(info.triggerWords).toEqual([]);
    expect(info.problems).toEqual([expect.stringMatching(/ss_tag_frequency is not the JSON object kohya writes/)]);
  });
});

describe("model names", () => {
  it.each([
    ["stabilityai/stable-diffusion-xl-base-1.0", "sdxl"],
    ["https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/resolve/main/x.safetensors", "sdxl"],
    ["runwayml/stable-diffusion-v1-5", "sd1"],
    ["stable-diffusion-v1-5/stable-diffusion-v1-5", "sd1"],
    ["stabilityai/stable-diffusion-2-1", "sd2"],
    ["black-forest-labs/FLUX.1-dev", "flux"],
    ["SG161222/RealVisXL_V4.0", "sdxl"],
    ["Lykon/dreamshaper-8", "sd1"],
    ["sd_xl_base_1.0.safetensors", "sdxl"],
    ["v1-5-pruned-emaonly.safetensors", "sd1"],
    ["ponyDiffusionV6XL_v6StartWithThisOne.safetensors", "sdxl"],
    ["someone/my-model", "unknown"],
    ["https://civitai.com/api/download/models/12345", "unknown"],
  ])("%s is %s", (name, family) => {
    expect(familyOfModelName(name)).toBe(family);
  });

  it("maps well-known local file names to their Hugging Face repos", () => {
    expect(checkpointRepo("C:\\models\\Stable-diffusion\\sd_xl_base_1.0_0.9vae.safetensors")).toBe(
      "stabilityai/stable-diffusion-xl-base-1.0",
    );
    expect(checkpointRepo("SD15/v1-5-pruned-emaonly.ckpt")).toBe("stable-diffusion-v1-5/stable-diffusion-v1-5");
    expect(checkpointRepo("juggernautXL_v9.safetensors")).toBeUndefined();
    expect(controlNetRepo("control_v11f1p_sd15_depth.pth")).toBe("lllyasviel/control_v11f1p_sd15_depth");
    expect(controlNetRepo("diffusers_xl_canny_mid.safetensors")).toBe("diffusers/controlnet-canny-sdxl-1.0-mid");
    expect(ipAdapterFile("ipadapter/ip-adapter-plus_sd15.bin")).toMatchObject({
      model_subfolder: "models",
      weight_name: "ip-adapter-plus_sd15.bin",
      encoder: "vit-h",
    });
    expect(ipAdapterFile("ip-adapter_sd15_vit-G.safetensors")).toMatchObject({
      weight_name: "ip-adapter_sd15_vit-G.safetensors",
      encoder: "vit-bigg",
    });
  });
});

describe("LoRA header hosts", () => {
  it.each([
    "https://huggingface.co/user/lora/resolve/main/castle.safetensors",
    "https://civitai.com/api/download/models/12345",
    "https://v3.fal.media/files/rabbit/abc.safetensors",
    "https://storage.googleapis.com/falserverless/loras/x.safetensors",
  ])("fetches from %s", (url) => {
    expect(checkLoraUrl(url).ok).toBe(true);
  });

  it.each([
    ["http://huggingface.co/x", /only https/],
    ["https://huggingface.co:8443/x", /port/],
    ["https://user:pw@huggingface.co/x", /user name or password/],
    ["https://huggingface.co.evil.com/x", /not one of the hosts/],
    ["https://127.0.0.1/x", /not one of the hosts/],
    ["https://storage.googleapis.com/other-bucket/x", /not one of the hosts/],
    ["https://bucket.r2.cloudflarestorage.com/x", /not one of the hosts/],
    ["https://huggingface.co/a b", /spaces/],
    ["file:///etc/passwd", /only https/],
  ])("refuses %s", (url, why) => {
    const r = checkLoraUrl(url);
    expect(r.ok).toBe(false);
    expect((r as { reason: string }).reason).toMatch(why);
  });

  it("follows each site's own download redirects, and only those", () => {
    const hf = checkLoraUrl("https://huggingface.co/u/l/resolve/main/x.safetensors");
    const civitai = checkLoraUrl("https://civitai.com/api/download/models/1");
    if (!hf.ok || !civitai.ok) throw new Error("start URLs must pass");
    expect(checkRedirect(hf, "https://cas-bridge.xethub.hf.co/xet/abc?sig=1").ok).toBe(true);
    expect(checkRedirect(hf, "https://cdn-lfs-us-1.huggingface.co/repos/x").ok).toBe(true);
    expect(checkRedirect(hf, "/api/resolve-cache/x").ok).toBe(true);
    expect(checkRedirect(civitai, "https://civitai-delivery-worker-prod.abc.r2.cloudflarestorage.com/x").ok).toBe(true);
    expect(checkRedirect(civitai, "https://f005.backblazeb2.com/file/civitai/x").ok).toBe(true);
    // Shared storage domains are anyone's buckets: only Civitai may send us there.
    expect(checkRedirect(hf, "https://bucket.r2.cloudflarestorage.com/x")).toMatchObject({
      ok: false,
      reason: "huggingface.co redirected to bucket.r2.cloudflarestorage.com, which is not on the allowlist",
    });
    expect(checkRedirect(civitai, "http://f005.backblazeb2.com/x").ok).toBe(false);
    expect(checkRedirect(civitai, "https://169.254.169.254/latest").ok).toBe(false);
  });
});
