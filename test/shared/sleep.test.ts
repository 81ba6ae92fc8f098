import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sleep, untilAborted } from "../../src/shared/sleep.ts";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const settled = async (p: Promise<unknown>) => {
  let state = "pending";
  p.then(
    () => (state = "resolved"),
    () => (state = "rejected"),
  );
  await vi.advanceTimersByTimeAsync(0);
  return state;
};

describe("sleep", () => {
  it("resolves after its time and not before", async () => {
    const p = sleep(100);
    await vi.advanceTimersByTimeAsync(99);
    expect(await settled(p)).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(p)).toBe("resolved");
  });

  it("rejects with the signal's reason on abort, clears its timer and its listener", async () => {
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, "removeEventListener");
    const p = sleep(1000, ac.signal);
    const reason = new Error("stop");
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(remove).toHaveBeenCalledTimes(0); // { once: true } already removed it
  });

  it("a finished sleep leaves no abort listener on the signal", async () => {
    const ac = new AbortController();
    const add = vi.spyOn(ac.signal, "addEventListener");
    const remove = vi.spyOn(ac.signal, "removeEventListener");
    const p = sleep(10, ac.signal);
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledWith("abort", add.mock.calls[0][1]);
  });

  it("rejects at once for an already aborted signal, with an AbortError when no reason was given", async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await sleep(1000, ac.signal).catch((x: unknown) => x);
    expect((e as Error).name).toBe("AbortError");
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("untilAborted", () => {
  it("waits until the signal aborts, whatever time passes", async () => {
    const ac = new AbortController();
    const p = untilAborted(ac.signal);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(await settled(p)).toBe("pending");
    ac.abort(new Error("gave up"));
    await expect(p).rejects.toThrow("gave up");
  });

  it("never settles without a signal", async () => {
    expect(await settled(untilAborted())).toBe("pending");
  });
});
