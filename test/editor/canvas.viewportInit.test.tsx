// @vitest-environment happy-dom
// What React Flow does in its first commit's effects (its pan-zoom, the pane's measured size, the
// nodes taken in) re-rendered our whole canvas in a commit of its own before the first frame: the
// hooks called useReactFlow(), useNodesInitialized() and the pane's size. They no longer re-render
// for it (docs/benchmarks.md#the-first-load).
import { afterEach, expect, it } from "vitest";
import { act, cleanup } from "@testing-library/react";
import { useStoreApi } from "@xyflow/react";
import { useRef } from "react";
import { createEditor, counterIds } from "../../src/editor/store";
import { useFlowElements } from "../../src/editor/flow/useFlowElements";
import { useFocusReveal, useViewportFit, useZoomToNode } from "../../src/editor/flow/useViewport";
import { useWiring } from "../../src/editor/flow/useWiring";
import { useDropHandlers } from "../../src/editor/flow/useDropHandlers";
import { useContextMenuHandlers } from "../../src/editor/flow/contextMenu";
import { emptyDocument } from "../../src/graph";
import { stubRegistry } from "./stubRegistry";
import { renderInFlow } from "./renderInFlow";

afterEach(cleanup);

it("the canvas's hooks render nothing when React Flow's viewport initialises and its pane is measured", () => {
  const editor = createEditor({ registry: stubRegistry, makeId: counterIds() });
  // A reload's draft: its saved view is there before the first render (persistence/sessionStart.ts).
  const doc = emptyDocument({ name: "draft" });
  editor.store.replaceDocument({ ...doc, viewport: { x: 0, y: 0, zoom: 1 } }, { markClean: true });
  editor.store.addNode("lora", { x: 0, y: 0 });
  editor.store.setViewport({ x: 0, y: 0, zoom: 1 });
  let rf: ReturnType<typeof useStoreApi> | null = null;
  let renders = 0;
  function Probe() {
    renders++;
    const ref = useRef<HTMLDivElement>(null);
    rf = useStoreApi();
    useFlowElements(false);
    useViewportFit(ref, false, false, [false, () => undefined]);
    useFocusReveal();
    useZoomToNode();
    useWiring();
    useDropHandlers(ref);
    useContextMenuHandlers();
    return null;
  }
  renderInFlow(editor, <Probe />);
  const before = renders;
  act(() =>
    rf!.setState({
      panZoom: { setViewport: async () => true } as never,
      transform: [0, 0, 1],
      width: 1352,
      height: 973,
      nodesInitialized: true,
    }),
  );
  expect(renders).toBe(before);
});
