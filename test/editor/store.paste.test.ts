import { describe, expect, it } from "vitest";
import { createEditorStore, counterIds, CLIPBOARD_FORMAT } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

function setup() {
  const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds() });
  const base = s.addNode("base_model", { x: 0, y: 0 });
  const lora = s.addNode("lora", { x: 200, y: 0 });
  const note = s.addNode("note", { x: 0, y: 300 });
  s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
  s.setParam(lora, "scale", 0.7);
  return { s, base, lora, note };
}

describe("copy / paste / duplicate", () => {
  it("copies selected nodes with their internal wires only, and pastes them with fresh ids", () => {
    const { s, base, lora } = setup();
    s.setSelection({ nodes: [base, lora] });
    const text = s.copy()!;
    const r = s.paste(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.nodeIds).toHaveLength(2);
    expect(r.nodeIds).not.toContain(base);
    expect(r.nodeIds).not.toContain(lora);
    const doc = s.getState().document;
    expect(doc.nodes).toHaveLength(5);
    const pasted = doc.nodes.filter((n) => r.nodeIds.includes(n.id));
    expect(pasted.find((n) => n.type === "lora")!.params.scale).toBe(0.7);
    expect(doc.edges.filter((e) => r.nodeIds.includes(e.source) && r.nodeIds.includes(e.target))).toHaveLength(1);
    expect(s.getState().selection.nodes).toEqual(r.nodeIds);
    s.undo();
    expect(s.getState().document.nodes).toHaveLength(3);
  });

  it("does not copy wires that leave the selection", () => {
    const { s, lora } = setup();
    const payload = JSON.parse(s.copy([lora])!);
    expect(payload.edges).toEqual([]);
  });

  it("duplicate offsets the copies and pastes at a given point", () => {
    const { s, lora } = setup();
    const [copy] = s.duplicate([lora]);
    expect(s.getState().document.nodes.find((n) => n.id === copy)!.position).toEqual({ x: 232, y: 32 });
    const r = s.paste(s.copy([lora])!, { x: 500, y: 600 });
    expect(r.ok && s.getState().document.nodes.find((n) => n.id === r.nodeIds[0])!.position).toEqual({
      x: 500,
      y: 600,
    });
  });

  it("treats pasted content as untrusted: unknown types, bad params, bad wires and odd keys are dropped with reasons", () => {
    const { s } = setup();
    const evil = JSON.stringify({
      format: CLIPBOARD_FORMAT,
      version: 1,
      nodes: [
        {
          id: "x",
          type: "lora",
          typeVersion: 2,
          position: { x: 0, y: 0 },
          params: { scale: "lots", path: "https://a/b.safetensors", extra: 1 },
          label: "<b>hi</b>",
        },
        { id: "y", type: "rm -rf", position: { x: 0, y: 0 } },
        { id: "z", type: "image", position: { x: "NaN", y: 0 }, params: { url: "data:image/png;base64,AA" } },
        "not a node",
      ],
      edges: [
        { source: "z", sourceHandle: "image", target: "x", targetHandle: "model" },
        { source: "x", sourceHandle: "model", target: "outside", targetHandle: "model" },
        { source: 1 },
      ],
    });
    const r = s.paste(evil);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.nodeIds).toHaveLength(2);
    const [lora, img] = r.nodeIds.map((id) => s.getState().document.nodes.find((n) => n.id === id)!);
    expect(lora.params).toEqual({ path: "https://a/b.safetensors" }); // the refused scale is left unset
    expect(lora.label).toBe("<b>hi</b>"); // kept as text; the UI never renders it as HTML
    expect(img.params.url).toBe("data:image/png;base64,AA");
    expect(r.warnings.join("\n")).toMatch(/"scale"/);
    expect(r.warnings.join("\n")).toMatch(/unknown node type "rm -rf"/);
    expect(r.warnings.join("\n")).toMatch(/nodes\[3\]: not an object/);
    expect(r.warnings.join("\n")).toMatch(/edges\[0\]: <b>hi<\/b> expects a model, not an image/);
    expect(r.warnings.join("\n")).toMatch(/not pasted/);
    expect(r.warnings.join("\n")).toMatch(/edges\[2\]: source, sourceHandle/);
  });

  it("does not let __proto__ keys pollute anything", () => {
    const { s } = setup();
    const r = s.paste(
      '{"format":"lora-graph/clipboard","version":1,"nodes":[{"id":"a","type":"lora","params":{"__proto__":{"polluted":1},"scale":2}}],"edges":[]}',
    );
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const node = s.getState().document.nodes.at(-1)!;
    expect(Object.getPrototypeOf(node.params)).toBe(Object.prototype);
    expect(node.params.scale).toBe(2);
  });

  it("runs node migrations on pasted nodes from older versions", () => {
    const { s } = setup();
    const r = s.paste({
      format: CLIPBOARD_FORMAT,
      version: 1,
      nodes: [{ id: "a", type: "lora", typeVersion: 1, params: { weight: 0.4 } }],
      edges: [],
    });
    expect(r.ok).toBe(true);
    expect(s.getState().document.nodes.at(-1)!.params.scale).toBe(0.4);
  });

  it("rejects text that is not lora-graph content without changing the document", () => {
    const { s } = setup();
    const before = s.getState().document;
    expect(s.paste("hello")).toEqual({ ok: false, error: expect.stringMatching(/not JSON/) });
    expect(s.paste('{"nodes":[]}')).toEqual({ ok: false, error: expect.stringMatching(/format is missing/) });
    expect(s.paste('{"format":"lora-graph/clipboard","nodes":{}}')).toEqual({
      ok: false,
      error: expect.stringMatching(/"nodes" must be an array/),
    });
    expect(s.paste('{"format":"lora-graph/clipboard","nodes":[{"type":"zzz"}]}')).toEqual({
      ok: false,
      error: expect.stringMatching(/Nothing to paste.*zzz/),
    });
    expect(s.getState().document).toBe(before);
  });
});
