// Making, entering, editing inside and detaching components through the editor store
// (docs/components.md#the-editor): one shared definition, one undo step per change.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { flattenDocument, hashComponent, instanceRef } from "../../src/graph";
import { createEditor, counterIds } from "../../src/editor/store";
import {
  detachInstance,
  enterInstance,
  exposeChoices,
  exposeField,
  leaveTo,
  makeComponent,
} from "../../src/editor/components/commands";
import { scopedNodeDiagnostics } from "../../src/editor/store/diagnostics";
import { componentFixture } from "../graph/helpers";

function setup() {
  const editor = createEditor({ registry, makeId: counterIds(), document: componentFixture("two-loras") });
  const { store, engine } = editor;
  const request = () => engine.compiled(store.getState().document).outputs[0].input as Record<string, unknown>;
  return { editor, store, request };
}

const TRIO = ["lora-1", "lora-2", "prompt"];

describe("make component", () => {
  it("offers every field, the changed ones marked, with LoRA 1 and LoRA 2 told apart", () => {
    const { store } = setup();
    const choices = exposeChoices(store.getState().view, TRIO, store.registry);
    const changed = choices.filter((c) => c.changed).map((c) => c.label);
    expect(changed).toEqual(["LoRA 1 › LoRA", "LoRA 1 › Scale", "LoRA 2 › LoRA", "LoRA 2 › Scale", "Prompt › Prompt"]);
    expect(choices.length).toBeGreaterThan(changed.length);
  });

  it("replaces the selection with one instance, keeps the request, and is one undo step", () => {
    const { store, request } = setup();
    const before = request();
    const expose = exposeChoices(store.getState().view, TRIO, store.registry).filter((c) => c.field === "scale");
    const r = makeComponent(store, TRIO, { name: "Style stack", expose });
    expect(r.ok).toBe(true);
    const doc = store.getState().document;
    expect(doc.nodes.map((n) => n.id)).toEqual(["base", "style-stack", "sampler"]);
    expect(doc.components![0].params.map((p) => p.label)).toEqual(["LoRA 1 › Scale", "LoRA 2 › Scale"]);
    expect(doc.components![0].hash).toBe(hashComponent(doc.components![0]));
    expect(request()).toEqual(before);
    expect(store.getState().selection.nodes).toEqual(["style-stack"]);
    store.undo();
    expect(store.getState().document.nodes.map((n) => n.id)).toEqual(["base", "lora-1", "lora-2", "prompt", "sampler"]);
    expect(store.getState().document.components ?? []).toEqual([]);
  });

  it("refuses a selection that would feed itself, saying which path", () => {
    const { store } = setup();
    const r = makeComponent(store, ["lora-1", "sampler"], { name: "Loop", expose: [] });
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("feed itself") });
    expect(store.getState().history.past).toHaveLength(0);
    expect(makeComponent(store, TRIO, { name: "  ", expose: [] })).toMatchObject({ ok: false });
  });
});

function twoInstances() {
  const s = setup();
  makeComponent(s.store, TRIO, { name: "Style stack", expose: [] });
  const [copy] = s.store.duplicate(["style-stack"]);
  return { ...s, copy };
}

describe("inside a component", () => {
  it("moving the view inside leaves the pipeline's saved view alone", () => {
    const { store } = twoInstances();
    store.setViewport({ x: 10, y: 20, zoom: 0.5 });
    enterInstance(store, "style-stack");
    store.setViewport({ x: -400, y: 90, zoom: 1.7 });
    expect(store.getState().viewport).toEqual({ x: 10, y: 20, zoom: 0.5 });
    leaveTo(store, 0);
    expect(store.getState().viewport).toEqual({ x: 10, y: 20, zoom: 0.5 });
  });

  it("shows the definition with its ports as two stand-ins, and edits reach every instance in one step", () => {
    const { store, copy } = twoInstances();
    expect(copy).toMatch(/^style-stack_\d+$/);
    expect(instanceRef(store.getState().view.nodes.find((n) => n.id === copy)!)?.key).toBe("local/style-stack@1.0.0");
    expect(enterInstance(store, "style-stack").ok).toBe(true);
    const { view, scope } = store.getState();
    expect(scope).toEqual([{ instance: "style-stack", key: "local/style-stack@1.0.0" }]);
    expect(view.nodes.map((n) => n.id)).toEqual(["lora-1", "lora-2", "prompt", "@input", "@output"]);
    expect(view.edges.map((e) => `${e.source}>${e.target}`)).toContain("lora-2>@output");
    const steps = store.getState().history.past.length;
    store.setParam("lora-2", "scale", 0.3);
    const def = store.getState().document.components![0];
    expect(def.nodes.find((n) => n.id === "lora-2")!.params.scale).toBe(0.3);
    expect(def.hash).toBe(hashComponent(def));
    // Both instances open onto the edited definition.
    const flat = flattenDocument(store.getState().document).document;
    const scales = flat.nodes.filter((n) => n.id.endsWith("\u001flora-2")).map((n) => n.params.scale);
    expect(scales).toEqual([0.3, 0.3]);
    expect(store.getState().history.past).toHaveLength(steps + 1);
    store.undo();
    expect(store.getState().document.components![0].nodes.find((n) => n.id === "lora-2")!.params.scale).toBe(0.8);
    expect(store.getState().scope).toHaveLength(1);
  });

  it("keeps an exposed param's default with its inner field, so instances without an override follow", () => {
    const { store, request } = setup();
    const expose = exposeChoices(store.getState().view, TRIO, store.registry).filter((c) => c.id === "lora-2.scale");
    makeComponent(store, TRIO, { name: "Style stack", expose });
    enterInstance(store, "style-stack");
    store.setParam("lora-2", "scale", 0.25);
    expect(store.getState().document.components![0].params[0].default).toBe(0.25);
    expect((request().loras as { scale: number }[])[1].scale).toBe(0.25);
  });

  it("wiring an inner output to the outputs stand-in moves that output; deleting a stand-in does nothing", () => {
    const { store } = twoInstances();
    enterInstance(store, "style-stack");
    const v = store.connect({ node: "lora-1", port: "model" }, { node: "@output", port: "model" }, { replace: true });
    expect(v.ok).toBe(true);
    const def = store.getState().document.components![0];
    expect(def.outputs.find((o) => o.id === "model")).toMatchObject({ node: "lora-1", port: "model" });
    expect(def.edges.some((e) => e.target === "@output")).toBe(false);
    store.removeNodes(["@input", "@output"]);
    expect(store.getState().view.nodes.map((n) => n.id)).toContain("@input");
  });

  it("adds nodes inside, exposes a field, and leaves back to the instance", () => {
    const { store } = twoInstances();
    enterInstance(store, "style-stack");
    const added = store.addNode("lora", { x: 0, y: 600 });
    expect(store.getState().document.components![0].nodes.map((n) => n.id)).toContain(added);
    expect(store.getState().document.nodes.map((n) => n.id)).not.toContain(added);
    expect(exposeField(store, "lora-1", "scale")).toMatchObject({ ok: true, id: "lora-1.scale" });
    expect(store.registry.get("component:local/style-stack@1.0.0")!.params["lora-1.scale"].label).toBe(
      "LoRA 1 › Scale",
    );
    expect(exposeField(store, "lora-1", "scale").ok).toBe(false);
    leaveTo(store, 0);
    expect(store.getState().scope).toEqual([]);
    expect(store.getState().selection.nodes).toEqual(["style-stack"]);
  });

  it("an undo that removes the component takes the canvas back out", () => {
    const { store } = setup();
    makeComponent(store, TRIO, { name: "Style stack", expose: [] });
    enterInstance(store, "style-stack");
    store.undo();
    expect(store.getState().scope).toEqual([]);
    expect(store.getState().view).toBe(store.getState().document);
  });

  it("shows a problem of an inner field on that field, only through the instance it was found in", () => {
    const { editor, store } = twoInstances();
    enterInstance(store, "style-stack");
    store.setParam("lora-2", "scale", 99);
    const result = editor.engine.compiled(store.getState().document);
    const outer = result.diagnostics.find((d) => d.nodeId === "style-stack");
    expect(outer?.message).toMatch(/^Style stack › LoRA 2 › Scale: 99 is outside/);
    const inner = scopedNodeDiagnostics(result, store.getState().scope, "lora-2");
    expect(inner).toEqual([
      expect.objectContaining({ nodeId: "lora-2", field: "scale", code: "param-out-of-confirmed-range" }),
    ]);
    expect(scopedNodeDiagnostics(result, store.getState().scope, "lora-1")).toEqual([]);
  });
});

describe("detach", () => {
  it("forks one instance onto its own copy; the other keeps the shared one", () => {
    const { store, copy } = twoInstances();
    const r = detachInstance(store, copy);
    expect(r).toMatchObject({ ok: true, id: "local/style-stack-2" });
    const doc = store.getState().document;
    expect(doc.components!.map((c) => c.id)).toEqual(["local/style-stack", "local/style-stack-2"]);
    enterInstance(store, "style-stack");
    store.setParam("lora-2", "scale", 0.1);
    const defs = store.getState().document.components!;
    expect(defs[1].nodes.find((n) => n.id === "lora-2")!.params.scale).toBe(0.8);
    leaveTo(store, 0);
    // Detaching the last user of a definition drops it.
    detachInstance(store, "style-stack");
    expect(store.getState().document.components!.map((c) => c.id)).toEqual([
      "local/style-stack-2",
      "local/style-stack-3",
    ]);
  });
});
