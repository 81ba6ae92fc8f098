/**
 * Property tests for the compiler's contract (docs/reliability-cases.md#cases):
 * CMP-01 — invalid graphs never throw; CMP-03 — accepted graphs compile to JSON that passes fal's
 * request schema, deterministically, without touching the (frozen) input.
 * Plus: hostile workflow documents never throw and never pollute prototypes.
 */
// Must come before @fast-check/poisoning, which snapshots the globals when first imported.
import "../graph/workflowFilePoisoningBaseline";
import { assertNoPoisoning, restoreGlobals } from "@fast-check/poisoning";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { compile, createCompiler, inputSchemaFor, type CompileResult } from "../../src/compiler";
import { edgeId, fastCheckOf, type NodeDefinition, type ParamSpec, type WorkflowDocument } from "../../src/graph";
import { loadWorkflow } from "../../src/graph/workflowFile";

const defs = registry.list();

/** Values no param should accept, or that stress number handling. */
const HOSTILE: unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  Number("1e309"), // overflows to Infinity, as a parsed file would
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_VALUE,
  "",
  " ",
  "1",
  "NaN",
  "7.5",
  null,
  true,
  [],
  {},
  [NaN],
  { method: "array", array: [NaN, "x"] },
  { width: -8, height: 1e9 },
  "javascript:alert(1)",
  "file:///etc/passwd",
  "data:text/html,<script>x</script>",
  "https://user:pw@evil.example/x.png",
  "\u202ehttps://example.com/x.png",
  "__proto__",
  "constructor",
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
];

/** Plausible values, filtered per param by its own schema so most graphs can compile. */
const CANDIDATES: unknown[] = [
  0,
  0.1,
  0.5,
  0.8,
  1,
  1.5,
  2,
  4,
  7.5,
  20,
  25,
  30,
  64,
  128,
  512,
  768,
  1024,
  2048,
  4096,
  true,
  false,
  "stabilityai/stable-diffusion-xl-base-1.0",
  "owner/model",
  "https://example.com/weights.safetensors",
  "https://example.com/a.png",
  "data:image/png;base64,iVBORw0KGgo=",
  "a castle <s0>",
  "blurry",
  "fp16",
  "sdxl_models",
  "ip-adapter_sdxl.safetensors",
  "ip-adapter-plus_sdxl_vit-h.safetensors",
  "square_hd",
  "portrait_4_3",
  { width: 512, height: 768 },
  { width: 1024 },
  "png",
  "jpeg",
  "Euler",
  "DPM++ 2M Karras",
  "LCM",
  "epsilon",
  "v_prediction",
  ["<s0>"],
  ["<s0>", "<s1>"],
  { method: "array", array: [999, 500, 1] },
  { method: "default", array: [] },
  { method: "array", array: [14.6, 1, 0.03] },
  { up: { block_0: [0, 1, 0] } },
];

function paramArb(spec: ParamSpec, hostileWeight: number): fc.Arbitrary<unknown> {
  const valid = [spec.default, ...(spec.options ?? []), spec.min, spec.max, ...CANDIDATES].filter(
    (v) => v !== undefined && spec.schema.safeParse(v).success,
  );
  return fc.oneof(
    { weight: 6, arbitrary: valid.length ? fc.constantFrom(...valid) : fc.constant(undefined) },
    // Leaving out a required param is a separate, always-invalid case; chaosGraph covers it via hostile nulls.
    { weight: spec.required ? 0 : 1, arbitrary: fc.constant(undefined) },
    {
      weight: hostileWeight,
      arbitrary: fc.oneof(fc.constantFrom(...HOSTILE), fc.double(), fc.integer(), fc.string({ maxLength: 12 })),
    },
  );
}

function paramsArb(def: NodeDefinition | undefined, hostileWeight: number): fc.Arbitrary<Record<string, unknown>> {
  if (!def)
    return fc.dictionary(fc.constantFrom("url", "path", "__proto__", "constructor", "x"), fc.constantFrom(...HOSTILE), {
      maxKeys: 3,
    });
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, spec] of Object.entries(def.params)) shape[key] = paramArb(spec, hostileWeight);
  return fc.record(shape).map((p) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
    return out;
  });
}

const TYPES = [...defs.map((d) => d.type), "upscaler", "__proto__", "constructor", "toString"];

/**
 * Random graphs from the catalogue: random node types and params (hostile values included),
 * random wires between random ports, including invalid ones, self-links, cycles, duplicates and
 * dangling ends. Sampler-heavy so outputs exist.
 */
const chaosGraph = fc
  .array(
    fc.record({
      type: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...defs.map((d) => d.type)) },
        { weight: 3, arbitrary: fc.constant("sampler") },
        { weight: 1, arbitrary: fc.constantFrom(...TYPES) },
      ),
      id: fc.option(fc.constantFrom("a", "__proto__", "constructor", "hasOwnProperty", "x\u0000y"), { freq: 8 }),
      bypass: fc.nat({ max: 9 }).map((n) => n < 2),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .chain((skeleton) =>
    fc
      .tuple(
        fc.tuple(...skeleton.map((s) => paramsArb(registry.get(s.type), 2))),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.boolean()), { maxLength: skeleton.length * 3 }),
      )
      .map(([params, wires]): WorkflowDocument => {
        const nodes = skeleton.map((s, i) => ({
          id: s.id ?? `n${i}`,
          type: s.type,
          typeVersion: registry.get(s.type)?.version ?? 1,
          position: { x: i * 10, y: 0 },
          params: params[i],
          ...(s.bypass ? { bypass: true } : {}),
        }));
        const edges = wires.map(([si, ti, sp, tp, junk]) => {
          const s = nodes[si % nodes.length];
          const t = nodes[ti % nodes.length];
          const outs = registry.get(s.type)?.outputs ?? [];
          const ins = registry.get(t.type)?.inputs ?? [];
          const sh =
            junk || outs.length === 0 ? ["model", "image", "nope", "__proto__"][sp % 4] : outs[sp % outs.length].id;
          const th =
            junk || ins.length === 0
              ? ["model", "conditioning", "nope", "constructor"][tp % 4]
              : ins[tp % ins.length].id;
          return { id: edgeId(s.id, sh, t.id, th), source: s.id, sourceHandle: sh, target: t.id, targetHandle: th };
        });
        return { format: "lora-graph/workflow", version: 4, meta: {}, nodes, edges };
      }),
  );

/**
 * Pipelines shaped like real ones (a base model, a chain of model nodes, a chain of ControlNets,
 * optional scheduler and images), with mostly valid params, so many of them compile and the
 * output contract is exercised, not just the error paths.
 */
const MODEL_CHAIN = ["lora", "lora", "embedding", "ip_adapter", "ic_light"] as const;
const plausibleGraph = fc
  .record({
    chain: fc.array(fc.constantFrom(...MODEL_CHAIN), { maxLength: 5 }),
    controlnets: fc.nat({ max: 2 }),
    scheduler: fc.boolean(),
    encoder: fc.constantFrom("none", "ip", "sampler"),
    init: fc.constantFrom("none", "none", "init", "init", "init+mask", "init+mask", "mask"),
    bypass: fc.array(
      fc.nat({ max: 9 }).map((n) => n < 2),
      { minLength: 12, maxLength: 12 },
    ),
    hostile: fc.constantFrom(0, 0, 0, 1),
  })
  .chain((shape) => {
    const types = [
      "base_model",
      "prompt",
      "sampler",
      ...shape.chain,
      ...Array.from({ length: shape.controlnets }, () => "controlnet"),
      "image",
      "image",
      "image_encoder",
      "scheduler",
    ];
    return fc.tuple(
      fc.constant(shape),
      fc.tuple(...types.map((t) => paramsArb(registry.get(t), shape.hostile))),
      fc.constant(types),
    );
  })
  .map(([shape, params, types]): WorkflowDocument => {
    const nodes = types.map((type, i) => ({
      id: `${type}-${i}`,
      type,
      typeVersion: registry.getOrThrow(type).version,
      position: { x: i * 10, y: 0 },
      params: params[i],
      // Only model-chain nodes and ControlNets get bypassed; chaosGraph bypasses anything.
      ...(i > 2 && (MODEL_CHAIN as readonly string[]).concat("controlnet").includes(type) && shape.bypass[i % 12]
        ? { bypass: true }
        : {}),
    }));
    const id = (type: string, nth = 0) => nodes.filter((n) => n.type === type)[nth]?.id;
    const edges: WorkflowDocument["edges"] = [];
    const wire = (s: string, sh: string, t: string, th: string) =>
      edges.push({ id: edgeId(s, sh, t, th), source: s, sourceHandle: sh, target: t, targetHandle: th });
    const img = id("image", 0);
    const img2 = id("image", 1);
    let model = id("base_model")!;
    for (const n of nodes.slice(3, 3 + shape.chain.length)) {
      wire(model, "model", n.id, "model");
      if (n.type === "ip_adapter") {
        wire(img, "image", n.id, "image");
        if (shape.encoder === "ip") wire(id("image_encoder")!, "image_encoder", n.id, "image_encoder");
      }
      if (n.type === "ic_light") wire(img, "image", n.id, "image");
      model = n.id;
    }
    let cond = id("prompt")!;
    for (const n of nodes.filter((x) => x.type === "controlnet")) {
      wire(cond, "conditioning", n.id, "conditioning");
      wire(img2, "image", n.id, "image");
      cond = n.id;
    }
    const sampler = id("sampler")!;
    wire(model, "model", sampler, "model");
    wire(cond, "conditioning", sampler, "conditioning");
    if (shape.scheduler) wire(id("scheduler")!, "scheduler", sampler, "scheduler");
    if (shape.encoder === "sampler") wire(id("image_encoder")!, "image_encoder", sampler, "image_encoder");
    if (shape.init.startsWith("init")) wire(img, "image", sampler, "init_image");
    if (shape.init.endsWith("mask")) wire(img2, "image", sampler, "mask");
    return { format: "lora-graph/workflow", version: 4, meta: {}, nodes, edges };
  });

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Reflect.ownKeys(v)) deepFreeze((v as Record<PropertyKey, unknown>)[k]);
  }
  return v;
}

/** JSON that survives a round trip unchanged: no NaN, Infinity, undefined, functions or class instances. */
function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === "object")
    return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isPlainJson);
  return false;
}

/** Ok outputs the compiler accepted through the fast checks (src/graph/fastCheck.ts). */
let fastPathOutputs = 0;

const stable = (r: CompileResult) => JSON.stringify(r, (_k, v) => (v instanceof Set ? [...v] : v));

function checkContract(doc: WorkflowDocument): void {
  const before = structuredClone(doc);
  const frozen = deepFreeze(structuredClone(doc));
  const compiler = createCompiler();
  const first = compiler.compile(frozen, registry); // a write into the frozen input throws here
  expect(frozen).toEqual(before);
  // Byte-identical for the same input, for a copy of it, and across repeated calls (the second
  // call of the same compiler reuses its remembered node checks).
  const again = stable(first);
  expect(stable(compile(structuredClone(doc), registry))).toBe(again);
  expect(stable(compiler.compile(frozen, registry))).toBe(again);
  for (const o of first.outputs) {
    if (!o.ok) {
      expect(o.input).toBeUndefined();
      expect(
        o.diagnostics.some((d) => d.severity === "error") || first.diagnostics.some((d) => d.severity === "error"),
      ).toBe(true);
      continue;
    }
    expect(isPlainJson(o.input)).toBe(true);
    // The full zod schema, not the compiler's own check (which tries the fast checks first).
    const parsed = inputSchemaFor(o.endpoint).safeParse(o.input);
    if (fastCheckOf(inputSchemaFor(o.endpoint))?.(o.input)) fastPathOutputs++;
    expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues)).toBe(true);
  }
  for (const d of first.diagnostics) expect(typeof d.message === "string" && d.message.length > 0).toBe(true);
}

// vitest keeps its own state on globalThis; that is not the code under test.
const VITEST_GLOBALS = { ignoredRootRegex: /^__vitest|^__VITEST|^_/ };

afterEach(() => {
  // Leave the globals clean for the next test even if one of these failed.
  restoreGlobals(VITEST_GLOBALS);
});

describe("compiler properties", () => {
  it("CMP-01: random graphs from the catalogue (hostile params, bad wires, cycles, duplicates) never throw", () => {
    fc.assert(
      fc.property(chaosGraph, (doc) => {
        checkContract(doc);
      }),
      { numRuns: 150 },
    );
  });

  it("CMP-03: plausible pipelines compile deterministically, leave the input untouched, and every ok request passes fal's schema", () => {
    let ok = 0;
    fastPathOutputs = 0;
    fc.assert(
      fc.property(plausibleGraph, (doc) => {
        checkContract(doc);
        if (compile(doc, registry).outputs.every((o) => o.ok)) ok++;
      }),
      { numRuns: 120 },
    );
    // Guards against a generator that only ever produces broken graphs (the property would then be vacuous).
    expect(ok).toBeGreaterThan(15);
    // Most of those requests were accepted by the fast checks, so the schema check above covers that path.
    expect(fastPathOutputs).toBeGreaterThan(15);
  });

  it("CMP-03: equal graphs give byte-identical requests whatever the node order in the file", () => {
    fc.assert(
      fc.property(plausibleGraph, fc.nat(), (doc, seed) => {
        const shuffled = {
          ...doc,
          nodes: [...doc.nodes].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 31 + seed) % 7)),
        };
        const inputs = (r: CompileResult) => JSON.stringify(r.outputs.map((o) => [o.endpoint, o.ok, o.input]));
        expect(inputs(compile(shuffled, registry))).toBe(inputs(compile(doc, registry)));
      }),
      { numRuns: 60 },
    );
  });

  it("a compiler that remembers earlier compiles answers as a fresh one, after edits in place or by new node objects", () => {
    const edit = fc.record({
      node: fc.nat(),
      key: fc.constantFrom("scale", "path", "url", "prompt", "seed", "model_name", "conditioning_scale"),
      value: fc.constantFrom(...HOSTILE, 0.5, 7, "owner/model", "https://example.com/a.png", undefined),
      inPlace: fc.boolean(),
      toggleBypass: fc.boolean(),
    });
    fc.assert(
      fc.property(plausibleGraph, chaosGraph, fc.array(edit, { maxLength: 4 }), (doc, other, edits) => {
        const compiler = createCompiler();
        // Another document first: its node ids may be the same ones, on different node objects.
        compiler.compile(other, registry);
        let current = doc;
        expect(stable(compiler.compile(current, registry))).toBe(stable(compile(structuredClone(current), registry)));
        for (const e of edits) {
          const i = e.node % current.nodes.length;
          const n = current.nodes[i];
          if (!n) continue;
          if (e.inPlace) {
            n.params[e.key] = e.value;
            if (e.toggleBypass) n.bypass = !n.bypass;
          } else {
            const nodes = current.nodes.slice();
            nodes[i] = { ...n, params: { ...n.params, [e.key]: e.value } };
            if (e.toggleBypass) nodes[i].bypass = !n.bypass;
            current = { ...current, nodes };
          }
          expect(stable(compiler.compile(current, registry))).toBe(stable(compile(structuredClone(current), registry)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("hostile workflow documents never throw and never pollute prototypes", () => {
    const proto = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}');
    const hostileValue = fc.oneof(fc.constantFrom(...HOSTILE, proto), fc.jsonValue({ maxDepth: 2 }));
    const mutation = fc.record({
      example: fc.nat({ max: examples.length - 1 }),
      node: fc.nat(),
      what: fc.constantFrom(
        "param",
        "params",
        "id",
        "type",
        "bypass",
        "typeVersion",
        "edge-source",
        "edge-handle",
        "drop-node",
        "dup-node",
      ),
      key: fc.constantFrom(
        "__proto__",
        "constructor",
        "prototype",
        "url",
        "path",
        "model_name",
        "scale",
        "prompt",
        "seed",
        "image_size",
      ),
      value: hostileValue,
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const doc = structuredClone(examples[mutations[0].example].document) as WorkflowDocument;
        for (const m of mutations) {
          const n = doc.nodes[m.node % doc.nodes.length] as unknown as Record<string, any>;
          const e = doc.edges[m.node % Math.max(1, doc.edges.length)] as unknown as Record<string, any> | undefined;
          if (!n) continue;
          if (m.what === "param" && (typeof n.params !== "object" || n.params === null)) n.params = {};
          if (m.what === "param")
            Object.defineProperty(n.params, m.key, {
              value: m.value,
              enumerable: true,
              configurable: true,
              writable: true,
            });
          else if (m.what === "params") n.params = m.value;
          else if (m.what === "id") n.id = m.key;
          else if (m.what === "type") n.type = m.key;
          else if (m.what === "bypass") n.bypass = m.value;
          else if (m.what === "typeVersion") n.typeVersion = m.value;
          else if (m.what === "edge-source" && e) e.source = m.key;
          else if (m.what === "edge-handle" && e) e.targetHandle = m.key;
          else if (m.what === "drop-node") doc.nodes.splice(m.node % doc.nodes.length, 1);
          else if (m.what === "dup-node") doc.nodes.push(structuredClone(n) as never);
        }
        // Straight into the compiler (it never throws on user data) …
        expect(() => compile(doc, registry)).not.toThrow();
        // … and through the file loader, the way a file from disk arrives.
        const loaded = loadWorkflow(JSON.stringify(doc), registry);
        if (loaded.ok) checkContract(loaded.document);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
      }),
      { numRuns: 200 },
    );
    assertNoPoisoning(VITEST_GLOBALS);
  });
});
