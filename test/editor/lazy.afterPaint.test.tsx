// @vitest-environment happy-dom
// The feature mounts (run history, teaching windows, batches) load and mount after the shell's first
// paint, so their code and effects come behind it (docs/benchmarks.md#the-first-load). The frame is
// driven by hand here: nothing is fetched before the first frame's callback, and what loads renders
// without suspending.
import { useEffect } from "react";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { onDemand, useAfterPaint } from "../../src/editor/lazy";

let frames: FrameRequestCallback[] = [];
/** Runs the frame callbacks requested so far, as the browser does before it paints the frame. */
const frame = () => {
  const now = frames;
  frames = [];
  for (const cb of now) cb(performance.now());
};

beforeEach(() => {
  frames = [];
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
  vi.stubGlobal("cancelAnimationFrame", () => undefined);
  // A browser without paint timing: the frame alone says the shell is on screen.
  vi.stubGlobal("PerformanceObserver", undefined);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function harness(failures = 0) {
  const log: string[] = [];
  let fetches = 0;
  const Part = () => {
    useEffect(() => void log.push("part effect"), []);
    return <p data-part />;
  };
  const part = onDemand(async () => {
    fetches++;
    if (fetches <= failures) throw new Error("offline");
    return { default: Part };
  });
  const Shell = () => {
    const Loaded = useAfterPaint(part)?.default;
    useEffect(() => void log.push("shell effect"), []);
    return <main>{Loaded && <Loaded />}</main>;
  };
  return { log, fetches: () => fetches, Shell };
}

/** Lets the task queued from the frame run and the module's promise settle. */
const afterFrame = (ms = 0) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

it("fetches the part only once the first frame is drawn, then renders it with its effects", async () => {
  const h = harness();
  const view = render(<h.Shell />);
  await afterFrame();
  expect(h.fetches()).toBe(0);
  expect(view.container.querySelector("[data-part]")).toBeNull();
  expect(h.log).toEqual(["shell effect"]);
  act(frame);
  await afterFrame();
  expect(h.fetches()).toBe(1);
  expect(view.container.querySelector("[data-part]")).not.toBeNull();
  expect(h.log).toEqual(["shell effect", "part effect"]);
});

it("a tab that gets no frames (hidden) still mounts the part, after a wait", async () => {
  const h = harness();
  const view = render(<h.Shell />);
  await afterFrame(500);
  expect(h.fetches()).toBe(0);
  await afterFrame(1000);
  expect(h.fetches()).toBe(1);
  expect(view.container.querySelector("[data-part]")).not.toBeNull();
});

it("a failed fetch is tried again until the part arrives", async () => {
  const h = harness(2);
  const view = render(<h.Shell />);
  act(frame);
  await afterFrame();
  expect(h.fetches()).toBe(1);
  expect(view.container.querySelector("[data-part]")).toBeNull();
  await afterFrame(5000);
  expect(h.fetches()).toBe(3);
  expect(view.container.querySelector("[data-part]")).not.toBeNull();
});

/** Paint timing as Chromium has it: the first contentful paint is listed once that frame is on screen. */
function paintTiming() {
  const entries: PerformanceEntry[] = [];
  vi.stubGlobal("PerformanceObserver", { supportedEntryTypes: ["paint"] });
  vi.spyOn(performance, "getEntriesByName").mockImplementation((name) => entries.filter((e) => e.name === name));
  return {
    presented: () =>
      void entries.push({
        name: "first-contentful-paint",
        entryType: "paint",
        startTime: 1,
        duration: 0,
      } as PerformanceEntry),
  };
}

it("on a first load, waits for the first frame to be on screen, not only drawn", async () => {
  const paint = paintTiming();
  try {
    const h = harness();
    const view = render(<h.Shell />);
    // The frame's callback and the task after it come while that frame is still being rastered.
    act(frame);
    await afterFrame();
    expect(h.fetches()).toBe(0);
    paint.presented();
    act(frame);
    await afterFrame();
    expect(h.fetches()).toBe(1);
    expect(view.container.querySelector("[data-part]")).not.toBeNull();
  } finally {
    vi.restoreAllMocks();
  }
});
