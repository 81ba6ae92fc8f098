// @vitest-environment happy-dom
// The shell takes React Flow's instance from flowApi.tsx: `useReactFlow()` re-rendered the whole
// shell in a commit of its own when the viewport initialised, before the first frame
// (docs/benchmarks.md#the-first-load).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
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

it("is what every caller of ours uses: nothing but the provider calls useReactFlow()", () => {
  // The canvas and its hooks too: with `useReactFlow()` they re-rendered the canvas's subtree (43
  // components) in the commit after the first (docs/benchmarks.md#the-first-load).
  const files = readdirSync("src", { recursive: true, encoding: "utf8" }).filter((f) => /\.tsx?$/.test(f));
  const callers = files.filter((f) => /\buseReactFlow(<[^>]*>)?\(/.test(readFileSync(join("src", f), "utf8")));
  expect(callers).toEqual([join("editor", "flow", "flowApi.tsx")]);
});
