// @vitest-environment happy-dom
// The denoising timeline: bars follow the ControlNet's params, and dragging an edge writes the
// clamped value through the store as one undo step.
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { registry } from "../../nodes";
import { loadWorkflow } from "../../src/graph";
import { lessons } from "../../src/examples/lessons";
import { createEditor } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { Timeline, VIEW_W } from "../../src/editor/teach/Timeline";

afterEach(cleanup);

const PLOT_W = VIEW_W - 20;

function setup() {
  const lesson = lessons.find((l) => l.id === "controlnet-window")!;
  const r = loadWorkflow(structuredClone(lesson.document), registry);
  if (!r.ok) throw new Error("lesson does not load");
  const editor = createEditor({ registry, document: r.document });
  const store = editor.store;
  const view = render(
    <EditorProvider editor={editor}>
      <Timeline samplerId="sampler" />
    </EditorProvider>,
  );
  const svg = view.container.querySelector("svg.tl-svg") as SVGSVGElement;
  // happy-dom does no layout: the strip is drawn 1:1 in view units at the page's left edge.
  svg.getBoundingClientRect = () =>
    ({ left: 0, top: 0, width: VIEW_W, height: 200, right: VIEW_W, bottom: 200, x: 0, y: 0, toJSON() {} }) as DOMRect;
  const bar = () => view.container.querySelector('[data-cn-bar="canny"]') as SVGRectElement;
  const handle = (edge: "start" | "end") =>
    view.container.querySelector(`[data-node="canny"][data-edge="${edge}"]`) as SVGGElement;
  const params = () => store.getState().document.nodes.find((n) => n.id === "canny")!.params;
  /** Client x of a fraction of the steps (text-to-image: no skipped steps). */
  const xOf = (f: number) => 10 + f * PLOT_W;
  const drag = (edge: "start" | "end", toX: number) => {
    fireEvent.pointerDown(handle(edge), { clientX: 0, pointerId: 1 });
    fireEvent.pointerMove(svg, { clientX: (toX + 0) / 2, pointerId: 1 });
    fireEvent.pointerMove(svg, { clientX: toX, pointerId: 1 });
    fireEvent.pointerUp(svg, { clientX: toX, pointerId: 1 });
  };
  return { store, view, svg, bar, handle, params, xOf, drag };
}

describe("denoising timeline", () => {
  it("draws one bar per ControlNet whose width follows start and end as they are edited", () => {
    const { store, bar } = setup();
    expect(Number(bar().getAttribute("width"))).toBeCloseTo(PLOT_W, 5);
    act(() => store.setParam("canny", "end_percentage", 0.5));
    expect(Number(bar().getAttribute("width"))).toBeCloseTo(PLOT_W / 2, 5);
    act(() => store.setParam("canny", "start_percentage", 0.25));
    expect(Number(bar().getAttribute("x"))).toBeCloseTo(10 + PLOT_W / 4, 5);
    expect(Number(bar().getAttribute("width"))).toBeCloseTo(PLOT_W / 4, 5);
  });

  it("labels the bar with its window and the steps it acts on, and draws the scheduler's noise curve", () => {
    const { store, view } = setup();
    act(() => store.setParam("canny", "end_percentage", 0.6));
    const row = view.container.querySelector('[data-cn-row="canny"]')!;
    expect(row.textContent).toContain("0–0.6");
    // diffusers' controlnet_keep over 30 steps: steps i with (i+1)/30 ≤ 0.6 → the first 18.
    expect(row.textContent).toContain("steps 1–18");
    const curve = view.container.querySelector("[data-sigma-curve]")!.getAttribute("d")!;
    expect(curve.split("L").length).toBe(31); // 30 steps plus where the last one lands
  });

  it("dragging an edge calls setParam once, on release, with the clamped value, as one undo step", () => {
    const { store, drag, xOf, params, bar } = setup();
    const spy = vi.spyOn(store, "setParam");
    const before = store.getState().history.past.length;
    act(() => drag("end", xOf(0.6)));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith("canny", "end_percentage", 0.6);
    expect(params().end_percentage).toBe(0.6);
    expect(Number(bar().getAttribute("width"))).toBeCloseTo(PLOT_W * 0.6, 5);
    expect(store.getState().history.past.length).toBe(before + 1);

    // Past the left end: the end stops just after the start (0), it never crosses it.
    spy.mockClear();
    act(() => drag("end", -100));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith("canny", "end_percentage", 0.01);

    // The start dragged past the end stops just before it.
    act(() => store.setParam("canny", "end_percentage", 0.6));
    spy.mockClear();
    act(() => drag("start", 10_000));
    expect(spy).toHaveBeenCalledWith("canny", "start_percentage", 0.59);
    expect(params().start_percentage).toBe(0.59);

    act(() => void store.undo());
    expect(params().start_percentage).toBe(0);
  });

  it("shows the drag while it happens without writing to the store until release", () => {
    const { store, handle, svg, xOf, bar, params } = setup();
    const spy = vi.spyOn(store, "setParam");
    act(() => void fireEvent.pointerDown(handle("end"), { clientX: xOf(1), pointerId: 1 }));
    act(() => void fireEvent.pointerMove(svg, { clientX: xOf(0.3), pointerId: 1 }));
    expect(Number(bar().getAttribute("width"))).toBeCloseTo(PLOT_W * 0.3, 5);
    expect(spy).not.toHaveBeenCalled();
    expect(params().end_percentage).toBe(1);
    act(() => void fireEvent.pointerUp(svg, { clientX: xOf(0.3), pointerId: 1 }));
    expect(spy).toHaveBeenCalledWith("canny", "end_percentage", 0.3);
  });

  it("arrow keys on an edge move it by 0.05 and are undoable", () => {
    const { store, handle, params } = setup();
    act(() => void fireEvent.keyDown(handle("end"), { key: "ArrowLeft" }));
    expect(params().end_percentage).toBe(0.95);
    act(() => void fireEvent.keyDown(handle("start"), { key: "ArrowRight" }));
    expect(params().start_percentage).toBe(0.05);
    act(() => void store.undo());
    expect(params().start_percentage).toBe(0);
  });

  it("shades the steps image-to-image skips and measures the window from the first step run", () => {
    const { store, view, bar } = setup();
    const init = store.addNode("image", { x: 0, y: 0 }, { params: { url: "https://example.com/a.png" } });
    act(() => void store.connect({ node: init, port: "image" }, { node: "sampler", port: "init_image" }));
    act(() => store.setParam("sampler", "noise_strength", 0.5));
    // 30 steps at denoise 0.5: the first 15 are skipped.
    expect(view.container.querySelector("[data-skipped]")?.getAttribute("data-skipped")).toBe("15");
    expect(Number(bar().getAttribute("x"))).toBeCloseTo(10 + PLOT_W / 2, 5);
    expect(Number(bar().getAttribute("width"))).toBeCloseTo(PLOT_W / 2, 5);
  });
});
