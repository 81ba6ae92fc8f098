// Arrange (flow/arrange.ts): ELK in a worker where one starts, in this thread otherwise; the canvas
// is told how many nodes are being arranged while it runs; an edit made meanwhile wins.
import { afterEach, describe, expect, it, vi } from "vitest";
import { registry } from "../../nodes";
import { layoutDocument } from "../../src/compiler";
import { createEditor, counterIds } from "../../src/editor/store";
import { arrangeDocument } from "../../src/editor/flow/arrange";
import { canvasUiOf } from "../../src/editor/flow/canvasUi";
import { generatePipeline } from "../bench/compile";

const SIZE = 30;
const editorWith = () => createEditor({ registry, makeId: counterIds(), document: generatePipeline(SIZE) });
const positions = (nodes: readonly { id: string; position: { x: number; y: number } }[]) =>
  Object.fromEntries(nodes.map((n) => [n.id, n.position]));

afterEach(() => vi.unstubAllGlobals());

describe("arranging the graph", () => {
  it("places every node as ELK does, in one undo step, and says how many nodes it arranges meanwhile", async () => {
    const editor = editorWith();
    const doc = editor.store.getState().document;
    const pending = arrangeDocument(editor);
    expect(canvasUiOf(editor).get().arranging).toBe(SIZE);
    expect(await pending).not.toBeNull();
    expect(canvasUiOf(editor).get().arranging).toBeNull();
    const after = editor.store.getState().document;
    expect(positions(after.nodes)).toEqual(positions((await layoutDocument(doc, registry)).nodes));
    expect(positions(after.nodes)).not.toEqual(positions(doc.nodes));
    editor.store.undo();
    expect(editor.store.getState().document.nodes).toEqual(doc.nodes);
  });

  it("leaves the graph alone when a node is moved while ELK runs; a param edit does not stop it", async () => {
    const editor = editorWith();
    const moved = arrangeDocument(editor);
    editor.store.moveNodes([{ id: "base_model-0", position: { x: -900, y: -900 } }]);
    const mine = editor.store.getState().document;
    expect(await moved).toBeNull();
    expect(editor.store.getState().document).toBe(mine);
    expect(canvasUiOf(editor).get().arranging).toBeNull();

    const edited = arrangeDocument(editor);
    const prompt = mine.nodes.find((n) => n.type === "prompt")!;
    editor.store.setParam(prompt.id, "prompt", "a castle at dusk");
    expect(await edited).not.toBeNull();
    const now = editor.store.getState().document;
    expect(now.nodes.find((n) => n.id === prompt.id)!.params.prompt).toBe("a castle at dusk");
    expect(now.nodes.find((n) => n.id === "base_model-0")!.position).not.toEqual({ x: -900, y: -900 });
  });

  it("a second arrange stops the first; the line stays until the last one ends", async () => {
    const editor = editorWith();
    const first = arrangeDocument(editor);
    const second = arrangeDocument(editor);
    expect(await first).toBeNull();
    expect(canvasUiOf(editor).get().arranging).toBe(SIZE);
    expect(await second).not.toBeNull();
    expect(canvasUiOf(editor).get().arranging).toBeNull();
  });

  it("a worker that fails to load does not lose the arrange: ELK runs in this thread", async () => {
    const started: string[] = [];
    vi.stubGlobal(
      "Worker",
      class {
        onerror: ((e: { preventDefault(): void }) => void) | null = null;
        onmessage = null;
        constructor(url: URL) {
          started.push(String(url));
        }
        postMessage() {
          setTimeout(() => this.onerror?.({ preventDefault() {} }), 0);
        }
        terminate() {}
      },
    );
    const editor = editorWith();
    expect(await arrangeDocument(editor)).not.toBeNull();
    expect(started.join()).toMatch(/arrangeWorker/);
  });
});
