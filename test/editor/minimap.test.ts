// The minimap draws every node as part of one path per colour: each node's box (measured, else
// its estimated size) must be in its colour's path, hidden ones too (zoomed far out, a big graph's
// nodes are hidden from xyflow and drawn on one canvas), unsized nodes left out, and the
// bounds must cover exactly the drawn boxes (the view box and mask are built from them).
import { describe, expect, it } from "vitest";
import type { Node, ReactFlowState } from "@xyflow/react";
import { nodePaths } from "../../src/editor/flow/MiniMap";

function state(
  nodes: {
    id: string;
    x: number;
    y: number;
    w?: number;
    h?: number;
    initial?: [number, number];
    color: string;
    hidden?: boolean;
  }[],
): ReactFlowState {
  const lookup = new Map(
    nodes.map((n) => [
      n.id,
      {
        id: n.id,
        hidden: n.hidden,
        measured: { width: n.w, height: n.h },
        initialWidth: n.initial?.[0],
        initialHeight: n.initial?.[1],
        internals: { positionAbsolute: { x: n.x, y: n.y }, userNode: { id: n.id, data: { color: n.color } } },
      },
    ]),
  );
  return { nodeLookup: lookup } as unknown as ReactFlowState;
}
const colorOf = (n: Node) => (n.data as { color: string }).color;

describe("minimap paths", () => {
  it("one path per colour with every sized node's box, and bounds around them", () => {
    const { paths, bounds } = nodePaths(
      state([
        { id: "a", x: 0, y: 0, w: 100, h: 50, color: "red" },
        { id: "b", x: 200, y: 10, w: 100, h: 80, color: "blue" },
        { id: "c", x: -50, y: 300, initial: [268, 150], color: "red" },
        { id: "hidden", x: 400, y: 400, w: 10, h: 10, color: "red", hidden: true },
        { id: "unsized", x: -9000, y: 0, color: "blue" },
      ]),
      colorOf,
    );
    expect(Object.fromEntries(paths)).toEqual({
      red: "M0,0h100v50h-100zM-50,300h268v150h-268zM400,400h10v10h-10z",
      blue: "M200,10h100v80h-100z",
    });
    expect(bounds).toEqual({ x: -50, y: 0, width: 460, height: 450 });
  });

  it("no bounds when there is nothing to draw", () => {
    expect(nodePaths(state([{ id: "u", x: 0, y: 0, color: "red" }]), colorOf)).toEqual({
      paths: [],
      bounds: null,
    });
  });
});
