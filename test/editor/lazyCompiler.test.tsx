// @vitest-environment happy-dom
// The compiler is not in the first load (docs/architecture.md#the-first-load). Until it arrives the
// editor shows a pending (empty) result and Run waits; once it arrives every view re-selects
// without any edit.
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { registry } from "../../nodes";
import { counterIds } from "../../src/editor/store";

afterEach(cleanup);

/** A fresh engine (and everything importing it) whose compiler import waits for `arrive()`. */
async function freshEditor() {
  vi.resetModules();
  let arrive!: () => void;
  const gate = new Promise<void>((r) => (arrive = r));
  vi.doMock("../../src/compiler", async (importOriginal) => {
    await gate;
    return importOriginal();
  });
  const engine = await import("../../src/editor/engine");
  const { createEditorStore } = await import("../../src/editor/store");
  const { EditorProvider, useEditor } = await import("../../src/editor/store/react");
  const actions = await import("../../src/editor/run/actions");
  const load = () => (arrive(), engine.loadCompiler());
  return { engine, createEditorStore, EditorProvider, useEditor, actions, load };
}

describe("compiler loaded after the first paint", () => {
  afterEach(() => {
    vi.doUnmock("../../src/compiler");
    vi.resetModules();
  });

  it("answers PENDING (uncached) until the compiler has loaded, then the real result", async () => {
    const { engine, createEditorStore, load } = await freshEditor();
    const store = createEditorStore(registry, undefined, { makeId: counterIds() });
    store.addNode("sampler", { x: 0, y: 0 });
    const doc = store.getState().document;
    expect(engine.compilerReady()).toBe(false);
    expect(engine.compiled(doc, registry)).toBe(engine.PENDING);
    const fired = vi.fn();
    engine.onCompilerReady(fired);
    await load();
    expect(fired).toHaveBeenCalledTimes(1);
    const real = engine.compiled(doc, registry);
    expect(real).not.toBe(engine.PENDING);
    // An unwired Sampler is an error: the real compile reports it.
    expect(real.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });

  it("Run plans nothing while checking, and Ctrl+Enter right away still runs once the compiler is there", async () => {
    const { createEditorStore, actions, load } = await freshEditor();
    const store = createEditorStore(registry, undefined, { makeId: counterIds() });
    const plan = actions.planRun(store.getState().document, registry, []);
    expect(plan.jobs).toEqual([]);
    expect(plan.reasons[0]).toMatch(/still being checked/);
    const { ui } = await import("../../src/editor/store/ui");
    ui.set({ toasts: [] });
    actions.runFromEditor(store);
    // Nothing is said before the compiler answers…
    expect(ui.get().toasts).toEqual([]);
    await load();
    await Promise.resolve();
    // …then the real verdict: this empty pipeline has nothing to run.
    expect(
      ui
        .get()
        .toasts.map((t) => t.text)
        .join(),
    ).toMatch(/Cannot run: .*no Sampler/i);
  });

  it("views selecting compiled() update when the compiler arrives, with no edit (wakeOnCompiler)", async () => {
    const { engine, createEditorStore, EditorProvider, useEditor, load } = await freshEditor();
    const store = createEditorStore(registry, undefined, { makeId: counterIds() });
    store.addNode("sampler", { x: 0, y: 0 });
    function Errors() {
      const n = useEditor(
        (s) => engine.compiled(s.document, registry).diagnostics.filter((d) => d.severity === "error").length,
      );
      return <output data-testid="errors">{n}</output>;
    }
    const view = render(
      <EditorProvider store={engine.wakeOnCompiler(store)}>
        <Errors />
      </EditorProvider>,
    );
    expect(view.getByTestId("errors").textContent).toBe("0");
    await act(() => load());
    expect(Number(view.getByTestId("errors").textContent)).toBeGreaterThan(0);
  });

  it("the plain store does not wake its listeners (autosave sees no change)", async () => {
    const { engine, createEditorStore, load } = await freshEditor();
    const store = createEditorStore(registry);
    const plain = vi.fn();
    const woken = vi.fn();
    store.subscribe(plain);
    const off = engine.wakeOnCompiler(store).subscribe(woken);
    await load();
    expect(plain).not.toHaveBeenCalled();
    expect(woken).toHaveBeenCalledTimes(1);
    off();
  });
});
