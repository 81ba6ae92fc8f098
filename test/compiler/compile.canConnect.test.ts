/**
 * canConnect decides what the editor lets a user wire; the compiler re-checks the same rules on
 * loaded files. These tests use the real catalogue, so the reasons are the ones users read.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { canConnect } from "../../src/graph";
import { compile } from "../../src/compiler";
import { wiringGraph } from "../graph/helpers";

describe("canConnect", () => {
  it("refuses a type mismatch with a reason naming both kinds", () => {
    const { doc, ids } = wiringGraph();
    const r = canConnect(doc, { node: ids.img, port: "image" }, { node: ids.lora1, port: "model" }, registry);
    expect(r).toEqual({ ok: false, code: "type-mismatch", reason: "LoRA expects a model, not an image" });
  });

  it("names the port when the target has several inputs of that kind", () => {
    const { doc, ids } = wiringGraph();
    const r = canConnect(doc, { node: ids.base, port: "model" }, { node: ids.cn, port: "mask" }, registry);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('ControlNet expects an image on "Mask", not a model');
  });

  it("uses the node's own label in reasons", () => {
    const { doc, ids } = wiringGraph();
    doc.nodes.find((n) => n.id === ids.lora2)!.label = "Detail LoRA";
    const r = canConnect(doc, { node: ids.prompt, port: "conditioning" }, { node: ids.lora2, port: "model" }, registry);
    expect(r.ok === false && r.reason).toBe("Detail LoRA expects a model, not conditioning");
  });

  it("refuses a self-link", () => {
    const { doc, ids } = wiringGraph();
    const r = canConnect(doc, { node: ids.lora1, port: "model" }, { node: ids.lora1, port: "model" }, registry);
    expect(r).toMatchObject({ ok: false, code: "self-link" });
  });

  it("refuses a wire that would close a loop, even through several nodes", () => {
    const { doc, ids } = wiringGraph();
    // lora1 → lora2 exists; lora2 → lora1 would be a loop. lora1's input is taken, so free it first.
    doc.edges = doc.edges.filter((e) => e.target !== ids.lora1);
    const r = canConnect(doc, { node: ids.lora2, port: "model" }, { node: ids.lora1, port: "model" }, registry);
    expect(r).toMatchObject({ ok: false, code: "cycle" });
    expect(r.ok === false && r.reason).toMatch(/loop/);
  });

  it("refuses a second wire into a single input and says how to fix it", () => {
    const { doc, ids } = wiringGraph();
    const r = canConnect(doc, { node: ids.base, port: "model" }, { node: ids.sampler, port: "model" }, registry);
    expect(r).toMatchObject({ ok: false, code: "input-taken" });
    expect(r.ok === false && r.reason).toBe('"Model" on Sampler output already has a wire; remove it first');
  });

  it("allows the replaced wire when reconnecting (ignoreEdgeId)", () => {
    const { doc, ids } = wiringGraph();
    const old = doc.edges.find((e) => e.target === ids.sampler)!;
    expect(
      canConnect(doc, { node: ids.base, port: "model" }, { node: ids.sampler, port: "model" }, registry, {
        ignoreEdgeId: old.id,
      }),
    ).toEqual({ ok: true });
  });

  it("allows several wires into a multiple input, but not the same wire twice", () => {
    const { doc, ids } = wiringGraph();
    expect(canConnect(doc, { node: ids.img, port: "image" }, { node: ids.ipa, port: "image" }, registry)).toEqual({
      ok: true,
    });
    doc.edges.push({ id: "e1", source: ids.img, sourceHandle: "image", target: ids.ipa, targetHandle: "image" });
    expect(canConnect(doc, { node: ids.img2, port: "image" }, { node: ids.ipa, port: "image" }, registry)).toEqual({
      ok: true,
    });
    expect(canConnect(doc, { node: ids.img, port: "image" }, { node: ids.ipa, port: "image" }, registry)).toMatchObject(
      { ok: false, code: "duplicate" },
    );
  });

  it("refuses unknown ports and nodes with a reason", () => {
    const { doc, ids } = wiringGraph();
    expect(
      canConnect(doc, { node: ids.base, port: "nope" }, { node: ids.lora1, port: "model" }, registry),
    ).toMatchObject({ ok: false, code: "unknown-port" });
    expect(
      canConnect(doc, { node: "ghost", port: "model" }, { node: ids.lora1, port: "model" }, registry),
    ).toMatchObject({ ok: false, code: "unknown-node" });
  });

  it("agrees with the compiler: a wire canConnect refuses is an error when it comes from a file", () => {
    const { doc, ids } = wiringGraph();
    const bad = { id: "bad", source: ids.img, sourceHandle: "image", target: ids.cn, targetHandle: "conditioning" };
    expect(
      canConnect(
        doc,
        { node: bad.source, port: bad.sourceHandle },
        { node: bad.target, port: bad.targetHandle },
        registry,
      ).ok,
    ).toBe(false);
    doc.edges.push(bad);
    const diags = compile(doc, registry).diagnostics;
    expect(diags).toContainEqual(expect.objectContaining({ code: "invalid-edge", edgeId: "bad", nodeId: ids.cn }));
  });
});
