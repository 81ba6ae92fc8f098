/**
 * The "drop on an occupied input replaces its wire" rule, shared by the editor store's connect and
 * the canvas's drag feedback: both ask canConnectReplacing, so what the canvas shows as allowed is
 * what the store then does.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { canConnectReplacing, edgeId } from "../../src/graph";
import { build } from "../harness/graph";

function chain() {
  const ids: Record<string, string> = {};
  const doc = build(registry, (g) => {
    ids.base = g.node("base_model");
    ids.lora1 = g.node("lora", { path: "owner/one" });
    ids.lora2 = g.node("lora", { path: "owner/two" });
    ids.img = g.node("image", { url: "https://example.com/a.png" });
    ids.cn = g.node("controlnet", { path: "owner/cn" });
    g.wire(ids.base, "model", ids.lora1, "model");
    g.wire(ids.lora1, "model", ids.lora2, "model");
  });
  return { doc, ids };
}

describe("canConnectReplacing", () => {
  it("takes over an occupied single input and names the wire it replaces", () => {
    const { doc, ids } = chain();
    const r = canConnectReplacing(doc, { node: ids.base, port: "model" }, { node: ids.lora2, port: "model" }, registry);
    expect(r).toEqual({ verdict: { ok: true }, replaces: edgeId(ids.lora1, "model", ids.lora2, "model") });
  });

  it("replaces nothing on a free input", () => {
    const { doc, ids } = chain();
    const r = canConnectReplacing(doc, { node: ids.img, port: "image" }, { node: ids.cn, port: "image" }, registry);
    expect(r).toEqual({ verdict: { ok: true } });
  });

  it("still refuses what would be wrong once the old wire is gone, with that reason", () => {
    const { doc, ids } = chain();
    // lora2 → lora1 replaces base → lora1, but lora1 already feeds lora2: a loop either way.
    const loop = canConnectReplacing(
      doc,
      { node: ids.lora2, port: "model" },
      { node: ids.lora1, port: "model" },
      registry,
    );
    expect(loop.verdict).toMatchObject({ ok: false, code: "cycle" });
    expect(loop.replaces).toBeUndefined();
    const wrongKind = canConnectReplacing(
      doc,
      { node: ids.img, port: "image" },
      { node: ids.lora2, port: "model" },
      registry,
    );
    expect(wrongKind.verdict).toMatchObject({ ok: false, code: "type-mismatch" });
    expect(wrongKind.replaces).toBeUndefined();
  });

  it("refuses the same wire twice rather than replacing it with itself", () => {
    const { doc, ids } = chain();
    const r = canConnectReplacing(
      doc,
      { node: ids.lora1, port: "model" },
      { node: ids.lora2, port: "model" },
      registry,
    );
    expect(r.verdict).toMatchObject({ ok: false, code: "duplicate" });
  });
});
