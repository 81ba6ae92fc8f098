/**
 * Schema coverage: "Every input field of the three endpoints must be reachable from some node",
 * proved by enumerating the request schema's keys (top level and nested) and compiling, per
 * endpoint, a few "kitchen sink" graphs made only of catalogue nodes. And "a param that maps to
 * one API field carries that field's exact name", checked through the sourceMap.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile, endpointInputKeys, inputSchemaFor, NESTED_INPUT_KEYS } from "../../src/compiler";
import { ENDPOINTS, type Endpoint, type WorkflowDocument } from "../../src/graph";
import { build } from "../harness/graph";

const IMG = (n: string) => `https://example.com/${n}.png`;

/**
 * Every catalogue node with every param set. `variant` picks the alternatives that cannot share one
 * request (a preset vs a custom image_size, custom timesteps vs custom sigmas).
 */
function kitchenSink(endpoint: Endpoint, variant: 0 | 1): WorkflowDocument {
  return build(registry, (g) => {
    const base = g.node(
      "base_model",
      {
        model_name: "stabilityai/stable-diffusion-xl-base-1.0",
        unet_name: "owner/unet",
        variant: "fp16",
        clip_skip: 1,
      },
      { id: "base" },
    );
    const lora = g.node("lora", { path: "owner/lora", scale: 0.7 }, { id: "lora" });
    const emb = g.node("embedding", { path: "owner/embedding", tokens: ["<tok>"] }, { id: "emb" });
    const enc = g.node(
      "image_encoder",
      {
        image_encoder_path: "h94/IP-Adapter",
        image_encoder_subfolder: "models/image_encoder",
        image_encoder_weight_name: "model.safetensors",
      },
      { id: "enc" },
    );
    const ipa = g.node(
      "ip_adapter",
      {
        path: "h94/IP-Adapter",
        model_subfolder: "sdxl_models",
        weight_name: "ip-adapter-plus_sdxl_vit-h.safetensors",
        scale: 0.6,
        scale_json: { down: { block_2: [0, 1] } },
        unconditional_noising_factor: 0.1,
        image_projection_shortcut: false,
        insight_face_model_path: "owner/antelopev2",
        reference_as_list: variant === 1,
      },
      { id: "ipa" },
    );
    const ic = g.node(
      "ic_light",
      { ic_light_model_url: "https://example.com/iclight_sd15_fbc.safetensors" },
      { id: "ic" },
    );
    const prompt = g.node(
      "prompt",
      { prompt: "a <tok> portrait", negative_prompt: "blurry", prompt_weighting: true },
      { id: "prompt" },
    );
    const cn = g.node(
      "controlnet",
      {
        path: "owner/controlnet",
        conditioning_scale: 0.8,
        start_percentage: 0.1,
        end_percentage: 0.9,
        config_url: "https://example.com/config.json",
        variant: "fp16",
      },
      { id: "cn" },
    );
    const custom = { method: "array", array: [999, 500, 1] };
    const plain = { method: "default", array: [] };
    const sched = g.node(
      "scheduler",
      {
        scheduler: "DPM++ 2M",
        num_inference_steps: 25,
        timesteps: variant === 0 ? custom : plain,
        sigmas: variant === 0 ? plain : { method: "array", array: [14.6, 3.1, 0.03] },
        eta: 0.2,
        prediction_type: "v_prediction",
        rescale_betas_snr_zero: true,
      },
      { id: "sched" },
    );
    const sampler = g.node(
      "sampler",
      {
        seed: 42,
        guidance_scale: 6,
        image_size: variant === 0 ? "portrait_4_3" : { width: 768, height: 512 },
        num_images: 2,
        noise_strength: 0.6,
        image_format: "jpeg",
        enable_safety_checker: true,
        controlnet_guess_mode: true,
        tile_width: 1024,
        tile_height: 1024,
        tile_stride_width: 512,
        tile_stride_height: 512,
        debug_latents: true,
        debug_per_pass_latents: true,
      },
      { id: "sampler" },
    );
    const image = (name: string) => g.node("image", { url: IMG(name) }, { id: name });

    g.wire(base, "model", lora, "model");
    g.wire(lora, "model", emb, "model");
    g.wire(emb, "model", ipa, "model");
    g.wire(ipa, "model", ic, "model");
    g.wire(ic, "model", sampler, "model");
    g.wire(enc, "image_encoder", ipa, "image_encoder");
    g.wire(image("ref"), "image", ipa, "image");
    g.wire(image("ref-mask"), "image", ipa, "mask");
    g.wire(image("subject"), "image", ic, "image");
    g.wire(image("background"), "image", ic, "background");
    g.wire(prompt, "conditioning", cn, "conditioning");
    g.wire(image("control"), "image", cn, "image");
    g.wire(image("control-mask"), "image", cn, "mask");
    g.wire(ipa, "ip_adapter", cn, "ip_adapter");
    g.wire(cn, "conditioning", sampler, "conditioning");
    g.wire(sched, "scheduler", sampler, "scheduler");
    if (endpoint !== "fal-ai/lora") g.wire(image("init"), "image", sampler, "init_image");
    if (endpoint === "fal-ai/lora/inpaint") g.wire(image("mask"), "image", sampler, "mask");
  });
}

function compileOk(doc: WorkflowDocument, endpoint: Endpoint) {
  const result = compile(doc, registry);
  const [o] = result.outputs;
  expect(
    result.diagnostics.filter((d) => d.severity === "error"),
    "kitchen sink must compile",
  ).toEqual([]);
  expect(o.ok).toBe(true);
  expect(o.endpoint).toBe(endpoint);
  expect(inputSchemaFor(endpoint).safeParse(o.input).success).toBe(true);
  return o;
}

/** "key" for top-level keys, "list.key" for keys inside list items and nested objects. */
function keysOf(input: Record<string, unknown>): Set<string> {
  const keys = new Set<string>();
  for (const [k, v] of Object.entries(input)) {
    keys.add(k);
    const items = Array.isArray(v) ? v : v && typeof v === "object" ? [v] : [];
    for (const item of items)
      if (item && typeof item === "object") for (const sub of Object.keys(item)) keys.add(`${k}.${sub}`);
  }
  return keys;
}

function schemaKeys(endpoint: Endpoint): string[] {
  const top = endpointInputKeys(endpoint);
  const nested = Object.entries(NESTED_INPUT_KEYS)
    .filter(([k]) => top.includes(k))
    .flatMap(([k, subs]) => subs.map((s) => `${k}.${s}`));
  return [...top, ...nested];
}

describe("schema coverage", () => {
  it.each(ENDPOINTS.map((e) => [e]))("every input key of %s is produced by some catalogue graph", (endpoint) => {
    const reached = new Set<string>();
    for (const variant of [0, 1] as const)
      for (const k of keysOf(compileOk(kitchenSink(endpoint, variant), endpoint).input!)) reached.add(k);
    const wanted = schemaKeys(endpoint);
    // Sanity: the enumeration really walks nested keys, so an empty list cannot pass vacuously.
    expect(wanted).toEqual(
      expect.arrayContaining(["loras.scale", "controlnets.ip_adapter_index", "ip_adapter.scale_json", "sigmas.array"]),
    );
    const missing = wanted.filter((k) => !reached.has(k));
    expect(missing, `no catalogue node produces: ${missing.join(", ")}`).toEqual([]);
    const extra = [...reached].filter((k) => !wanted.includes(k));
    expect(extra, `compiled keys the schema does not know: ${extra.join(", ")}`).toEqual([]);
  });
});

/**
 * Where a request value legitimately carries a different name than the param or port it came from.
 * Each entry says why; anything else must use the API field's exact name.
 */
const NAME_EXCEPTIONS: Record<string, string> = {
  "image.url":
    "an Image node's url lands under whatever field its consumer wires it to (image_url, mask_url, ip_adapter_image_url, …)",
  "ip_adapter.image":
    "several reference images are sent as one list under ip_adapter_image_url; the list is attributed to the input port",
  "ip_adapter.<index>":
    "the IP-Adapter's position in the request travels on its link wire and lands in ip_adapter_index",
};

/** Params that never land in a request under their own name, and why. */
const NOT_SENT: Record<string, string> = {
  "note.text": "notes are inert",
  "image.url": "sent under the consumer's field (see NAME_EXCEPTIONS)",
  "ip_adapter.reference_as_list": "shapes ip_adapter_image_url (a list even for one image); not a field of its own",
};

describe("param names equal API field names", () => {
  const compiled = ENDPOINTS.flatMap((endpoint) =>
    ([0, 1] as const).map((variant) => {
      const doc = kitchenSink(endpoint, variant);
      return { doc, out: compileOk(doc, endpoint) };
    }),
  );

  it("every source-mapped request path ends in the name of the param that produced it", () => {
    const offenders: string[] = [];
    for (const { doc, out } of compiled) {
      const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
      for (const [path, src] of Object.entries(out.sourceMap)) {
        const type = typeOf.get(src.nodeId);
        const last = path
          .split(".")
          .filter((s) => !/^\d+$/.test(s))
          .pop();
        const key = `${type}.${src.field ?? "<index>"}`;
        if (src.field === undefined && /\.\d+$/.test(path)) continue; // a list item as a whole
        if (src.field === undefined && !path.includes(".") && Array.isArray(out.input![path])) continue; // a whole list
        if (last === src.field || key in NAME_EXCEPTIONS) continue;
        offenders.push(`${path} ← ${key}`);
      }
    }
    expect(offenders, "request paths whose source field has another name").toEqual([]);
  });

  it("every param of every node lands in some request under its own name, unless listed", () => {
    const landed = new Set<string>();
    for (const { doc, out } of compiled) {
      const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
      for (const [path, src] of Object.entries(out.sourceMap)) {
        if (src.field && path.split(".").pop() === src.field) landed.add(`${typeOf.get(src.nodeId)}.${src.field}`);
      }
    }
    const missing: string[] = [];
    for (const def of registry.list()) {
      for (const p of Object.keys(def.params)) {
        const key = `${def.type}.${p}`;
        if (!landed.has(key) && !(key in NOT_SENT)) missing.push(key);
      }
    }
    expect(missing, "params that never reach a request under their own name").toEqual([]);
    // The exception list stays honest: an entry that now does land must be removed.
    expect(Object.keys(NOT_SENT).filter((k) => landed.has(k))).toEqual([]);
  });

  it("reference_as_list really changes the shape of ip_adapter_image_url", () => {
    const single = compiled.find((c) => c.doc.nodes.find((n) => n.id === "ipa")!.params.reference_as_list === false)!;
    const list = compiled.find((c) => c.doc.nodes.find((n) => n.id === "ipa")!.params.reference_as_list === true)!;
    const urlOf = (c: typeof single) =>
      (c.out.input!.ip_adapter as { ip_adapter_image_url: unknown }[])[0].ip_adapter_image_url;
    expect(urlOf(single)).toBe(IMG("ref"));
    expect(urlOf(list)).toEqual([IMG("ref")]);
  });
});
