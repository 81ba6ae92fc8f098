/**
 * Round trip: compile(import(R)) gives back R, modulo fields at fal's documented defaults.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { propertyRuns } from "../harness/runs";
import { registry } from "../../nodes";
import {
  compile,
  FAL_DEFAULTS,
  FAL_NESTED_DEFAULTS,
  SCHEDULERS,
  falDefaultsFor,
  IMAGE_SIZE_PRESET_NAMES,
  type Endpoint,
} from "../../src/compiler";
import { importRequest, importRequestSync } from "../../src/compiler/importer";
import { loadWorkflow, serializeWorkflow, type WorkflowDocument } from "../../src/graph";
import { hangGuard } from "../harness/slowdown";

type Obj = Record<string, unknown>;

const url = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{1,12}$/).map((s) => `https://img.example.com/${s}.png`),
  fc.constant("data:image/png;base64,iVBORw0KGgo="),
);
const hfId = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/), fc.stringMatching(/^[A-Za-z0-9_.-]{0,10}[A-Za-z0-9]$/))
  .map(([a, b]) => `${a}/${b}`);
const modelRef = fc.oneof(
  hfId,
  url.filter((u) => u.startsWith("https:")),
);
const text = fc.string({ maxLength: 20 });
const float = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const dim = fc.integer({ min: 1, max: 256 }).map((n) => n * 8);

/** Optional keys: each present or absent. */
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) => fc.record(model, { requiredKeys: [] });

const lora = fc.record({ path: modelRef, scale: float(-2, 4) }, { requiredKeys: ["path"] });
const embedding = fc.record(
  { path: modelRef, tokens: fc.array(fc.stringMatching(/^<[a-z0-9]{1,4}>$/), { maxLength: 3 }) },
  { requiredKeys: ["path"] },
);

/** start < end once fal's defaults (0 and 1) are filled in. */
const percentages = fc
  .tuple(float(0, 1), float(0, 1), fc.constantFrom("both", "start", "end", "none"))
  .filter(([a, b]) => a !== b)
  .map(([a, b, which]) => {
    const [start, end] = a < b ? [a, b] : [b, a];
    if (which === "both") return { start_percentage: start, end_percentage: end };
    if (which === "start") return start < 1 ? { start_percentage: start } : {};
    if (which === "end") return end > 0 ? { end_percentage: end } : {};
    return {};
  });

const controlnet = fc
  .tuple(
    fc.record({ path: modelRef, image_url: url }),
    partial({ mask_url: url, config_url: url, variant: text, conditioning_scale: float(0, 2) }),
    percentages,
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([req, opt, pct, ref]) => ({ ...req, ...opt, ...pct, ...(ref !== undefined ? { ip_adapter_index: ref } : {}) }));

const ipAdapter = fc
  .tuple(
    fc.record({ path: modelRef, ip_adapter_image_url: fc.oneof(url, fc.array(url, { minLength: 1, maxLength: 3 })) }),
    partial({
      ip_adapter_mask_url: url,
      model_subfolder: text,
      // "plus" weights need an encoder; they have their own example test.
      weight_name: fc.constantFrom("ip-adapter_sdxl.safetensors", "ip-adapter_sd15.bin"),
      insight_face_model_path: modelRef,
      scale: float(0, 3),
      scale_json: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), float(0, 1), { maxKeys: 3 }),
      unconditional_noising_factor: float(0, 1),
      image_projection_shortcut: fc.boolean(),
    }),
  )
  .map(([req, opt]) => ({ ...req, ...opt }));

const schedule = (item: fc.Arbitrary<number>) =>
  fc.record({ method: fc.constantFrom("default", "array"), array: fc.array(item, { maxLength: 4 }) });

const samplerFields = partial({
  negative_prompt: text,
  prompt_weighting: fc.boolean(),
  seed: fc.nat(),
  guidance_scale: float(0, 20),
  num_images: fc.integer({ min: 1, max: 8 }),
  clip_skip: fc.integer({ min: 0, max: 2 }),
  unet_name: modelRef,
  variant: text,
  image_format: fc.constantFrom("png", "jpeg"),
  enable_safety_checker: fc.boolean(),
  controlnet_guess_mode: fc.boolean(),
  tile_width: fc.integer({ min: 128, max: 4096 }),
  tile_height: fc.integer({ min: 128, max: 4096 }),
  tile_stride_width: fc.integer({ min: 64, max: 2048 }),
  tile_stride_height: fc.integer({ min: 64, max: 2048 }),
  debug_latents: fc.boolean(),
  debug_per_pass_latents: fc.boolean(),
});

/** The IC-Light node needs its model URL; fal's schema would take the images alone, to no effect. */
const icLightFields = fc.option(
  fc.record(
    {
      ic_light_model_url: url.filter((u) => u.startsWith("https:")),
      ic_light_image_url: url,
      ic_light_model_background_image_url: url,
    },
    { requiredKeys: ["ic_light_model_url"] },
  ),
  { nil: undefined },
);

const schedulerFields = fc
  .tuple(
    partial({
      scheduler: fc.constantFrom(...SCHEDULERS),
      num_inference_steps: fc.integer({ min: 1, max: 150 }),
      eta: float(0, 1),
      prediction_type: fc.constantFrom("epsilon", "v_prediction"),
      rescale_betas_snr_zero: fc.boolean(),
    }),
    fc.constantFrom("none", "timesteps", "sigmas"),
    schedule(fc.nat({ max: 999 })),
    schedule(float(0, 20)),
  )
  .map(([fields, which, timesteps, sigmas]) => ({
    ...fields,
    ...(which === "timesteps" ? { timesteps } : which === "sigmas" ? { sigmas } : {}),
  }));

const encoderFields = fc.option(
  fc
    .tuple(modelRef, partial({ image_encoder_subfolder: text, image_encoder_weight_name: text }))
    .map(([path, rest]) => ({ image_encoder_path: path, ...rest })),
  { nil: undefined },
);

const endpointFields = fc.oneof(
  fc.record({
    endpoint: fc.constant<Endpoint>("fal-ai/lora"),
    fields: partial({
      image_size: fc.oneof(fc.constantFrom(...IMAGE_SIZE_PRESET_NAMES), partial({ width: dim, height: dim })),
    }),
  }),
  fc.record({
    endpoint: fc.constant<Endpoint>("fal-ai/lora/image-to-image"),
    fields: fc.record({ image_url: url, noise_strength: float(0, 1) }, { requiredKeys: ["image_url"] }),
  }),
  fc.record({
    endpoint: fc.constant<Endpoint>("fal-ai/lora/inpaint"),
    fields: fc.record(
      { image_url: url, mask_url: url, noise_strength: float(0, 1) },
      { requiredKeys: ["image_url", "mask_url"] },
    ),
  }),
);

const validRequest = fc
  .record({
    model_name: modelRef,
    prompt: text,
    sampler: samplerFields,
    scheduler: schedulerFields,
    encoder: encoderFields,
    icLight: icLightFields,
    endpoint: endpointFields,
    loras: fc.array(lora, { maxLength: 3 }),
    embeddings: fc.array(embedding, { maxLength: 1 }),
    controlnets: fc.array(controlnet, { maxLength: 2 }),
    ip_adapter: fc.array(ipAdapter, { maxLength: 2 }),
    /** Omit empty lists sometimes, send them other times: both mean "none". */
    sendEmpty: fc.boolean(),
    /** Fields spelled out at fal's default, as fal's own example request does: they create no node. */
    spelledOut: fc.subarray(Object.keys(FAL_DEFAULTS)),
    wrap: fc.boolean(),
  })
  .map((g) => {
    const defaults = falDefaultsFor(g.endpoint.endpoint);
    const R: Obj = {
      ...Object.fromEntries(g.spelledOut.filter((k) => k in defaults).map((k) => [k, structuredClone(defaults[k])])),
      model_name: g.model_name,
      prompt: g.prompt,
      ...g.sampler,
      ...g.scheduler,
      ...g.encoder,
      ...g.icLight,
      ...g.endpoint.fields,
    };
    const controlnets = g.controlnets.map(({ ip_adapter_index, ...c }) =>
      ip_adapter_index !== undefined && g.ip_adapter.length > 0
        ? { ...c, ip_adapter_index: ip_adapter_index % g.ip_adapter.length }
        : c,
    );
    for (const [key, list] of [
      ["loras", g.loras],
      ["embeddings", g.embeddings],
      ["controlnets", controlnets],
      ["ip_adapter", g.ip_adapter],
    ] as const) {
      if (list.length > 0 || g.sendEmpty) R[key] = list;
    }
    return { R, endpoint: g.endpoint.endpoint, json: g.wrap ? { endpoint: g.endpoint.endpoint, input: R } : R };
  });

const NESTED = FAL_NESTED_DEFAULTS as unknown as Record<string, Obj>;
const TOP = FAL_DEFAULTS as unknown as Obj;

/**
 * Every field of R comes back as it was (or absent, when R has it at fal's default); every other
 * field is at fal's default.
 */
function expectSameModuloDefaults(R: Obj, out: Obj): void {
  for (const [key, value] of Object.entries(R)) {
    if (Array.isArray(value) && key in NESTED && value.length > 0) {
      const got = out[key] as Obj[];
      expect(got, key).toHaveLength(value.length);
      value.forEach((item: Obj, i: number) => {
        for (const [k, v] of Object.entries(item)) expect(got[i][k], `${key}.${i}.${k}`).toEqual(v);
        for (const k of Object.keys(got[i])) {
          if (!(k in item)) expect(got[i][k], `${key}.${i}.${k} (not in R)`).toEqual(NESTED[key][k]);
        }
      });
    } else if (Array.isArray(value) && value.length === 0) {
      // [] is fal's default: omitted or [] are both right.
      expect(out[key] ?? [], key).toEqual([]);
    } else if (!(key in out)) {
      // Defaults create nothing: a field at fal's default may come back absent.
      expect(value, `${key} (absent from the compiled request)`).toEqual(TOP[key]);
    } else {
      expect(out[key], key).toEqual(value);
    }
  }
  for (const key of Object.keys(out)) {
    if (!(key in R)) {
      expect(key in TOP, `${key} is not in R and has no fal default`).toBe(true);
      expect(out[key], `${key} (not in R)`).toEqual(TOP[key]);
    }
  }
}

/**
 * 2,000 runs in `npm run test:deep` (test/harness/runs.ts), or FC_RUNS=n. The round trip is checked
 * without the automatic layout (each ELK layout costs ~20-50 ms, most of this file's time, and
 * compile reads no position); a few requests also go through the full importRequest, whose layout
 * may only move nodes.
 */
const RUNS = Number(process.env.FC_RUNS ?? propertyRuns(100, 2000));
const LAID_OUT_RUNS = Math.max(5, Math.round(RUNS / 20));

const atOrigin = (doc: WorkflowDocument) => ({
  ...doc,
  nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })),
});

describe("importRequest round trip", () => {
  it(
    "compile(import(R)) gives back every valid request R, modulo fal defaults",
    () => {
      fc.assert(
        fc.property(validRequest, ({ R, endpoint, json }) => {
          const { document, diagnostics } = importRequestSync(json, registry);
          expect(diagnostics).toEqual([]);
          // The graph is also a well-formed file: every wire passes the loader's canConnect rules.
          const reloaded = loadWorkflow(serializeWorkflow(document), registry);
          expect(reloaded.ok && reloaded.warnings).toEqual([]);
          const { outputs } = compile(document, registry);
          expect(outputs).toHaveLength(1);
          const [o] = outputs;
          expect(o.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          expect(o.ok).toBe(true);
          expect(o.endpoint).toBe(endpoint);
          expectSameModuloDefaults(R, o.input!);
        }),
        { numRuns: RUNS },
      );
    },
    hangGuard(RUNS * 20),
  );

  it(
    "the laid-out import of a valid request is the same graph, its nodes placed apart, without a diagnostic",
    async () => {
      await fc.assert(
        fc.asyncProperty(validRequest, async ({ json }) => {
          const laidOut = await importRequest(json, registry);
          expect(laidOut.diagnostics).toEqual([]);
          expect(atOrigin(laidOut.document)).toEqual(importRequestSync(json, registry).document);
          const places = laidOut.document.nodes.map((n) => `${n.position.x},${n.position.y}`);
          expect(new Set(places).size).toBe(places.length);
        }),
        { numRuns: LAID_OUT_RUNS },
      );
    },
    hangGuard(LAID_OUT_RUNS * 200),
  );

  it("an omitted seed and scheduler stay absent (they have no fal default)", async () => {
    const { document } = await importRequest({ model_name: "a/b", prompt: "x", num_inference_steps: 20 }, registry);
    const input = compile(document, registry).outputs[0].input!;
    expect(input).not.toHaveProperty("seed");
    expect(input).not.toHaveProperty("scheduler");
    expect(input).not.toHaveProperty("timesteps");
    expect(input.num_inference_steps).toBe(20);
  });
});
