// @vitest-environment happy-dom
// The canvas's dots (src/editor/flow/DotGrid.tsx): a pan only moves their layer, a zoom resizes
// its cells, and below LOD_ZOOM there is nothing to repaint on each wheel notch.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { ReactFlowProvider, useStoreApi } from "@xyflow/react";
import { DotGrid } from "../../src/editor/flow/DotGrid";
import { LOD_ZOOM } from "../../src/editor/flow/zoom";

afterEach(cleanup);

function setup() {
  const got = { rf: null as ReturnType<typeof useStoreApi> | null };
  function Probe() {
    got.rf = useStoreApi();
    return <DotGrid />;
  }
  const { container } = render(
    <ReactFlowProvider>
      <Probe />
    </ReactFlowProvider>,
  );
  const layer = container.querySelector<HTMLElement>(".dot-grid > div")!;
  const view = (x: number, y: number, k: number) => act(() => got.rf!.setState({ transform: [x, y, k] }));
  return { layer, view };
}

describe("the dot grid", () => {
  it("a pan moves the layer by less than a cell and leaves its cells alone; a zoom resizes them", () => {
    const { layer, view } = setup();
    view(0, 0, 1);
    expect(layer.style.backgroundSize).toBe("20px 20px");
    view(-47, 33, 1);
    expect(layer.style.transform).toBe("translate(13px, 13px)");
    expect(layer.style.backgroundSize).toBe("20px 20px");
    view(0, 0, 2);
    expect(layer.style.backgroundSize).toBe("40px 40px");
  });

  it("is left out below LOD_ZOOM, and comes back above it", () => {
    const { layer, view } = setup();
    view(0, 0, LOD_ZOOM * 0.9);
    expect(layer.style.display).toBe("none");
    view(0, 0, LOD_ZOOM * 1.1);
    expect(layer.style.display).toBe("");
  });
});
