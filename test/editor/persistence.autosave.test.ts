import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAutosaver, type AutosaveStatus } from "../../src/editor/persistence/autosave";

function quota() {
  return new DOMException("The quota has been exceeded.", "QuotaExceededError");
}

describe("autosave timing (debounce 300 ms, max wait 1 s)", () => {
  beforeEach(() => {
    // Only timers and the clock: IndexedDB is not used here.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(write = vi.fn(async (_v: number) => {})) {
    let value = 0;
    const statuses: AutosaveStatus[] = [];
    const saver = createAutosaver({
      read: () => value,
      write,
      onStatus: (s) => statuses.push(s),
      now: () => Date.now(),
    });
    return {
      saver,
      write,
      statuses,
      edit() {
        value++;
        saver.changed();
      },
      get value() {
        return value;
      },
    };
  }

  it("writes once, 300 ms after the last of a burst of changes, with the latest state", async () => {
    const t = setup();
    t.edit();
    await vi.advanceTimersByTimeAsync(100);
    t.edit();
    await vi.advanceTimersByTimeAsync(100);
    t.edit();
    await vi.advanceTimersByTimeAsync(299);
    expect(t.write).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(t.write).toHaveBeenCalledTimes(1);
    expect(t.write).toHaveBeenLastCalledWith(3);
    expect(t.saver.status().state).toBe("saved");
  });

  it("steady changes every 100 ms are still written within 1 s of the first one", async () => {
    const t = setup();
    const start = Date.now();
    const writes: number[] = [];
    t.write.mockImplementation(async () => void writes.push(Date.now() - start));
    for (let i = 0; i < 25; i++) {
      t.edit();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes[0]).toBeLessThanOrEqual(1000);
    for (let i = 1; i < writes.length; i++) expect(writes[i] - writes[i - 1]).toBeLessThanOrEqual(1000);
  });

  it("flush() writes at once and nothing more is written afterwards", async () => {
    const t = setup();
    t.edit();
    await t.saver.flush();
    expect(t.write).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.write).toHaveBeenCalledTimes(1);
    expect(t.saver.hasUnsaved()).toBe(false);
  });

  it("a change made during a slow write is saved by a follow-up write", async () => {
    let finish!: () => void;
    const t = setup();
    t.write.mockImplementationOnce(() => new Promise<void>((r) => (finish = r)));
    t.edit();
    await vi.advanceTimersByTimeAsync(300);
    expect(t.write).toHaveBeenCalledTimes(1);
    t.edit(); // while the first write is in flight
    await vi.advanceTimersByTimeAsync(300);
    expect(t.write).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(300);
    expect(t.write).toHaveBeenCalledTimes(2);
    expect(t.write).toHaveBeenLastCalledWith(2);
    expect(t.saver.hasUnsaved()).toBe(false);
  });

  it("AUTO-03: quota errors back off and retry on their own; the first success clears the error (no latch)", async () => {
    const t = setup();
    t.write.mockRejectedValueOnce(quota()).mockRejectedValueOnce(quota()).mockRejectedValueOnce(quota());
    t.edit();
    await vi.advanceTimersByTimeAsync(300);
    expect(t.saver.status()).toMatchObject({ state: "error", error: { kind: "quota", failures: 1, retryInMs: 1000 } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.saver.status()).toMatchObject({ state: "error", error: { failures: 2, retryInMs: 2000 } });
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.saver.status()).toMatchObject({ state: "error", error: { failures: 3, retryInMs: 4000 } });
    // Room again: the next retry succeeds without any new edit.
    await vi.advanceTimersByTimeAsync(4000);
    expect(t.write).toHaveBeenCalledTimes(4);
    expect(t.saver.status().state).toBe("saved");
    expect(t.saver.status().error).toBeUndefined();
    // And autosave carries on normally afterwards.
    t.edit();
    await vi.advanceTimersByTimeAsync(300);
    expect(t.write).toHaveBeenCalledTimes(5);
    expect(t.write).toHaveBeenLastCalledWith(2);
  });

  it("AUTO-03: an edit during the error state tries again at the normal debounce, not after the backoff", async () => {
    const t = setup();
    t.write.mockRejectedValueOnce(quota()).mockRejectedValueOnce(quota());
    t.edit();
    await vi.advanceTimersByTimeAsync(300);
    await vi.advanceTimersByTimeAsync(1000); // second failure, backoff now 2 s
    expect(t.saver.status().error?.failures).toBe(2);
    t.edit();
    await vi.advanceTimersByTimeAsync(300);
    expect(t.write).toHaveBeenCalledTimes(3);
    expect(t.saver.status().state).toBe("saved");
  });
});
