/**
 * The fast checks (src/graph/fastCheck.ts) stand in for zod on the compiler's hot path, so each
 * must never accept a value its schema refuses. Node params: fast and zod agree exactly. Request
 * schemas: whatever the fast check accepts, zod accepts, on valid requests mutated at random
 * (boundary numbers, wrong types, unknown keys, broken URLs, cross-field conflicts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import {
  compile,
  controlNetSchema,
  embeddingSchema,
  ENDPOINTS,
  endpointInputKeys,
  imageSizeSchema,
  inputSchemaFor,
  ipAdapterSchema,
  loraWeightSchema,
  NESTED_INPUT_KEYS,
  sigmasSchema,
  timestepsSchema,
  type Endpoint,
} from "../../src/compiler";
import type { z } from "zod";
import { fastCheckOf, type ParamSpec } from "../../src/graph";
import { generatePipeline } from "../bench/compile";

/** Every bound in the request schema, and values just inside and outside it. */
const BOUNDS = [0, 1, 2, 8, 20, 64, 128, 150, 512, 2048, 4096, 14142];
const NUMBERS = [
  ...BOUNDS.flatMap((b) => [b, -b, b - 1, b + 1, b - 0.5, b + 0.5, b - 1e-9, b + 1e-9, b + 8, b - 8]),
  0.05,
  7.5,
  30,
  14136,
  14144,
  1e21,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER,
  NaN,
  Infinity,
  -Infinity,
  Number.MIN_VALUE,
];
const STRINGS = [
  "",
  " ",
  "square_hd",
  "landscape_16_9",
  "nope",
  "Euler",
  "DPM++ 2M Karras",
  "png",
  "jpeg",
  "gif",
  "epsilon",
  "v_prediction",
  "default",
  "array",
  "ip-adapter-plus_sdxl_vit-h.safetensors",
  "ip-adapter_sdxl.safetensors",
  "owner/model",
  "owner//model",
  "../model",
  "https://example.com/a.png",
  "http://example.com/a.png",
  "https://example.com/w.safetensors",
  "HTTPS://EXAMPLE.COM/A.PNG",
  "data:image/png;base64,iVBORw0KGgo=",
  "data:image/png;base64,!!",
  "data:text/plain,hi",
  "data:,",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "C:\\x.png",
  "/abs/path",
  "~/x",
  "a b",
  "https://user:pw@x.com/a",
  "https://ｅxample.com/a.png",
  "\u202ehttps://example.com/x.png",
  "https://",
  "https:/example.com",
  "<s0>",
  "__proto__",
];
const OTHERS: unknown[] = [
  true,
  false,
  null,
  undefined,
  [],
  {},
  [[]],
  [null],
  [1, 2],
  [1.5],
  ["<s0>"],
  ["<s0>", 1],
  ["https://example.com/a.png"],
  ["javascript:x"],
  { width: 512, height: 512 },
  { width: 513 },
  { width: 0 },
  { height: 14144 },
  { width: 512, depth: 1 },
  { method: "array", array: [999, 500, 1] },
  { method: "array", array: [1.5] },
  { method: "nope" },
  { array: [NaN] },
  { up: { block_0: [0, 1, 0] } },
  { a: 1 },
];
const POOL: unknown[] = [...NUMBERS, ...STRINGS, ...OTHERS];

describe("node params: the fast check agrees with the param's zod schema", () => {
  const specs: [string, ParamSpec][] = [];
  for (const def of registry.list()) {
    for (const [key, spec] of Object.entries(def.params)) specs.push([`${def.type}.${key}`, spec]);
  }
  const withFast = specs.filter(([, spec]) => fastCheckOf(spec.schema));

  it("covers the params of the hot node types", () => {
    // If these lose their fast check, compiling falls back to zod: still correct, but slow.
    for (const name of [
      "lora.path",
      "lora.scale",
      "controlnet.path",
      "controlnet.conditioning_scale",
      "ip_adapter.path",
      "image.url",
    ]) {
      expect(
        withFast.map(([n]) => n),
        name,
      ).toContain(name);
    }
  });

  for (const [name, spec] of withFast) {
    it(name, () => {
      const fast = fastCheckOf(spec.schema)!;
      const near = [spec.min, spec.max]
        .filter((x): x is number => x !== undefined)
        .flatMap((x) => [x, x - 1, x + 1, x - 1e-9, x + 1e-9]);
      const value = fc.oneof(
        fc.constantFrom(...POOL, ...near, ...(spec.options ?? []), spec.default),
        fc.double(),
        fc.integer(),
        fc.string({ maxLength: 8 }),
        fc.webUrl(),
        fc.anything({ maxDepth: 1 }),
      );
      fc.assert(
        fc.property(value, (v) => {
          const r = spec.schema.safeParse(v);
          expect(fast(v)).toBe(r.success);
          if (r.success) expect(Object.is(r.data, v)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }
});

/** Valid compiled requests of every endpoint: the examples plus a small bench pipeline. */
function baseRequests(): Record<string, unknown>[] {
  const docs = [...examples.map((e) => e.document), generatePipeline(100)];
  const out: Record<string, unknown>[] = [];
  for (const doc of docs) for (const o of compile(doc, registry).outputs) if (o.ok) out.push(o.input!);
  return out;
}

const HINT_KEYS = [
  "strength",
  "model_architecture",
  "image_url",
  "mask_url",
  "noise_strength",
  "image_size",
  "force",
  "control_image_url",
  "mask_image_url",
  "mask_threshold",
  "subfolder",
  "image_encoder_path",
];
const TOP_KEYS = [...new Set([...ENDPOINTS.flatMap((e) => endpointInputKeys(e)), ...HINT_KEYS, "junk", "__proto__"])];
const NESTED = NESTED_INPUT_KEYS as Record<string, readonly string[]>;

type Mutation = {
  where: "top" | "present" | "nested" | "push" | "delete";
  key: number;
  sub: number;
  item: number;
  value: unknown;
};

function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty so "__proto__" becomes an own key, as JSON.parse would make it.
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
}

function mutate(base: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  const req = structuredClone(base);
  for (const m of mutations) {
    const present = Object.keys(req);
    const key = m.where === "present" ? present[m.key % present.length] : TOP_KEYS[m.key % TOP_KEYS.length];
    if (m.where === "top" || m.where === "present") setKey(req, key, m.value);
    else if (m.where === "delete") delete req[key];
    else {
      const containers = Object.keys(NESTED).filter(
        (k) => req[k] !== undefined && typeof req[k] === "object" && req[k] !== null,
      );
      if (containers.length === 0) continue;
      const list = containers[m.key % containers.length];
      const holder = req[list];
      const items = Array.isArray(holder) ? holder : [holder];
      if (items.length === 0) continue;
      const item = items[m.item % items.length];
      if (m.where === "push" && Array.isArray(holder)) holder.push(structuredClone(item));
      else if (item && typeof item === "object" && !Array.isArray(item)) {
        const subs = [...NESTED[list], ...HINT_KEYS, "junk"];
        setKey(item as Record<string, unknown>, subs[m.sub % subs.length], m.value);
      }
    }
  }
  return req;
}

describe("request schemas: the fast check never accepts what zod refuses", () => {
  const bases = baseRequests();

  // Every field of every request object, each on its own, so a loose bound or type test in one
  // field's fast check is found directly rather than by luck inside a whole request.
  const objects: [string, z.ZodObject][] = [
    ...ENDPOINTS.map((e): [string, z.ZodObject] => [e, inputSchemaFor(e) as unknown as z.ZodObject]),
    ["loras[]", loraWeightSchema as unknown as z.ZodObject],
    ["embeddings[]", embeddingSchema as unknown as z.ZodObject],
    ["controlnets[]", controlNetSchema as unknown as z.ZodObject],
    ["ip_adapter[]", ipAdapterSchema as unknown as z.ZodObject],
    ["image_size", imageSizeSchema as unknown as z.ZodObject],
    ["timesteps", timestepsSchema as unknown as z.ZodObject],
    ["sigmas", sigmasSchema as unknown as z.ZodObject],
  ];
  const fieldValue = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...POOL) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...POOL), fc.double()), { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.constantFrom("width", "height", "method", "array", "x"), fc.constantFrom(...POOL), {
        maxKeys: 3,
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  for (const [what, object] of objects) {
    it(`${what}: each field`, () => {
      let accepted = 0;
      for (const [key, field] of Object.entries(object.shape as Record<string, z.ZodType>)) {
        const fast = fastCheckOf(field);
        if (!fast) continue;
        fc.assert(
          fc.property(fieldValue, (v) => {
            if (!fast(v)) return;
            accepted++;
            const r = field.safeParse(v);
            expect(r.success, `${what}.${key} = ${JSON.stringify(v)}`).toBe(true);
          }),
          { numRuns: 400 },
        );
      }
      expect(accepted).toBeGreaterThan(0);
    });
  }

  it("valid requests of all three endpoints take the fast path", () => {
    const seen = new Set<Endpoint>();
    for (const doc of [...examples.map((e) => e.document), generatePipeline(1_000)]) {
      for (const o of compile(doc, registry).outputs) {
        expect(o.ok).toBe(true);
        expect(fastCheckOf(inputSchemaFor(o.endpoint))?.(o.input), o.endpoint).toBe(true);
        seen.add(o.endpoint);
      }
    }
    expect([...seen].sort()).toEqual([...ENDPOINTS].sort());
  });

  it("mutated requests: fast accepts ⇒ zod accepts, for every endpoint's schema", () => {
    const mutation = fc.record({
      where: fc.constantFrom(
        "top",
        "present",
        "present",
        "nested",
        "nested",
        "nested",
        "push",
        "delete",
      ) as fc.Arbitrary<Mutation["where"]>,
      key: fc.nat(),
      sub: fc.nat(),
      item: fc.nat(),
      value: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...NUMBERS) },
        { weight: 4, arbitrary: fc.constantFrom(...STRINGS, ...OTHERS) },
        { weight: 1, arbitrary: fc.double() },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      ),
    });
    let fastAccepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: bases.length - 1 }),
        fc.array(mutation, { minLength: 0, maxLength: 3 }),
        (b, mutations) => {
          const req = mutate(bases[b], mutations);
          for (const endpoint of ENDPOINTS) {
            const schema = inputSchemaFor(endpoint);
            const parsed = schema.safeParse(req);
            if (fastCheckOf(schema)!(req)) {
              fastAccepted++;
              expect(
                parsed.success,
                parsed.success ? "" : `${endpoint}: ${JSON.stringify(parsed.error.issues.slice(0, 2))}`,
              ).toBe(true);
            } else if (!parsed.success) refused++;
          }
        },
      ),
      { numRuns: 3000 },
    );
    // Both sides of the implication were exercised, so the property is not vacuous.
    expect(fastAccepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(1000);
  });
});
