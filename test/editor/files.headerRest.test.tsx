// @vitest-environment happy-dom
// The LoRA node's file view reads a header only once its path rests: a path typed key by key
// (slowly, with pauses shorter than the rest) asks the host for the finished URL alone.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { ModelFileView } from "../../src/editor/files/ModelFileView";

const URL_TYPED = "https://huggingface.co/u/castle/resolve/main/castle.safetensors";

let asked: string[] = [];
beforeEach(() => {
  vi.useFakeTimers();
  asked = [];
  vi.stubGlobal("fetch", (input: RequestInfo | URL) => {
    // The browser's own reads; a refusal's fallback through our server is not a second ask.
    if (!String(input).startsWith("/api/")) asked.push(String(input));
    return Promise.resolve(new Response("not found", { status: 404 }));
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function loraView() {
  const editor = createEditor({ registry, makeId: counterIds() });
  const id = editor.store.addNode("lora", { x: 0, y: 0 });
  const draw = () => (
    <EditorProvider editor={editor}>
      <ModelFileView nodeId={id} params={editor.store.getState().document.nodes.find((n) => n.id === id)!.params} />
    </EditorProvider>
  );
  const view = render(draw());
  const type = (path: string) =>
    act(() => {
      editor.store.setParam(id, "path", path);
      view.rerender(draw());
    });
  return { type };
}

describe("the model file view's header read", () => {
  it("asks nothing while a path is typed, then asks for the finished path once", async () => {
    const { type } = loraView();
    for (let end = 12; end <= URL_TYPED.length; end += 4) {
      type(URL_TYPED.slice(0, end));
      await act(() => vi.advanceTimersByTimeAsync(200));
    }
    type(URL_TYPED);
    expect(asked).toEqual([]);
    await act(() => vi.advanceTimersByTimeAsync(400));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBe(URL_TYPED);
  });

  it("a pause past the rest reads the half-typed path: the rest is what separates the two", async () => {
    const { type } = loraView();
    type(URL_TYPED.slice(0, 40));
    await act(() => vi.advanceTimersByTimeAsync(400));
    type(URL_TYPED);
    await act(() => vi.advanceTimersByTimeAsync(400));
    expect(asked).toEqual([URL_TYPED.slice(0, 40), URL_TYPED]);
  });
});
