// Graphs shared by the graph and compiler tests.
import { registry } from "../../nodes";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { loadWorkflow, type WorkflowDocument } from "../../src/graph";
import { build } from "../harness/graph";

/**
 * A graph to wire things in, from the real catalogue: base → lora1 → lora2 → sampler, and free
 * nodes with every port kind (two images, an IP-Adapter, a ControlNet, a prompt). Node ids by name.
 */
export function wiringGraph(): { doc: WorkflowDocument; ids: Record<string, string> } {
  const ids: Record<string, string> = {};
  const doc = build(registry, (g) => {
    ids.base = g.node("base_model");
    ids.lora1 = g.node("lora", { path: "owner/one" });
    ids.lora2 = g.node("lora", { path: "owner/two" });
    ids.img = g.node("image", { url: "https://example.com/a.png" });
    ids.img2 = g.node("image", { url: "https://example.com/b.png" });
    ids.ipa = g.node("ip_adapter");
    ids.cn = g.node("controlnet", { path: "owner/cn" });
    ids.prompt = g.node("prompt", { prompt: "x" });
    ids.sampler = g.node("sampler");
    g.wire(ids.base, "model", ids.lora1, "model");
    g.wire(ids.lora1, "model", ids.lora2, "model");
    g.wire(ids.lora2, "model", ids.sampler, "model");
  });
  return { doc, ids };
}

/** base → one LoRA → sampler, with a prompt: the smallest pipeline with a LoRA that compiles. */
export function oneLoraPipeline(
  lora: Record<string, unknown>,
  node: { id: string; bypass?: boolean },
  prompt = "x",
): WorkflowDocument {
  return build(registry, (g) => {
    const m = g.node("base_model");
    const l = g.node("lora", lora, node);
    const p = g.node("prompt", { prompt });
    const s = g.node("sampler", { seed: 1 });
    g.wire(m, "model", l, "model");
    g.wire(l, "model", s, "model");
    g.wire(p, "conditioning", s, "conditioning");
  });
}

/** A pipeline of test/fixtures/components/, loaded as the editor loads a file; throws when it does not load. */
export function componentFixture(name: string): WorkflowDocument {
  const r = loadWorkflow(JSON.parse(readFileSync(`test/fixtures/components/${name}.json`, "utf8")), registry);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.document;
}

/** `doc` read back through the file loader is the same document, with no warning. */
export function expectLoadsUnchanged(doc: WorkflowDocument): void {
  const r = loadWorkflow(JSON.stringify(doc), registry);
  expect(r.ok && r.warnings).toEqual([]);
  expect(r.ok && r.document).toEqual(doc);
}
