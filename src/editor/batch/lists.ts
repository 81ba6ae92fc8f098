/**
 * Wildcard lists: plain text, one option a line (docs/batches.md#wildcards), kept in the library
 * (this browser's IndexedDB) and, when the server has a workspace, in its `wildcards/*.txt`, the
 * folder `lora-graph run --workspace` reads. A name in both is the workspace's: the batch then
 * draws what the command line would.
 */
import { isQuotaError, openDatabase, type Database } from "../persistence/db";

/** Where lists were kept before the library had them: moved into IndexedDB on first read. */
export const LISTS_STORAGE_KEY = "lora-graph-wildcards";

/** Names as `__name__` writes them: letters, digits, `_ - / .`, starting with a letter or digit. */
export const LIST_NAME = /^[A-Za-z0-9][\w\-/.]*$/;
/** A workspace list is one file, `wildcards/<name>.txt`: no folders, so no `/`. */
export const WORKSPACE_LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,194}$/;

export type ListHome = "library" | "workspace";

export interface WildcardList {
  name: string;
  text: string;
  home: ListHome;
  /** The workspace file's version, for a write that must not overwrite a change made on disk. */
  etag?: string;
}

export type ListSave = { ok: true; list: WildcardList } | { ok: false; message: string };

export interface ListStore {
  /** The library's lists and the workspace's, by name; the workspace's win a shared name. */
  load(): Promise<{ lists: WildcardList[]; workspace: boolean }>;
  save(list: WildcardList): Promise<ListSave>;
  /**
   * A library list's write for a page that is going away: issued at once in a committed
   * transaction (nothing of the page runs after `pagehide`). Does nothing before the library opened.
   */
  saveNow(list: WildcardList): void;
  /** Library lists only: a workspace file is removed where it lives (the folder, git). */
  remove(name: string): Promise<void>;
}

/** The lists as a batch reads them: name → text. */
export const listTexts = (lists: readonly WildcardList[]): Record<string, string> =>
  Object.fromEntries(lists.map((l) => [l.name, l.text]));

/** Moves the lists localStorage held into the library, once; a name already there is kept. */
async function moveFromLocalStorage(db: Database, storage: Storage | undefined): Promise<void> {
  let old: unknown;
  try {
    old = JSON.parse(storage?.getItem(LISTS_STORAGE_KEY) ?? "null");
  } catch {
    return;
  }
  if (!old || typeof old !== "object" || Array.isArray(old)) return;
  const tx = db.transaction("wildcards", "readwrite");
  for (const [name, text] of Object.entries(old)) {
    // Stored text is still untrusted: only string values under valid names come over.
    if (!LIST_NAME.test(name) || typeof text !== "string") continue;
    if (!(await tx.store.get(name))) await tx.store.put({ name, text, updatedAt: Date.now() });
  }
  await tx.done;
  storage?.removeItem(LISTS_STORAGE_KEY);
}

const WS = "/api/workspace";

async function workspaceLists(fetcher: typeof fetch): Promise<WildcardList[] | null> {
  let listing: { wildcards?: { name: string; etag: string }[] };
  try {
    const res = await fetcher(WS, { headers: { accept: "application/json" } });
    if (!res.ok) return null;
    listing = (await res.json()) as typeof listing;
  } catch {
    return null; // no server of ours (a static host): the library alone
  }
  if (!Array.isArray(listing.wildcards)) return null;
  const out: WildcardList[] = [];
  for (const f of listing.wildcards) {
    const name = typeof f?.name === "string" ? f.name.replace(/\.txt$/, "") : "";
    if (!WORKSPACE_LIST_NAME.test(name)) continue;
    const res = await fetcher(`${WS}/wildcards/${encodeURIComponent(`${name}.txt`)}`).catch(() => null);
    if (!res?.ok) continue;
    out.push({ name, text: await res.text(), home: "workspace", etag: res.headers.get("etag") ?? undefined });
  }
  return out;
}

async function putWorkspaceList(fetcher: typeof fetch, list: WildcardList): Promise<ListSave> {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (list.etag) headers["if-match"] = list.etag;
  else headers["if-none-match"] = "*";
  let res: Response;
  try {
    res = await fetcher(`${WS}/wildcards/${encodeURIComponent(`${list.name}.txt`)}`, {
      method: "PUT",
      headers,
      body: list.text,
    });
  } catch (e) {
    return { ok: false, message: `The workspace could not be reached: ${(e as Error).message}` };
  }
  if (res.status === 412)
    return { ok: false, message: `wildcards/${list.name}.txt changed on disk; reopen the window to see it.` };
  const body = (await res.json().catch(() => ({}))) as { etag?: string; error?: { message?: string } };
  if (!res.ok) return { ok: false, message: body.error?.message ?? `The workspace refused it (${res.status}).` };
  return { ok: true, list: { ...list, etag: body.etag ?? res.headers.get("etag") ?? undefined } };
}

export function createListStore(
  options: { db?: () => Promise<Database>; fetch?: typeof fetch; storage?: Storage } = {},
): ListStore {
  const storage = options.storage ?? (typeof localStorage === "undefined" ? undefined : localStorage);
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  let db: Promise<Database> | null = null;
  let opened: Database | null = null;
  const library = () =>
    (db ??= (options.db ?? (() => openDatabase()))().then(async (d) => {
      await moveFromLocalStorage(d, storage);
      return (opened = d);
    }));
  return {
    async load() {
      const [own, ws] = await Promise.all([
        library()
          .then((d) => d.getAll("wildcards"))
          .catch(() => []),
        workspaceLists(fetcher),
      ]);
      const byName = new Map<string, WildcardList>();
      for (const r of own) byName.set(r.name, { name: r.name, text: r.text, home: "library" });
      for (const l of ws ?? []) byName.set(l.name, l);
      return { lists: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), workspace: ws !== null };
    },
    async save(list) {
      if (list.home === "workspace") return putWorkspaceList(fetcher, list);
      try {
        await (await library()).put("wildcards", { name: list.name, text: list.text, updatedAt: Date.now() });
        return { ok: true, list };
      } catch (e) {
        const why = isQuotaError(e) ? "the browser's storage is full" : (e as Error).message;
        return { ok: false, message: `__${list.name}__ was not saved: ${why}` };
      }
    },
    saveNow(list) {
      if (list.home !== "library" || !opened) return;
      try {
        const tx = opened.transaction("wildcards", "readwrite");
        void tx.store.put({ name: list.name, text: list.text, updatedAt: Date.now() }).catch(() => undefined);
        tx.commit();
        void tx.done.catch(() => undefined);
      } catch {
        // the connection is closing: the debounced write before it is what there is
      }
    },
    async remove(name) {
      await (await library()).delete("wildcards", name);
    },
  };
}
