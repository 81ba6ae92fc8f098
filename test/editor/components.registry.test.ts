// An instance is a node type while its document carries the definition (docs/components.md#the-model):
// the editor's views and commands see its ports and exposed params, and follow the document.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { componentFixture } from "../graph/helpers";

describe("the editor's registry", () => {
  it("knows the open document's components, and forgets them with it", () => {
    const editor = createEditor({ registry, makeId: counterIds() });
    const type = "component:local/style-stack@1.0.0";
    expect(editor.store.registry.get(type)).toBeUndefined();
    editor.store.replaceDocument(componentFixture("style-stack"));
    const def = editor.store.registry.get(type)!;
    expect(def.inputs.map((p) => `${p.id}:${p.kind}`)).toEqual(["model:model"]);
    expect(def.outputs.map((p) => p.id)).toEqual(["model", "conditioning"]);
    expect(def.params["lora-2.scale"]).toMatchObject({ default: 0.8, widget: "slider" });
    // An instance wires like any node.
    const sampler = editor.store.addNode("sampler", { x: 900, y: 0 });
    expect(editor.store.connect({ node: "style-stack", port: "model" }, { node: sampler, port: "model" }).ok).toBe(
      true,
    );
    editor.store.replaceDocument(componentFixture("two-loras"));
    expect(editor.store.registry.get(type)).toBeUndefined();
    // The catalogue itself never learns a document's components.
    expect(editor.registry.get(type)).toBeUndefined();
  });

  it("compiles through an instance: the request the flat pipeline gives", () => {
    const editor = createEditor({ registry, makeId: counterIds() });
    const flat = editor.engine.compiled(componentFixture("two-loras")).outputs[0].input;
    const made = editor.engine.compiled(componentFixture("style-stack")).outputs[0].input;
    expect(made).toEqual(flat);
    expect((made as { loras: unknown[] }).loras).toHaveLength(2);
  });
});
