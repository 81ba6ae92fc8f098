// Arrange (flow/arrange.ts): ELK in a worker where one starts, in this thread otherwise; the canvas
// is told how many nodes are being arranged while it runs; an edit made meanwhile wins.
import { afterEach, describe, expect, it, vi } from "vitest";
import { registry } from "../../nodes";
import { elkHere, layoutDocument } from "../../src/compiler";
import { createEditor, counterIds } from "../../src/editor/store";
import { arrangeDocument } from "../../src/editor/flow/arrange";
import { canvasUiOf } from "../../src/editor/flow/canvasUi";
import { generatePipeline } from "../bench/compile";
import { relayoutIfOverlapping } from "../../src/editor/flow/settle";
import { importInto } from "../../src/editor/import/door";
import { answer } from "../../src/editor/load/loadJob";
import { inParts } from "../../src/editor/load/parts";
import type { ElkNode } from "elkjs/lib/elk-api";

/**
 * Both workers the editor starts, run in this process: the loader (loadWorker.ts) and ELK
 * (arrangeWorker.ts). Every start is recorded by its script's name.
 */
class BothWorkers {
  static started: string[] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: unknown = null;
  private readonly elk: boolean;
  constructor(url: URL) {
    const name = String(url).replace(/.*\//, "");
    BothWorkers.started.push(name);
    this.elk = name.startsWith("arrangeWorker");
  }
  postMessage(job: unknown) {
    if (this.elk) void elkHere(job as ElkNode).then((graph) => this.onmessage?.({ data: { graph } }));
    else
      void answer(job as Parameters<typeof answer>[0]).then((r) => {
        for (const m of inParts(r)) this.onmessage?.({ data: structuredClone(m) });
      });
  }
  terminate() {}
}

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

  it("an import and an import laid out again once drawn run ELK in the worker too", async () => {
    vi.stubGlobal("Worker", BothWorkers);
    BothWorkers.started = [];
    const editor = editorWith();
    const request = {
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "a castle",
      loras: [{ path: "https://example.com/a.safetensors", scale: 0.7 }],
    };
    const r = await importInto(editor, { text: JSON.stringify(request) });
    expect(r.ok).toBe(true);
    // The importer's layout and the door's own with the editor's node sizes: both in a worker.
    expect(BothWorkers.started.filter((n) => n.startsWith("arrangeWorker"))).toHaveLength(2);
    const doc = editor.store.getState().document;
    expect(doc.nodes.find((n) => n.type === "lora")).toBeDefined();
    expect(new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(doc.nodes.length);

    BothWorkers.started = [];
    const tall = new Map(doc.nodes.map((n) => [n.id, { width: 268, height: 3000 }]));
    expect(await relayoutIfOverlapping(editor, editor.registry, tall)).toBe(true);
    expect(BothWorkers.started).toEqual([expect.stringMatching(/^arrangeWorker/)]);
  });
});
