/**
 * Adding a node type is one folder plus one line in the catalogue (docs/codebase.md#node-views):
 * a node type defined in test/fixtures/nodeType, added to the catalogue's list, is found by the
 * palette, the importer, the request diff and the sweeps, with nothing else changed.
 *
 * Every request path has exactly one sender, and the shipped catalogue sends them all, so the
 * fixture takes the place of the type that makes the `loras` items.
 */
import { describe, expect, it } from "vitest";
import { allNodes, registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { importRequestSync } from "../../src/compiler/importer";
import { createRegistry } from "../../src/graph";
import { searchNodes } from "../../src/editor/panels/search";
import { paletteGroups } from "../../src/editor/panels/nodeGroups";
import { choicesFor } from "../../src/editor/teach/sweepDrafts";
import { diffRequests } from "../../src/teach/diffRequests";
import { expandSweep, toggleGroups } from "../../src/teach/sweep";
import { styleLora } from "../fixtures/nodeType/definition";

const catalogue = [...allNodes.filter((d) => d !== registry.listFeeder("loras")), styleLora];
const fx = createRegistry(catalogue);

const PIXEL = "https://huggingface.co/nerijs/pixel-art-xl/resolve/main/pixel-art-xl.safetensors";
const GRAIN = "https://example.com/loras/film-grain.safetensors";
const REQUEST = {
  model_name: "stabilityai/stable-diffusion-xl-base-1.0",
  prompt: "a fox in the snow",
  seed: 7,
  loras: [{ path: PIXEL, scale: 0.8 }, { path: GRAIN }],
};

function imported() {
  const r = importRequestSync(REQUEST, fx);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.document;
}

describe("a node type from the test folder, registered with one line", () => {
  it("is in the palette under its own category, and search finds it", () => {
    const group = paletteGroups(fx).find((g) => g.category.name === "Style");
    expect(group?.defs).toEqual([styleLora]);
    expect(group?.category.color).toBe("#e879f9");
    expect(searchNodes(fx.list(), "style")).toContain(styleLora);
  });

  it("is what the importer makes of a request's LoRAs, and compiles back to them", () => {
    const doc = imported();
    const styles = doc.nodes.filter((n) => n.type === "style_lora");
    // A scale the request leaves out is fal's default, 1, which is also the param's default.
    const sent = [
      { path: PIXEL, scale: 0.8 },
      { path: GRAIN, scale: 1 },
    ];
    expect(styles.map((n) => n.params)).toEqual(sent);
    const out = compile(doc, fx).outputs[0];
    expect(out.ok).toBe(true);
    expect(out.input?.loras).toEqual(sent);
  });

  it("names the request diff's items with its title and its labels", () => {
    const after = { ...REQUEST, loras: [{ path: PIXEL, scale: 0.5 }] };
    expect(diffRequests(REQUEST, after, fx).sentence).toBe(
      "Style LoRA film-grain removed; Style LoRA pixel-art-xl strength 0.8 → 0.5",
    );
    const doc = imported();
    const grain = doc.nodes.find((n) => n.params.path === GRAIN)!;
    const bypassed = { ...doc, nodes: doc.nodes.map((n) => (n === grain ? { ...n, bypass: true } : n)) };
    const snap = (d: typeof doc) => ({ input: compile(d, fx).outputs[0].input!, document: d });
    expect(diffRequests(snap(doc), snap(bypassed), fx).sentence).toBe("Style LoRA film-grain bypassed");
  });

  it("is offered by the sweeps: its nodes on and off, and its settings as an axis", () => {
    const doc = imported();
    const ids = doc.nodes.filter((n) => n.type === "style_lora").map((n) => n.id);
    expect(toggleGroups(doc, fx)).toEqual([{ one: "Style LoRA", many: "Style LoRA nodes", nodeIds: ids }]);
    const labels = choicesFor(doc, fx).map((c) => c.label);
    expect(labels).toContain("Each Style LoRA off in turn (2)");
    expect(labels).toContain("Every on/off combination of the Style LoRA nodes");
    expect(labels).toContain("Strength");
    const sweep = expandSweep(doc, fx, { axes: [{ nodeId: ids[0], param: "scale", values: [0.2, 0.6] }] });
    expect(sweep.errors).toEqual([]);
    expect(sweep.cells.map((c) => (c.compiled.outputs[0].input?.loras as { scale?: number }[])[0].scale)).toEqual([
      0.2, 0.6,
    ]);
  });
});
