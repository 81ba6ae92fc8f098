// @vitest-environment happy-dom
// The canvas's one fit (src/editor/flow/fit.ts): set directly once the nodes are measured, kept
// beside an open lesson card, a refit on resize too, and marked until the view starts to move so
// that nothing calls the view at rest before it (docs/canvas.md#the-lesson-card).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import type { Edge, Node, ReactFlowInstance, Rect, Viewport } from "@xyflow/react";
import { anyUnder, CANVAS_RESERVE, fitGraph } from "../../src/editor/flow/fit";
import { refitStillFitted } from "../../src/editor/flow/refit";
import { whenViewRests } from "../../src/editor/flow/settle";
import { createCanvasView } from "../../src/editor/flow/view";

/** The canvas: at (200, 50) on the page, `width`×`height`. */
const PANE = { x: 200, y: 50 };
let frames: FrameRequestCallback[] = [];
const frame = () => {
  const run = frames;
  frames = [];
  run.forEach((f) => f(0));
};

beforeEach(() => {
  vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
  vi.stubGlobal("cancelAnimationFrame", () => undefined);
});
afterEach(() => {
  frames = [];
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

function canvas(width: number, height: number) {
  const outer = Object.assign(document.createElement("div"), { className: "canvas" });
  const pane = Object.assign(document.createElement("div"), { className: "react-flow" });
  Object.defineProperties(pane, { clientWidth: { value: width }, clientHeight: { value: height } });
  pane.getBoundingClientRect = () => DOMRect.fromRect({ ...PANE, width, height });
  outer.append(pane);
  document.body.append(outer);
}

/** The placed lesson card at `box` (canvas px). */
function card(box: Rect) {
  const el = document.createElement("aside");
  el.setAttribute(CANVAS_RESERVE.slice(1, -1), "");
  el.getBoundingClientRect = () => DOMRect.fromRect({ ...box, x: PANE.x + box.x, y: PANE.y + box.y });
  document.querySelector(".canvas")!.append(el);
}

/** xyflow as far as the fit reads it: nodes with their boxes, measured or not yet. */
function fakeFlow(boxes: Rect[], measured = true) {
  const state = { measured, viewport: { x: 0, y: 0, zoom: 1 } as Viewport };
  const set = vi.fn(async (vp: Viewport, _opts?: { duration?: number }) => {
    state.viewport = vp;
    return true;
  });
  const flow = {
    getNodes: () => boxes.map((_, i) => ({ id: `n${i}` })),
    getInternalNode: (id: string) => {
      const b = boxes[Number(id.slice(1))];
      const size = { width: b.width, height: b.height };
      return { id, internals: { positionAbsolute: { x: b.x, y: b.y } }, measured: state.measured ? size : {}, ...size };
    },
    getViewport: () => state.viewport,
    setViewport: set,
  } as unknown as ReactFlowInstance<Node, Edge>;
  return { flow, set, state };
}

const GRAPH: Rect[] = [
  { x: 0, y: 0, width: 268, height: 300 },
  { x: 320, y: 0, width: 268, height: 470 },
  { x: 640, y: 100, width: 268, height: 200 },
];

describe("a refit while a lesson card is open", () => {
  it("keeps every node out from under the card after the window is resized", () => {
    canvas(900, 600);
    const box = { x: 12, y: 40, width: 300, height: 420 };
    card(box);
    const view = createCanvasView();
    view.fitted = true;
    const { flow, set } = fakeFlow(GRAPH);
    refitStillFitted(view, flow, "window");
    expect(set).toHaveBeenCalledTimes(1);
    const vp = set.mock.calls[0][0];
    expect(anyUnder(GRAPH, vp, box)).toBe(false);
    expect(vp.zoom).toBeGreaterThan(0.3);
  });

  it("property: no node ends under the card; a fit that leaves it clear is the whole canvas's", () => {
    const rect = fc.record({
      x: fc.integer({ min: -1000, max: 1500 }),
      y: fc.integer({ min: -1000, max: 1500 }),
      width: fc.integer({ min: 100, max: 400 }),
      height: fc.integer({ min: 60, max: 500 }),
    });
    const setup = fc.record({
      nodes: fc.array(rect, { minLength: 1, maxLength: 8 }),
      pane: fc.record({ width: fc.integer({ min: 700, max: 1600 }), height: fc.integer({ min: 450, max: 1000 }) }),
      corner: fc.integer({ min: 0, max: 3 }),
      size: fc.record({ w: fc.double({ min: 0.15, max: 0.4 }), h: fc.double({ min: 0.15, max: 0.7 }) }),
    });
    fc.assert(
      fc.property(setup, ({ nodes, pane, corner, size }) => {
        document.body.replaceChildren();
        canvas(pane.width, pane.height);
        const [w, h] = [Math.round(size.w * pane.width), Math.round(size.h * pane.height)];
        const box = {
          x: corner % 2 ? pane.width - w - 12 : 12,
          y: corner < 2 ? 40 : pane.height - h - 12,
          width: w,
          height: h,
        };
        const whole = fakeFlow(nodes);
        fitGraph(createCanvasView(), whole.flow);
        card(box);
        const beside = fakeFlow(nodes);
        fitGraph(createCanvasView(), beside.flow);
        const vp = beside.set.mock.calls[0][0];
        expect(anyUnder(nodes, vp, box)).toBe(false);
        if (!anyUnder(nodes, whole.set.mock.calls[0][0], box)) expect(vp).toEqual(whole.set.mock.calls[0][0]);
      }),
      { numRuns: 200 },
    );
  });

  it("the card being placed, not drawn there yet, is kept clear as given", () => {
    canvas(900, 600);
    const box = { x: 12, y: 40, width: 300, height: 420 };
    const { flow, set } = fakeFlow(GRAPH);
    fitGraph(createCanvasView(), flow, { beside: { ...box, x: PANE.x + box.x, y: PANE.y + box.y } });
    expect(anyUnder(GRAPH, set.mock.calls[0][0], box)).toBe(false);
  });
});

describe("the fit's mark", () => {
  it("waits for the nodes to be measured, pending meanwhile, then sets the view directly", () => {
    canvas(900, 600);
    const view = createCanvasView();
    const { flow, set, state } = fakeFlow(GRAPH, false);
    fitGraph(view, flow, { duration: 200 });
    frame();
    expect(set).not.toHaveBeenCalled();
    expect(view.fit.pending).toBe(true);
    state.measured = true;
    frame();
    expect(set).toHaveBeenCalledTimes(1);
    expect(set.mock.calls[0][1]).toEqual({ duration: 200 });
    // Handed to xyflow: pending until the animation starts (a frame later in d3).
    expect(view.fit.pending).toBe(true);
    view.fit.moveStarted(false);
    expect(view.fit.pending).toBe(false);
  });

  it("a later fit supersedes one still waiting; a pan of the user's drops it", () => {
    canvas(900, 600);
    const view = createCanvasView();
    const { flow, set, state } = fakeFlow(GRAPH, false);
    fitGraph(view, flow, { duration: 200 });
    fitGraph(view, flow);
    state.measured = true;
    frame();
    expect(set).toHaveBeenCalledTimes(1);
    expect(set.mock.calls[0][1]).toEqual({ duration: undefined });
    state.measured = false;
    fitGraph(view, flow);
    view.fit.moveStarted(true);
    expect(view.fit.pending).toBe(false);
    state.measured = true;
    frame();
    expect(set).toHaveBeenCalledTimes(1);
  });

  it("keeps the view from being called at rest until the fit has started, and while it moves", () => {
    canvas(900, 600);
    const view = createCanvasView();
    const { flow, state } = fakeFlow(GRAPH, false);
    const transform = [0, 0, 1];
    const rests = vi.fn();
    fitGraph(view, flow, { duration: 200 });
    whenViewRests({ getState: () => ({ transform }) }, view, rests);
    for (let i = 0; i < 5; i++) frame();
    expect(rests).not.toHaveBeenCalled();
    state.measured = true;
    frame(); // handed to xyflow; its animation has not started
    frame();
    frame();
    expect(rests).not.toHaveBeenCalled();
    // It starts: the transform moves, though xyflow's late end of an earlier move says "still".
    view.fit.moveStarted(false);
    for (let i = 0; i < 5; i++) {
      transform[0] += 10;
      frame();
    }
    expect(rests).not.toHaveBeenCalled();
    frame();
    frame();
    frame();
    expect(rests).toHaveBeenCalledTimes(1);
  });
});
