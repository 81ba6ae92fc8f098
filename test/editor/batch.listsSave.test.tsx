// @vitest-environment happy-dom
// A library wildcard list is written once typing pauses, not once per keystroke, and the page
// going away (pagehide) writes the latest text at once (a reload must not keep a list cut short).
import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, renderHook } from "@testing-library/react";
import { DB_NAME, openDatabase } from "../../src/editor/persistence/db";
import { createListStore, type ListStore, type WildcardList } from "../../src/editor/batch/lists";
import { LIST_SAVE_DEBOUNCE_MS, useWildcardLists } from "../../src/editor/batch/useLists";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function fakeStore(): ListStore & { saves: string[]; now: string[] } {
  const saves: string[] = [];
  const now: string[] = [];
  return {
    saves,
    now,
    load: async () => ({ lists: [{ name: "colors", text: "", home: "library" }], workspace: false }),
    save: async (list: WildcardList) => (saves.push(list.text), { ok: true, list }),
    saveNow: (list: WildcardList) => void now.push(list.text),
    remove: async () => {},
  };
}

async function typed(store: ListStore, text: string) {
  const hook = renderHook(() => useWildcardLists(store));
  await vi.waitFor(() => expect(hook.result.current.loaded).toBe(true));
  vi.useFakeTimers();
  for (let i = 1; i <= text.length; i++) act(() => hook.result.current.edit("colors", text.slice(0, i)));
  return hook;
}

describe("library wildcard lists: saving", () => {
  it("one write after typing pauses, with the whole text", async () => {
    const store = fakeStore();
    await typed(store, "red\ngreen\nblue");
    expect(store.saves).toEqual([]);
    await act(async () => vi.advanceTimersByTimeAsync(LIST_SAVE_DEBOUNCE_MS));
    expect(store.saves).toEqual(["red\ngreen\nblue"]);
  });

  it("pagehide writes the latest text at once, before the debounce", async () => {
    const store = fakeStore();
    await typed(store, "red\ngreen");
    window.dispatchEvent(new Event("pagehide"));
    expect(store.now).toEqual(["red\ngreen"]);
  });

  it("saveNow commits the list in one transaction the page need not wait for", async () => {
    const name = `${DB_NAME}-listsNow-${process.pid}`;
    const store = createListStore({
      db: () => openDatabase(name),
      fetch: async () => new Response("", { status: 404 }),
    });
    await store.load();
    store.saveNow({ name: "colors", text: "red\ngreen", home: "library" });
    const db = await openDatabase(name);
    expect((await db.get("wildcards", "colors"))?.text).toBe("red\ngreen");
  });
});
