// The panels' view state (ui, runUi, teachUi, filesUi) all come from createUiStore: a set merges
// the patch and notifies every subscriber once; an unsubscribed listener hears nothing more.
import { describe, expect, it } from "vitest";
import { createUiStore } from "../../src/editor/store/uiStore";

describe("createUiStore", () => {
  it("merges patches, notifies subscribers, and stops after unsubscribe", () => {
    const s = createUiStore({ open: false, tab: "a" });
    const heard: string[] = [];
    const off = s.subscribe(() => heard.push(`${s.get().open}/${s.get().tab}`));
    const before = s.get();
    s.set({ open: true });
    expect(s.get()).toEqual({ open: true, tab: "a" });
    expect(s.get()).not.toBe(before);
    off();
    s.set({ tab: "b" });
    expect(heard).toEqual(["true/a"]);
    expect(s.get()).toEqual({ open: true, tab: "b" });
  });
});
