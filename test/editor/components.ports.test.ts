// A component's ports from inside (docs/components.md#the-editor): deleting a node that gives an
// output is refused with the reason; a port can be removed, with its wires on every instance, or
// an inner output given to the component, each in one undo step.
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { analyzeComponents, hashComponent, type WorkflowDocument } from "../../src/graph";
import { createEditor, counterIds } from "../../src/editor/store";
import {
  enterInstance,
  exposeField,
  exposeInput,
  exposeOutput,
  leaveTo,
  makeComponent,
  removePort,
  unexposeField,
} from "../../src/editor/components/commands";
import { componentFixture } from "../graph/helpers";

/** The style-stack pipeline with a second instance wired like the first, opened on the first. */
function inside() {
  const { store } = createEditor({ registry, makeId: counterIds(), document: componentFixture("style-stack") });
  const [copy] = store.duplicate(["style-stack"]);
  store.connect({ node: copy, port: "conditioning" }, { node: "sampler", port: "conditioning" }, { replace: true });
  enterInstance(store, "style-stack");
  return { store, copy };
}

const valid = (doc: WorkflowDocument) => analyzeComponents(doc).problems.filter((p) => p.severity === "error");

describe("deleting an inner node that gives an output", () => {
  it("is refused with the node and the port named, and changes nothing", () => {
    const { store } = inside();
    const before = store.getState().document;
    expect(store.removeNodes(["prompt"])).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Prompt gives the component's output “Conditioning”: wire another node/),
    });
    store.setSelection({ nodes: ["lora-1", "lora-2"] });
    expect(store.removeSelection()).toMatchObject({ ok: false, reason: expect.stringMatching(/^LoRA 2 gives/) });
    expect(store.getState().document).toBe(before);
    // A node that gives no output goes as ever.
    expect(store.removeNodes(["lora-1"])).toEqual({ ok: true });
    expect(valid(store.getState().document)).toEqual([]);
  });
});

describe("remove port", () => {
  it("removes an output and the wires from it on every instance, in one undo step", () => {
    const { store, copy } = inside();
    const wires = () =>
      store
        .getState()
        .document.edges.filter((e) => e.sourceHandle === "conditioning")
        .map((e) => e.source);
    expect(wires()).toEqual([copy]);
    expect(removePort(store, "out", "conditioning")).toEqual({ ok: true });
    const doc = store.getState().document;
    expect(doc.components![0].outputs.map((o) => o.id)).toEqual(["model"]);
    expect(doc.components![0].hash).toBe(hashComponent(doc.components![0]));
    expect(wires()).toEqual([]);
    // Now the prompt can go, and the component stays whole.
    expect(store.removeNodes(["prompt"])).toEqual({ ok: true });
    expect(valid(store.getState().document)).toEqual([]);
    store.undo();
    store.undo();
    expect(wires()).toEqual([copy]);
    expect(store.getState().document.components![0].outputs).toHaveLength(2);
  });

  it("removes an input with its wires inside and outside", () => {
    const { store } = inside();
    expect(removePort(store, "in", "model")).toEqual({ ok: true });
    const doc = store.getState().document;
    expect(doc.components![0].inputs).toEqual([]);
    expect(doc.components![0].edges.some((e) => e.source === "@input")).toBe(false);
    expect(doc.edges.some((e) => e.targetHandle === "model" && e.target.startsWith("style-stack"))).toBe(false);
    expect(valid(doc)).toEqual([]);
  });

  it("is refused when an outer component gives the port on as its own output", () => {
    const { store } = createEditor({ registry, makeId: counterIds(), document: componentFixture("style-stack") });
    makeComponent(store, ["style-stack"], { name: "Outer", expose: [] });
    enterInstance(store, "outer");
    enterInstance(store, "style-stack");
    const r = removePort(store, "out", "model");
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("Outer gives this port on as its output") });
  });
});

describe("expose as output", () => {
  it("gives an inner output to every instance as a new port", () => {
    const { store, copy } = inside();
    const r = exposeOutput(store, "lora-1", "model");
    expect(r).toEqual({ ok: true, id: "model-2" });
    const def = store.getState().document.components![0];
    expect(def.outputs.at(-1)).toEqual({
      id: "model-2",
      label: "LoRA 1 › Model",
      kind: "model",
      node: "lora-1",
      port: "model",
    });
    expect(exposeOutput(store, "lora-1", "model").ok).toBe(false);
    leaveTo(store, 0);
    expect(
      store.registry.get(store.getState().document.nodes.find((n) => n.id === copy)!.type)!.outputs.map((o) => o.id),
    ).toEqual(["model", "conditioning", "model-2"]);
    store.undo();
    expect(store.getState().document.components![0].outputs).toHaveLength(2);
  });
});

describe("expose as input", () => {
  it("gives an unwired inner input to every instance as a new port, in one undo step", () => {
    const { store, copy } = inside();
    // LoRA 1's model is fed by the component's input: it takes one wire only.
    expect(exposeInput(store, "lora-1", "model")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/wired already/),
    });
    removePort(store, "in", "model");
    const r = exposeInput(store, "lora-1", "model");
    expect(r).toEqual({ ok: true, id: "model" });
    const def = store.getState().document.components![0];
    expect(def.inputs).toEqual([{ id: "model", label: "Model", kind: "model", required: true }]);
    expect(def.edges.filter((e) => e.source === "@input")).toMatchObject([
      { sourceHandle: "model", target: "lora-1", targetHandle: "model" },
    ]);
    expect(def.hash).toBe(hashComponent(def));
    expect(valid(store.getState().document)).toEqual([]);
    leaveTo(store, 0);
    const ports = (id: string) =>
      store.registry.get(store.getState().document.nodes.find((n) => n.id === id)!.type)!.inputs.map((p) => p.id);
    expect(ports(copy)).toEqual(["model"]);
    expect(ports("style-stack")).toEqual(["model"]);
    // A wire from outside into the new port reaches LoRA 1 on compile.
    expect(store.connect({ node: "base", port: "model" }, { node: copy, port: "model" }).ok).toBe(true);
    store.undo();
    store.undo();
    expect(store.getState().document.components![0].inputs).toEqual([]);
  });
});

describe("remove from component", () => {
  it("un-exposes a field: the param goes with every instance's override of it, in one undo step", () => {
    const { store, copy } = inside();
    const key = "local/style-stack@1.0.0";
    leaveTo(store, 0);
    store.setParam(copy, "lora-2.scale", 0.4);
    const before = store.getState().document;
    expect(unexposeField(store, key, "lora-2.scale")).toEqual({ ok: true });
    const doc = store.getState().document;
    expect(doc.components![0].params.map((p) => p.id)).not.toContain("lora-2.scale");
    expect(doc.components![0].hash).toBe(hashComponent(doc.components![0]));
    expect(doc.nodes.find((n) => n.id === copy)!.params).not.toHaveProperty("lora-2.scale");
    expect(Object.keys(store.registry.get(doc.nodes.find((n) => n.id === copy)!.type)!.params)).not.toContain(
      "lora-2.scale",
    );
    expect(unexposeField(store, key, "lora-2.scale").ok).toBe(false);
    store.undo();
    expect(store.getState().document).toEqual(before);
  });

  it("is refused while an outer component shows that field as its own", () => {
    const { store } = createEditor({ registry, makeId: counterIds(), document: componentFixture("style-stack") });
    makeComponent(store, ["style-stack"], { name: "Outer", expose: [] });
    enterInstance(store, "outer");
    expect(exposeField(store, "style-stack", "lora-2.scale").ok).toBe(true);
    const r = unexposeField(store, "local/style-stack@1.0.0", "lora-2.scale");
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("Outer shows this field as its own") });
  });
});
