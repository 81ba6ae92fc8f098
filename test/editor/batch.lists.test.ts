// Wildcard lists in the library (IndexedDB, database version 2) and in the workspace: the lists
// localStorage held move into the library once, library lists save and load, the workspace's
// wildcards/*.txt are read and written with their ETag, and a name in both is the workspace's.
import "fake-indexeddb/auto";
import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import { DB_NAME, openDatabase } from "../../src/editor/persistence/db";
import { createListStore, LISTS_STORAGE_KEY, listTexts } from "../../src/editor/batch/lists";

let n = 0;
const dbName = () => `${DB_NAME}-lists-${process.pid}-${++n}`;

function memoryStorage(init: Record<string, string> = {}): Storage {
  const m = new Map(Object.entries(init));
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

/** The server's workspace API for wildcards/, in memory, with its ETag rules. */
function fakeWorkspace(files: Record<string, string> = {}) {
  const disk = new Map(Object.entries(files));
  const etag = (t: string) => `"${t.length}-${[...t].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)}"`;
  const puts: { name: string; headers: Record<string, string> }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url === "/api/workspace")
      return Response.json({ pipelines: [], components: [], wildcards: [...disk.keys()].map((name) => ({ name })) });
    const name = decodeURIComponent(url.replace("/api/workspace/wildcards/", ""));
    if (init?.method === "PUT") {
      const headers = init.headers as Record<string, string>;
      puts.push({ name, headers });
      const cur = disk.get(name);
      if (headers["if-none-match"] === "*" && cur !== undefined) return new Response("{}", { status: 412 });
      if (headers["if-match"] && (cur === undefined || etag(cur) !== headers["if-match"]))
        return new Response("{}", { status: 412 });
      disk.set(name, String(init.body));
      return Response.json({ etag: etag(String(init.body)) });
    }
    const text = disk.get(name);
    return text === undefined
      ? new Response("", { status: 404 })
      : new Response(text, { headers: { etag: etag(text) } });
  }) as typeof fetch;
  return { fetcher, disk, puts };
}

const noWorkspace = (async () => new Response("", { status: 404 })) as unknown as typeof fetch;

describe("wildcard lists", () => {
  it("move from localStorage into the library once, and the old key is gone", async () => {
    const name = dbName();
    const storage = memoryStorage({
      [LISTS_STORAGE_KEY]: JSON.stringify({ colors: "red\nblue", "bad name": "x", n: 3 }),
    });
    const store = createListStore({ db: () => openDatabase(name), fetch: noWorkspace, storage });
    const r = await store.load();
    expect(r.workspace).toBe(false);
    expect(listTexts(r.lists)).toEqual({ colors: "red\nblue" });
    expect(storage.getItem(LISTS_STORAGE_KEY)).toBeNull();
    // Kept in IndexedDB: another store on the same database sees it.
    const again = await createListStore({ db: () => openDatabase(name), fetch: noWorkspace, storage }).load();
    expect(listTexts(again.lists)).toEqual({ colors: "red\nblue" });
  });

  it("upgrades a version-1 database without losing its workflows", async () => {
    const name = dbName();
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore("snapshots", { keyPath: "id" }).createIndex("slot", "slot");
        db.createObjectStore("drafts", { keyPath: "slot" }).createIndex("updatedAt", "updatedAt");
        db.createObjectStore("recent", { keyPath: "id" }).createIndex("savedAt", "savedAt");
        db.createObjectStore("workflows", { keyPath: "id" }).createIndex("updatedAt", "updatedAt");
      },
    });
    await v1.put("workflows", { id: "w1", name: "kept", createdAt: 1, updatedAt: 1, nodeCount: 0, data: "{}" });
    v1.close();
    const db = await openDatabase(name);
    expect((await db.get("workflows", "w1"))?.name).toBe("kept");
    await db.put("wildcards", { name: "colors", text: "red", updatedAt: 1 });
    expect((await db.get("wildcards", "colors"))?.text).toBe("red");
    db.close();
  });

  it("save, load and delete library lists", async () => {
    const name = dbName();
    const store = createListStore({ db: () => openDatabase(name), fetch: noWorkspace, storage: memoryStorage() });
    expect((await store.save({ name: "beasts", text: "owl\nfox", home: "library" })).ok).toBe(true);
    expect((await store.save({ name: "colors", text: "red", home: "library" })).ok).toBe(true);
    expect(listTexts((await store.load()).lists)).toEqual({ beasts: "owl\nfox", colors: "red" });
    await store.remove("beasts");
    expect(listTexts((await store.load()).lists)).toEqual({ colors: "red" });
  });

  it("reads the workspace's lists, which win a shared name, and writes them with their ETag", async () => {
    const ws = fakeWorkspace({ "colors.txt": "teal\n", "size.txt": "tiny\n" });
    const store = createListStore({ db: () => openDatabase(dbName()), fetch: ws.fetcher, storage: memoryStorage() });
    await store.save({ name: "colors", text: "red", home: "library" });
    await store.save({ name: "mood", text: "calm", home: "library" });
    const r = await store.load();
    expect(r.workspace).toBe(true);
    expect(listTexts(r.lists)).toEqual({ colors: "teal\n", mood: "calm", size: "tiny\n" });
    const size = r.lists.find((l) => l.name === "size")!;
    expect(size.home).toBe("workspace");
    const saved = await store.save({ ...size, text: "tiny\nhuge\n" });
    expect(saved.ok).toBe(true);
    expect(ws.disk.get("size.txt")).toBe("tiny\nhuge\n");
    expect(ws.puts[0].headers["if-match"]).toBe(size.etag);
    // Changed on disk since: refused, and the file is left as it is.
    ws.disk.set("size.txt", "from git\n");
    const stale = await store.save({ ...size, etag: saved.ok ? saved.list.etag : undefined, text: "mine" });
    expect(stale).toEqual({ ok: false, message: expect.stringMatching(/changed on disk/) });
    expect(ws.disk.get("size.txt")).toBe("from git\n");
    // A new workspace list never replaces a file of that name.
    expect((await store.save({ name: "size", text: "x", home: "workspace" })).ok).toBe(false);
    expect((await store.save({ name: "new", text: "x", home: "workspace" })).ok).toBe(true);
    expect(ws.disk.get("new.txt")).toBe("x");
  });
});
