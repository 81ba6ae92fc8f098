import { describe, expect, it } from "vitest";
import { z } from "zod";
import { registry } from "../../nodes";
import { note } from "../../nodes/note/definition";
import { lora as loraDef } from "../../nodes/lora/definition";
import { compile, createCompiler } from "../../src/compiler";
import { createRegistry, defineNode, param, type WorkflowDocument } from "../../src/graph";
import { build } from "../harness/graph";
import { oneLoraPipeline } from "../graph/helpers";

/** A compiler instance's per-node cache must never change what compile returns, only how fast. */
describe("compiler reuses checked params of unchanged nodes", () => {
  const doc = () => oneLoraPipeline({ path: "a/b", scale: 0.5 }, { id: "l" });

  it("an edit that makes a new node object (as the editor does) is seen", () => {
    const { compile } = createCompiler();
    const d = doc();
    expect(compile(d, registry).outputs[0].ok).toBe(true);
    const edited = {
      ...d,
      nodes: d.nodes.map((n) => (n.id === "l" ? { ...n, params: { ...n.params, scale: "oops" } } : n)),
    };
    const out = compile(edited, registry);
    expect(out.outputs[0].ok).toBe(false);
    expect(out.diagnostics.find((x) => x.nodeId === "l")?.field).toBe("scale");
    // And the untouched original still compiles as before.
    expect(compile(d, registry).outputs[0].input).toMatchObject({ loras: [{ path: "a/b", scale: 0.5 }] });
  });

  it("a value changed in place on the same node object is seen too", () => {
    const { compile } = createCompiler();
    const d = doc();
    compile(d, registry);
    d.nodes.find((n) => n.id === "l")!.params.scale = 0.9;
    expect(compile(d, registry).outputs[0].input).toMatchObject({ loras: [{ scale: 0.9 }] });
    d.nodes.find((n) => n.id === "l")!.bypass = true;
    expect(compile(d, registry).outputs[0].input?.loras).toBeUndefined();
  });

  it("repeated compiles of the same document give equal results and fresh diagnostic objects", () => {
    const { compile } = createCompiler();
    const d = doc();
    d.nodes.find((n) => n.id === "l")!.params.path = "javascript:x";
    const a = compile(d, registry);
    const b = compile(d, registry);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(b.diagnostics[0]).not.toBe(a.diagnostics[0]);
  });
});

describe("the cache saves the checks of unchanged nodes", () => {
  // A node type whose param check counts its calls (a custom schema, so zod always runs it).
  let checks = 0;
  const counted = defineNode({
    ...note,
    type: "counted",
    params: {
      text: param.custom(
        z.string().refine(() => ++checks > 0),
        "text",
        { label: "Text", description: "counted" },
      ),
    },
  });
  const reg = createRegistry([...registry.list(), counted]);
  const doc = (): WorkflowDocument =>
    build(reg, (g) => {
      for (let i = 0; i < 20; i++) g.node("counted", { text: `n${i}` }, { id: `c${i}` });
    });

  it("checks only new or changed node objects, also when nodes were added or removed around them", () => {
    const { compile } = createCompiler();
    const d = doc();
    checks = 0;
    compile(d, reg);
    expect(checks).toBe(20);
    compile(d, reg);
    expect(checks).toBe(20);
    // One node edited (a new object, as immer makes), one added in front, one removed: 2 new checks.
    const edited = d.nodes
      .map((n) => (n.id === "c7" ? { ...n, params: { text: "edited" } } : n))
      .filter((n) => n.id !== "c12");
    const added = { ...d.nodes[0], id: "new", params: { text: "new" } };
    compile({ ...d, nodes: [added, ...edited] }, reg);
    expect(checks).toBe(22);
    // A copy shares no node object, so everything is checked again.
    compile(structuredClone(d), reg);
    expect(checks).toBe(42);
  });

  it("belongs to one compiler: another instance, or the one-shot compile, checks everything itself", () => {
    const first = createCompiler();
    const d = doc();
    checks = 0;
    first.compile(d, reg);
    expect(checks).toBe(20);
    createCompiler().compile(d, reg);
    expect(checks).toBe(40);
    compile(d, reg);
    expect(checks).toBe(60);
    // The first instance still remembers its own compile.
    first.compile(d, reg);
    expect(checks).toBe(60);
  });

  it("a bypass switched on or off is seen on the same node object", () => {
    const { compile } = createCompiler();
    const bad = build(reg, (g) => void g.node("counted", { text: 5 }, { id: "c" }));
    expect(compile(bad, reg).diagnostics.map((d) => d.severity)).toEqual(["error"]);
    bad.nodes[0].bypass = true;
    expect(compile(bad, reg).diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });
});

describe("params taken as given", () => {
  // prepareNode hands a node's own params object to contribute when every value is valid as is;
  // anything else (unknown keys, nulls, values zod refuses) must still go through a checked copy.
  // This LoRA passes its params on whole, so whatever contribute sees reaches the request.
  const spreading = defineNode({
    ...loraDef,
    type: "spreading_lora",
    contribute(ctx) {
      ctx.append("loras", { ...ctx.params });
      ctx.emit("model", ctx.input("model"));
    },
  });
  // In place of the real LoRA: one node type sends each request path (a registration check).
  const reg = createRegistry([...registry.list().filter((d) => d !== loraDef), spreading]);
  const withLora = (params: Record<string, unknown>) =>
    build(reg, (g) => {
      const base = g.node("base_model", { model_name: "stabilityai/stable-diffusion-xl-base-1.0" });
      const l = g.node("spreading_lora", params, { id: "l" });
      const p = g.node("prompt", { prompt: "a castle" });
      const s = g.node("sampler", {});
      g.wire(base, "model", l, "model");
      g.wire(l, "model", s, "model");
      g.wire(p, "conditioning", s, "conditioning");
    });
  const compiled = (doc: WorkflowDocument) => compile(doc, reg).outputs[0];
  const path = "https://example.com/a.safetensors";

  it("sends exactly the known params: an unknown key or a null never reaches the request", () => {
    expect(compiled(withLora({ path, scale: 0.5 })).input?.loras).toEqual([{ path, scale: 0.5 }]);
    const extra = compiled(withLora({ path, scale: 0.5, not_a_param: 1 }));
    expect(extra.ok).toBe(true);
    expect(extra.input?.loras).toEqual([{ path, scale: 0.5 }]);
    expect(compiled(withLora({ path, scale: null })).input?.loras).toEqual([{ path }]);
  });

  it("a refused value is reported and the node's params object is left as it was", () => {
    const doc = withLora({ path, scale: "high" });
    const before = structuredClone(doc);
    const r = compile(doc, reg);
    expect(r.diagnostics.map((d) => [d.code, d.nodeId, d.field])).toContainEqual(["invalid-param", "l", "scale"]);
    expect(doc).toEqual(before);
  });
});
