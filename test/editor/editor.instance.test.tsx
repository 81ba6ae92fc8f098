// @vitest-environment happy-dom
// Everything an editor holds hangs on its instance (docs/codebase.md#editor-state): two
// editors in one page share no document, panel, toast, sweep, dialog or canvas state, and the
// compiler's results are there from the first render on (no pending state, but for the first
// compile of a big document, which views get in slices).
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render } from "@testing-library/react";
import { registry } from "../../nodes";
import { createEditor, counterIds, type Editor } from "../../src/editor/store";
import { EditorProvider, useEditor, useUi } from "../../src/editor/store/react";
import { teachUiOf } from "../../src/editor/teach/state";
import { runUiOf } from "../../src/editor/run/actions";
import { filesUiOf } from "../../src/editor/library/files";
import { sweepsOf } from "../../src/editor/teach/sweepRun";
import { dialogsOf, persistenceOf } from "../../src/editor/persistence/boot";
import { canvasViewOf } from "../../src/editor/flow/view";
import { runtimeOf } from "../../src/editor/run/runtime";
import { PENDING } from "../../src/editor/engine";
import { movedOnly } from "../../src/graph";
import { compile } from "../../src/compiler";
import { generatePipeline } from "../bench/compile";

afterEach(cleanup);

const two = () => [0, 1].map(() => createEditor({ registry, makeId: counterIds() })) as [Editor, Editor];

describe("createEditor", () => {
  it("gives each editor its own document, UI, panels and canvas view", () => {
    const [a, b] = two();
    a.store.addNode("sampler", { x: 0, y: 0 });
    a.ui.set({ tab: "problems", help: true });
    a.ui.toast("only in a");
    teachUiOf(a).set({ sweepResults: true });
    runUiOf(a).set({ drawer: true, compare: {} });
    filesUiOf(a).set({ library: true });
    canvasViewOf(a).nodeSizes.set("x", { width: 1, height: 2 });
    canvasViewOf(a).fitted = true;

    expect(b.store.getState().document.nodes).toHaveLength(0);
    expect(b.ui.get()).toMatchObject({ tab: "inspector", help: false, toasts: [] });
    expect(teachUiOf(b).get().sweepResults).toBe(false);
    expect(runUiOf(b).get()).toMatchObject({ drawer: false, compare: null });
    expect(filesUiOf(b).get().library).toBe(false);
    expect(canvasViewOf(b).nodeSizes.size).toBe(0);
    expect(canvasViewOf(b).fitted).toBe(false);
    // A part is made once per editor.
    expect(teachUiOf(a)).toBe(teachUiOf(a));
    expect(teachUiOf(a)).not.toBe(teachUiOf(b));
  });

  it("keeps sweeps, questions, sessions and runtimes apart", () => {
    const [a, b] = two();
    void dialogsOf(a).ask({ title: "?", message: "only a asks", actions: [] });
    expect(dialogsOf(a).queue.get().pending).toHaveLength(1);
    expect(dialogsOf(b).queue.get().pending).toHaveLength(0);
    expect(persistenceOf(a)).not.toBe(persistenceOf(b));
    expect(sweepsOf(a)).not.toBe(sweepsOf(b));
    expect(runtimeOf(a).controller).not.toBe(runtimeOf(b).controller);
    a.dispose();
    b.dispose();
  });

  it("compiles per editor, with real results from the first call", () => {
    const [a, b] = two();
    const id = a.store.addNode("sampler", { x: 0, y: 0 });
    const result = a.engine.compiled(a.store.getState().document);
    expect(result.diagnostics.some((d) => d.nodeId === id && d.severity === "error")).toBe(true);
    expect(a.engine.compiled(a.store.getState().document)).toBe(result);
    expect(b.engine.compiled(b.store.getState().document).diagnostics.some((d) => d.nodeId === id)).toBe(false);
  });

  it("compiles a big new document in slices for views, and at once for actions", async () => {
    const [a] = two();
    const doc = generatePipeline(2_000);
    a.store.replaceDocument(doc);
    const state = () => a.store.getState().document;
    expect(a.engine.compiledSoon(state())).toBe(PENDING);
    const landed = new Promise<void>((resolve) => a.engine.subscribe(resolve));
    await landed;
    const sliced = a.engine.compiledSoon(state());
    expect(sliced).not.toBe(PENDING);
    expect(JSON.stringify(sliced)).toBe(JSON.stringify(compile(state(), registry)));
    // An edit afterwards brings one new node object: compiled at once.
    a.store.setParam(doc.nodes[0].id, "clip_skip", 1);
    expect(a.engine.compiledSoon(state())).not.toBe(PENDING);
    // An action asking while the slices run gets the whole result there and then.
    a.store.replaceDocument(generatePipeline(1_000));
    expect(a.engine.compiledSoon(state())).toBe(PENDING);
    expect(a.engine.compiled(state()).outputs).toHaveLength(1);
    expect(a.engine.compiledSoon(state())).toBe(a.engine.compiled(state()));
  });

  it("keeps the compile result when nodes were only moved (the compiler reads no position)", () => {
    const [a] = two();
    a.store.replaceDocument(generatePipeline(100));
    const state = () => a.store.getState().document;
    const before = a.engine.compiled(state());
    const old = state();
    const [n0, n1] = old.nodes;
    a.store.moveNodes([
      { id: n0.id, position: { x: n0.position.x + 500, y: n0.position.y - 300 } },
      { id: n1.id, position: { x: -4000, y: 9000 } },
    ]);
    expect(movedOnly(old, state())).toBe(true);
    expect(a.engine.compiled(state())).toBe(before);
    // What the reuse stands on: the moved document compiles to the same result.
    expect(JSON.stringify(compile(state(), registry))).toBe(JSON.stringify(before));
    // Any other change compiles again.
    a.store.setParam(n0.id, "clip_skip", 2);
    const edited = a.engine.compiled(state());
    expect(edited).not.toBe(before);
    expect(JSON.stringify(edited)).toBe(JSON.stringify(compile(state(), registry)));
  });

  it("a drop of moved nodes adds only those to the engine's node set, sliced or not", () => {
    const [a] = two();
    a.store.replaceDocument(generatePipeline(1_000));
    const state = () => a.store.getState().document;
    const before = a.engine.compiled(state());
    const [n0] = state().nodes;
    a.store.moveNodes([{ id: n0.id, position: { x: -700, y: 40 } }]);
    // Counted through WeakSet's `add`: a new set of every node was 1,000 inserts in the drop's task.
    const add = vi.spyOn(WeakSet.prototype, "add");
    try {
      expect(a.engine.compiledSoon(state())).toBe(before);
      expect(add).toHaveBeenCalledTimes(1);
    } finally {
      add.mockRestore();
    }
    // The moved node counts as checked: a later edit is compiled at once, not in slices.
    a.store.setParam(n0.id, "clip_skip", 1);
    expect(a.engine.compiledSoon(state())).not.toBe(PENDING);
  });

  it("renders two editors side by side, each view reading its own", () => {
    const [a, b] = two();
    a.ui.set({ tab: "request" });
    a.store.addNode("sampler", { x: 0, y: 0 });
    function Probe({ name }: { name: string }) {
      const tab = useUi((s) => s.tab);
      const nodes = useEditor((s) => s.document.nodes.length);
      return <span data-testid={name}>{`${tab}:${nodes}`}</span>;
    }
    const { getByTestId } = render(
      <>
        <EditorProvider editor={a}>
          <Probe name="a" />
        </EditorProvider>
        <EditorProvider editor={b}>
          <Probe name="b" />
        </EditorProvider>
      </>,
    );
    expect(getByTestId("a").textContent).toBe("request:1");
    expect(getByTestId("b").textContent).toBe("inspector:0");
  });
});
