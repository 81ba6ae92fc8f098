import { z } from "./zodMini";
import { withFastCheck } from "./fastCheck";
import { MAX_REQUEST_BYTES, checkFileUrl, checkModelRef, describeValue } from "./urls";
import type { RequestPath } from "./request";

/** Closed set of editor widgets; the editor maps each with `satisfies Record<WidgetKind, …>`. */
export const WIDGET_KINDS = [
  "text",
  "textarea",
  "number",
  "slider",
  "select",
  "toggle",
  "image",
  "seed",
  "imageSize",
  "intList",
  "floatList",
  "stringList",
  "keyValue",
] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

/**
 * One editable parameter: its zod schema plus the hints the editor needs.
 * `schema` validates a value that is present; an absent value means "omit the field"
 * and is allowed unless `required` is set.
 */
export interface ParamSpec<T = unknown> {
  schema: z.ZodMiniType<T>;
  default?: T;
  required?: boolean;
  label: string;
  /** One line, shown under the field and in the inspector. */
  description: string;
  widget: WidgetKind;
  min?: number;
  max?: number;
  step?: number;
  options?: readonly string[];
  /** Folded away in the node body; always shown in the inspector. */
  advanced?: boolean;
  /**
   * The request field this param is sent as: `"guidance_scale"`, or `"loras[].scale"` for a field
   * of the list item the node appends. Its last part is the param's own key (the naming rule,
   * checked at registration). Left out for params that are never sent under their own name.
   */
  request?: RequestPath;
  placeholder?: string;
  /**
   * A range fal is believed to enforce but which is not confirmed
   * (docs/fal-wire.md#unconfirmed-ranges). Values outside it get a warning, never an error, so
   * a value fal accepts is never blocked.
   */
  unconfirmedRange?: { min?: number; max?: number; source: string };
  /**
   * A multi-line text param whose words are read with Compel's weights, e.g. `(castle)1.3`, while the on/off
   * param of the same node named here is on: the editor then draws each phrase's weight.
   */
  weightedBy?: string;
  /**
   * The param does nothing while the node's input `input` is wired (`wired: true`) or not
   * (`wired: false`): the node hides it and the inspector dims it with `hint`. Only for what the
   * node's contribute really drops.
   */
  ignoredWhen?: { input: string; wired: boolean; hint: string };
  /**
   * The model family this param decides or must fit (src/graph/families.ts): `"base"` on the
   * checkpoint a pipeline starts from, `"match"` on a LoRA or embedding file, whose family the
   * compiler compares with the base model's once the node holds its file's facts (`fileInfo`).
   */
  family?: "base" | "match";
  /**
   * A file of this kind dropped on the canvas becomes a node of this type holding the file's
   * uploaded URL in this param (the first such type in palette order), or fills this param on a
   * selected node of the type.
   */
  takesFile?: FileKind;
}

/** Kinds of dropped files a param can take: a LoRA's .safetensors, an embedding's, an image. */
export const FILE_KINDS = ["lora-file", "embedding-file", "image-file"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export type ParamSpecs = Record<string, ParamSpec<any>>;
export type ParamValues<P extends ParamSpecs> = {
  [K in keyof P]: P[K] extends ParamSpec<infer T> ? T | undefined : never;
};

type Common = Pick<
  ParamSpec,
  "label" | "description" | "advanced" | "required" | "placeholder" | "request" | "ignoredWhen" | "family" | "takesFile"
>;

/** "must be a number, got text "abc"" instead of zod's generic wording: users read these on fields. */
const expected =
  (what: string) =>
  (iss: { input?: unknown; code?: string }): string | undefined =>
    iss.code === "invalid_type" ? `must be ${what}, got ${describeValue(iss.input)}` : undefined;

const finite = z.number({ error: expected("a number") }).check(z.refine(Number.isFinite, "must be a finite number"));

/** Range refinements of a number param, in the order their messages take precedence. */
function bounds(min: number | undefined, max: number | undefined) {
  const out = [];
  if (min !== undefined) out.push(z.refine<number>((v) => v >= min, `must be at least ${min}`));
  if (max !== undefined) out.push(z.refine<number>((v) => v <= max, `must be at most ${max}`));
  return out;
}

/** The fast check of a number param (see fastCheck.ts): the same bounds as its refinements. */
function inRange(whole: boolean, min: number | undefined, max: number | undefined) {
  return (v: unknown): boolean =>
    typeof v === "number" &&
    (whole ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
    (min === undefined || v >= min) &&
    (max === undefined || v <= max);
}
const isString = (v: unknown): boolean => typeof v === "string";
const isBoolean = (v: unknown): boolean => typeof v === "boolean";

type NumberOptions = Common & { default?: number; min?: number; max?: number; step?: number; slider?: boolean };

/** Builders that keep schema and UI hints in one place. */
export const param = {
  float(o: NumberOptions & { unconfirmedRange?: ParamSpec["unconfirmedRange"] }): ParamSpec<number> {
    const s = finite.check(...bounds(o.min, o.max));
    return {
      ...o,
      schema: withFastCheck(s, inRange(false, o.min, o.max)),
      widget: o.slider === false ? "number" : "slider",
      step: o.step ?? 0.05,
    };
  },
  int(o: NumberOptions & { widget?: "number" | "slider" | "seed" }): ParamSpec<number> {
    const s = z
      .number({ error: expected("a whole number") })
      .check(
        z.int("must be a whole number"),
        z.refine(Number.isSafeInteger, "must be a safe integer"),
        ...bounds(o.min, o.max),
      );
    const widget = o.widget ?? (o.slider && o.min !== undefined && o.max !== undefined ? "slider" : "number");
    return { ...o, schema: withFastCheck(s, inRange(true, o.min, o.max)), widget, step: o.step ?? 1 };
  },
  string(
    o: Common & { default?: string; multiline?: boolean; schema?: z.ZodMiniType<string>; weightedBy?: string },
  ): ParamSpec<string> {
    // A caller's own schema gets no fast check: only zod knows what it allows.
    return {
      ...o,
      schema: o.schema ?? withFastCheck(z.string({ error: expected("text") }), isString),
      widget: o.multiline ? "textarea" : "text",
    };
  },
  bool(o: Common & { default?: boolean }): ParamSpec<boolean> {
    return {
      ...o,
      schema: withFastCheck(z.boolean({ error: expected("on or off (true/false)") }), isBoolean),
      widget: "toggle",
    };
  },
  enum<const T extends readonly [string, ...string[]]>(
    options: T,
    o: Common & { default?: T[number] },
  ): ParamSpec<T[number]> {
    const allowed = new Set<unknown>(options);
    return {
      ...o,
      schema: withFastCheck(z.enum(options) as unknown as z.ZodMiniType<T[number]>, (v) => allowed.has(v)),
      widget: "select",
      options,
    };
  },
  /** An image or file: https URL or data: URI. */
  fileUrl(o: Common & { default?: string; widget?: "image" | "text"; anyType?: boolean }): ParamSpec<string> {
    const options = { imageOnly: !o.anyType, maxDataUriLength: MAX_REQUEST_BYTES };
    const schema = z.string({ error: expected("a URL") }).check(
      z.superRefine((v, ctx) => {
        // A data URI bigger than a whole request can never be sent; say so on the field itself.
        const why = checkFileUrl(v, options);
        if (why) ctx.addIssue({ code: "custom", message: why });
      }),
    );
    return {
      ...o,
      schema: withFastCheck(schema, (v) => typeof v === "string" && checkFileUrl(v, options) === null),
      widget: o.widget ?? "image",
    };
  },
  /** A model: Hugging Face id or URL. */
  modelRef(o: Common & { default?: string }): ParamSpec<string> {
    const schema = z.string({ error: expected("a Hugging Face id or URL") }).check(
      z.superRefine((v, ctx) => {
        const why = checkModelRef(v);
        if (why) ctx.addIssue({ code: "custom", message: why });
      }),
    );
    return {
      ...o,
      schema: withFastCheck(schema, (v) => typeof v === "string" && checkModelRef(v) === null),
      widget: "text",
    };
  },
  custom<T>(schema: z.ZodMiniType<T>, widget: WidgetKind, o: Common & { default?: T }): ParamSpec<T> {
    return { ...o, schema, widget };
  },
};
