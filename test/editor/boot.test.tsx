// @vitest-environment happy-dom
// The start-up (docs/benchmarks.md#the-first-load): the first paint waits for the tab's draft, not
// for the server's answer about the workspace; the library's calls wait for that answer instead.
import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { createEditor, counterIds } from "../../src/editor/store";
import { readFileSync } from "node:fs";
import { startPersistence } from "../../src/editor/persistence/boot";
import { openDatabase } from "../../src/editor/persistence/db";
import type { WorkflowLibrary } from "../../src/editor/persistence/library";
import { tellRestored } from "../../src/editor/library/restoredNotice";
import { offerServerInfo, type ServerInfo } from "../../src/editor/library/workspaceInfo";
import { firstRenderWaits } from "../../src/editor/firstRender";
import { EditorProvider } from "../../src/editor/store/react";
import { RunBanner } from "../../src/editor/run/RunShell";
import { act, render } from "@testing-library/react";
import type { Editor } from "../../src/editor/store/editor";

const editor = () => createEditor({ registry, makeId: counterIds() });

describe("startPersistence", () => {
  it("restores the draft while the workspace is still unknown, and the library waits for it", async () => {
    const first = editor();
    const s1 = await startPersistence(first);
    first.store.addNode("note", { x: 40, y: 60 });
    await s1!.flush();
    const drafted = first.store.getState().document.nodes;
    first.dispose();

    const again = editor();
    let answer = (_: WorkflowLibrary | undefined) => {};
    const known = new Promise<WorkflowLibrary | undefined>((r) => (answer = r));
    // Without the change this waited for the library and ended at the time-out, with no session.
    const s2 = await startPersistence(again, { timeoutMs: 2000, library: () => known });
    expect(s2).not.toBeNull();
    expect(again.store.getState().document.nodes).toEqual(drafted);

    const listed: string[] = [];
    const workspace = { list: async () => (listed.push("asked"), []) } as unknown as WorkflowLibrary;
    const list = s2!.library.list();
    await Promise.resolve();
    expect(listed).toEqual([]);
    answer(workspace);
    await list;
    expect(listed).toEqual(["asked"]);
    again.dispose();
  });

  it("a first visit opens on `fresh`; a reload restores its draft and never builds `fresh`", async () => {
    const built: string[] = [];
    const fresh = () => {
      built.push("starter");
      const e = editor();
      e.store.addNode("note", { x: 0, y: 0 });
      return e.store.getState().document;
    };
    // A browser that never saw the editor: no database, no tab slot.
    globalThis.indexedDB = new IDBFactory();
    sessionStorage.clear();
    const first = editor();
    const s1 = await startPersistence(first, { fresh });
    expect(built).toEqual(["starter"]);
    expect(first.store.getState().document.nodes.map((n) => n.type)).toEqual(["note"]);
    expect(first.store.getState().dirty).toBe(false);
    // Not "a document opened": the view fits the starter as it fits a document the editor was made with.
    expect(first.store.getState().epoch).toBe(0);
    first.store.addNode("note", { x: 300, y: 0 });
    await s1!.flush();
    const drafted = first.store.getState().document.nodes;
    first.dispose();

    const again = editor();
    await startPersistence(again, { fresh });
    expect(built).toEqual(["starter"]);
    expect(again.store.getState().document.nodes).toEqual(drafted);
    again.dispose();
  });

  it("a first visit waits for a `fresh` that loads its code; one that fails leaves the tab empty, autosave on", async () => {
    globalThis.indexedDB = new IDBFactory();
    sessionStorage.clear();
    const first = editor();
    const s1 = await startPersistence(first, {
      fresh: async () => {
        await new Promise((r) => setTimeout(r, 10));
        const d = editor();
        d.store.addNode("note", { x: 0, y: 0 });
        return d.store.getState().document;
      },
    });
    // The draft is in when the start resolves, so the first render shows it.
    expect(s1).not.toBeNull();
    expect(first.store.getState().document.nodes.map((n) => n.type)).toEqual(["note"]);
    first.dispose();

    globalThis.indexedDB = new IDBFactory();
    sessionStorage.clear();
    const second = editor();
    const s2 = await startPersistence(second, { fresh: () => Promise.reject(new Error("offline")) });
    expect(s2).not.toBeNull();
    expect(second.store.getState().document.nodes).toEqual([]);
    second.store.addNode("note", { x: 0, y: 0 });
    await s2!.flush();
    second.dispose();
  });

  it("without IndexedDB the tab still opens on `fresh`", async () => {
    const e = editor();
    const idb = Object.getOwnPropertyDescriptor(globalThis, "indexedDB")!;
    Object.defineProperty(globalThis, "indexedDB", { configurable: true, get: () => undefined });
    try {
      const s = await startPersistence(e, {
        fresh: () => {
          const d = editor();
          d.store.addNode("note", { x: 0, y: 0 });
          return d.store.getState().document;
        },
      });
      expect(s).toBeNull();
      expect(e.store.getState().document.nodes).toHaveLength(1);
    } finally {
      Object.defineProperty(globalThis, "indexedDB", idb);
      e.dispose();
    }
  });

  it("takes over the connection the entry asked for first, and opens no other", async () => {
    const e = editor();
    const asked: string[] = [];
    const open = indexedDB.open.bind(indexedDB);
    const early = openDatabase();
    indexedDB.open = (name: string, version?: number) => (asked.push(name), open(name, version));
    try {
      const s = await startPersistence(e, { database: early });
      expect(s).not.toBeNull();
      expect(asked).toEqual([]);
    } finally {
      indexedDB.open = open;
      e.dispose();
    }
  });

  it("the entry asks for the database before any other module of the editor evaluates", () => {
    // Modules evaluate in import order, each after its own imports: main.tsx's first import, which
    // reaches only db.ts and idb, opens the database while React and the editor evaluate.
    const imports = (file: string) =>
      [...readFileSync(`src/editor/${file}`, "utf8").matchAll(/^import .*"(.+)";$/gm)]
        .filter((m) => !m[0].startsWith("import type"))
        .map((m) => m[1]);
    expect(imports("main.tsx")[0]).toBe("./persistence/early");
    expect(imports("persistence/early.ts")).toEqual(["./db"]);
    expect(imports("persistence/db.ts")).toEqual(["idb"]);
  });

  it("a reload's restored notice is in the UI before the first render; the first edit takes it away", async () => {
    const first = editor();
    const s1 = await startPersistence(first);
    first.store.addNode("note", { x: 40, y: 60 });
    await s1!.flush();
    first.dispose();

    const again = editor();
    await startPersistence(again, { made: (s) => tellRestored(again, s) });
    // main.tsx renders now: the toast comes in the first commit, not in one of its own after it.
    const restored = () => again.ui.get().toasts.filter((t) => t.key === "restored");
    expect(restored().map((t) => t.text)).toEqual([expect.stringMatching(/^Restored your draft “.+” from /)]);
    again.store.addNode("note", { x: 300, y: 60 });
    expect(restored()).toEqual([]);
    again.dispose();
  });

  it("without a workspace the library is the browser's own", async () => {
    const e = editor();
    const s = await startPersistence(e, { library: async () => undefined });
    const saved = await s!.library.saveAs("Kept here", e.store.getState().document);
    expect((await s!.library.list()).map((w) => w.id)).toContain(saved.id);
    e.dispose();
  });
});

// The stand-in banner is in the first frame (docs/benchmarks.md#the-first-load): the first render
// waits for the page's own server's answer beside the draft, for a bounded time.
describe("the first render and the server's answer", () => {
  const standin: ServerInfo = { workspace: false, backend: "standin" };
  /** What main.tsx does once firstRenderWaits resolves: the first render, here of the banner alone. */
  const renderedWhen = (e: Editor, waits: Promise<void>) =>
    waits.then(() => {
      let view!: ReturnType<typeof render>;
      act(() => {
        view = render(
          <EditorProvider editor={e}>
            <RunBanner />
          </EditorProvider>,
        );
      });
      return view.container.querySelector("[data-standin-banner]") !== null;
    });

  it("has the banner in the first render when the answer comes after the draft", async () => {
    const e = editor();
    let answer: (i: ServerInfo | null) => void = () => {};
    offerServerInfo(e, new Promise((r) => (answer = r)));
    const restoring = startPersistence(e);
    let rendered = false;
    const first = renderedWhen(e, firstRenderWaits(e, { restoring, nodeViews: Promise.resolve() }));
    void first.then(() => (rendered = true));
    await restoring;
    await new Promise((r) => setTimeout(r, 20));
    // Without the wait the banner-less first render would have come with the draft.
    expect(rendered).toBe(false);
    answer(standin);
    expect(await first).toBe(true);
    e.dispose();
  });

  it("renders without the answer once the cap has passed when the server never answers", async () => {
    const e = editor();
    offerServerInfo(e, new Promise<ServerInfo | null>(() => {}));
    const restoring = startPersistence(e);
    const first = renderedWhen(e, firstRenderWaits(e, { restoring, nodeViews: Promise.resolve() }));
    const late = new Promise<string>((r) => setTimeout(() => r("still waiting"), 4000));
    expect(await Promise.race([first.then(() => "rendered"), late])).toBe("rendered");
    expect(await first).toBe(false);
    e.dispose();
  });
});
