// @vitest-environment happy-dom
// The page listens for `beforeunload` only while an autosave is failing: any listener makes a
// reload wait for the old page before its request goes out
// (docs/benchmarks.md#the-page-left-before-a-reload-2026-12-08-session-15). The draft is kept by the
// session's `visibilitychange` and `pagehide` handlers (docs/persistence.md#losing-work; the reload
// and close cases: AUTO-01 / AUTO-08 in persistence.e2e.ts, AUTO-02 in reliability.e2e.ts).
import { expect, it, vi } from "vitest";
import { guardUnload } from "../../src/editor/library/FilesUi";
import type { SessionState } from "../../src/editor/persistence/session";

function fakeSession(state: SessionState["autosave"]["state"]) {
  let st = { autosave: { state } } as SessionState;
  const subs = new Set<(s: SessionState) => void>();
  return {
    flush: vi.fn(async () => undefined),
    state: () => st,
    subscribe: (cb: (s: SessionState) => void) => (subs.add(cb), () => void subs.delete(cb)),
    set(state: SessionState["autosave"]["state"]) {
      st = { autosave: { state } } as SessionState;
      for (const cb of subs) cb(st);
    },
  };
}

it("listens for beforeunload only while the autosave fails, and then asks before leaving", () => {
  const win = new EventTarget() as unknown as Window;
  const add = vi.spyOn(win, "addEventListener");
  const session = fakeSession("saved");
  const stop = guardUnload(session, win);
  expect(add).not.toHaveBeenCalled();

  session.set("error");
  expect(add).toHaveBeenCalledTimes(1);
  const e = new Event("beforeunload", { cancelable: true }) as BeforeUnloadEvent;
  win.dispatchEvent(e);
  expect(e.defaultPrevented).toBe(true);
  expect(session.flush).toHaveBeenCalled();

  session.set("saving");
  const later = new Event("beforeunload", { cancelable: true });
  win.dispatchEvent(later);
  expect(later.defaultPrevented).toBe(false);

  session.set("error");
  stop();
  const after = new Event("beforeunload", { cancelable: true });
  win.dispatchEvent(after);
  expect(after.defaultPrevented).toBe(false);
});
