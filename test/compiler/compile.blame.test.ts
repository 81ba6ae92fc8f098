import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { build } from "../harness/graph";
import { oneLoraPipeline } from "../graph/helpers";

/** Diagnostics must point at the node the user has to change, with the real cause. */
describe("compiler blames the right node", () => {
  const chain = (opts: { bypassBadLora?: boolean }) =>
    oneLoraPipeline({ path: "javascript:alert(1)" }, { id: "bad", bypass: opts.bypassBadLora }, "a cat");

  it("a bypassed node's invalid param is a warning and does not block the request", () => {
    const out = compile(chain({ bypassBadLora: true }), registry);
    expect(out.outputs[0].ok).toBe(true);
    expect(out.outputs[0].input?.loras).toBeUndefined();
    const d = out.diagnostics.find((x) => x.nodeId === "bad");
    expect(d).toMatchObject({ severity: "warning", code: "invalid-param", field: "path" });
    expect(d!.message).toMatch(/ignored while bypassed/);
  });

  it("the same node switched on blocks the request with an error", () => {
    const out = compile(chain({}), registry);
    expect(out.outputs[0].ok).toBe(false);
    expect(out.diagnostics.find((x) => x.nodeId === "bad")).toMatchObject({ severity: "error", code: "invalid-param" });
  });

  it("every node on a loop is marked, and no misleading missing-input is added", () => {
    const doc = build(registry, (g) => {
      const a = g.node("lora", { path: "a/b" }, { id: "a" });
      const b = g.node("lora", { path: "a/c" }, { id: "b" });
      const p = g.node("prompt", { prompt: "x" });
      const s = g.node("sampler");
      g.wire(a, "model", b, "model");
      g.wire(b, "model", a, "model");
      g.wire(b, "model", s, "model");
      g.wire(p, "conditioning", s, "conditioning");
    });
    const out = compile(doc, registry);
    expect(
      out.diagnostics
        .filter((d) => d.code === "cycle")
        .map((d) => d.nodeId)
        .sort(),
    ).toEqual(["a", "b"]);
    expect(out.diagnostics.some((d) => d.code === "missing-input" && (d.nodeId === "a" || d.nodeId === "b"))).toBe(
      false,
    );
    expect(out.outputs[0].ok).toBe(false);
  });

  it("a wire from a node of unknown type says so on the node downstream", () => {
    const doc = build(registry, (g) => {
      const p = g.node("prompt", { prompt: "x" });
      const s = g.node("sampler", {}, { id: "s" });
      g.wire(p, "conditioning", s, "conditioning");
    });
    doc.nodes.push({ id: "ghost", type: "fancy_model_loader", typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    doc.edges.push({ id: "e-ghost", source: "ghost", sourceHandle: "model", target: "s", targetHandle: "model" });
    const out = compile(doc, registry);
    expect(out.diagnostics.find((d) => d.code === "unknown-node-type")?.nodeId).toBe("ghost");
    const missing = out.diagnostics.find((d) => d.code === "missing-input" && d.nodeId === "s");
    expect(missing?.message).toMatch(/wired to "ghost", whose type "fancy_model_loader" is not in the catalogue/);
  });

  it("a wrong type in a param says what was expected and what came", () => {
    const doc = build(registry, (g) => {
      const m = g.node("base_model");
      const l = g.node("lora", { path: "a/b", scale: "abc" }, { id: "l" });
      const p = g.node("prompt", { prompt: "x" });
      const s = g.node("sampler", { enable_safety_checker: "yes" }, { id: "s" });
      g.wire(m, "model", l, "model");
      g.wire(l, "model", s, "model");
      g.wire(p, "conditioning", s, "conditioning");
    });
    const by = (id: string) => compile(doc, registry).diagnostics.find((d) => d.nodeId === id)?.message;
    expect(by("l")).toBe('Scale must be a number, got text "abc"');
    expect(by("s")).toBe('Safety checker must be on or off (true/false), got text "yes"');
  });
});
