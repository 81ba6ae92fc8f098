/**
 * The batch window's wildcard lists: loaded from the library and the workspace, edited in place.
 * A library list is saved 300 ms after its last keystroke, and at once in one committed
 * transaction when the page goes (`pagehide`): a write per keystroke could leave a list cut short
 * by a reload. A workspace list is saved when its editor loses focus or the window closes (each
 * save is a file write).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ListHome, ListStore, WildcardList } from "./lists";

export const LIST_SAVE_DEBOUNCE_MS = 300;

export interface ListsState {
  lists: WildcardList[];
  /** The server has a workspace to keep lists in. */
  workspace: boolean;
  loaded: boolean;
  /** The last save that failed, with why. */
  error: string | null;
}

export function useWildcardLists(store: ListStore) {
  const [state, setState] = useState<ListsState>({ lists: [], workspace: false, loaded: false, error: null });
  const lists = useRef<WildcardList[]>([]);
  const unsaved = useRef(new Set<string>());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const update = useCallback((next: WildcardList[], error?: string | null) => {
    lists.current = next;
    setState((s) => ({ ...s, lists: next, error: error === undefined ? s.error : error }));
  }, []);

  useEffect(() => {
    let alive = true;
    void store.load().then((r) => {
      if (!alive) return;
      lists.current = r.lists;
      setState({ lists: r.lists, workspace: r.workspace, loaded: true, error: null });
    });
    return () => {
      alive = false;
    };
  }, [store]);

  const save = useCallback(
    async (name: string) => {
      const list = lists.current.find((l) => l.name === name);
      unsaved.current.delete(name);
      clearTimeout(timers.current.get(name));
      timers.current.delete(name);
      if (!list) return;
      const r = await store.save(list);
      if (!r.ok) return update(lists.current, r.message);
      // Keep the new ETag, and any text typed while the write was on its way.
      update(
        lists.current.map((l) => (l.name === name ? { ...l, etag: r.list.etag } : l)),
        null,
      );
    },
    [store, update],
  );
  const flush = useCallback(() => {
    for (const name of [...unsaved.current]) void save(name);
  }, [save]);
  useEffect(() => flush, [flush]);
  useEffect(() => {
    const onPageHide = () => {
      for (const name of [...timers.current.keys()]) {
        const list = lists.current.find((l) => l.name === name);
        if (list) store.saveNow(list);
      }
      flush();
    };
    addEventListener("pagehide", onPageHide);
    return () => removeEventListener("pagehide", onPageHide);
  }, [store, flush]);

  return {
    ...state,
    edit(name: string, text: string) {
      const list = lists.current.find((l) => l.name === name);
      if (!list) return;
      update(lists.current.map((l) => (l.name === name ? { ...l, text } : l)));
      unsaved.current.add(name);
      if (list.home !== "library") return;
      clearTimeout(timers.current.get(name));
      timers.current.set(
        name,
        setTimeout(() => void save(name), LIST_SAVE_DEBOUNCE_MS),
      );
    },
    add(name: string, home: ListHome) {
      update([...lists.current, { name, text: "", home }].sort((a, b) => a.name.localeCompare(b.name)));
      void save(name);
    },
    async remove(name: string) {
      update(lists.current.filter((l) => l.name !== name));
      await store.remove(name);
    },
    flush,
  };
}

export type WildcardListsApi = ReturnType<typeof useWildcardLists>;
