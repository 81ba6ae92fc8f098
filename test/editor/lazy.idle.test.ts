// whenIdle paces the page's prefetches (docs/benchmarks.md#the-first-load): nothing before the
// editor is on screen, then one job per idle callback, each after the previous one's promise.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

let callbacks: (() => void)[] = [];
let rendered = false;
/** Runs the idle callbacks requested so far (not those they request), then lets promises settle. */
async function idlePeriod() {
  const now = callbacks;
  callbacks = [];
  for (const cb of now) cb();
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

beforeEach(() => {
  callbacks = [];
  rendered = false;
  vi.resetModules();
  vi.stubGlobal("requestIdleCallback", (cb: () => void) => callbacks.push(cb));
  vi.stubGlobal("document", { getElementById: () => (rendered ? { firstElementChild: {} } : null) });
});
afterEach(() => vi.unstubAllGlobals());

describe("whenIdle", () => {
  it("waits for the first render, then runs one job per idle period, urgent ones first", async () => {
    const { whenIdle } = await import("../../src/editor/lazy");
    const ran: string[] = [];
    whenIdle(() => ran.push("a"));
    whenIdle(() => ran.push("b"));
    whenIdle(() => ran.push("palette"), { urgent: true });
    await idlePeriod();
    await idlePeriod();
    expect(ran).toEqual([]);
    rendered = true;
    await idlePeriod();
    expect(ran).toEqual(["palette"]);
    await idlePeriod();
    expect(ran).toEqual(["palette", "a"]);
    await idlePeriod();
    await idlePeriod();
    expect(ran).toEqual(["palette", "a", "b"]);
  });

  it("starts the next job only once the previous one's promise settled, rejected or not", async () => {
    const { whenIdle } = await import("../../src/editor/lazy");
    rendered = true;
    const ran: string[] = [];
    let fail = (_: Error) => {};
    whenIdle(() => new Promise((_, reject) => (fail = reject)).finally(() => ran.push("first settled")));
    whenIdle(() => ran.push("second"));
    await idlePeriod();
    await idlePeriod();
    await idlePeriod();
    expect(ran).toEqual([]);
    fail(new Error("offline"));
    await idlePeriod();
    await idlePeriod();
    expect(ran).toEqual(["first settled", "second"]);
  });
  it("starts the next job once the previous one has run IDLE_JOB_MS without settling", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { whenIdle, IDLE_JOB_MS } = await import("../../src/editor/lazy");
      rendered = true;
      const ran: string[] = [];
      whenIdle(() => (ran.push("stalled fetch"), new Promise(() => {})));
      whenIdle(() => ran.push("second"));
      await idlePeriod();
      await vi.advanceTimersByTimeAsync(IDLE_JOB_MS - 1);
      await idlePeriod();
      expect(ran).toEqual(["stalled fetch"]);
      await vi.advanceTimersByTimeAsync(1);
      await idlePeriod();
      expect(ran).toEqual(["stalled fetch", "second"]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("afterFirstPaint", () => {
  it("runs once the editor is shown and a frame has been painted since, once", async () => {
    vi.useFakeTimers();
    try {
      const frames: (() => void)[] = [];
      vi.stubGlobal("requestAnimationFrame", (cb: () => void) => frames.push(cb));
      const frame = () => frames.splice(0).forEach((cb) => cb());
      const { afterFirstPaint } = await import("../../src/editor/lazy");
      const ran: string[] = [];
      afterFirstPaint(() => ran.push("attached"));
      // Frames before the editor is in #root do not count.
      frame();
      frame();
      vi.advanceTimersByTime(10);
      expect(ran).toEqual([]);
      rendered = true;
      frame();
      // The frame's own callback is before its paint: the work waits for the task after it.
      expect(ran).toEqual([]);
      vi.advanceTimersByTime(0);
      expect(ran).toEqual(["attached"]);
      // The hidden tab's fallback does not run it a second time.
      vi.advanceTimersByTime(2000);
      expect(ran).toEqual(["attached"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a tab that gets no frames (hidden) runs it after a second", async () => {
    vi.useFakeTimers();
    try {
      vi.stubGlobal("requestAnimationFrame", () => 0);
      const { afterFirstPaint } = await import("../../src/editor/lazy");
      const ran: string[] = [];
      afterFirstPaint(() => ran.push("attached"));
      vi.advanceTimersByTime(999);
      expect(ran).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(ran).toEqual(["attached"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("lazyRunner", () => {
  it("fetches the run client at the first idle moment, ahead of prefetches queued before it", async () => {
    const ran: string[] = [];
    vi.doMock("../../src/fal/runner", () => {
      ran.push("run client");
      return { createRunner: () => ({}) };
    });
    const { whenIdle } = await import("../../src/editor/lazy");
    const { lazyRunner } = await import("../../src/editor/run/lazyRunner");
    whenIdle(() => ran.push("palette"), { urgent: true });
    whenIdle(() => ran.push("dialogs"));
    lazyRunner({ proxyUrl: "/api/fal/proxy" });
    rendered = true;
    await idlePeriod();
    await vi.waitFor(() => expect(ran).toEqual(["run client"]));
    vi.doUnmock("../../src/fal/runner");
  });
});
