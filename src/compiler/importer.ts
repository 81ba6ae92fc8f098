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
import { ENDPOINTS, type Diagnostic, type Endpoint, type Registry, type WorkflowDocument } from "../graph";
import { toSafeTree, type JsonLimits } from "../graph/safeJson";
import { endpointInputKeys } from "./falSchema";
import { Builder, describe, isObj, placeRequest } from "./importGraph";
import { layoutDocument, type LayoutOptions } from "./layout";

export { MAX_LIST_ITEMS } from "./importGraph";

export interface ImportOptions {
  /** Name written into the document's meta. */
  name?: string;
  /**
   * Node names by request path ("loras.0", "model_name", "controlnets.1"): another tool's local
   * names for models that have no URL yet. A named node whose path the request leaves empty gets
   * an error asking for it ("LoRA `my_castle_style`: path needed").
   */
  labels?: Readonly<Record<string, string>>;
  /** Runs the layout's ELK (see LayoutOptions): the editor's runs it in a Web Worker. */
  runElk?: LayoutOptions["runElk"];
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

type Obj = Record<string, unknown>;

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
    result.document = await layoutDocument(result.document, registry, { runElk: options.runElk });
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
    const read = readRequest(json, b);
    if (read) {
      endpoint = read.endpoint;
      placeRequest(read.fields, b, options.labels);
    }
  } catch (err) {
    b.report("error", "internal-error", `Importer bug: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { document: b.doc, endpoint, diagnostics: b.diagnostics };
}

/** The request's input and endpoint, with only the fields that endpoint takes; undefined when unreadable. */
function readRequest(json: unknown, b: Builder): { fields: Obj; endpoint: Endpoint } | undefined {
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
    return undefined;
  }
  if (!safe.ok) {
    for (const e of safe.errors)
      b.report(
        "error",
        "request-invalid",
        `${e.message.replace(/^Not a valid pipeline file/, "Not a readable request")} at ${e.path}`,
      );
    return undefined;
  }
  for (const w of safe.warnings) b.report("warning", "unknown-field", `${w.message} (at ${w.path})`);

  const { input, endpoint: named } = unwrap(safe.value, b);
  if (!input) return named ? { fields: {}, endpoint: named } : undefined;
  const endpoint =
    named ??
    (input.mask_url !== undefined && input.mask_url !== null
      ? "fal-ai/lora/inpaint"
      : input.image_url !== undefined && input.image_url !== null
        ? "fal-ai/lora/image-to-image"
        : "fal-ai/lora");
  const fields = acceptedFields(input, endpoint, b);
  if (endpoint !== "fal-ai/lora" && fields.image_url === undefined) {
    b.report(
      "error",
      "request-invalid",
      `${endpoint} needs image_url (the image to start from), and the request has none`,
      "image_url",
    );
  }
  if (endpoint === "fal-ai/lora/inpaint" && fields.mask_url === undefined) {
    b.report(
      "error",
      "request-invalid",
      "fal-ai/lora/inpaint needs mask_url (the area to repaint), and the request has none",
      "mask_url",
    );
  }
  return { fields, endpoint };
}

/** The fields `endpoint` takes that carry a value; the others are reported and dropped. */
function acceptedFields(input: Obj, endpoint: Endpoint, b: Builder): Obj {
  const accepted = new Set(endpointInputKeys(endpoint));
  const out: Obj = {};
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
    out[key] = value;
  }
  return out;
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
