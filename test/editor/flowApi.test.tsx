// @vitest-environment happy-dom
// The shell takes React Flow's instance from flowApi.tsx: `useReactFlow()` re-rendered the whole
// shell in a commit of its own when the viewport initialised, before the first frame
// (docs/benchmarks.md#the-first-load).
import { readFileSync } from "node:fs";
import { afterEach, expect, it } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { ReactFlowProvider, useReactFlow, useStoreApi, type ReactFlowInstance } from "@xyflow/react";
import { FlowApiProvider, useFlowApi } from "../../src/editor/flow/flowApi";

afterEach(cleanup);

it("keeps its callers out of the commit that initialises the viewport, and its methods read the live view", () => {
  const renders = { api: 0, direct: 0 };
  let api: ReactFlowInstance | null = null;
  let store: ReturnType<typeof useStoreApi> | null = null;
  function ViaApi() {
    renders.api++;
    api = useFlowApi();
    store = useStoreApi();
    return null;
  }
  function Direct() {
    renders.direct++;
    useReactFlow();
    return null;
  }
  render(
    <ReactFlowProvider>
      <FlowApiProvider>
        <ViaApi />
        <Direct />
      </FlowApiProvider>
    </ReactFlowProvider>,
  );
  expect(renders).toEqual({ api: 1, direct: 1 });
  const first = api;
  // What React Flow's pane does once it has mounted: its pan-zoom makes the viewport initialised.
  act(() => store!.setState({ panZoom: {} as never, transform: [30, 40, 1.5] }));
  expect(renders.direct).toBe(2);
  expect(renders.api).toBe(1);
  expect(api).toBe(first);
  expect(api!.getViewport()).toEqual({ x: 30, y: 40, zoom: 1.5 });
});

it("is what the shell, the toolbar and the arrange command use", () => {
  for (const file of ["src/editor/App.tsx", "src/editor/panels/Toolbar.tsx", "src/editor/flow/useArrange.ts"]) {
    const text = readFileSync(file, "utf8");
    expect(text, file).toMatch(/useFlowApi\(\)/);
    expect(text, file).not.toMatch(/useReactFlow\(/);
  }
});
