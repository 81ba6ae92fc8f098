// Placing instances through the editor store (docs/components.md#the-editor): a paste or an
// addition that would put a component inside itself is refused with the reason, a paste into
// another pipeline brings the definitions its instances need, and a library component dropped on
// a wire is spliced into it like a node.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import type { ComponentDefinition, WorkflowDocument } from "../../src/graph";
import { createEditor, counterIds, EditRefused, type EditorStore } from "../../src/editor/store";
import { enterInstance, leaveTo, makeComponent } from "../../src/editor/components/commands";
import { componentFixture } from "../graph/helpers";

const storeOf = (document: WorkflowDocument) => createEditor({ registry, makeId: counterIds(), document }).store;
const STACK = "component:local/style-stack@1.0.0";

/** The style-stack fixture with "Outer" made around its instance: Outer › Style stack. */
function nested(): EditorStore {
  const store = storeOf(componentFixture("style-stack"));
  expect(makeComponent(store, ["style-stack"], { name: "Outer", expose: [] }).ok).toBe(true);
  return store;
}

describe("an instance placed inside itself", () => {
  it("a paste of the component into its own definition is refused, saying why", async () => {
    const store = storeOf(componentFixture("style-stack"));
    const copied = store.copy(["style-stack"])!;
    enterInstance(store, "style-stack");
    const before = store.getState().document;
    const r = await store.paste(copied);
    expect(r).toEqual({
      ok: false,
      error: "Not pasted: Style stack cannot go inside itself: this canvas is inside Style stack",
    });
    expect(store.getState().document).toBe(before);
  });

  it("through nesting: an instance of a component that holds this one is refused with the path", async () => {
    const store = nested();
    const copied = store.copy(["outer"])!;
    enterInstance(store, "outer");
    expect(await store.paste(copied)).toMatchObject({
      ok: false,
      error: expect.stringContaining("Outer cannot go inside itself"),
    });
    // Style stack used at the top too: inside it, Outer (which holds Style stack) is refused.
    const inner = store.copy(["style-stack"])!;
    leaveTo(store, 0);
    const [top] = ((await store.paste(inner)) as { nodeIds: string[] }).nodeIds;
    enterInstance(store, top);
    const r = await store.paste(copied);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("Outer cannot go here: it holds Style stack (Outer › Style stack)");
    // Added from the palette or the sidebar: the same reason, thrown for the UI to show.
    expect(() => store.addNode("component:local/outer@1.0.0", { x: 0, y: 0 })).toThrow(EditRefused);
    expect(() => store.addNode(STACK, { x: 0, y: 0 })).toThrow(/Style stack cannot go inside itself/);
    expect(store.getState().document.components!.find((c) => c.id === "local/style-stack")!.nodes).toHaveLength(3);
  });

  it("the same component stays welcome beside itself, and inside another component", async () => {
    const store = nested();
    expect((await store.paste(store.copy(["outer"])!)).ok).toBe(true);
    enterInstance(store, "outer");
    expect(store.addNode(STACK, { x: 0, y: 400 })).toMatch(/^style-stack/);
  });
});

describe("copy and paste across pipelines", () => {
  it("brings the definitions the pasted instances use, nested ones too, in one undo step", async () => {
    const from = nested();
    const copied = from.copy(["outer"])!;
    const to = storeOf(componentFixture("two-loras"));
    const r = await to.paste(copied);
    expect(r.ok).toBe(true);
    const doc = to.getState().document;
    expect(doc.components!.map((c) => c.id).sort()).toEqual(["local/outer", "local/style-stack"]);
    expect(compile(doc, registry).diagnostics.filter((d) => d.code.startsWith("component"))).toEqual([]);
    to.undo();
    expect(to.getState().document.components ?? []).toEqual([]);
  });

  it("keeps the pipeline's own copy of a version it already has, and says when they differ", async () => {
    const from = storeOf(componentFixture("style-stack"));
    enterInstance(from, "style-stack");
    from.setParam("lora-2", "scale", 0.1);
    leaveTo(from, 0);
    const copied = from.copy(["style-stack"])!;
    const to = storeOf(componentFixture("style-stack"));
    const mine = to.getState().document.components!;
    const r = await to.paste(copied);
    expect(r.ok && r.warnings).toEqual([expect.stringContaining("differs from this pipeline's copy")]);
    expect(to.getState().document.components).toEqual(mine);
  });

  it("refuses copied definitions that would contain themselves, and skips their instances", async () => {
    const payload = JSON.parse(storeOf(componentFixture("style-stack")).copy(["style-stack", "base"])!);
    const def = payload.components[0] as ComponentDefinition;
    def.nodes.push({ id: "loop", type: STACK, typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    const to = storeOf(componentFixture("two-loras"));
    const r = await to.paste(JSON.stringify(payload));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings[0]).toMatch(
      /copied components could not be read .*local\/style-stack@1\.0\.0 › local\/style-stack@1\.0\.0/,
    );
    expect(r.nodeIds).toHaveLength(1);
    expect(to.getState().document.components ?? []).toEqual([]);
  });
});

describe("a library component dropped on a wire", () => {
  it("is spliced into it when its ports fit, with its definition, in one undo step", () => {
    const def = componentFixture("style-stack").components!;
    const store = storeOf(componentFixture("two-loras"));
    const id = store.addNode(STACK, { x: 600, y: 0 }, { components: def, spliceInto: "e:lora-2.model->sampler.model" });
    const edges = store.getState().document.edges.map((e) => e.id);
    expect(edges).not.toContain("e:lora-2.model->sampler.model");
    expect(edges).toEqual(expect.arrayContaining([`e:lora-2.model->${id}.model`, `e:${id}.model->sampler.model`]));
    store.undo();
    expect(store.getState().document.edges.map((e) => e.id)).toContain("e:lora-2.model->sampler.model");
    expect(store.getState().document.components ?? []).toEqual([]);
  });
});
