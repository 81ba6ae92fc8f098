/**
 * The importer: a fal-ai/lora request JSON → a workflow document, the inverse of `compile`.
 *
 * Round trip: `compile(importRequest(R))` sets every field R sets to the same value, and every
 * field R omits is either absent or at fal's documented default. So a node param is filled with
 * its node default only when that default is fal's default for the field it produces; otherwise
 * (seed, timesteps, required fields…) it stays unset.
 *
 * Bad values are kept as they are in the params: the compiler then reports them on the node and
 * field that hold them, which is where the user will fix them. Only what has no place in the
 * graph (unknown fields, a list that is not a list, an ip_adapter_index pointing nowhere) is
 * reported here. Never throws, whatever the JSON.
 */
import {
  ENDPOINTS,
  defaultParams,
  edgeId,
  emptyDocument,
  type Diagnostic,
  type DiagnosticCode,
  type Endpoint,
  type Registry,
  type Severity,
  type WorkflowDocument,
  type WorkflowNode,
} from "../graph";
import { toSafeTree, type JsonLimits } from "../graph/safeJson";
import { FAL_DEFAULTS, FAL_NESTED_DEFAULTS, endpointInputKeys } from "./falSchema";
import { layoutDocument } from "./layout";

export interface ImportOptions {
  /** Name written into the document's meta. */
  name?: string;
}

export interface ImportResult {
  document: WorkflowDocument;
  /** The endpoint the request was read as. */
  endpoint: Endpoint;
  /** What could not be put into the graph. Problems of values that were kept are left to `compile`. */
  diagnostics: Diagnostic[];
}

/**
 * A request is a flat object with a few lists of small objects: 8 levels is deep enough for
 * `ip_adapter[].scale_json` values, and the cap runs before anything recursive touches the data.
 */
const LIMITS: JsonLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 16, maxIssues: 50 };
/** More list items than any real request has; keeps the graph and its layout small. */
export const MAX_LIST_ITEMS = 64;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Top-level request fields → the node type whose param of the same name produces them. */
const TOP_LEVEL_PARAMS: Readonly<
  Record<string, "base_model" | "prompt" | "sampler" | "scheduler" | "image_encoder" | "ic_light">
> = {
  model_name: "base_model",
  unet_name: "base_model",
  variant: "base_model",
  clip_skip: "base_model",
  prompt: "prompt",
  negative_prompt: "prompt",
  prompt_weighting: "prompt",
  seed: "sampler",
  guidance_scale: "sampler",
  image_size: "sampler",
  num_images: "sampler",
  noise_strength: "sampler",
  image_format: "sampler",
  enable_safety_checker: "sampler",
  controlnet_guess_mode: "sampler",
  tile_width: "sampler",
  tile_height: "sampler",
  tile_stride_width: "sampler",
  tile_stride_height: "sampler",
  debug_latents: "sampler",
  debug_per_pass_latents: "sampler",
  scheduler: "scheduler",
  num_inference_steps: "scheduler",
  timesteps: "scheduler",
  sigmas: "scheduler",
  eta: "scheduler",
  prediction_type: "scheduler",
  rescale_betas_snr_zero: "scheduler",
  image_encoder_path: "image_encoder",
  image_encoder_subfolder: "image_encoder",
  image_encoder_weight_name: "image_encoder",
  ic_light_model_url: "ic_light",
};

/** Top-level image fields → the port an Image node is wired to. */
const TOP_LEVEL_IMAGES: Readonly<Record<string, { node: "sampler" | "ic_light"; port: string; label: string }>> = {
  image_url: { node: "sampler", port: "init_image", label: "Init image" },
  mask_url: { node: "sampler", port: "mask", label: "Inpaint mask" },
  ic_light_image_url: { node: "ic_light", port: "image", label: "IC-Light subject" },
  ic_light_model_background_image_url: { node: "ic_light", port: "background", label: "IC-Light background" },
};

/** List fields and the keys of their items: params of the node, image ports, or (controlnets) the IP-Adapter link. */
const LISTS = {
  loras: { type: "lora", title: "LoRA", params: ["path", "scale"], images: {} },
  embeddings: { type: "embedding", title: "Embedding", params: ["path", "tokens"], images: {} },
  controlnets: {
    type: "controlnet",
    title: "ControlNet",
    params: ["path", "config_url", "variant", "conditioning_scale", "start_percentage", "end_percentage"],
    images: { image_url: { port: "image", label: "image" }, mask_url: { port: "mask", label: "mask" } },
  },
  ip_adapter: {
    type: "ip_adapter",
    title: "IP-Adapter",
    params: [
      "path",
      "model_subfolder",
      "weight_name",
      "insight_face_model_path",
      "scale",
      "scale_json",
      "unconditional_noising_factor",
      "image_projection_shortcut",
    ],
    images: {
      ip_adapter_image_url: { port: "image", label: "reference" },
      ip_adapter_mask_url: { port: "mask", label: "mask" },
    },
  },
} as const satisfies Record<
  string,
  { type: string; title: string; params: readonly string[]; images: Record<string, { port: string; label: string }> }
>;
type ListField = keyof typeof LISTS;

/** Every request field the importer places somewhere; a test checks it covers the schema. */
export const IMPORTED_FIELDS: ReadonlySet<string> = new Set([
  ...Object.keys(TOP_LEVEL_PARAMS),
  ...Object.keys(TOP_LEVEL_IMAGES),
  ...Object.keys(LISTS),
]);
/** Keys of list items the importer places somewhere, per list. */
export const IMPORTED_ITEM_FIELDS: Readonly<Record<ListField, ReadonlySet<string>>> = {
  loras: itemKeys("loras"),
  embeddings: itemKeys("embeddings"),
  controlnets: new Set([...itemKeys("controlnets"), "ip_adapter_index"]),
  ip_adapter: itemKeys("ip_adapter"),
};
function itemKeys(list: ListField): Set<string> {
  return new Set([...LISTS[list].params, ...Object.keys(LISTS[list].images)]);
}

/** Where fal's documented defaults for a node type's params live. */
function falDefaultsOf(type: string): Readonly<Obj> {
  switch (type) {
    case "lora":
      return FAL_NESTED_DEFAULTS.loras;
    case "embedding":
      return FAL_NESTED_DEFAULTS.embeddings;
    case "controlnet":
      return FAL_NESTED_DEFAULTS.controlnets;
    case "ip_adapter":
      return FAL_NESTED_DEFAULTS.ip_adapter;
    default:
      return FAL_DEFAULTS;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return v.length > 40 ? `text "${v.slice(0, 37)}..."` : `text "${v}"`;
  return String(v);
}

/** "loras.0.scale", the compiler's request-path spelling. */
const pathOf = (...parts: (string | number)[]) => parts.join(".");

class Builder {
  readonly doc: WorkflowDocument;
  readonly diagnostics: Diagnostic[] = [];
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly registry: Registry,
    name: string,
  ) {
    this.doc = emptyDocument({ name, createdWith: "lora-graph import" });
  }

  report(
    severity: Severity,
    code: DiagnosticCode,
    message: string,
    path?: string,
    at?: { nodeId: string; field?: string },
  ): void {
    this.diagnostics.push({ severity, code, message, ...(at ?? {}), ...(path !== undefined ? { path } : {}) });
  }

  /**
   * Adds a node. `given` holds the request's values (kept as they are, bad ones included); a param
   * the request omits gets the node default only if that default is fal's default for the field.
   */
  node(type: string, given: Obj, options: { id?: string; label?: string; extra?: Obj } = {}): string {
    const def = this.registry.get(type);
    let id = options.id;
    if (!id) {
      const n = (this.counters.get(type) ?? 0) + 1;
      this.counters.set(type, n);
      id = `${type}_${n}`;
    }
    const params: Obj = {};
    if (def) {
      const defaults = defaultParams(def);
      const fal = falDefaultsOf(type);
      for (const key of Object.keys(def.params)) {
        if (Object.hasOwn(given, key) && given[key] !== undefined) params[key] = given[key];
        else if (Object.hasOwn(defaults, key) && Object.hasOwn(fal, key) && sameJson(defaults[key], fal[key]))
          params[key] = defaults[key];
      }
    } else {
      // A catalogue without this type: keep the values so the compiler names the missing type.
      Object.assign(params, given);
    }
    Object.assign(params, options.extra ?? {});
    const node: WorkflowNode = { id, type, typeVersion: def?.version ?? 1, position: { x: 0, y: 0 }, params };
    if (options.label) node.label = options.label;
    this.doc.nodes.push(node);
    return id;
  }

  wire(source: string, sourceHandle: string, target: string, targetHandle: string): void {
    this.doc.edges.push({
      id: edgeId(source, sourceHandle, target, targetHandle),
      source,
      sourceHandle,
      target,
      targetHandle,
    });
  }

  /** An Image node holding `url` (as given, even if it is not a URL), wired to `target.port`. */
  image(url: unknown, target: string, port: string, label: string): void {
    const id = this.node("image", { url }, { label });
    this.wire(id, "image", target, port);
  }
}

/**
 * Reads a fal-ai/lora request as a workflow graph and lays it out left to right.
 * `json` is the parsed request: a bare input object (text-to-image, or image-to-image with
 * `image_url`, or inpaint with `mask_url`), `{ endpoint, input }`, or the CLI's compile output.
 * Never rejects.
 *
 * @example
 * const { document, diagnostics } = await importRequest({ model_name: "x/y", prompt: "a cat" }, registry);
 * compile(document, registry).outputs[0].input; // → { model_name: "x/y", prompt: "a cat", … fal defaults }
 */
export async function importRequest(
  json: unknown,
  registry: Registry,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const result = importRequestSync(json, registry, options);
  try {
    result.document = await layoutDocument(result.document, registry);
  } catch (err) {
    result.diagnostics.push({
      severity: "warning",
      code: "internal-error",
      message: `Automatic layout failed (${err instanceof Error ? err.message : String(err)}); nodes are stacked at the origin`,
    });
  }
  return result;
}

/** {@link importRequest} without layout: every node is at (0, 0). Never throws. */
export function importRequestSync(json: unknown, registry: Registry, options: ImportOptions = {}): ImportResult {
  const b = new Builder(registry, options.name ?? "Imported fal request");
  let endpoint: Endpoint = "fal-ai/lora";
  try {
    endpoint = build(json, b);
  } catch (err) {
    b.report("error", "internal-error", `Importer bug: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { document: b.doc, endpoint, diagnostics: b.diagnostics };
}

function build(json: unknown, b: Builder): Endpoint {
  let safe: ReturnType<typeof toSafeTree>;
  try {
    safe = toSafeTree(json, LIMITS);
  } catch (err) {
    // A throwing getter or Proxy trap: not JSON data at all.
    b.report(
      "error",
      "request-invalid",
      `The request cannot be read as JSON data (${err instanceof Error ? err.message : String(err)})`,
    );
    return "fal-ai/lora";
  }
  if (!safe.ok) {
    for (const e of safe.errors)
      b.report(
        "error",
        "request-invalid",
        `${e.message.replace(/^Not a valid pipeline file/, "Not a readable request")} at ${e.path}`,
      );
    return "fal-ai/lora";
  }
  for (const w of safe.warnings) b.report("warning", "unknown-field", `${w.message} (at ${w.path})`);

  const { input, endpoint: named } = unwrap(safe.value, b);
  if (!input) return named ?? "fal-ai/lora";
  const endpoint =
    named ??
    (input.mask_url !== undefined && input.mask_url !== null
      ? "fal-ai/lora/inpaint"
      : input.image_url !== undefined && input.image_url !== null
        ? "fal-ai/lora/image-to-image"
        : "fal-ai/lora");
  const accepted = new Set(endpointInputKeys(endpoint));

  // Keep only fields this endpoint takes and that carry a value.
  const R: Obj = {};
  for (const [key, value] of Object.entries(input)) {
    if (!accepted.has(key)) {
      const other = ENDPOINTS.find((e) => endpointInputKeys(e).includes(key));
      b.report(
        "warning",
        "unknown-field",
        other ? `${key} is not accepted by ${endpoint}; dropped` : `unknown field ${key}, dropped`,
        key,
      );
      continue;
    }
    if (value === null) {
      // fal documents null for scheduler as "the model's own", which is what omitting it means.
      if (key !== "scheduler") b.report("warning", "request-invalid", `${key} is null; treated as absent`, key);
      continue;
    }
    R[key] = value;
  }
  if (endpoint !== "fal-ai/lora" && R.image_url === undefined) {
    b.report(
      "error",
      "request-invalid",
      `${endpoint} needs image_url (the image to start from), and the request has none`,
      "image_url",
    );
  }
  if (endpoint === "fal-ai/lora/inpaint" && R.mask_url === undefined) {
    b.report(
      "error",
      "request-invalid",
      "fal-ai/lora/inpaint needs mask_url (the area to repaint), and the request has none",
      "mask_url",
    );
  }

  const pick = (type: string): Obj => {
    const out: Obj = {};
    for (const [key, value] of Object.entries(R)) if (TOP_LEVEL_PARAMS[key] === type) out[key] = value;
    return out;
  };
  const has = (type: string) => Object.keys(R).some((k) => TOP_LEVEL_PARAMS[k] === type);

  // Model stream: base model → LoRAs → embeddings → IP-Adapters → IC-Light → Sampler.
  // Nodes are created upstream first, so the file and ELK's model order read like the pipeline.
  const sampler = "sampler";
  let model = b.node("base_model", pick("base_model"), { id: "base_model" });
  const chain = (type: string, given: Obj, options: { id?: string; extra?: Obj } = {}): string => {
    const id = b.node(type, given, options);
    b.wire(model, "model", id, "model");
    model = id;
    return id;
  };

  for (const [i, item] of items(R, "loras", b)) chain("lora", params(item, "loras", i, b));
  for (const [i, item] of items(R, "embeddings", b)) chain("embedding", params(item, "embeddings", i, b));

  const ipAdapters: string[] = [];
  for (const [i, item] of items(R, "ip_adapter", b)) {
    const refs = item.ip_adapter_image_url;
    const id = chain("ip_adapter", params(item, "ip_adapter", i, b), {
      extra: { reference_as_list: Array.isArray(refs) && refs.length === 1 },
    });
    ipAdapters.push(id);
    if (Array.isArray(refs)) {
      if (refs.length > MAX_LIST_ITEMS) {
        b.report(
          "error",
          "request-invalid",
          `ip_adapter.${i}.ip_adapter_image_url has ${refs.length} images; only the first ${MAX_LIST_ITEMS} were imported`,
          pathOf("ip_adapter", i, "ip_adapter_image_url"),
        );
      }
      refs
        .slice(0, MAX_LIST_ITEMS)
        .forEach((url, j) => b.image(url, id, "image", `IP-Adapter ${i + 1} reference ${j + 1}`));
    } else if (refs !== undefined && refs !== null) {
      b.image(refs, id, "image", `IP-Adapter ${i + 1} reference`);
    }
    if (item.ip_adapter_mask_url !== undefined && item.ip_adapter_mask_url !== null) {
      b.image(item.ip_adapter_mask_url, id, "mask", `IP-Adapter ${i + 1} mask`);
    }
  }

  const icLightFields = ["ic_light_model_url", "ic_light_image_url", "ic_light_model_background_image_url"];
  if (icLightFields.some((k) => R[k] !== undefined)) chain("ic_light", pick("ic_light"), { id: "ic_light" });
  b.wire(model, "model", sampler, "model");

  // Conditioning stream: prompt → ControlNets → Sampler.
  let cond = b.node("prompt", pick("prompt"), { id: "prompt" });
  for (const [i, item] of items(R, "controlnets", b)) {
    const id = b.node("controlnet", params(item, "controlnets", i, b));
    b.wire(cond, "conditioning", id, "conditioning");
    cond = id;
    for (const [key, { port, label }] of Object.entries(LISTS.controlnets.images)) {
      if (item[key] !== undefined && item[key] !== null) b.image(item[key], id, port, `ControlNet ${i + 1} ${label}`);
    }
    const ref = item.ip_adapter_index;
    if (ref === undefined || ref === null) continue;
    if (typeof ref === "number" && Number.isInteger(ref) && ref >= 0 && ref < ipAdapters.length) {
      b.wire(ipAdapters[ref], "ip_adapter", id, "ip_adapter");
    } else {
      const why =
        typeof ref === "number" && Number.isInteger(ref)
          ? `points at IP-Adapter ${ref}, but the request has ${ipAdapters.length === 0 ? "none" : `only ${ipAdapters.length} (0–${ipAdapters.length - 1})`}`
          : `must be the whole-number index of an IP-Adapter, got ${describe(ref)}`;
      b.report(
        "error",
        "request-invalid",
        `controlnets.${i}.ip_adapter_index ${why}; the link was dropped`,
        pathOf("controlnets", i, "ip_adapter_index"),
        { nodeId: id, field: "ip_adapter" },
      );
    }
  }
  b.wire(cond, "conditioning", sampler, "conditioning");

  if (has("scheduler")) {
    const id = b.node("scheduler", pick("scheduler"), { id: "scheduler" });
    b.wire(id, "scheduler", sampler, "scheduler");
  }
  if (has("image_encoder")) {
    const id = b.node("image_encoder", pick("image_encoder"), { id: "image_encoder" });
    // One encoder serves the whole request: every IP-Adapter, or the Sampler when there is none.
    if (ipAdapters.length) for (const ip of ipAdapters) b.wire(id, "image_encoder", ip, "image_encoder");
    else b.wire(id, "image_encoder", sampler, "image_encoder");
  }
  for (const [key, to] of Object.entries(TOP_LEVEL_IMAGES)) {
    if (R[key] !== undefined) b.image(R[key], to.node === "sampler" ? sampler : "ic_light", to.port, to.label);
  }
  b.node("sampler", pick("sampler"), { id: sampler });
  return endpoint;
}

/** Keys around `input` in `{ endpoint, input }` and in the CLI's compile output entries. */
const WRAPPER_KEYS = new Set(["input", "endpoint", "output", "ok"]);

/** Finds the input object and the endpoint it is meant for. */
function unwrap(value: unknown, b: Builder): { input?: Obj; endpoint?: Endpoint } {
  let v = value;
  // `lora-graph compile --json` output: { outputs: [{ output, endpoint, input }], diagnostics }.
  if (isObj(v) && Array.isArray(v.outputs) && !("input" in v) && !("prompt" in v)) v = v.outputs;
  if (Array.isArray(v)) {
    // The CLI's compile output: one entry per Sampler.
    if (v.length === 0) {
      b.report("error", "request-invalid", "The request is an empty list; expected a fal-ai/lora request object");
      return {};
    }
    if (v.length > 1)
      b.report("warning", "request-invalid", `The file holds ${v.length} requests; only the first was imported`);
    v = v[0];
  }
  if (!isObj(v)) {
    b.report("error", "request-invalid", `A fal-ai/lora request must be a JSON object, got ${describe(v)}`);
    return {};
  }
  const wrapped = isObj(v.input) && !("prompt" in v) && !("model_name" in v);
  if (!wrapped) return { input: v };

  let endpoint: Endpoint | undefined;
  for (const key of Object.keys(v)) {
    if (!WRAPPER_KEYS.has(key))
      b.report("warning", "unknown-field", `unknown field ${key} next to "input", dropped`, key);
  }
  if (v.endpoint !== undefined) {
    const named =
      typeof v.endpoint === "string"
        ? v.endpoint
            .trim()
            .replace(/^https:\/\/(queue\.)?fal\.run\//, "")
            .replace(/\/+$/, "")
        : v.endpoint;
    if ((ENDPOINTS as readonly unknown[]).includes(named)) endpoint = named as Endpoint;
    else {
      b.report(
        "error",
        "request-invalid",
        `endpoint ${describe(v.endpoint)} is not one of ${ENDPOINTS.join(", ")}; the endpoint was chosen from the input's fields instead`,
        "endpoint",
      );
    }
  }
  return { input: v.input as Obj, endpoint };
}

/** The items of a list field that can become nodes; reports the rest. */
function* items(R: Obj, list: ListField, b: Builder): Generator<[number, Obj]> {
  const v = R[list];
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    b.report("error", "request-invalid", `${list} must be a list, got ${describe(v)}; it was dropped`, list);
    return;
  }
  if (v.length > MAX_LIST_ITEMS) {
    b.report(
      "error",
      "request-invalid",
      `${list} has ${v.length} entries; only the first ${MAX_LIST_ITEMS} were imported`,
      list,
    );
  }
  for (let i = 0; i < Math.min(v.length, MAX_LIST_ITEMS); i++) {
    const item = v[i];
    if (!isObj(item)) {
      b.report(
        "error",
        "request-invalid",
        `${list}.${i} must be an object, got ${describe(item)}; it was dropped`,
        pathOf(list, i),
      );
      continue;
    }
    yield [i, item];
  }
}

/** An item's param values; unknown keys and nulls are reported and dropped. */
function params(item: Obj, list: ListField, index: number, b: Builder): Obj {
  const known = IMPORTED_ITEM_FIELDS[list];
  const paramKeys = new Set<string>(LISTS[list].params);
  const out: Obj = {};
  for (const [key, value] of Object.entries(item)) {
    const path = pathOf(list, index, key);
    if (!known.has(key)) {
      b.report("warning", "unknown-field", `unknown field ${path}, dropped`, path);
      continue;
    }
    if (value === null) {
      b.report("warning", "request-invalid", `${path} is null; treated as absent`, path);
      continue;
    }
    if (paramKeys.has(key)) out[key] = value;
  }
  return out;
}
