// @vitest-environment happy-dom
// The lesson card places itself once the canvas says the lesson's nodes are placed and the view
// rests on them (store/settleNext.ts), however long that takes: a timer could place it before the
// refit that follows nodes moved clear of each other, over a node.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup } from "@testing-library/react";
import { registry } from "../../nodes";
import { loadWorkflow } from "../../src/graph";
import { lessons } from "../../src/examples/lessons";
import { createEditor } from "../../src/editor/store";
import { documentSettled } from "../../src/editor/store/settleNext";
import { provideCanvasFit } from "../../src/editor/store/canvasFit";
import { LessonCard } from "../../src/editor/teach/Lessons";
import { teachUiOf } from "../../src/editor/teach/state";
import { renderInFlow } from "./renderInFlow";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "requestAnimationFrame", "cancelAnimationFrame"] });
  // The canvas the card is drawn on: 900×600, nothing on it, so its first corner is free.
  const canvas = Object.assign(document.createElement("div"), { className: "canvas" });
  canvas.getBoundingClientRect = () => DOMRect.fromRect({ x: 0, y: 0, width: 900, height: 600 });
  document.body.append(canvas);
});
afterEach(() => {
  cleanup();
  document.body.replaceChildren();
  vi.useRealTimers();
});

/** The ControlNet lesson open with its card; `settledFirst`: its document settled before the card mounted. */
function openLessonCard(settledFirst = false) {
  const lesson = lessons.find((l) => l.id === "controlnet-window")!;
  const r = loadWorkflow(structuredClone(lesson.document), registry);
  if (!r.ok) throw new Error("lesson does not load");
  const editor = createEditor({ registry, document: r.document });
  const epoch = editor.store.getState().epoch;
  if (settledFirst) documentSettled(editor, epoch);
  teachUiOf(editor).set({ lesson: { id: lesson.id, epoch } });
  renderInFlow(editor, <LessonCard />);
  const card = () => document.querySelector<HTMLElement>("[data-lesson-card]");
  return { editor, epoch, card };
}

describe("the lesson card", () => {
  it("waits for the lesson's document to settle, not for a time, then takes the first free corner", async () => {
    const { editor, epoch, card } = openLessonCard();
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    expect(card()).not.toBeNull();
    expect(teachUiOf(editor).get().lesson?.at).toBeUndefined();
    expect(card()!.style.left).toBe("");
    // An earlier document settling says nothing about this one.
    act(() => documentSettled(editor, epoch - 1));
    await act(() => vi.advanceTimersByTimeAsync(100));
    expect(teachUiOf(editor).get().lesson?.at).toBeUndefined();
    act(() => documentSettled(editor, epoch));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(teachUiOf(editor).get().lesson?.at).toEqual({ x: 12, y: 40 });
    expect(card()!.style.left).toBe("12px");
  });

  it("with no corner free, takes the first one and has the canvas fit the graph beside it there", async () => {
    // A node over the whole canvas: no corner is free. The place is kept at once, whatever the fit
    // does (docs/canvas.md#the-lesson-card); the fit is the canvas's own, told the card's box.
    const node = Object.assign(document.createElement("div"), { className: "react-flow__node" });
    node.getBoundingClientRect = () => DOMRect.fromRect({ x: 0, y: 0, width: 900, height: 600 });
    document.querySelector(".canvas")!.append(node);
    const { editor, epoch, card } = openLessonCard();
    const fit = vi.fn();
    provideCanvasFit(editor, fit);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(card()!.hasAttribute("data-canvas-reserve")).toBe(false);
    act(() => documentSettled(editor, epoch));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(teachUiOf(editor).get().lesson?.at).toEqual({ x: 12, y: 40 });
    expect(card()!.style.left).toBe("12px");
    const k = card()!.getBoundingClientRect();
    expect(fit).toHaveBeenCalledExactlyOnceWith({ x: 12, y: 40, width: k.width, height: k.height });
    // Placed, the card is what every later fit keeps clear of, a refit on resize too (flow/fit.ts).
    expect(card()!.hasAttribute("data-canvas-reserve")).toBe(true);
  });

  it("is placed at once when the document settled before the card's code arrived", async () => {
    const { editor } = openLessonCard(true);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(teachUiOf(editor).get().lesson?.at).toEqual({ x: 12, y: 40 });
  });
});
