import { describe, expect, it, vi } from "vitest";
import { createEditorStore, counterIds, CLIPBOARD_FORMAT } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

function setup(create = createEditorStore) {
  const s = create(stubRegistry, undefined, { makeId: counterIds() });
  const base = s.addNode("base_model", { x: 0, y: 0 });
  const lora = s.addNode("lora", { x: 200, y: 0 });
  const note = s.addNode("note", { x: 0, y: 300 });
  s.connect({ node: base, port: "model" }, { node: lora, port: "model" });
  s.setParam(lora, "scale", 0.7);
  return { s, base, lora, note };
}

describe("copy / paste / duplicate", () => {
  it("copies selected nodes with their internal wires only, and pastes them with fresh ids", async () => {
    const { s, base, lora } = setup();
    s.setSelection({ nodes: [base, lora] });
    const text = s.copy()!;
    const r = await s.paste(text);
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

  it("pastes asked for before the reader has loaded are made in the order asked, each in its own step", async () => {
    vi.resetModules();
    const { pasteReader } = await import("../../src/editor/store/commands");
    const { s, lora, note } = setup((await import("../../src/editor/store")).createEditorStore);
    const first = s.copy([lora])!;
    const second = s.copy([note])!;
    // Both are asked for while the reader is still on its way (the copy started fetching it).
    expect(pasteReader.current()).toBeNull();
    const [a, b] = await Promise.all([s.paste(first, { x: 10, y: 10 }), s.paste(second, { x: 900, y: 10 })]);
    const ids = s.getState().document.nodes.map((n) => n.id);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(ids.slice(-2)).toEqual([...a.nodeIds, ...b.nodeIds]);
    expect(
      s
        .getState()
        .history.past.map((h) => h.label)
        .slice(-2),
    ).toEqual(["Paste node", "Paste node"]);
    expect(s.getState().selection.nodes).toEqual(b.nodeIds);
  });

  it("duplicate copies the wires between the nodes and their reroute points, in one step, synchronously", () => {
    const { s, base, lora } = setup();
    const wire = s.getState().document.edges[0].id;
    s.addReroute(wire, 0, { x: 100, y: 50 });
    const copies = s.duplicate([base, lora]);
    expect(copies).toHaveLength(2);
    const doc = s.getState().document;
    const copied = doc.edges.find((e) => e.source === copies[0] && e.target === copies[1])!;
    expect(copied).toMatchObject({ sourceHandle: "model", targetHandle: "model", reroutes: [{ x: 132, y: 82 }] });
    expect(doc.nodes.find((n) => n.id === copies[1])!.params.scale).toBe(0.7);
    expect(s.getState().selection.nodes).toEqual(copies);
    s.undo();
    expect(s.getState().document.nodes).toHaveLength(3);
    expect(s.getState().document.edges).toHaveLength(1);
  });

  it("duplicate offsets the copies and pastes at a given point", async () => {
    const { s, lora } = setup();
    const [copy] = s.duplicate([lora]);
    expect(s.getState().document.nodes.find((n) => n.id === copy)!.position).toEqual({ x: 232, y: 32 });
    const r = await s.paste(s.copy([lora])!, { x: 500, y: 600 });
    expect(r.ok && s.getState().document.nodes.find((n) => n.id === r.nodeIds[0])!.position).toEqual({
      x: 500,
      y: 600,
    });
  });

  it("treats pasted content as untrusted: unknown types, bad params, bad wires and odd keys are dropped with reasons", async () => {
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
    const r = await s.paste(evil);
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

  it("keeps a pasted node's file facts, as a duplicate does, when they are well formed and still name its file", async () => {
    const { s } = setup();
    const url = "https://a/b.safetensors";
    const lora = (fileInfo: unknown, path = url) => ({ id: "a", type: "lora", params: { path }, fileInfo });
    const pasted = async (node: object) => {
      const r = await s.paste({ format: CLIPBOARD_FORMAT, version: 1, nodes: [node], edges: [] });
      expect(r.ok).toBe(true);
      return s.getState().document.nodes.at(-1)!.fileInfo;
    };
    const facts = { url, family: "sdxl", rank: 16, triggerWords: ["ohwx"] };
    expect(await pasted(lora({ path: facts }))).toEqual({ path: facts });
    // Read for another file, a family no one knows, a key that is no param, not an object: not kept.
    expect(await pasted(lora({ path: facts }, "https://a/other.safetensors"))).toBeUndefined();
    expect(await pasted(lora({ path: { url, family: "sd9" } }))).toBeUndefined();
    expect(await pasted(lora({ scale: facts }))).toBeUndefined();
    expect(await pasted(lora("facts"))).toBeUndefined();
  });

  it("does not let __proto__ keys pollute anything", async () => {
    const { s } = setup();
    const r = await s.paste(
      '{"format":"lora-graph/clipboard","version":1,"nodes":[{"id":"a","type":"lora","params":{"__proto__":{"polluted":1},"scale":2}}],"edges":[]}',
    );
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const node = s.getState().document.nodes.at(-1)!;
    expect(Object.getPrototypeOf(node.params)).toBe(Object.prototype);
    expect(node.params.scale).toBe(2);
  });

  it("runs node migrations on pasted nodes from older versions", async () => {
    const { s } = setup();
    const r = await s.paste({
      format: CLIPBOARD_FORMAT,
      version: 1,
      nodes: [{ id: "a", type: "lora", typeVersion: 1, params: { weight: 0.4 } }],
      edges: [],
    });
    expect(r.ok).toBe(true);
    expect(s.getState().document.nodes.at(-1)!.params.scale).toBe(0.4);
  });

  it("rejects text that is not lora-graph content without changing the document", async () => {
    const { s } = setup();
    const before = s.getState().document;
    expect(await s.paste("hello")).toEqual({ ok: false, error: expect.stringMatching(/not JSON/) });
    expect(await s.paste('{"nodes":[]}')).toEqual({ ok: false, error: expect.stringMatching(/format is missing/) });
    expect(await s.paste('{"format":"lora-graph/clipboard","nodes":{}}')).toEqual({
      ok: false,
      error: expect.stringMatching(/"nodes" must be an array/),
    });
    expect(await s.paste('{"format":"lora-graph/clipboard","nodes":[{"type":"zzz"}]}')).toEqual({
      ok: false,
      error: expect.stringMatching(/Nothing to paste.*zzz/),
    });
    expect(s.getState().document).toBe(before);
  });
});
