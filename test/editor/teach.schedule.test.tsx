// @vitest-environment happy-dom
// The Scheduler's schedule plot: one point per step for the chosen scheduler, custom arrays drawn
// the same way, and dragging a custom point writes the param as {method: "array", array}.
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { EditorProvider } from "../../src/editor/store/react";
import { SchedulePlot } from "../../src/editor/teach/SchedulePlot";
import { scheduleFor } from "../../src/teach/schedules";

afterEach(cleanup);

const H = 150;
const T = 10;
const PH = H - T - 22;

function setup(params: Record<string, unknown>) {
  const editor = createEditor({ registry, ...{ makeId: counterIds() } });
  const store = editor.store;
  const id = store.addNode("scheduler", { x: 0, y: 0 }, { params });
  const view = render(
    <EditorProvider editor={editor}>
      <SchedulePlot nodeId={id} />
    </EditorProvider>,
  );
  const svg = view.container.querySelector("svg.sp-svg") as SVGSVGElement;
  svg.getBoundingClientRect = () =>
    ({ left: 0, top: 0, width: 320, height: H, right: 320, bottom: H, x: 0, y: 0, toJSON() {} }) as DOMRect;
  const points = (series: "timesteps" | "sigmas") => [
    ...view.container.querySelectorAll<SVGCircleElement>(`[data-point="${series}"]`),
  ];
  const values = (series: "timesteps" | "sigmas") => points(series).map((p) => Number(p.getAttribute("data-value")));
  const param = (k: string) => store.getState().document.nodes.find((n) => n.id === id)!.params[k];
  return { store, id, view, svg, points, values, param };
}

describe("schedule plot", () => {
  it("plots one timestep and one sigma point per step of the chosen scheduler and step count", () => {
    const { store, id, values, points } = setup({ scheduler: "DPM++ 2M Karras", num_inference_steps: 12 });
    const expected = scheduleFor({ scheduler: "DPM++ 2M Karras", steps: 12 }).points;
    expect(values("timesteps")).toEqual(expected.map((p) => p.timestep));
    expect(values("sigmas")).toEqual(expected.map((p) => p.sigma));
    // Not custom: nothing to drag.
    expect(points("timesteps").every((p) => p.getAttribute("tabindex") === null)).toBe(true);
    act(() => store.setParam(id, "num_inference_steps", 5));
    expect(points("sigmas")).toHaveLength(5);
  });

  it("draws custom timesteps point by point, and makes exactly those points draggable", () => {
    const { store, id, values, points } = setup({ scheduler: "Euler" });
    act(() => store.setParam(id, "timesteps", { method: "array", array: [999, 749, 499, 249] }));
    expect(values("timesteps")).toEqual([999, 749, 499, 249]);
    expect(points("timesteps").every((p) => p.getAttribute("tabindex") === "0")).toBe(true);
    expect(points("sigmas").every((p) => p.getAttribute("tabindex") === null)).toBe(true);
  });

  it("dragging a custom timestep writes {method: 'array', array} once, on release", () => {
    const { store, svg, points, param } = setup({
      scheduler: "Euler",
      timesteps: { method: "array", array: [999, 749, 499, 249] },
    });
    const spy = vi.spyOn(store, "setParam");
    const yFor = (f: number) => T + PH * (1 - f);
    act(() => void fireEvent.pointerDown(points("timesteps")[1], { clientY: yFor(0.75), pointerId: 1 }));
    act(() => void fireEvent.pointerMove(svg, { clientY: yFor(0.5), pointerId: 1 }));
    expect(spy).not.toHaveBeenCalled();
    act(() => void fireEvent.pointerUp(svg, { clientY: yFor(0.5), pointerId: 1 }));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(param("timesteps")).toEqual({ method: "array", array: [999, 500, 499, 249] });
    // Dragged above the top: clamped to the last training timestep.
    act(() => void fireEvent.pointerDown(points("timesteps")[3], { clientY: 0, pointerId: 1 }));
    act(() => void fireEvent.pointerMove(svg, { clientY: -500, pointerId: 1 }));
    act(() => void fireEvent.pointerUp(svg, { clientY: -500, pointerId: 1 }));
    expect(param("timesteps")).toEqual({ method: "array", array: [999, 500, 499, 999] });
    // Out of order now: the plot says so.
    expect(screen.getByText(/should go from high to low/)).toBeTruthy();
  });

  it("custom sigmas are drawn as given and edited with the arrow keys", () => {
    const { values, points, param } = setup({
      scheduler: "Euler",
      sigmas: { method: "array", array: [14.6, 4, 1, 0.1] },
    });
    expect(values("sigmas")).toEqual([14.6, 4, 1, 0.1]);
    act(() => void fireEvent.keyDown(points("sigmas")[2], { key: "ArrowUp" }));
    expect(param("sigmas")).toEqual({ method: "array", array: [14.6, 4, 1.1, 0.1] });
  });

  it("'Edit as custom timesteps' copies the drawn schedule into the param, and 'Back to' clears it", () => {
    const { param } = setup({ scheduler: "Euler", num_inference_steps: 6 });
    act(() => void fireEvent.click(screen.getByRole("button", { name: "Edit as custom timesteps" })));
    expect(param("timesteps")).toEqual({
      method: "array",
      array: scheduleFor({ scheduler: "Euler", steps: 6 }).points.map((p) => p.timestep),
    });
    act(() => void fireEvent.click(screen.getByRole("button", { name: /Back to 6 steps/ })));
    expect(param("timesteps")).toBeUndefined();
  });
});
