// @vitest-environment happy-dom
// A reload's canvas starts at the restored view (xyflow's defaultViewport). Setting that same view
// again once React Flow's viewport exists started and ended a move for nothing, and the move's end
// re-rendered the canvas in a commit of its own before the first frame
// (docs/benchmarks.md#the-first-load).
import { afterEach, expect, it, vi } from "vitest";
import { act, cleanup } from "@testing-library/react";
import { useStoreApi } from "@xyflow/react";
import { useRef } from "react";
import { createEditor, counterIds } from "../../src/editor/store";
import { useViewportFit } from "../../src/editor/flow/useViewport";
import { emptyDocument } from "../../src/graph";
import { stubRegistry } from "./stubRegistry";
import { renderInFlow } from "./renderInFlow";

afterEach(cleanup);

it("sets a restored document's view once React Flow's viewport exists, unless it is there already", async () => {
  const editor = createEditor({ registry: stubRegistry, makeId: counterIds() });
  const restored = { x: -120, y: 45.5, zoom: 0.75 };
  // What the session's restore does before the first render (persistence/sessionStart.ts).
  editor.store.replaceDocument({ ...emptyDocument({ name: "draft" }), viewport: restored }, { markClean: true });
  editor.store.setViewport(restored);
  let rf: ReturnType<typeof useStoreApi> | null = null;
  function Probe() {
    rf = useStoreApi();
    useViewportFit(useRef<HTMLDivElement>(null), false, false, [false, () => undefined]);
    return null;
  }
  renderInFlow(editor, <Probe />);
  const setViewport = vi.fn(async () => true);
  const panZoom = { setViewport, getViewport: () => restored } as never;
  // What React Flow's pane does once mounted: its pan-zoom, at the default viewport (the restored one).
  act(() => rf!.setState({ panZoom, transform: [restored.x, restored.y, restored.zoom] }));
  expect(setViewport).not.toHaveBeenCalled();

  // Another document opened with another view is still shown at its view.
  const other = { x: 10, y: 20, zoom: 1.5 };
  act(() => editor.store.replaceDocument({ ...emptyDocument({ name: "other" }), viewport: other }));
  expect(setViewport).toHaveBeenCalledWith(other, undefined);
});

it("sets the view of a document opened before React Flow's viewport exists once it does, rendering nothing", () => {
  const editor = createEditor({ registry: stubRegistry, makeId: counterIds() });
  let rf: ReturnType<typeof useStoreApi> | null = null;
  let renders = 0;
  function Probe() {
    renders++;
    rf = useStoreApi();
    useViewportFit(useRef<HTMLDivElement>(null), false, false, [false, () => undefined]);
    return null;
  }
  renderInFlow(editor, <Probe />);
  const opened = { x: 10, y: 20, zoom: 1.5 };
  act(() => editor.store.replaceDocument({ ...emptyDocument({ name: "opened" }), viewport: opened }));
  const before = renders;
  const setViewport = vi.fn(async () => true);
  act(() => rf!.setState({ panZoom: { setViewport } as never }));
  expect(setViewport).toHaveBeenCalledWith(opened, undefined);
  // The canvas's hooks take the instance that does not change when the viewport initialises.
  expect(renders).toBe(before);
});
