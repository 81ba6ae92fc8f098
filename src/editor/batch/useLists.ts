/**
 * The batch window's wildcard lists: loaded from the library and the workspace, edited in place.
 * A library list is saved on every edit (IndexedDB is cheap, and a reload must not lose a line);
 * a workspace list when its editor loses focus or the window closes (each save is a file write).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ListHome, ListStore, WildcardList } from "./lists";

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

  return {
    ...state,
    edit(name: string, text: string) {
      const list = lists.current.find((l) => l.name === name);
      if (!list) return;
      update(lists.current.map((l) => (l.name === name ? { ...l, text } : l)));
      if (list.home === "library") void save(name);
      else unsaved.current.add(name);
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
