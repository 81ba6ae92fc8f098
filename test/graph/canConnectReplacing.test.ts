/**
 * The "drop on an occupied input replaces its wire" rule, shared by the editor store's connect and
 * the canvas's drag feedback: both ask canConnectReplacing, so what the canvas shows as allowed is
 * what the store then does.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { canConnectReplacing, edgeId, type PortRef, type WorkflowDocument } from "../../src/graph";
import { wiringGraph } from "./helpers";

/** The rule asked as the canvas and the store ask it. */
const replacing = (doc: WorkflowDocument, from: PortRef, to: PortRef) => canConnectReplacing(doc, from, to, registry);

describe("canConnectReplacing", () => {
  it("takes over an occupied single input and names the wire it replaces", () => {
    const { doc, ids } = wiringGraph();
    const r = replacing(doc, { node: ids.base, port: "model" }, { node: ids.lora2, port: "model" });
    expect(r).toEqual({ verdict: { ok: true }, replaces: edgeId(ids.lora1, "model", ids.lora2, "model") });
  });

  it("replaces nothing on a free input", () => {
    const { doc, ids } = wiringGraph();
    const r = replacing(doc, { node: ids.img, port: "image" }, { node: ids.cn, port: "image" });
    expect(r).toEqual({ verdict: { ok: true } });
  });

  it("still refuses what would be wrong once the old wire is gone, with that reason", () => {
    const { doc, ids } = wiringGraph();
    // lora2 → lora1 replaces base → lora1, but lora1 already feeds lora2: a loop either way.
    const loop = replacing(doc, { node: ids.lora2, port: "model" }, { node: ids.lora1, port: "model" });
    expect(loop.verdict).toMatchObject({ ok: false, code: "cycle" });
    expect(loop.replaces).toBeUndefined();
    const wrongKind = replacing(doc, { node: ids.img, port: "image" }, { node: ids.lora2, port: "model" });
    expect(wrongKind.verdict).toMatchObject({ ok: false, code: "type-mismatch" });
    expect(wrongKind.replaces).toBeUndefined();
  });

  it("refuses the same wire twice rather than replacing it with itself", () => {
    const { doc, ids } = wiringGraph();
    const r = replacing(doc, { node: ids.lora1, port: "model" }, { node: ids.lora2, port: "model" });
    expect(r.verdict).toMatchObject({ ok: false, code: "duplicate" });
  });
});
