/**
 * The fal-ai/lora request/response schema (docs/fal-wire.md#the-fal-ailora-request), in zod.
 *
 * Request schemas validate exactly what is sent: no `.default()` (parsing must not add fields),
 * strict objects (an unknown key is a compiler bug or a field of another endpoint), and only the
 * ranges fal is known to enforce today. Ranges that come from fal's 2024 source or from other
 * endpoints (docs/fal-wire.md#unconfirmed-ranges) live in `UNCONFIRMED_RANGES` and only produce
 * warnings, so we never block a request fal would accept.
 *
 * The nested types are our own on purpose: @fal-ai/client ≥1.9.6 ships wrong nested types for this
 * endpoint (docs/fal-wire.md#client-typings). Only the top-level key sets are checked against
 * the client's typings.
 */
import { z } from "../graph/zodMini";
import { ENDPOINTS, type Endpoint } from "../graph/defineNode";
import { checkFileUrl, checkImageUrl, checkModelRef, describeValue as describe } from "../graph/urls";
import {
  IMAGE_SIZE_PRESETS,
  IMAGE_SIZE_PRESET_NAMES,
  SCHEDULERS,
  type ImageSizePreset,
  type Scheduler,
} from "../graph/falEnums";
import { fastCheckOf, nullable, optional, withFastCheck, type FastCheck } from "../graph/fastCheck";

export { IMAGE_SIZE_PRESETS, IMAGE_SIZE_PRESET_NAMES, SCHEDULERS, type ImageSizePreset, type Scheduler };

export { checkFileUrl, checkImageUrl, checkModelRef, type FileUrlOptions } from "../graph/urls";

export { ENDPOINTS, type Endpoint };

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

type ErrFn = (iss: { code?: string; input?: unknown }) => string | undefined;
/** Required-vs-wrong-type message for a leaf schema. */
const expect =
  (what: string): ErrFn =>
  (iss) => {
    if (iss.input === undefined) return "is required";
    if (iss.code === "invalid_type") return `must be ${what}, got ${describe(iss.input)}`;
    return undefined;
  };

// Every schema below that a compiled request can contain is paired with a fast check (see
// src/graph/fastCheck.ts): the compiler checks its request with those first and runs zod only
// when one of them is not sure, so the checks here must never accept what zod refuses.

function checked(check: (s: string) => string | null, what: string) {
  const schema = z.string({ error: expect(what) }).check(
    z.superRefine((s, ctx) => {
      const msg = check(s);
      if (msg) ctx.addIssue({ code: "custom", message: msg, input: s });
    }),
  );
  return withFastCheck(schema, (v) => typeof v === "string" && check(v) === null);
}

/** An http(s) URL or any `data:` URI. */
export const fileUrlSchema = checked((s) => checkFileUrl(s), "a URL");
/** An http(s) URL or a `data:image/...` URI. */
export const imageUrlSchema = checked(checkImageUrl, "an image URL");
/** An http(s) URL or a Hugging Face id. */
export const modelRefSchema = checked(checkModelRef, "a URL or Hugging Face id");

// ---------------------------------------------------------------------------------------------
// Leaf schemas
// ---------------------------------------------------------------------------------------------

const isString: FastCheck = (v) => typeof v === "string";
const isBoolean: FastCheck = (v) => typeof v === "boolean";
const str = () => withFastCheck(z.string({ error: expect("text") }), isString);
const bool = () => withFastCheck(z.boolean({ error: expect("true or false") }), isBoolean);

interface NumOpts {
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  gt?: number;
}
function range<T extends z.ZodMiniNumber>(s: T, o: NumOpts): T {
  let r = s;
  if (o.gt !== undefined) r = r.check(z.gt(o.gt, { error: `must be greater than ${o.gt}` }));
  if (o.min !== undefined) r = r.check(z.gte(o.min, { error: `must be at least ${o.min}` }));
  if (o.max !== undefined) r = r.check(z.lte(o.max, { error: `must be at most ${o.max}` }));
  return r;
}
const numErr: ErrFn = (iss) => {
  if (iss.input === undefined) return "is required";
  if (typeof iss.input === "number" && !Number.isFinite(iss.input))
    return `must be a finite number, got ${describe(iss.input)}`;
  if (iss.code === "invalid_type") return `must be a number, got ${describe(iss.input)}`;
  return undefined;
};
const intErr: ErrFn = (iss) => {
  if (iss.input === undefined) return "is required";
  if (typeof iss.input === "number") {
    if (!Number.isFinite(iss.input)) return `must be a finite whole number, got ${describe(iss.input)}`;
    if (!Number.isInteger(iss.input)) return `must be a whole number, got ${iss.input}`;
    if (!Number.isSafeInteger(iss.input))
      return `must be a whole number within ±${Number.MAX_SAFE_INTEGER}, got ${iss.input}`;
  }
  if (iss.code === "invalid_type") return `must be a whole number, got ${describe(iss.input)}`;
  return undefined;
};
function inRange(whole: boolean, { gt, min, max }: NumOpts): FastCheck {
  return (v) =>
    typeof v === "number" &&
    (whole ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
    (gt === undefined || v > gt) &&
    (min === undefined || v >= min) &&
    (max === undefined || v <= max);
}
/** Finite float (zod v4 numbers refuse NaN and ±Infinity). */
const num = (o: NumOpts = {}) => withFastCheck(range(z.number({ error: numErr }), o), inRange(false, o));
/** Safe integer. */
const int = (o: NumOpts = {}) => withFastCheck(range(z.int({ error: intErr }), o), inRange(true, o));

// ---------------------------------------------------------------------------------------------
// Strict objects with hints for well-known wrong keys
// ---------------------------------------------------------------------------------------------

/**
 * A strict object that also refuses a few known-wrong keys with a precise path and a helpful
 * message (e.g. `image_size` on image-to-image). Other unknown keys are refused by zod's
 * `unrecognized_keys` issue, which `schemaIssues` splits per key.
 *
 * The returned schema is typed as the clean object: the hint keys only ever refuse.
 */
function strictWithHints<S extends z.core.$ZodShape>(what: string, shape: S, hints: Record<string, string> = {}) {
  const error = (iss: { code?: string; input?: unknown; keys?: string[] }): string | undefined => {
    if (iss.code === "unrecognized_keys") {
      const keys = iss.keys ?? [];
      return `${keys.length === 1 ? "unknown field" : "unknown fields"} ${keys.map((k) => `"${k}"`).join(", ")} in ${what}`;
    }
    if (iss.input === undefined) return "is required";
    if (iss.code === "invalid_type") return `must be an object (${what}), got ${describe(iss.input)}`;
    return undefined;
  };
  const refusals: Record<string, z.ZodMiniType> = {};
  for (const [key, message] of Object.entries(hints)) {
    // Present-but-undefined is what JSON drops anyway, so only a real value is refused.
    refusals[key] = z.optional(z.undefined({ error: () => message }));
  }
  const schema = z.strictObject({ ...shape, ...refusals }, { error }) as unknown as z.ZodMiniObject<S, z.core.$strict>;
  return withFastCheck(schema, strictObjectFastCheck(shape));
}

/**
 * Fast check of a strict object: no key outside the shape (not even a hint key, which zod lets
 * through when undefined), and every shape key's value passing its own fast check; a field
 * without one is never accepted. Built on first use, once every field schema exists.
 */
function strictObjectFastCheck(shape: z.core.$ZodShape): FastCheck {
  let keys: string[] | undefined;
  let checks: FastCheck[] = [];
  let known: Set<string> = new Set();
  return (v) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
    if (!keys) {
      keys = Object.keys(shape);
      known = new Set(keys);
      checks = keys.map((k) => {
        // Optional fields are made with optional(), which always registers a fast check.
        return fastCheckOf(shape[k] as z.ZodMiniType) ?? (() => false);
      });
    }
    // The same key walk as zod's strict catchall (for...in, so inherited keys count too).
    for (const k in v) if (!known.has(k)) return false;
    for (let i = 0; i < keys.length; i++) if (!checks[i]((v as Record<string, unknown>)[keys[i]])) return false;
    return true;
  };
}

type RuleProblem = { path: (string | number)[]; message: string; input: unknown };

/**
 * `base.check(z.superRefine(...))` for a rule written once as `problems`: zod reports what it
 * returns, and the fast check accepts only when `base`'s does and it returns nothing.
 */
function withRule<S extends z.ZodMiniType, V>(
  base: S,
  problems: (v: V) => RuleProblem[],
  params?: { when: (p: { value: unknown }) => boolean },
): S {
  const schema = base.check(
    z.superRefine((v: unknown, ctx) => {
      for (const p of problems(v as V))
        ctx.addIssue({ code: "custom", path: p.path, message: p.message, input: p.input });
    }, params),
  ) as S;
  const fast = fastCheckOf(base);
  return fast ? withFastCheck(schema, (v) => fast(v) && problems(v as V).length === 0) : schema;
}

/** The real keys of a shape (a strictWithHints schema's runtime `.shape` also holds the hint keys). */
const keysOf = (shape: object): readonly string[] => Object.freeze(Object.keys(shape));

const whenObject = {
  when: (p: { value: unknown }) => typeof p.value === "object" && p.value !== null && !Array.isArray(p.value),
};
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

// ---------------------------------------------------------------------------------------------
// Nested objects
// ---------------------------------------------------------------------------------------------

/** fal toolkit preset → pixels (fal's Python toolkit, image.py). */

/** The fal toolkit's ImageSize bound (`gt 0, le 14142`). */
export const MAX_IMAGE_DIMENSION = 14142;

const dimensionRange = inRange(true, { gt: 0, max: MAX_IMAGE_DIMENSION });
const dimension = () =>
  withFastCheck(
    int({ gt: 0, max: MAX_IMAGE_DIMENSION }).check(
      z.multipleOf(8, {
        error: (iss) => {
          const v = iss.input as number;
          const lo = Math.floor(v / 8) * 8;
          return `must be a multiple of 8 (nearest: ${lo > 0 ? `${lo} or ` : ""}${lo + 8})`;
        },
      }),
    ),
    (v) => dimensionRange(v) && (v as number) % 8 === 0,
  );

const imageSizeShape = {
  width: optional(dimension()),
  height: optional(dimension()),
};
export const imageSizeSchema = strictWithHints("a custom image size {width, height}", imageSizeShape);

/**
 * `A | B` where the JSON type of the input picks the branch. zod's union reports a bare
 * "invalid_union" whenever both branches abort (e.g. width 512.5), losing the field path; here
 * the chosen branch's own issues come through with their paths.
 */
function eitherByType<A extends z.ZodMiniType, B extends z.ZodMiniType>(
  isA: (v: unknown) => boolean,
  a: A,
  b: B,
  wrongType: (input: unknown) => string,
): z.ZodMiniType<z.output<A> | z.output<B>> {
  const fastA = fastCheckOf(a);
  const fastB = fastCheckOf(b);
  const schema = z
    .custom<z.output<A> | z.output<B>>(() => true)
    .check(
      z.superRefine((v: unknown, ctx) => {
        if (v === undefined) {
          ctx.addIssue({ code: "invalid_type", expected: "custom", message: "is required", input: v });
          return;
        }
        const r = (isA(v) ? a : b).safeParse(v);
        if (r.success) return;
        for (const iss of r.error.issues) {
          // A wrong JSON type for both branches gets one message naming both.
          const msg = iss.path.length === 0 && iss.code === "invalid_type" ? wrongType(v) : iss.message;
          ctx.addIssue({
            ...(iss as z.core.$ZodRawIssue),
            message: msg,
            path: [...iss.path],
            input: v,
          } as z.core.$ZodRawIssue);
        }
      }),
    );
  if (!fastA || !fastB) return schema;
  return withFastCheck(schema, (v) => v !== undefined && (isA(v) ? fastA(v) : fastB(v)));
}

const presetNames = new Set<unknown>(IMAGE_SIZE_PRESET_NAMES);
export const imageSizeValueSchema = eitherByType(
  (v) => typeof v === "string",
  withFastCheck(
    z.enum(IMAGE_SIZE_PRESET_NAMES as [ImageSizePreset, ...ImageSizePreset[]], {
      error: (iss) =>
        `must be one of ${IMAGE_SIZE_PRESET_NAMES.join(", ")} or {width, height}, got ${describe(iss.input)}`,
    }),
    (v) => presetNames.has(v),
  ),
  imageSizeSchema,
  (v) => `must be one of ${IMAGE_SIZE_PRESET_NAMES.join(", ")} or {width, height}, got ${describe(v)}`,
);

export const PREDICTION_TYPES = Object.freeze(["v_prediction", "epsilon"] as const);
export const IMAGE_FORMATS = Object.freeze(["jpeg", "png"] as const);
export const CUSTOM_SCHEDULE_METHODS = Object.freeze(["default", "array"] as const);

const enumOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const allowed = new Set<unknown>(values);
  return withFastCheck(
    z.enum(values as unknown as { -readonly [K in keyof T]: T[K] }, {
      error: (iss) =>
        iss.input === undefined
          ? "is required"
          : `must be one of ${values.map((v) => `"${v}"`).join(", ")}, got ${describe(iss.input)}`,
    }),
    (v) => allowed.has(v),
  );
};

const list = <T extends z.ZodMiniType>(item: T) => {
  const fast = fastCheckOf(item);
  const schema = z.array(item, { error: expect("a list") });
  if (!fast) return schema;
  return withFastCheck(schema, (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!fast(v[i])) return false;
    return true;
  });
};

const loraWeightShape = { path: modelRefSchema, scale: optional(num()) };
export const loraWeightSchema = strictWithHints("a LoRA {path, scale}", loraWeightShape, {
  force: '"force" belongs to another endpoint\'s LoraWeight; fal-ai/lora takes only path and scale',
});

const embeddingShape = {
  path: modelRefSchema,
  tokens: optional(list(str())),
};
export const embeddingSchema = strictWithHints("an embedding {path, tokens}", embeddingShape);

const controlNetShape = {
  path: modelRefSchema,
  image_url: imageUrlSchema,
  mask_url: optional(imageUrlSchema),
  config_url: optional(fileUrlSchema),
  variant: optional(str()),
  conditioning_scale: optional(num()),
  start_percentage: optional(num()),
  end_percentage: optional(num()),
  ip_adapter_index: optional(int()),
};
function controlNetOrder(c: { start_percentage?: unknown; end_percentage?: unknown }): RuleProblem[] {
  // fal compares with its defaults filled in, so a lone start of 1 already fails.
  const start = c.start_percentage === undefined ? 0 : c.start_percentage;
  const end = c.end_percentage === undefined ? 1 : c.end_percentage;
  if (isNum(start) && isNum(end) && !(start < end)) {
    const note =
      c.end_percentage === undefined
        ? " (end_percentage defaults to 1)"
        : c.start_percentage === undefined
          ? " (start_percentage defaults to 0)"
          : "";
    return [
      {
        path: ["start_percentage"],
        message: `start_percentage (${start}) must be less than end_percentage (${end})${note}`,
        input: start,
      },
    ];
  }
  return NO_PROBLEMS;
}
const NO_PROBLEMS: RuleProblem[] = [];

export const controlNetSchema = withRule(
  strictWithHints("a ControlNet", controlNetShape, {
    control_image_url: '"control_image_url" belongs to another endpoint\'s ControlNet; fal-ai/lora calls it image_url',
    mask_image_url: '"mask_image_url" belongs to another endpoint\'s ControlNet; fal-ai/lora calls it mask_url',
    mask_threshold: '"mask_threshold" belongs to another endpoint\'s ControlNet; fal-ai/lora has no such field',
  }),
  controlNetOrder,
  whenObject,
);

const ipAdapterShape = {
  ip_adapter_image_url: eitherByType(
    (v) => typeof v === "string",
    imageUrlSchema,
    list(imageUrlSchema),
    (v) => `must be an image URL or a list of them, got ${describe(v)}`,
  ),
  ip_adapter_mask_url: optional(imageUrlSchema),
  path: modelRefSchema,
  model_subfolder: optional(str()),
  weight_name: optional(str()),
  insight_face_model_path: optional(modelRefSchema),
  scale: optional(num()),
  scale_json: optional(z.record(z.string(), z.json(), { error: expect("an object of per-layer scales") })),
  unconditional_noising_factor: optional(num()),
  image_projection_shortcut: optional(bool()),
};
export const ipAdapterSchema = strictWithHints("an IP-Adapter", ipAdapterShape, {
  image_url: '"image_url" belongs to another endpoint\'s IPAdapter; fal-ai/lora calls it ip_adapter_image_url',
  subfolder: '"subfolder" belongs to another endpoint\'s IPAdapter; fal-ai/lora calls it model_subfolder',
  image_encoder_path: "image_encoder_path is a top-level field for fal-ai/lora, not part of an IP-Adapter",
});

const timestepsShape = {
  method: optional(enumOf(CUSTOM_SCHEDULE_METHODS)),
  array: optional(list(int())),
};
export const timestepsSchema = strictWithHints("a timesteps schedule {method, array}", timestepsShape);

const sigmasShape = {
  method: optional(enumOf(CUSTOM_SCHEDULE_METHODS)),
  array: optional(list(num())),
};
export const sigmasSchema = strictWithHints("a sigmas schedule {method, array}", sigmasShape);

export type ImageSize = z.output<typeof imageSizeSchema>;
export type ImageSizeValue = z.output<typeof imageSizeValueSchema>;
export type LoraWeight = z.output<typeof loraWeightSchema>;
export type EmbeddingInput = z.output<typeof embeddingSchema>;
export type ControlNetInput = z.output<typeof controlNetSchema>;
export type IPAdapterInput = z.output<typeof ipAdapterSchema>;
export type TimestepsInput = z.output<typeof timestepsSchema>;
export type SigmasInput = z.output<typeof sigmasSchema>;

// ---------------------------------------------------------------------------------------------
// Top-level input. Key order here is the canonical request order.
// ---------------------------------------------------------------------------------------------

const head = {
  model_name: modelRefSchema,
  prompt: str(),
  negative_prompt: optional(str()),
  prompt_weighting: optional(bool()),
};

const rest = {
  num_images: optional(int({ min: 1, max: 8 })),
  seed: optional(int()),
  num_inference_steps: optional(int({ min: 1, max: 150 })),
  guidance_scale: optional(num({ min: 0, max: 20 })),
  scheduler: optional(nullable(enumOf(SCHEDULERS as unknown as [Scheduler, ...Scheduler[]]))),
  clip_skip: optional(int({ min: 0, max: 2 })),
  loras: optional(list(loraWeightSchema)),
  embeddings: optional(
    withRule(list(embeddingSchema), (a: unknown[]): RuleProblem[] =>
      a.length > 1
        ? [{ path: [1], message: `only one embedding is supported by fal-ai/lora, got ${a.length}`, input: a[1] }]
        : NO_PROBLEMS,
    ),
  ),
  controlnets: optional(list(controlNetSchema)),
  controlnet_guess_mode: optional(bool()),
  ip_adapter: optional(list(ipAdapterSchema)),
  image_encoder_path: optional(modelRefSchema),
  image_encoder_subfolder: optional(str()),
  image_encoder_weight_name: optional(str()),
  unet_name: optional(modelRefSchema),
  variant: optional(str()),
  ic_light_model_url: optional(modelRefSchema),
  ic_light_model_background_image_url: optional(imageUrlSchema),
  ic_light_image_url: optional(imageUrlSchema),
  timesteps: optional(timestepsSchema),
  sigmas: optional(sigmasSchema),
  prediction_type: optional(enumOf(PREDICTION_TYPES)),
  rescale_betas_snr_zero: optional(bool()),
  eta: optional(num({ min: 0, max: 1 })),
  image_format: optional(enumOf(IMAGE_FORMATS)),
  enable_safety_checker: optional(bool()),
  tile_width: optional(int({ min: 128, max: 4096 })),
  tile_height: optional(int({ min: 128, max: 4096 })),
  tile_stride_width: optional(int({ min: 64, max: 2048 })),
  tile_stride_height: optional(int({ min: 64, max: 2048 })),
  debug_latents: optional(bool()),
  debug_per_pass_latents: optional(bool()),
};

const noiseStrength = optional(num());

const loraShape = { ...head, image_size: optional(imageSizeValueSchema), ...rest };
const imageToImageShape = { ...head, image_url: imageUrlSchema, noise_strength: noiseStrength, ...rest };
const inpaintShape = {
  ...head,
  image_url: imageUrlSchema,
  mask_url: imageUrlSchema,
  noise_strength: noiseStrength,
  ...rest,
};

const COMMON_HINTS = {
  strength: 'there is no "strength" field; use noise_strength (image-to-image and inpaint only)',
  model_architecture: "model_architecture is no longer part of the fal-ai/lora schema; remove it",
};
const IMG_ONLY = "fal-ai/lora/image-to-image and fal-ai/lora/inpaint";

type CrossInput = {
  timesteps?: { method?: unknown };
  sigmas?: { method?: unknown };
  image_encoder_path?: unknown;
  image_encoder_subfolder?: unknown;
  ip_adapter?: unknown;
};

/** Rules that span several fields; written defensively because they also run on partly bad input. */
function crossFieldRules(v: CrossInput): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (v.timesteps?.method === "array" && v.sigmas?.method === "array") {
    out.push({
      path: ["sigmas", "method"],
      message: 'timesteps and sigmas cannot both be custom (method "array"); choose one',
      input: "array",
    });
  }
  const hasEncoder = typeof v.image_encoder_path === "string" && v.image_encoder_path !== "";
  if (v.image_encoder_subfolder !== undefined && !hasEncoder) {
    out.push({
      path: ["image_encoder_subfolder"],
      message: "image_encoder_subfolder needs image_encoder_path to be set",
      input: v.image_encoder_subfolder,
    });
  }
  if (Array.isArray(v.ip_adapter) && !hasEncoder) {
    v.ip_adapter.forEach((a: unknown, i) => {
      const w = (a as { weight_name?: unknown } | null)?.weight_name;
      if (typeof w === "string" && /plus/i.test(w)) {
        out.push({
          path: ["ip_adapter", i, "weight_name"],
          message: `IP-Adapter "${w}" is a "plus" adapter and needs the top-level image_encoder_path (e.g. laion/CLIP-ViT-H-14-laion2B-s32B-b79K)`,
          input: w,
        });
      }
    });
  }
  return out;
}

export const loraInputSchema = withRule(
  strictWithHints("the fal-ai/lora request", loraShape, {
    ...COMMON_HINTS,
    image_url: `image_url is only accepted by ${IMG_ONLY}; switch the output to image-to-image`,
    mask_url: "mask_url is only accepted by fal-ai/lora/inpaint; switch the output to inpaint",
    noise_strength: `noise_strength is only accepted by ${IMG_ONLY}`,
  }),
  crossFieldRules,
  whenObject,
);

export const imageToImageInputSchema = withRule(
  strictWithHints("the fal-ai/lora/image-to-image request", imageToImageShape, {
    ...COMMON_HINTS,
    image_size: "image_size is not accepted by fal-ai/lora/image-to-image: the output size follows the input image",
    mask_url: "mask_url is only accepted by fal-ai/lora/inpaint; switch the output to inpaint",
  }),
  crossFieldRules,
  whenObject,
);

export const inpaintInputSchema = withRule(
  strictWithHints("the fal-ai/lora/inpaint request", inpaintShape, {
    ...COMMON_HINTS,
    image_size: "image_size is not accepted by fal-ai/lora/inpaint: the output size follows the input image",
  }),
  crossFieldRules,
  whenObject,
);

export type LoraInput = z.output<typeof loraInputSchema>;
export type ImageToImageInput = z.output<typeof imageToImageInputSchema>;
export type InpaintInput = z.output<typeof inpaintInputSchema>;
export type AnyLoraInput = LoraInput | ImageToImageInput | InpaintInput;

export interface EndpointInputs {
  "fal-ai/lora": LoraInput;
  "fal-ai/lora/image-to-image": ImageToImageInput;
  "fal-ai/lora/inpaint": InpaintInput;
}

const INPUT_SCHEMAS = {
  "fal-ai/lora": loraInputSchema,
  "fal-ai/lora/image-to-image": imageToImageInputSchema,
  "fal-ai/lora/inpaint": inpaintInputSchema,
} as const satisfies Record<Endpoint, z.ZodMiniType>;

export function inputSchemaFor<E extends Endpoint>(endpoint: E): (typeof INPUT_SCHEMAS)[E] {
  const s = INPUT_SCHEMAS[endpoint];
  if (!s) throw new Error(`unknown endpoint "${String(endpoint)}"; expected one of ${ENDPOINTS.join(", ")}`);
  return s;
}

const INPUT_KEYS: Record<Endpoint, readonly string[]> = {
  "fal-ai/lora": keysOf(loraShape),
  "fal-ai/lora/image-to-image": keysOf(imageToImageShape),
  "fal-ai/lora/inpaint": keysOf(inpaintShape),
};

/** Top-level keys an endpoint accepts, in canonical request order (model, prompt, images, sampling, ...). */
export function endpointInputKeys(endpoint: Endpoint): string[] {
  const keys = INPUT_KEYS[endpoint];
  if (!keys) throw new Error(`unknown endpoint "${String(endpoint)}"; expected one of ${ENDPOINTS.join(", ")}`);
  return [...keys];
}

/** Keys of each nested object, in canonical order. */
export const NESTED_INPUT_KEYS = /* @__PURE__ */ Object.freeze({
  image_size: keysOf(imageSizeShape),
  loras: keysOf(loraWeightShape),
  embeddings: keysOf(embeddingShape),
  controlnets: keysOf(controlNetShape),
  ip_adapter: keysOf(ipAdapterShape),
  timesteps: keysOf(timestepsShape),
  sigmas: keysOf(sigmasShape),
});

// ---------------------------------------------------------------------------------------------
// Defaults (documented, never injected by parsing)
// ---------------------------------------------------------------------------------------------

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object") {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

type TopLevel = LoraInput & ImageToImageInput & InpaintInput;

/**
 * What fal uses when a top-level field is omitted. `seed` (random) and `scheduler`
 * (the model's own) have no default and are absent. `image_size` applies to text-to-image only,
 * `noise_strength` to image-to-image and inpaint only.
 */
export const FAL_DEFAULTS = deepFreeze({
  negative_prompt: "",
  prompt_weighting: false,
  noise_strength: 0.5,
  image_size: "square_hd",
  num_images: 1,
  num_inference_steps: 30,
  guidance_scale: 7.5,
  clip_skip: 0,
  loras: [],
  embeddings: [],
  controlnets: [],
  controlnet_guess_mode: false,
  ip_adapter: [],
  image_encoder_weight_name: "pytorch_model.bin",
  timesteps: { method: "default", array: [] },
  sigmas: { method: "default", array: [] },
  prediction_type: "epsilon",
  rescale_betas_snr_zero: false,
  eta: 0,
  image_format: "png",
  enable_safety_checker: false,
  tile_width: 4096,
  tile_height: 4096,
  tile_stride_width: 2048,
  tile_stride_height: 2048,
  debug_latents: false,
  debug_per_pass_latents: false,
} as const satisfies Partial<TopLevel>);

/**
 * Defaults of fields inside nested objects, keyed by the top-level field holding them.
 * Embedding tokens come from fal's 2024 source only.
 */
export const FAL_NESTED_DEFAULTS = deepFreeze({
  image_size: { width: 512, height: 512 },
  loras: { scale: 1 },
  embeddings: { tokens: ["<s0>", "<s1>"] },
  controlnets: { conditioning_scale: 1, start_percentage: 0, end_percentage: 1 },
  ip_adapter: { scale: 1, unconditional_noising_factor: 0, image_projection_shortcut: true },
  timesteps: { method: "default", array: [] },
  sigmas: { method: "default", array: [] },
} as const satisfies {
  image_size: Partial<ImageSize>;
  loras: Partial<LoraWeight>;
  embeddings: Partial<EmbeddingInput>;
  controlnets: Partial<ControlNetInput>;
  ip_adapter: Partial<IPAdapterInput>;
  timesteps: Partial<TimestepsInput>;
  sigmas: Partial<SigmasInput>;
});

/** `FAL_DEFAULTS` restricted to the keys an endpoint accepts. */
export function falDefaultsFor(endpoint: Endpoint): Readonly<Record<string, unknown>> {
  const keys = new Set(endpointInputKeys(endpoint));
  return Object.freeze(Object.fromEntries(Object.entries(FAL_DEFAULTS).filter(([k]) => keys.has(k))));
}

// ---------------------------------------------------------------------------------------------
// Unconfirmed ranges (docs/fal-wire.md#unconfirmed-ranges): warnings, never errors
// ---------------------------------------------------------------------------------------------

export interface UnconfirmedRange {
  /** Path from the request root; "*" matches every index of a list. */
  path: readonly string[];
  min?: number;
  max?: number;
  source: string;
}

export const UNCONFIRMED_RANGES: readonly UnconfirmedRange[] = deepFreeze([
  { path: ["loras", "*", "scale"], min: 0, max: 1, source: "fal's 2024 source; other fal endpoints allow 0–4" },
  { path: ["controlnets", "*", "conditioning_scale"], min: 0, max: 2, source: "fal's 2024 source" },
  { path: ["controlnets", "*", "start_percentage"], min: 0, max: 1, source: "fal's 2024 source" },
  { path: ["controlnets", "*", "end_percentage"], min: 0, max: 1, source: "fal's 2024 source" },
  { path: ["ip_adapter", "*", "scale"], min: 0, source: "fal's 2024 source" },
  { path: ["ip_adapter", "*", "unconditional_noising_factor"], min: 0, max: 1, source: "fal's 2024 source" },
  { path: ["noise_strength"], min: 0, max: 1, source: "fal's 2024 source" },
]);

export interface SchemaWarning {
  path: (string | number)[];
  message: string;
}

function formatRange(r: UnconfirmedRange): string {
  if (r.min !== undefined && r.max !== undefined) return `${r.min}–${r.max}`;
  if (r.min !== undefined) return `at least ${r.min}`;
  return `at most ${r.max}`;
}

/** Values outside ranges fal may or may not enforce. Never throws, whatever `input` is. */
export function unconfirmedRangeWarnings(input: unknown): SchemaWarning[] {
  const out: SchemaWarning[] = [];
  // One path stack for the whole walk, copied only for a warning: a request holds thousands of
  // list items and almost never a value out of range.
  const path: (string | number)[] = [];
  for (const r of UNCONFIRMED_RANGES) {
    const walk = (v: unknown, i: number): void => {
      if (i === r.path.length) {
        if (!isNum(v)) return;
        if ((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max)) {
          out.push({
            path: path.slice(),
            message: `${v} is outside ${formatRange(r)} (range from ${r.source}; the current limit is not confirmed, fal may refuse it)`,
          });
        }
        return;
      }
      const seg = r.path[i];
      if (seg === "*") {
        if (!Array.isArray(v)) return;
        for (let j = 0; j < v.length; j++) {
          path.push(j);
          walk(v[j], i + 1);
          path.pop();
        }
      } else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, seg)) {
        path.push(seg);
        walk((v as Record<string, unknown>)[seg], i + 1);
        path.pop();
      }
    };
    walk(input, 0);
  }
  return out;
}

/** Rules other than ranges that only fal's 2024 source states; warned about, not enforced. */
export function unconfirmedRuleWarnings(input: unknown): SchemaWarning[] {
  const out: SchemaWarning[] = [];
  const cns = (input as { controlnets?: unknown } | null)?.controlnets;
  if (Array.isArray(cns)) {
    cns.forEach((c, i) => {
      const p = (c as { path?: unknown } | null)?.path;
      if (typeof p === "string" && /^http:/i.test(p)) {
        out.push({
          path: ["controlnets", i, "path"],
          message: "fal's 2024 source refuses http:// ControlNet paths; use https://",
        });
      }
    });
  }
  return out;
}

/** Everything only fal's 2024 source states (ranges and other rules); warned about, not enforced. */
export function unconfirmedWarnings(input: unknown): SchemaWarning[] {
  return [...unconfirmedRangeWarnings(input), ...unconfirmedRuleWarnings(input)];
}

// ---------------------------------------------------------------------------------------------
// Output. Lenient: fal may add fields or send nulls, and a display must not break on them.
// ---------------------------------------------------------------------------------------------

// The response's schemas: nothing in the editor reads a response through them (the tests and the
// docs do), so each is built by a call marked pure, which the editor's build leaves out.
const falFileFields = () => ({
  url: fileUrlSchema,
  content_type: z.nullish(z.string()),
  file_name: z.nullish(z.string()),
  file_size: z.nullish(int()),
  file_data: z.nullish(z.string()),
});
const falFile = () => z.object(falFileFields());
const falImage = () => z.object({ ...falFileFields(), width: z.nullish(int()), height: z.nullish(int()) });
const loraOutput = () =>
  z.object({
    images: list(falImage()),
    seed: int(),
    has_nsfw_concepts: list(bool()),
    debug_latents: z.nullish(falFile()),
    debug_per_pass_latents: z.nullish(falFile()),
  });

export const falFileSchema = /* @__PURE__ */ falFile();
export const falImageSchema = /* @__PURE__ */ falImage();
export const loraOutputSchema = /* @__PURE__ */ loraOutput();

export type FalFile = z.output<typeof falFileSchema>;
export type FalImage = z.output<typeof falImageSchema>;
export type LoraOutput = z.output<typeof loraOutputSchema>;

// ---------------------------------------------------------------------------------------------
// Issues → paths and fal-style 422 detail
// ---------------------------------------------------------------------------------------------

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

/**
 * The issues of a ZodError with one entry per unknown key (zod groups them in one issue at the
 * object's path), so every problem points at the field it is about.
 */
export function schemaIssues(error: { readonly issues: readonly z.core.$ZodIssue[] }): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  for (const iss of error.issues) {
    const path = iss.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys) out.push({ path: [...path, key], message: `unknown field "${key}"`, code: iss.code });
    } else {
      out.push({ path, message: iss.message, code: iss.code });
    }
  }
  return out;
}

const PYDANTIC_TYPE: Record<string, string> = {
  number: "float_type",
  int: "int_type",
  string: "string_type",
  boolean: "bool_type",
  array: "list_type",
  object: "dict_type",
  record: "dict_type",
  // The hint keys (image_size on image-to-image, ...) only accept undefined.
  undefined: "extra_forbidden",
};

/**
 * Pydantic v2 error types, which is what fal's FastAPI validation reports. Zod drops the input
 * from final issues, so "missing" is recognised by the message every leaf schema here uses.
 */
function falType(iss: z.core.$ZodIssue): string {
  switch (iss.code) {
    case "unrecognized_keys":
      return "extra_forbidden";
    case "invalid_type":
      if (iss.message === "is required") return "missing";
      return PYDANTIC_TYPE[iss.expected] ?? `${iss.expected}_type`;
    case "too_small":
      return iss.inclusive === false ? "greater_than" : "greater_than_equal";
    case "too_big":
      return iss.inclusive === false ? "less_than" : "less_than_equal";
    case "not_multiple_of":
      return "multiple_of";
    case "invalid_value":
      return "enum";
    default:
      return "value_error";
  }
}

/** fal's 422 `detail` array for a failed request parse: `loc` starts with "body". */
export function toFalValidationDetail(error: {
  readonly issues: readonly z.core.$ZodIssue[];
}): { loc: (string | number)[]; msg: string; type: string }[] {
  const out: { loc: (string | number)[]; msg: string; type: string }[] = [];
  for (const iss of error.issues) {
    const type = falType(iss);
    for (const s of schemaIssues({ issues: [iss] })) out.push({ loc: ["body", ...s.path], msg: s.message, type });
  }
  return out;
}
