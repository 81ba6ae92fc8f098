import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { z } from "../../src/graph/zodMini";
import {
  ENDPOINTS,
  FAL_DEFAULTS,
  FAL_NESTED_DEFAULTS,
  IMAGE_SIZE_PRESETS,
  IMAGE_SIZE_PRESET_NAMES,
  NESTED_INPUT_KEYS,
  SCHEDULERS,
  UNCONFIRMED_RANGES,
  checkFileUrl,
  checkImageUrl,
  checkModelRef,
  controlNetSchema,
  embeddingSchema,
  endpointInputKeys,
  falDefaultsFor,
  fileUrlSchema,
  imageSizeSchema,
  imageToImageInputSchema,
  inpaintInputSchema,
  inputSchemaFor,
  ipAdapterSchema,
  loraInputSchema,
  loraOutputSchema,
  loraWeightSchema,
  modelRefSchema,
  schemaIssues,
  sigmasSchema,
  timestepsSchema,
  toFalValidationDetail,
  unconfirmedRangeWarnings,
  unconfirmedWarnings,
  type Endpoint,
} from "../../src/compiler/falSchema";

type Path = (string | number)[];
const T2I: Endpoint = "fal-ai/lora";
const I2I: Endpoint = "fal-ai/lora/image-to-image";
const INP: Endpoint = "fal-ai/lora/inpaint";

const PNG = "data:image/png;base64,iVBORw0KGgo=";
const base = { model_name: "stabilityai/stable-diffusion-xl-base-1.0", prompt: "a cat" };
const minimal: Record<Endpoint, Record<string, unknown>> = {
  [T2I]: { ...base },
  [I2I]: { ...base, image_url: "https://example.com/in.png" },
  [INP]: { ...base, image_url: "https://example.com/in.png", mask_url: PNG },
};

/** Every field of every endpoint set to a valid value. */
function full(endpoint: Endpoint): Record<string, unknown> {
  const common = {
    model_name: "https://huggingface.co/owner/model/resolve/main/model.safetensors",
    prompt: "a castle",
    negative_prompt: "blurry",
    prompt_weighting: true,
    num_images: 2,
    seed: 42,
    num_inference_steps: 25,
    guidance_scale: 6.5,
    scheduler: "DPM++ 2M Karras",
    clip_skip: 1,
    loras: [{ path: "owner/lora", scale: 0.7 }, { path: "https://civitai.com/api/download/models/1" }],
    embeddings: [{ path: "owner/embedding", tokens: ["<s0>", "<s1>"] }],
    controlnets: [
      {
        path: "diffusers/controlnet-canny-sdxl-1.0",
        image_url: "https://example.com/canny.png",
        mask_url: PNG,
        config_url: "data:application/json;base64,e30=",
        variant: "fp16",
        conditioning_scale: 0.8,
        start_percentage: 0.1,
        end_percentage: 0.9,
        ip_adapter_index: 0,
      },
    ],
    controlnet_guess_mode: false,
    ip_adapter: [
      {
        ip_adapter_image_url: ["https://example.com/a.png", PNG],
        ip_adapter_mask_url: "https://example.com/m.png",
        path: "h94/IP-Adapter",
        model_subfolder: "sdxl_models",
        weight_name: "ip-adapter-plus_sdxl_vit-h.safetensors",
        insight_face_model_path: "owner/insightface",
        scale: 0.6,
        scale_json: { down: { block_2: [0, 1] } },
        unconditional_noising_factor: 0.1,
        image_projection_shortcut: true,
      },
    ],
    image_encoder_path: "laion/CLIP-ViT-H-14-laion2B-s32B-b79K",
    image_encoder_subfolder: "models/image_encoder",
    image_encoder_weight_name: "pytorch_model.bin",
    unet_name: "owner/unet",
    variant: "fp16",
    ic_light_model_url: "https://example.com/iclight.safetensors",
    ic_light_model_background_image_url: "https://example.com/bg.png",
    ic_light_image_url: PNG,
    timesteps: { method: "array", array: [999, 500, 1] },
    sigmas: { method: "default", array: [] },
    prediction_type: "v_prediction",
    rescale_betas_snr_zero: true,
    eta: 0.5,
    image_format: "jpeg",
    enable_safety_checker: true,
    tile_width: 1024,
    tile_height: 1024,
    tile_stride_width: 512,
    tile_stride_height: 512,
    debug_latents: false,
    debug_per_pass_latents: false,
  };
  if (endpoint === T2I) return { ...common, image_size: { width: 1024, height: 768 } };
  const img = { ...common, image_url: "https://example.com/in.png", noise_strength: 0.4 };
  return endpoint === I2I ? img : { ...img, mask_url: PNG };
}

function issues(endpoint: Endpoint, input: unknown) {
  const r = inputSchemaFor(endpoint).safeParse(input);
  return r.success ? [] : schemaIssues(r.error);
}
function expectOk(endpoint: Endpoint, input: unknown) {
  expect(issues(endpoint, input)).toEqual([]);
}
/** Refused with an issue at exactly `path` whose message contains `msg`. */
function expectIssue(endpoint: Endpoint, input: unknown, path: Path, msg?: string | RegExp) {
  const found = issues(endpoint, input);
  const at = found.filter((i) => JSON.stringify(i.path) === JSON.stringify(path));
  expect(at, `issues: ${JSON.stringify(found)}`).not.toHaveLength(0);
  if (msg) expect(at.map((i) => i.message).join(" | ")).toMatch(msg);
}
const clone = <T>(v: T): T => structuredClone(v);

describe("valid requests", () => {
  it.each(ENDPOINTS)("%s accepts its minimal and full request, and parsing adds nothing", (e) => {
    for (const input of [minimal[e], full(e)]) {
      const r = inputSchemaFor(e).safeParse(input);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
      expect(r.data).toEqual(input);
    }
  });

  it("the full fixtures use every top-level key, so every field is exercised", () => {
    for (const e of ENDPOINTS) expect(Object.keys(full(e)).sort()).toEqual(endpointInputKeys(e).sort());
  });

  it("does not mutate its input", () => {
    const input = Object.freeze(full(T2I));
    expect(() => loraInputSchema.parse(input)).not.toThrow();
  });
});

describe("required fields and endpoint-specific keys", () => {
  it.each(ENDPOINTS)("%s requires model_name and prompt", (e) => {
    for (const key of ["model_name", "prompt"]) {
      const input = { ...minimal[e] };
      delete input[key];
      expectIssue(e, input, [key], "is required");
    }
  });

  it("image-to-image requires image_url; inpaint requires image_url and mask_url", () => {
    expectIssue(I2I, base, ["image_url"], "is required");
    expectIssue(INP, { ...base, mask_url: PNG }, ["image_url"], "is required");
    expectIssue(INP, { ...base, image_url: PNG }, ["mask_url"], "is required");
  });

  it("refuses fields of other endpoints with a precise path and a helpful message", () => {
    expectIssue(
      I2I,
      { ...minimal[I2I], image_size: "square" },
      ["image_size"],
      /not accepted by fal-ai\/lora\/image-to-image/,
    );
    expectIssue(INP, { ...minimal[INP], image_size: { width: 512 } }, ["image_size"], /follows the input image/);
    expectIssue(T2I, { ...base, image_url: PNG }, ["image_url"], /only accepted by/);
    expectIssue(T2I, { ...base, mask_url: PNG }, ["mask_url"], /inpaint/);
    expectIssue(T2I, { ...base, noise_strength: 0.5 }, ["noise_strength"], /only accepted by/);
    expectIssue(I2I, { ...minimal[I2I], mask_url: PNG }, ["mask_url"], /inpaint/);
    expectIssue(I2I, { ...minimal[I2I], strength: 0.5 }, ["strength"], /noise_strength/);
    expectIssue(T2I, { ...base, model_architecture: "sdxl" }, ["model_architecture"], /remove it/);
  });

  it("an undefined value for another endpoint's field is what JSON drops, so it passes", () => {
    expectOk(I2I, { ...minimal[I2I], image_size: undefined });
  });

  it("refuses unknown keys at every level, one issue per key", () => {
    expectIssue(T2I, { ...base, foo: 1 }, ["foo"], 'unknown field "foo"');
    const two = issues(T2I, { ...base, foo: 1, bar: 2 }).map((i) => i.path);
    expect(two).toEqual([["foo"], ["bar"]]);
    expectIssue(T2I, { ...base, loras: [{ path: "a/b", weight: 1 }] }, ["loras", 0, "weight"]);
    expectIssue(T2I, { ...base, image_size: { width: 512, depth: 3 } }, ["image_size", "depth"]);
    expectIssue(T2I, { ...base, timesteps: { method: "default", steps: [] } }, ["timesteps", "steps"]);
  });

  it("refuses the nested field names @fal-ai/client >=1.9.6 wrongly types for this endpoint", () => {
    expectIssue(T2I, { ...base, loras: [{ path: "a/b", force: true }] }, ["loras", 0, "force"], /another endpoint/);
    const cn = full(T2I).controlnets as Record<string, unknown>[];
    expectIssue(
      T2I,
      { ...base, controlnets: [{ ...cn[0], control_image_url: PNG }] },
      ["controlnets", 0, "control_image_url"],
      /image_url/,
    );
    const ip = (full(T2I).ip_adapter as Record<string, unknown>[])[0];
    expectIssue(
      T2I,
      { ...full(T2I), ip_adapter: [{ ...ip, image_url: PNG }] },
      ["ip_adapter", 0, "image_url"],
      /ip_adapter_image_url/,
    );
  });

  it("refuses a body that is not an object", () => {
    for (const v of ["hello", 3, null, [], undefined]) expect(loraInputSchema.safeParse(v).success).toBe(false);
    expectIssue(T2I, "hello", [], /must be an object/);
  });
});

describe("numbers", () => {
  const confirmed: [field: string, min: number, max: number, integer: boolean][] = [
    ["num_inference_steps", 1, 150, true],
    ["guidance_scale", 0, 20, false],
    ["clip_skip", 0, 2, true],
    ["num_images", 1, 8, true],
    ["tile_width", 128, 4096, true],
    ["tile_height", 128, 4096, true],
    ["tile_stride_width", 64, 2048, true],
    ["tile_stride_height", 64, 2048, true],
    ["eta", 0, 1, false],
  ];

  it.each(confirmed)("%s accepts %d..%d and refuses values outside", (field, min, max, integer) => {
    expectOk(T2I, { ...base, [field]: min });
    expectOk(T2I, { ...base, [field]: max });
    const step = integer ? 1 : 0.01;
    expectIssue(T2I, { ...base, [field]: min - step }, [field], `at least ${min}`);
    expectIssue(T2I, { ...base, [field]: max + step }, [field], `at most ${max}`);
    if (integer) expectIssue(T2I, { ...base, [field]: min + 0.5 }, [field], "whole number");
    else expectOk(T2I, { ...base, [field]: (min + max) / 3 });
    expectIssue(T2I, { ...base, [field]: String(min) }, [field], "must be");
  });

  it("refuses NaN and ±Infinity everywhere numbers go", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expectIssue(T2I, { ...base, guidance_scale: bad }, ["guidance_scale"], "finite");
      expectIssue(T2I, { ...base, seed: bad }, ["seed"], "finite");
      expectIssue(T2I, { ...base, loras: [{ path: "a/b", scale: bad }] }, ["loras", 0, "scale"], "finite");
      expectIssue(I2I, { ...minimal[I2I], noise_strength: bad }, ["noise_strength"], "finite");
      expectIssue(T2I, { ...base, sigmas: { method: "array", array: [1, bad] } }, ["sigmas", "array", 1]);
    }
  });

  it("seed is any safe integer", () => {
    for (const ok of [0, -5, Number.MAX_SAFE_INTEGER]) expectOk(T2I, { ...base, seed: ok });
    expectIssue(T2I, { ...base, seed: 2 ** 53 }, ["seed"], "whole number within");
    expectIssue(T2I, { ...base, seed: 1.5 }, ["seed"], "whole number");
  });

  it("integer-typed nested fields refuse fractions", () => {
    expectIssue(
      T2I,
      { ...base, timesteps: { method: "array", array: [999, 1.5] } },
      ["timesteps", "array", 1],
      "whole number",
    );
    const cn = { ...(full(T2I).controlnets as object[])[0], ip_adapter_index: 0.5 };
    expectIssue(T2I, { ...base, controlnets: [cn] }, ["controlnets", 0, "ip_adapter_index"], "whole number");
  });
});

describe("enums", () => {
  it("accepts every scheduler, null (the model's own) and refuses near misses", () => {
    for (const s of SCHEDULERS) expectOk(T2I, { ...base, scheduler: s });
    expectOk(T2I, { ...base, scheduler: null });
    expectIssue(T2I, { ...base, scheduler: "Euler a" }, ["scheduler"], /must be one of "DPM\+\+ 2M"/);
  });

  it("prediction_type, image_format and schedule methods are closed sets", () => {
    expectOk(T2I, { ...base, prediction_type: "epsilon", image_format: "png" });
    expectIssue(T2I, { ...base, prediction_type: "sample" }, ["prediction_type"]);
    expectIssue(T2I, { ...base, image_format: "webp" }, ["image_format"], /"jpeg", "png"/);
    expectIssue(T2I, { ...base, timesteps: { method: "custom" } }, ["timesteps", "method"]);
  });
});

describe("image_size", () => {
  it("accepts every preset and custom multiples of 8 up to 14142", () => {
    for (const p of IMAGE_SIZE_PRESET_NAMES) expectOk(T2I, { ...base, image_size: p });
    for (const size of [{ width: 1024, height: 768 }, {}, { width: 8 }, { height: 14136 }])
      expectOk(T2I, { ...base, image_size: size });
  });

  it("refuses sizes that are not multiples of 8, not positive, too large or fractional", () => {
    expectIssue(
      T2I,
      { ...base, image_size: { width: 1000, height: 1020 } },
      ["image_size", "height"],
      "multiple of 8 (nearest: 1016 or 1024)",
    );
    expectIssue(T2I, { ...base, image_size: { width: 0 } }, ["image_size", "width"], "greater than 0");
    expectIssue(T2I, { ...base, image_size: { width: -8 } }, ["image_size", "width"], "greater than 0");
    expectIssue(T2I, { ...base, image_size: { width: 14144 } }, ["image_size", "width"], "at most 14142");
    expectIssue(T2I, { ...base, image_size: { width: 512.5 } }, ["image_size", "width"], "whole number");
  });

  it("an unknown preset or a wrong type names the valid forms", () => {
    expectIssue(
      T2I,
      { ...base, image_size: "square_xl" },
      ["image_size"],
      /square_hd, square, portrait_4_3.* or \{width, height\}, got text "square_xl"/,
    );
    expectIssue(T2I, { ...base, image_size: 512 }, ["image_size"], /or \{width, height\}, got 512/);
    expectIssue(T2I, { ...base, image_size: null }, ["image_size"], /got null/);
  });

  it("every preset maps to a size the schema accepts", () => {
    expect(Object.keys(IMAGE_SIZE_PRESETS)).toEqual([...IMAGE_SIZE_PRESET_NAMES]);
    for (const size of Object.values(IMAGE_SIZE_PRESETS))
      expect(imageSizeSchema.safeParse({ ...size }).success).toBe(true);
  });
});

describe("cross-field rules", () => {
  it("allows one embedding and refuses a second at embeddings[1]", () => {
    expectOk(T2I, { ...base, embeddings: [{ path: "a/b" }] });
    expectIssue(
      T2I,
      { ...base, embeddings: [{ path: "a/b" }, { path: "c/d" }] },
      ["embeddings", 1],
      "only one embedding",
    );
  });

  const cn = { path: "owner/controlnet", image_url: PNG };
  it.each([
    [{ start_percentage: 0.2, end_percentage: 0.8 }, true],
    [{}, true],
    [{ start_percentage: 0.99 }, true],
    [{ end_percentage: 0.01 }, true],
    [{ start_percentage: 0.8, end_percentage: 0.2 }, false],
    [{ start_percentage: 0.5, end_percentage: 0.5 }, false],
    [{ start_percentage: 1 }, false],
    [{ end_percentage: 0 }, false],
  ])("ControlNet %j valid=%s (defaults 0 and 1 fill the missing side)", (pct, valid) => {
    const input = { ...base, controlnets: [cn, { ...cn, ...pct }] };
    if (valid) expectOk(T2I, input);
    else expectIssue(T2I, input, ["controlnets", 1, "start_percentage"], "must be less than end_percentage");
  });

  it("timesteps and sigmas cannot both be custom", () => {
    expectOk(T2I, { ...base, timesteps: { method: "array", array: [1] }, sigmas: { method: "default" } });
    expectOk(T2I, { ...base, sigmas: { method: "array", array: [14.6, 0.03] } });
    expectIssue(
      T2I,
      { ...base, timesteps: { method: "array" }, sigmas: { method: "array" } },
      ["sigmas", "method"],
      "cannot both be custom",
    );
  });

  it("image_encoder_subfolder needs image_encoder_path", () => {
    expectIssue(
      T2I,
      { ...base, image_encoder_subfolder: "x" },
      ["image_encoder_subfolder"],
      "needs image_encoder_path",
    );
    expectOk(T2I, { ...base, image_encoder_subfolder: "x", image_encoder_path: "laion/clip" });
  });

  const ip = (weight_name?: string) => ({
    path: "h94/IP-Adapter",
    ip_adapter_image_url: PNG,
    ...(weight_name ? { weight_name } : {}),
  });
  it.each([
    "ip-adapter-plus_sdxl_vit-h.safetensors",
    "ip-adapter-plus-face_sd15.bin",
    "IP-Adapter-PLUS.bin",
    "ip-adapter-faceid-plusv2_sd15.bin",
  ])('IP-Adapter "%s" needs image_encoder_path', (w) => {
    expectIssue(
      T2I,
      { ...base, ip_adapter: [ip(), ip(w)] },
      ["ip_adapter", 1, "weight_name"],
      "needs the top-level image_encoder_path",
    );
    expectOk(T2I, { ...base, ip_adapter: [ip(), ip(w)], image_encoder_path: "laion/CLIP-ViT-H-14-laion2B-s32B-b79K" });
  });

  it("non-plus IP-Adapters need no image encoder", () => {
    expectOk(T2I, { ...base, ip_adapter: [ip("ip-adapter_sdxl.bin"), ip()] });
  });

  it("ip_adapter_image_url takes one URL or a list, each checked", () => {
    expectOk(T2I, { ...base, ip_adapter: [{ ...ip(), ip_adapter_image_url: "https://a.com/x.png" }] });
    const list = { ...ip(), ip_adapter_image_url: ["https://a.com/x.png", "javascript:alert(1)"] };
    expectIssue(
      T2I,
      { ...base, ip_adapter: [list] },
      ["ip_adapter", 0, "ip_adapter_image_url", 1],
      '"javascript:" scheme',
    );
    expectIssue(
      T2I,
      { ...base, ip_adapter: [{ ...ip(), ip_adapter_image_url: 5 }] },
      ["ip_adapter", 0, "ip_adapter_image_url"],
      "image URL or a list",
    );
    expectIssue(
      T2I,
      { ...base, ip_adapter: [{ ...ip(), ip_adapter_image_url: [PNG, 5] }] },
      ["ip_adapter", 0, "ip_adapter_image_url", 1],
      "must be an image URL",
    );
    expectIssue(
      T2I,
      { ...base, ip_adapter: [{ path: "h94/IP-Adapter" }] },
      ["ip_adapter", 0, "ip_adapter_image_url"],
      "is required",
    );
  });

  it("cross-field rules also report next to field errors", () => {
    const found = issues(T2I, { ...base, seed: "x", embeddings: [{ path: "a/b" }, { path: "c/d" }] }).map(
      (i) => i.path,
    );
    expect(found).toContainEqual(["seed"]);
    expect(found).toContainEqual(["embeddings", 1]);
  });
});

describe("CMP-02 URLs", () => {
  const accepted = [
    "https://v3.fal.media/files/abc/out.png",
    "http://127.0.0.1:8787/files/key",
    "HTTPS://EXAMPLE.COM/A.PNG",
    "https://example.com/a%20b.png?x=1#y",
    "https://xn--fal-8cd.ai/x.png",
    PNG,
    "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%2F%3E",
    "data:image/jpeg;name=x.jpg;base64,/9j/4AAQ",
  ];
  const refused: [input: string, message: string | RegExp][] = [
    ["javascript:alert(1)", '"javascript:" scheme'],
    ["JaVaScRiPt:alert(1)", '"javascript:" scheme'],
    ["vbscript:msgbox", '"vbscript:" scheme'],
    ["file:///etc/passwd", '"file:" scheme'],
    ["ftp://example.com/a.png", '"ftp:" scheme'],
    ["blob:https://example.com/uuid", '"blob:" scheme'],
    ["C:/Users/me/a.png", "local file path"],
    ["C:\\Users\\me\\a.png", "backslash"],
    ["https:\\\\evil.com/a.png", "backslash"],
    ["", "is empty"],
    [" https://example.com/a.png", "leading or trailing whitespace"],
    ["https://example.com/a.png\n", "leading or trailing whitespace"],
    ["\u0000javascript:alert(1)", "leading or trailing"],
    ["java\tscript:alert(1)", "control character (U+0009) at position 4"],
    ["https://example.com/a b.png", "whitespace (U+0020)"],
    ["https://exam\u200bple.com/a.png", "invisible or control character (U+200B)"],
    ["\u202ehttps://example.com", "leading or trailing"],
    ["https://example.com/\u202egnp.exe", "U+202E"],
    ["ｈttps://example.com/a.png", 'non-ASCII character "ｈ" (U+FF48)'],
    ["javascript：alert(1)", "U+FF1A"],
    ["https://ｅxample.com/a.png", "in its host name"],
    ["https://f\u0430l.ai/a.png", "U+0430"],
    ["//example.com/a.png", "is not a URL"],
    ["example.com/a.png", "is not a URL"],
    ["https:example.com/a.png", "must be written https://"],
    ["https://", "is not a valid URL"],
    ["https://fal.ai@evil.com/a.png", "user name or password"],
    ["https://user:pw@example.com/a.png", "user name or password"],
    ["data:text/html,<script>alert(1)</script>", 'type "text/html"'],
    ["data:,hello", 'type "text/plain"'],
    ["data:image/png;base64,", "no content"],
    ["data:image/png;base64,iVBOR*w0=", "outside base64 at position 27"],
    ["data:image/png;base64,iVB=ORw0", "outside base64"],
    ["data:image/png;base64iVBORw0KGgo", "without a comma"],
    ["data:image png;base64,AAAA", "whitespace"],
    ["data:image/;base64,AAAA", "malformed media type"],
  ];

  it.each(accepted)("image URL %s is accepted", (u) => {
    expect(checkImageUrl(u)).toBeNull();
    expect(checkFileUrl(u)).toBeNull();
  });

  it.each(refused)("image URL %j is refused: %s", (u, message) => {
    const m = checkImageUrl(u);
    expect(m).not.toBeNull();
    expect(m).toMatch(message);
  });

  it("non-image data URIs are fine for file fields that are not images (config_url)", () => {
    expect(checkFileUrl("data:application/json;base64,e30=")).toBeNull();
    expect(fileUrlSchema.safeParse("data:application/json,{}").success).toBe(true);
    expect(checkImageUrl("data:application/json;base64,e30=")).toMatch("only images");
  });

  it("can cap the size of data URIs", () => {
    expect(checkFileUrl(PNG, { maxDataUriLength: PNG.length })).toBeNull();
    expect(checkFileUrl(PNG, { maxDataUriLength: 10 })).toMatch("upload the file instead");
    expect(checkFileUrl("https://example.com/" + "a".repeat(100), { maxDataUriLength: 10 })).toBeNull();
  });

  it("non-strings are refused, not thrown on", () => {
    for (const v of [undefined, null, 3, {}, []]) {
      expect(checkFileUrl(v)).toMatch("must be text");
      expect(checkModelRef(v)).toMatch("must be text");
    }
  });

  const refs = [
    "owner/name",
    "SG161222/Realistic_Vision_V2.0",
    "runwayml/stable-diffusion-v1-5",
    "plain-name",
    "owner/name/sub/file.safetensors",
    "https://civitai.com/api/download/models/123?type=Model",
    "http://127.0.0.1:8787/files/lora",
  ];
  it.each(refs)("model reference %s is accepted", (r) => {
    expect(checkModelRef(r)).toBeNull();
    expect(modelRefSchema.safeParse(r).success).toBe(true);
  });

  const badRefs: [string, string][] = [
    ["javascript:alert(1)", '"javascript:" scheme'],
    ["file:///models/x.safetensors", '"file:" scheme'],
    ["ftp://x/y", '"ftp:" scheme'],
    [PNG, "data: URI"],
    ["../secrets", '".." path segment'],
    ["owner/./name", '"." path segment'],
    ["/home/me/model.safetensors", "local file path"],
    ["~/model.safetensors", "local file path"],
    ["owner//name", "empty part"],
    ["owner/", "empty part"],
    ["owner/na me", "whitespace"],
    ["owner/na$me", 'contains "$"'],
    ["owner/名前", 'contains "名"'],
    ["ｏwner/name", "non-ASCII"],
    [" owner/name", "leading or trailing"],
    ["https://user@host/x", "user name"],
  ];
  it.each(badRefs)("model reference %j is refused: %s", (r, message) => {
    expect(checkModelRef(r)).toMatch(message);
  });

  // Every URL-ish field in the request, with how to put a value there.
  const fileFields: [Endpoint, Path, (v: string) => Record<string, unknown>][] = [
    [I2I, ["image_url"], (v) => ({ ...minimal[I2I], image_url: v })],
    [INP, ["image_url"], (v) => ({ ...minimal[INP], image_url: v })],
    [INP, ["mask_url"], (v) => ({ ...minimal[INP], mask_url: v })],
    [T2I, ["ic_light_model_background_image_url"], (v) => ({ ...base, ic_light_model_background_image_url: v })],
    [T2I, ["ic_light_image_url"], (v) => ({ ...base, ic_light_image_url: v })],
    [T2I, ["controlnets", 0, "image_url"], (v) => ({ ...base, controlnets: [{ path: "a/b", image_url: v }] })],
    [
      T2I,
      ["controlnets", 0, "mask_url"],
      (v) => ({ ...base, controlnets: [{ path: "a/b", image_url: PNG, mask_url: v }] }),
    ],
    [
      T2I,
      ["controlnets", 0, "config_url"],
      (v) => ({ ...base, controlnets: [{ path: "a/b", image_url: PNG, config_url: v }] }),
    ],
    [
      T2I,
      ["ip_adapter", 0, "ip_adapter_image_url"],
      (v) => ({ ...base, ip_adapter: [{ path: "a/b", ip_adapter_image_url: v }] }),
    ],
    [
      T2I,
      ["ip_adapter", 0, "ip_adapter_image_url", 0],
      (v) => ({ ...base, ip_adapter: [{ path: "a/b", ip_adapter_image_url: [v] }] }),
    ],
    [
      T2I,
      ["ip_adapter", 0, "ip_adapter_mask_url"],
      (v) => ({ ...base, ip_adapter: [{ path: "a/b", ip_adapter_image_url: PNG, ip_adapter_mask_url: v }] }),
    ],
  ];
  const modelFields: [Endpoint, Path, (v: string) => Record<string, unknown>][] = [
    [T2I, ["model_name"], (v) => ({ ...base, model_name: v })],
    [I2I, ["model_name"], (v) => ({ ...minimal[I2I], model_name: v })],
    [T2I, ["unet_name"], (v) => ({ ...base, unet_name: v })],
    [T2I, ["image_encoder_path"], (v) => ({ ...base, image_encoder_path: v })],
    [T2I, ["ic_light_model_url"], (v) => ({ ...base, ic_light_model_url: v })],
    [T2I, ["loras", 0, "path"], (v) => ({ ...base, loras: [{ path: v }] })],
    [T2I, ["embeddings", 0, "path"], (v) => ({ ...base, embeddings: [{ path: v }] })],
    [T2I, ["controlnets", 0, "path"], (v) => ({ ...base, controlnets: [{ path: v, image_url: PNG }] })],
    [T2I, ["ip_adapter", 0, "path"], (v) => ({ ...base, ip_adapter: [{ path: v, ip_adapter_image_url: PNG }] })],
    [
      T2I,
      ["ip_adapter", 0, "insight_face_model_path"],
      (v) => ({ ...base, ip_adapter: [{ path: "a/b", ip_adapter_image_url: PNG, insight_face_model_path: v }] }),
    ],
  ];

  it.each(fileFields)("%s file field %j takes URLs and data URIs only", (e, path, put) => {
    expectOk(e, put("https://example.com/x.png"));
    expectOk(e, put(PNG));
    expectIssue(e, put("javascript:alert(1)"), path, '"javascript:" scheme');
    expectIssue(e, put("file:///etc/passwd"), path, '"file:" scheme');
    expectIssue(e, put("owner/name"), path, "is not a URL");
  });

  it.each(modelFields)("%s model field %j takes URLs and Hugging Face ids only", (e, path, put) => {
    expectOk(e, put("owner/name"));
    expectOk(e, put("https://example.com/model.safetensors"));
    expectIssue(e, put("javascript:alert(1)"), path, '"javascript:" scheme');
    expectIssue(e, put("file:///m.safetensors"), path, '"file:" scheme');
    expectIssue(e, put(PNG), path, "data: URI");
  });
});

describe("unconfirmed ranges", () => {
  const outside = {
    ...base,
    loras: [
      { path: "a/b", scale: 0.5 },
      { path: "c/d", scale: 3 },
    ],
    controlnets: [
      { path: "a/b", image_url: PNG, conditioning_scale: 2.5, start_percentage: -0.5, end_percentage: 1.5 },
    ],
    ip_adapter: [{ path: "a/b", ip_adapter_image_url: PNG, scale: -1, unconditional_noising_factor: 2 }],
  };

  it("values outside them are accepted by the schema", () => {
    expectOk(T2I, outside);
    expectOk(I2I, { ...minimal[I2I], noise_strength: 1.5 });
    expectOk(I2I, { ...minimal[I2I], noise_strength: -0.1 });
  });

  it("and produce one warning per value, at its path, naming the range and its source", () => {
    const w = unconfirmedRangeWarnings(outside);
    expect(w.map((x) => x.path)).toEqual([
      ["loras", 1, "scale"],
      ["controlnets", 0, "conditioning_scale"],
      ["controlnets", 0, "start_percentage"],
      ["controlnets", 0, "end_percentage"],
      ["ip_adapter", 0, "scale"],
      ["ip_adapter", 0, "unconditional_noising_factor"],
    ]);
    expect(w[0].message).toMatch(/3 is outside 0–1 .*2024 source.*not confirmed/);
    expect(w[4].message).toMatch("-1 is outside at least 0");
    expect(unconfirmedRangeWarnings({ ...minimal[I2I], noise_strength: 1.5 })).toEqual([
      { path: ["noise_strength"], message: expect.stringContaining("1.5 is outside 0–1") },
    ]);
  });

  it("values inside them, and bounds themselves, give no warning", () => {
    for (const e of ENDPOINTS) expect(unconfirmedRangeWarnings(full(e))).toEqual([]);
    const bounds = {
      ...base,
      loras: [
        { path: "a", scale: 0 },
        { path: "a", scale: 1 },
      ],
      controlnets: [{ path: "a", image_url: PNG, conditioning_scale: 2, start_percentage: 0, end_percentage: 1 }],
    };
    expect(unconfirmedRangeWarnings(bounds)).toEqual([]);
  });

  it("every unconfirmed path names a real field", () => {
    const allTop = new Set(ENDPOINTS.flatMap(endpointInputKeys));
    for (const r of UNCONFIRMED_RANGES) {
      expect(allTop.has(r.path[0]), r.path.join(".")).toBe(true);
      if (r.path.length === 3) {
        expect(r.path[1]).toBe("*");
        expect(NESTED_INPUT_KEYS[r.path[0] as keyof typeof NESTED_INPUT_KEYS]).toContain(r.path[2]);
      }
      expect(r.source).not.toBe("");
    }
  });

  it("tolerates malformed input", () => {
    for (const v of [
      null,
      undefined,
      3,
      "x",
      [],
      { loras: 5 },
      { loras: [null, 7, { scale: "2" }] },
      { noise_strength: NaN },
    ]) {
      expect(unconfirmedRangeWarnings(v)).toEqual([]);
      expect(unconfirmedWarnings(v)).toEqual([]);
    }
  });

  it("unconfirmedWarnings adds the http:// ControlNet path rule from fal's 2024 source", () => {
    const input = {
      ...base,
      controlnets: [
        { path: "https://a.com/cn", image_url: PNG },
        { path: "http://a.com/cn", image_url: PNG, conditioning_scale: 9 },
      ],
    };
    expectOk(T2I, input);
    const w = unconfirmedWarnings(input);
    expect(w.map((x) => x.path)).toEqual([
      ["controlnets", 1, "conditioning_scale"],
      ["controlnets", 1, "path"],
    ]);
    expect(w[1].message).toMatch("https://");
  });
});

describe("defaults", () => {
  it.each(ENDPOINTS)("%s: a request spelling out every documented default is valid", (e) => {
    const defaults = falDefaultsFor(e);
    expect(Object.keys(defaults).every((k) => endpointInputKeys(e).includes(k))).toBe(true);
    expectOk(e, { ...minimal[e], ...clone(defaults) });
  });

  it("text-to-image defaults to square_hd; image endpoints to noise_strength 0.5", () => {
    expect(falDefaultsFor(T2I)).toMatchObject({
      image_size: "square_hd",
      num_inference_steps: 30,
      guidance_scale: 7.5,
    });
    expect(falDefaultsFor(T2I)).not.toHaveProperty("noise_strength");
    expect(falDefaultsFor(I2I)).toMatchObject({ noise_strength: 0.5 });
    expect(falDefaultsFor(I2I)).not.toHaveProperty("image_size");
    expect(FAL_DEFAULTS).not.toHaveProperty("seed");
    expect(FAL_DEFAULTS).not.toHaveProperty("scheduler");
  });

  it("nested defaults are valid values for their objects", () => {
    const d = clone(FAL_NESTED_DEFAULTS);
    expect(imageSizeSchema.safeParse(d.image_size).success).toBe(true);
    expect(loraWeightSchema.safeParse({ path: "a/b", ...d.loras }).success).toBe(true);
    expect(embeddingSchema.safeParse({ path: "a/b", ...d.embeddings }).success).toBe(true);
    expect(controlNetSchema.safeParse({ path: "a/b", image_url: PNG, ...d.controlnets }).success).toBe(true);
    expect(ipAdapterSchema.safeParse({ path: "a/b", ip_adapter_image_url: PNG, ...d.ip_adapter }).success).toBe(true);
    expect(timestepsSchema.safeParse(d.timesteps).success).toBe(true);
    expect(sigmasSchema.safeParse(d.sigmas).success).toBe(true);
    for (const [k, v] of Object.entries(d)) {
      for (const key of Object.keys(v)) expect(NESTED_INPUT_KEYS[k as keyof typeof NESTED_INPUT_KEYS]).toContain(key);
    }
  });

  it("default tables are frozen all the way down", () => {
    expect(() => (FAL_DEFAULTS.loras as unknown as unknown[]).push(1)).toThrow();
    expect(() => ((FAL_NESTED_DEFAULTS.controlnets as { end_percentage: number }).end_percentage = 2)).toThrow();
    expect(() => ((IMAGE_SIZE_PRESETS.square as { width: number }).width = 1)).toThrow();
  });
});

describe("key order", () => {
  it("starts with the model and the prompts and lists each key once", () => {
    for (const e of ENDPOINTS) {
      const keys = endpointInputKeys(e);
      expect(keys.slice(0, 3)).toEqual(["model_name", "prompt", "negative_prompt"]);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it("differs between endpoints only by their specific fields", () => {
    const t2i = endpointInputKeys(T2I);
    const i2i = endpointInputKeys(I2I);
    const inp = endpointInputKeys(INP);
    expect(t2i).toContain("image_size");
    expect(t2i.filter((k) => !i2i.includes(k))).toEqual(["image_size"]);
    expect(i2i.filter((k) => !t2i.includes(k))).toEqual(["image_url", "noise_strength"]);
    expect(inp.filter((k) => !i2i.includes(k))).toEqual(["mask_url"]);
    expect(inp.indexOf("mask_url")).toBe(inp.indexOf("image_url") + 1);
  });

  it("returns a copy and refuses unknown endpoints", () => {
    endpointInputKeys(T2I).pop();
    expect(endpointInputKeys(T2I)).toContain("debug_per_pass_latents");
    expect(() => endpointInputKeys("fal-ai/flux" as Endpoint)).toThrow(/unknown endpoint "fal-ai\/flux"/);
    expect(() => inputSchemaFor("fal-ai/flux" as Endpoint)).toThrow(/unknown endpoint/);
  });

  it("nested key lists hold only real fields (no refusal hints)", () => {
    expect(NESTED_INPUT_KEYS.loras).toEqual(["path", "scale"]);
    expect(NESTED_INPUT_KEYS.controlnets).not.toContain("control_image_url");
    expect(NESTED_INPUT_KEYS.ip_adapter[0]).toBe("ip_adapter_image_url");
  });
});

describe("output", () => {
  const out = {
    images: [
      {
        url: "https://v3.fal.media/files/x.png",
        content_type: "image/png",
        file_name: null,
        file_size: 1234,
        width: 1024,
        height: 1024,
      },
    ],
    seed: 123,
    has_nsfw_concepts: [false],
    debug_latents: null,
    debug_per_pass_latents: null,
  };

  it("accepts a typical response, including nulls and extra fields", () => {
    expect(loraOutputSchema.safeParse(out).success).toBe(true);
    expect(loraOutputSchema.safeParse({ ...out, timings: { inference: 1 } }).success).toBe(true);
    const { debug_latents: _a, debug_per_pass_latents: _b, ...bare } = out;
    expect(loraOutputSchema.safeParse(bare).success).toBe(true);
    expect(loraOutputSchema.safeParse({ ...out, debug_latents: { url: PNG } }).success).toBe(true);
  });

  it("refuses missing required fields and unsafe image URLs", () => {
    const fail = (v: unknown, path: Path) => {
      const r = loraOutputSchema.safeParse(v);
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => i.path)).toContainEqual(path);
    };
    const { seed: _s, ...noSeed } = out;
    fail(noSeed, ["seed"]);
    fail({ ...out, images: [{ ...out.images[0], url: "javascript:alert(1)" }] }, ["images", 0, "url"]);
    fail({ ...out, images: [{ width: 5 }] }, ["images", 0, "url"]);
    fail({ ...out, has_nsfw_concepts: ["no"] }, ["has_nsfw_concepts", 0]);
    fail({ ...out, seed: 1.5 }, ["seed"]);
  });
});

describe("toFalValidationDetail", () => {
  it("gives fal-style 422 detail with loc starting at body", () => {
    const input = {
      prompt: "x",
      model_name: "a/b",
      num_images: 9,
      num_inference_steps: 0,
      seed: 1.5,
      image_format: "gif",
      image_size: { width: 100 },
      loras: [{ path: "javascript:x" }],
      extra: 1,
      mask_url: PNG,
    };
    const r = loraInputSchema.safeParse(input);
    expect(r.success).toBe(false);
    const detail = toFalValidationDetail(r.error!);
    const byLoc = Object.fromEntries(detail.map((d) => [d.loc.join("."), d]));
    expect(detail.every((d) => d.loc[0] === "body" && typeof d.msg === "string" && d.msg.length > 0)).toBe(true);
    expect(byLoc["body.num_images"]).toMatchObject({ type: "less_than_equal", msg: "must be at most 8" });
    expect(byLoc["body.num_inference_steps"]).toMatchObject({ type: "greater_than_equal" });
    expect(byLoc["body.seed"].type).toBe("int_type");
    expect(byLoc["body.image_format"].type).toBe("enum");
    expect(byLoc["body.image_size.width"]).toMatchObject({
      type: "multiple_of",
      msg: expect.stringContaining("multiple of 8"),
    });
    expect(byLoc["body.loras.0.path"].type).toBe("value_error");
    expect(byLoc["body.extra"]).toMatchObject({ type: "extra_forbidden", msg: 'unknown field "extra"' });
    expect(byLoc["body.mask_url"].type).toBe("extra_forbidden");
    expect(detail).toHaveLength(8);
  });

  it("marks missing fields as missing", () => {
    const r = imageToImageInputSchema.safeParse({ model_name: "a/b" });
    expect(toFalValidationDetail(r.error!)).toEqual([
      { loc: ["body", "prompt"], msg: "is required", type: "missing" },
      { loc: ["body", "image_url"], msg: "is required", type: "missing" },
    ]);
  });
});

describe("properties", () => {
  const schemas = [loraInputSchema, imageToImageInputSchema, inpaintInputSchema, loraOutputSchema] as z.ZodMiniType[];

  it("arbitrary values never throw out of safeParse, warnings or detail", () => {
    const near = fc.record(
      {
        model_name: fc.oneof(fc.string(), fc.anything()),
        prompt: fc.anything(),
        image_size: fc.anything(),
        loras: fc.array(fc.anything(), { maxLength: 3 }),
        controlnets: fc.array(
          fc.dictionary(fc.constantFrom("path", "image_url", "start_percentage", "end_percentage", "x"), fc.anything()),
          { maxLength: 3 },
        ),
        ip_adapter: fc.array(
          fc.dictionary(fc.constantFrom("path", "weight_name", "ip_adapter_image_url", "scale"), fc.anything()),
          { maxLength: 2 },
        ),
        timesteps: fc.anything(),
        sigmas: fc.anything(),
        noise_strength: fc.double(),
        seed: fc.double(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), near), (v) => {
        for (const s of schemas) {
          const r = s.safeParse(v);
          if (!r.success) {
            const d = toFalValidationDetail(r.error);
            expect(d.length).toBeGreaterThan(0);
            for (const x of d) expect(x.loc[0]).toBe("body");
          }
        }
        unconfirmedRangeWarnings(v);
        unconfirmedWarnings(v);
      }),
      { numRuns: 150 },
    );
  });

  it("URL checks never throw and refuse anything with a non-http(s)/data scheme", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const f = checkFileUrl(s);
        const m = checkModelRef(s);
        if (f === null) expect(s).toMatch(/^(https?:\/\/|data:)/i);
        if (m === null && s.includes(":")) expect(s).toMatch(/^https?:\/\//i);
      }),
      { numRuns: 300 },
    );
  });

  const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/);
  const modelRef = fc.oneof(
    fc.tuple(segment, segment).map(([a, b]) => `${a}/${b}`),
    segment,
    fc.webUrl(),
  );
  const imageUrl = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.base64String({ minLength: 4, maxLength: 40 }).map((b) => `data:image/png;base64,${b}`),
  );
  const frac = (min: number, max: number) => fc.double({ min, max, noNaN: true });
  const pct = fc.tuple(frac(0, 1), frac(0, 1)).filter(([a, b]) => a < b);
  const lora = fc.record({ path: modelRef, scale: frac(-4, 4) }, { requiredKeys: ["path"] });
  const controlnet = fc
    .record(
      { path: modelRef, image_url: imageUrl, conditioning_scale: frac(0, 2), pct, variant: fc.constant("fp16") },
      { requiredKeys: ["path", "image_url", "pct"] },
    )
    .map(({ pct: [start_percentage, end_percentage], ...rest }) => ({ ...rest, start_percentage, end_percentage }));
  const ipAdapter = fc.record(
    {
      path: modelRef,
      ip_adapter_image_url: fc.oneof(imageUrl, fc.array(imageUrl, { minLength: 1, maxLength: 3 })),
      weight_name: fc.constantFrom("ip-adapter_sdxl.bin", "ip-adapter-plus_sdxl_vit-h.safetensors"),
      scale: frac(0, 2),
    },
    { requiredKeys: ["path", "ip_adapter_image_url"] },
  );
  const common = {
    model_name: modelRef,
    prompt: fc.string(),
    negative_prompt: fc.string(),
    seed: fc.maxSafeInteger(),
    num_images: fc.integer({ min: 1, max: 8 }),
    num_inference_steps: fc.integer({ min: 1, max: 150 }),
    guidance_scale: frac(0, 20),
    clip_skip: fc.integer({ min: 0, max: 2 }),
    eta: frac(0, 1),
    scheduler: fc.constantFrom(...SCHEDULERS),
    loras: fc.array(lora, { maxLength: 4 }),
    embeddings: fc.array(fc.record({ path: modelRef, tokens: fc.array(fc.string(), { maxLength: 2 }) }), {
      maxLength: 1,
    }),
    controlnets: fc.array(controlnet, { maxLength: 3 }),
    ip_adapter: fc.array(ipAdapter, { maxLength: 2 }),
    image_encoder_path: fc.constant("laion/CLIP-ViT-H-14-laion2B-s32B-b79K"),
    tile_width: fc.integer({ min: 128, max: 4096 }),
    tile_stride_height: fc.integer({ min: 64, max: 2048 }),
    timesteps: fc.record({ method: fc.constant("array" as const), array: fc.array(fc.integer({ min: 0, max: 999 })) }),
    image_format: fc.constantFrom("png", "jpeg"),
  };
  const dim = fc.integer({ min: 1, max: 1767 }).map((n) => n * 8);
  const arbitraries: Record<Endpoint, fc.Arbitrary<Record<string, unknown>>> = {
    [T2I]: fc.record(
      {
        ...common,
        image_size: fc.oneof(
          fc.constantFrom(...IMAGE_SIZE_PRESET_NAMES),
          fc.record({ width: dim, height: dim }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: ["model_name", "prompt", "image_encoder_path"] },
    ),
    [I2I]: fc.record(
      { ...common, image_url: imageUrl, noise_strength: frac(0, 1) },
      { requiredKeys: ["model_name", "prompt", "image_url", "image_encoder_path"] },
    ),
    [INP]: fc.record(
      { ...common, image_url: imageUrl, mask_url: imageUrl },
      { requiredKeys: ["model_name", "prompt", "image_url", "mask_url", "image_encoder_path"] },
    ),
  };

  it.each(ENDPOINTS)(
    "%s: generated valid requests pass unchanged; an added unknown key is refused at its path",
    (e) => {
      fc.assert(
        fc.property(arbitraries[e], fc.stringMatching(/^zz_[a-z]{1,6}$/), (input, extra) => {
          const r = inputSchemaFor(e).safeParse(input);
          expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
          expect(r.data).toEqual(input);
          const bad = inputSchemaFor(e).safeParse({ ...input, [extra]: 1 });
          expect(bad.success).toBe(false);
          expect(schemaIssues(bad.error!).map((i) => i.path)).toEqual([[extra]]);
        }),
        { numRuns: 60 },
      );
    },
  );
});
