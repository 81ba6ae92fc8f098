/**
 * Trigger words go into the prompt only when asked, once, as one undo step, into the prompt that
 * feeds the LoRA's Sampler; a header's facts kept on a node are no undo step and no unsaved change.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { createEditor } from "../../src/editor/store/editor";
import { hasWord, insertTrigger, promptFor, withWord } from "../../src/editor/files/triggers";
import { build } from "../harness/graph";

const URL = "https://huggingface.co/u/castle/resolve/main/castle.safetensors";

function editorWithTwoPrompts() {
  const doc = build(registry, (g) => {
    const m = g.node("base_model", {}, { id: "base" });
    const other = g.node("prompt", { prompt: "unrelated" }, { id: "other" });
    const p = g.node("prompt", { prompt: "a castle" }, { id: "mine" });
    const s = g.node("sampler", { seed: 1 });
    const l = g.node("lora", { path: URL }, { id: "lora" });
    g.wire(m, "model", l, "model");
    g.wire(l, "model", s, "model");
    g.wire(p, "conditioning", s, "conditioning");
    void other;
  });
  return createEditor({ registry, document: doc });
}

const promptOf = (e: ReturnType<typeof createEditor>, id: string) =>
  e.store.getState().document.nodes.find((n) => n.id === id)!.params.prompt;

describe("trigger words", () => {
  it("withWord appends after a comma, once, whatever the case and spacing", () => {
    expect(withWord("a castle", "castlestyle")).toBe("a castle, castlestyle");
    expect(withWord("a castle, ", "castlestyle")).toBe("a castle, castlestyle");
    expect(withWord("", "castlestyle")).toBe("castlestyle");
    expect(withWord("a CastleStyle  tower", "castlestyle")).toBe("a CastleStyle  tower");
    expect(hasWord("stone   walls at dusk", "Stone walls")).toBe(true);
  });

  it("goes into the prompt that feeds the LoRA's Sampler, as one undo step", () => {
    const e = editorWithTwoPrompts();
    expect(promptFor(e, "lora")).toEqual({ nodeId: "mine", field: "prompt" });
    expect(insertTrigger(e, "lora", "castlestyle")).toBe(true);
    expect(promptOf(e, "mine")).toBe("a castle, castlestyle");
    expect(promptOf(e, "other")).toBe("unrelated");
    insertTrigger(e, "lora", "banners");
    expect(promptOf(e, "mine")).toBe("a castle, castlestyle, banners");
    e.store.undo();
    expect(promptOf(e, "mine")).toBe("a castle, castlestyle");
  });

  it("keeping a header's facts on a node is no undo step and leaves a clean document clean", () => {
    const e = editorWithTwoPrompts();
    e.store.markClean();
    const before = e.store.getState().history.past.length;
    e.store.setFileInfo("lora", "path", { url: URL, family: "sdxl", rank: 32 });
    expect(e.store.getState().document.nodes.find((n) => n.id === "lora")!.fileInfo).toEqual({
      path: { url: URL, family: "sdxl", rank: 32 },
    });
    expect(e.store.getState().history.past.length).toBe(before);
    expect(e.store.getState().dirty).toBe(false);
    // The same facts again change nothing, not even the document object.
    const doc = e.store.getState().document;
    e.store.setFileInfo("lora", "path", { url: URL, family: "sdxl", rank: 32 });
    expect(e.store.getState().document).toBe(doc);
  });
});
