// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { ReactFlowProvider } from "@xyflow/react";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Inspector, preloadNodeInspector } from "../../src/editor/panels/Inspector";
import { GraphNode } from "../../src/editor/flow/GraphNode";
import type { GraphFlowNode } from "../../src/editor/flow/derive";
import type { NodeProps } from "@xyflow/react";

// One node's settings are a lazy part: load them before rendering a selection.
// The Sampler's canvas view loads its strips on demand (flow/nodeViews.tsx): loaded here first, or
// the file can end with that import still in flight, and the next file of this worker's shared
// module graph fails with EnvironmentTeardownError on teach/timeline.ts (seen at load ~10).
beforeAll(() => Promise.all([preloadNodeInspector(), import("../../src/editor/teach/NodeStripsView")]));

afterEach(cleanup);

function setup() {
  const editor = createEditor({ registry, ...{ makeId: counterIds() } });
  const store = editor.store;
  const sampler = store.addNode("sampler", { x: 400, y: 0 });
  const image = store.addNode("image", { x: 0, y: 0 });
  store.setSelection({ nodes: [sampler] });
  function CanvasNode() {
    const node = store.getState().document.nodes.find((n) => n.id === sampler)!;
    const props = { id: sampler, data: { node }, selected: false } as unknown as NodeProps<GraphFlowNode>;
    return <GraphNode {...props} />;
  }
  render(
    <EditorProvider editor={editor}>
      <ReactFlowProvider>
        <div className="on-canvas">
          <CanvasNode />
        </div>
      </ReactFlowProvider>
      <Inspector />
    </EditorProvider>,
  );
  return { store, sampler, image };
}

const field = (scope: string, key: string) => document.querySelector<HTMLElement>(`${scope} [data-field="${key}"]`);

describe("settings the wiring ignores", () => {
  it("without an init image: Denoise is off the node and dimmed with the reason in the inspector; Size is live", () => {
    setup();
    expect(field(".on-canvas", "noise_strength")).toBeNull();
    expect(field(".on-canvas", "image_size")).not.toBeNull();
    const denoise = field(".inspector", "noise_strength")!;
    expect(denoise.className).toMatch(/inactive/);
    expect(denoise.textContent).toMatch(/Only used with an init image/);
    expect(field(".inspector", "image_size")!.className).not.toMatch(/inactive/);
  });

  it("wiring an init image swaps them: Denoise appears on the node, Size is dimmed; unwiring swaps back", () => {
    const { store, sampler, image } = setup();
    const out = registry.getOrThrow("image").outputs[0].id;
    act(() => void store.connect({ node: image, port: out }, { node: sampler, port: "init_image" }));
    expect(field(".on-canvas", "noise_strength")).not.toBeNull();
    expect(field(".on-canvas", "image_size")).toBeNull();
    expect(field(".inspector", "noise_strength")!.className).not.toMatch(/inactive/);
    expect(field(".inspector", "image_size")!.textContent).toMatch(/Not used with an init image/);
    act(() => void store.undo());
    expect(field(".on-canvas", "noise_strength")).toBeNull();
    expect(field(".on-canvas", "image_size")).not.toBeNull();
  });

  it("an inactive setting stays editable in the inspector (its value is kept for when it applies)", () => {
    const { store, sampler } = setup();
    const box = field(".inspector", "noise_strength")!.querySelector("input.num") as HTMLInputElement;
    expect(box.disabled).toBe(false);
    act(() => store.setParam(sampler, "noise_strength", 0.8));
    expect(store.getState().document.nodes[0].params.noise_strength).toBe(0.8);
  });
});
