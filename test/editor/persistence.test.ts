import { afterEach, describe, expect, it, vi } from "vitest";
import { browser, buildGraph, freshDb, memoryStorage, pageLifetime, type Browser, type Tab } from "./persistence.kit";
import { attachLifecycle } from "../../src/editor/persistence/session";
import { backupKey } from "../../src/editor/persistence/backup";
import { createDraftStore } from "../../src/editor/persistence/drafts";
import { DRAFT_KIND, encodeDraft } from "../../src/editor/persistence/snapshot";
import { TAB_KEY } from "../../src/editor/persistence/tabs";
import { DB_VERSION, openDatabase } from "../../src/editor/persistence/db";
import { openDB } from "idb";
import { emptyDocument, serializeWorkflow } from "../../src/graph";
import { stubRegistry } from "./stubRegistry";

afterEach(() => {
  vi.restoreAllMocks();
});

const quota = () => new DOMException("The quota has been exceeded.", "QuotaExceededError");

describe("autosave round trip", () => {
  it("AUTO-01: a reloaded tab gets back the exact graph, viewport and selection, with a restored notice", async () => {
    const b = await browser();
    const tab = await b.open();
    const { p, s } = buildGraph(tab.store);
    tab.store.setParam(p, "prompt", "a red fox");
    tab.store.setViewport({ x: -120, y: 45.5, zoom: 0.75 });
    tab.store.setSelection({ nodes: [p, s], edges: [] });
    await tab.session.flush();
    const before = tab.store.getState();
    tab.close();

    const again = await b.open({ storage: tab.storage });
    const after = again.store.getState();
    expect(after.document.nodes).toEqual(before.document.nodes);
    expect(after.document.edges).toEqual(before.document.edges);
    expect(after.viewport).toEqual({ x: -120, y: 45.5, zoom: 0.75 });
    expect(after.selection).toEqual({ nodes: [p, s], edges: [] });
    expect(after.dirty).toBe(true); // it was never saved to a file or the library
    expect(again.session.state().restored).toMatchObject({ how: "own", fromPrevious: false });
    expect(again.session.state().slot).toBe(tab.session.state().slot);
  });

  it("start() hands over the restored draft before the slot's first write, then finishes it", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store);
    await tab.session.flush();
    // The page was left with an edit not yet written, kept in its synchronous copy (backup.ts).
    tab.store.addNode("note", { x: 0, y: 400 });
    const at = Date.now() + 1000;
    const { document, viewport, dirty } = tab.store.getState();
    const selection = { nodes: [], edges: [] };
    b.local.setItem(backupKey(tab.session.state().slot!), encodeDraft({ document, viewport, selection, dirty }, at));
    const nodes = tab.store.getState().document.nodes;
    tab.close();

    // What the editor would render at that moment (main.tsx renders then, not when start() ends).
    let shown: { nodes: unknown; ready: boolean; restored: unknown } | null = null;
    const again = await b.open({
      storage: tab.storage,
      onRestored: ({ store, session }) =>
        (shown = {
          nodes: store.getState().document.nodes,
          ready: session.state().ready,
          restored: session.state().restored,
        }),
    });
    expect(shown).toEqual({ nodes, ready: false, restored: expect.objectContaining({ how: "own" }) });
    expect(again.session.state().ready).toBe(true);
    // The copy the page kept as it was left is covered by the boot's write, then removed.
    expect(b.local.data.size).toBe(0);
  });

  it("the boot's first write and `ready` reach the page in one update (one React commit)", async () => {
    const b = await browser();
    const seen: { state: string; ready: boolean }[] = [];
    // A first visit: its slot is written at once.
    const tab = await b.open({
      onRestored: ({ session }) =>
        void session.subscribe((s) => seen.push({ state: s.autosave.state, ready: s.ready })),
    });
    expect(tab.session.state().ready).toBe(true);
    // Each update is a render of the autosave chip: "saving", then "saved" already ready.
    expect(seen).toEqual([
      { state: "saving", ready: false },
      { state: "saved", ready: true },
    ]);
  });

  it("a reload of a draft nothing changed writes nothing and is ready from the first render", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store);
    await tab.session.flush();
    tab.store.setViewport({ x: 10, y: 20, zoom: 0.5 });
    await tab.session.flush();
    const slot = tab.session.state().slot!;
    const before = (await tab.session.drafts.read(slot))!;
    tab.close();

    const seen: { state: string; ready: boolean; lastSavedAt?: number }[] = [];
    const again = await b.open({
      storage: tab.storage,
      onRestored: ({ session }) => {
        const s = session.state();
        seen.push({ state: s.autosave.state, ready: s.ready, lastSavedAt: s.autosave.lastSavedAt });
        void session.subscribe((s) => seen.push({ state: s.autosave.state, ready: s.ready }));
      },
    });
    // Without the change: not ready at the first render, then "saving" and "saved" (one commit more).
    expect(seen).toEqual([{ state: "saved", ready: true, lastSavedAt: before.record.updatedAt }]);
    // Nothing written: the record and both snapshots as they were, the last good one still there.
    const after = (await again.session.drafts.read(slot))!;
    expect(after).toEqual(before);
    // Autosave goes on as before.
    again.store.addNode("note", { x: 0, y: 400 });
    await again.session.flush();
    expect((await again.session.drafts.read(slot))!.record.previous).toBe(before.record.current);
  });

  it("a reload writes when what it shows is not the stored snapshot's text", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store);
    await tab.session.flush();
    const slot = tab.session.state().slot!;
    // As an older build would have written it (here: other spacing), which the loader reads the same.
    const stored = (await tab.session.drafts.read(slot))!.current!.data;
    await tab.session.drafts.saveText(slot, JSON.stringify(JSON.parse(stored), null, 1), {
      name: "Untitled pipeline",
      nodeCount: 3,
    });
    const older = (await tab.session.drafts.read(slot))!.record;
    tab.close();

    const again = await b.open({ storage: tab.storage });
    expect(again.session.state()).toMatchObject({ ready: true, autosave: { state: "saved" } });
    const after = (await again.session.drafts.read(slot))!;
    expect(after.record.previous).toBe(older.current);
    expect(JSON.parse(after.current!.data).document.nodes).toEqual(JSON.parse(stored).document.nodes);
  });

  it("AUTO-01: edits reach IndexedDB without an explicit flush (debounced write)", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store, "written by the timer");
    await vi.waitFor(async () => {
      const read = await tab.session.drafts.read(tab.session.state().slot!);
      expect(read?.current?.data).toContain("written by the timer");
    });
  });

  it("a clean document restores clean (no needless 'unsaved' prompt after reload)", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store);
    tab.session.markSavedToFile();
    await tab.session.flush();
    tab.close();
    const again = await b.open({ storage: tab.storage });
    expect(again.store.getState().dirty).toBe(false);
    expect(again.store.getState().document.nodes).toHaveLength(3);
  });
});

describe("atomic snapshots", () => {
  it("keeps exactly the current and the last good snapshot", async () => {
    const db = await freshDb();
    const drafts = createDraftStore(db);
    for (const name of ["one", "two", "three"]) {
      await drafts.save("slot-a", {
        document: emptyDocument({ name }),
        viewport: { x: 0, y: 0, zoom: 1 },
        selection: { nodes: [], edges: [] },
        dirty: true,
      });
    }
    const read = await drafts.read("slot-a");
    expect(JSON.parse(read!.current!.data).document.meta.name).toBe("three");
    expect(JSON.parse(read!.previous!.data).document.meta.name).toBe("two");
    expect(await db.count("snapshots")).toBe(2);
  });

  it("a write that fails while switching the pointer leaves the old pointer and snapshots intact", async () => {
    const db = await freshDb();
    const drafts = createDraftStore(db);
    const view = { viewport: { x: 0, y: 0, zoom: 1 }, selection: { nodes: [], edges: [] }, dirty: true };
    await drafts.save("slot-a", { document: emptyDocument({ name: "good" }), ...view });
    const before = await drafts.read("slot-a");

    // The snapshot put succeeds; the pointer put (keyPath "slot") fails.
    const realPut = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore["put"]>
    ) {
      if (this.name === "drafts") throw quota();
      return realPut.apply(this, args);
    });
    await expect(drafts.save("slot-a", { document: emptyDocument({ name: "new" }), ...view })).rejects.toMatchObject({
      name: "QuotaExceededError",
    });
    vi.restoreAllMocks();

    const after = await drafts.read("slot-a");
    expect(after!.record).toEqual(before!.record);
    expect(JSON.parse(after!.current!.data).document.meta.name).toBe("good");
    // The half-done snapshot was rolled back with the transaction.
    expect(await db.count("snapshots")).toBe(1);
  });
});

describe("reading a slot", () => {
  /**
   * Counts the IndexedDB requests made after another one had answered: each is a round trip to the
   * browser that waits for the one before (docs/benchmarks.md#the-first-load).
   */
  function chainedRequests() {
    let answered = 0;
    const counts = { made: 0, afterAnAnswer: 0 };
    const wrap = <P extends object>(proto: P, names: (keyof P)[]) =>
      names.forEach((name) => {
        const real = proto[name] as unknown as (...a: unknown[]) => IDBRequest;
        vi.spyOn(proto, name as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
          counts.made++;
          if (answered) counts.afterAnAnswer++;
          const req = real.apply(this, args);
          req.addEventListener("success", () => answered++);
          return req;
        } as never);
      });
    wrap(IDBObjectStore.prototype, ["get", "getAll", "getAllKeys", "openCursor", "count"]);
    wrap(IDBIndex.prototype, ["get", "getAll", "getAllKeys", "openCursor", "count"]);
    return counts;
  }

  it("asks for the record and its snapshots in one round trip, and picks the two it names", async () => {
    const db = await freshDb();
    const drafts = createDraftStore(db);
    const view = { viewport: { x: 0, y: 0, zoom: 1 }, selection: { nodes: [], edges: [] }, dirty: true };
    for (const name of ["one", "two", "three"])
      await drafts.save("slot-a", { document: emptyDocument({ name }), ...view });
    await drafts.save("slot-b", { document: emptyDocument({ name: "other tab" }), ...view });
    // A snapshot the record does not name (a write that raced another) is not returned.
    await db.put("snapshots", { id: "snap-stray", slot: "slot-a", savedAt: 1, data: "{}" });

    const counts = chainedRequests();
    const read = await createDraftStore(db).read("slot-a");
    // Without the change: the record, then its two snapshots once it had answered.
    expect(counts).toEqual({ made: 2, afterAnAnswer: 0 });
    expect(JSON.parse(read!.current!.data).document.meta.name).toBe("three");
    expect(JSON.parse(read!.previous!.data).document.meta.name).toBe("two");
    expect(read!.record).toMatchObject({ slot: "slot-a", current: read!.current!.id, previous: read!.previous!.id });
    vi.restoreAllMocks();
    expect(await drafts.read("slot-none")).toBeUndefined();
  });
});

describe("corrupt autosave", () => {
  const cases: [string, string][] = [
    ["bad JSON", '{"kind":"lora-graph/draft","version":1,"document":{"format":'],
    [
      "schema-invalid",
      JSON.stringify({
        kind: DRAFT_KIND,
        version: 1,
        savedAt: 1,
        document: { format: "lora-graph/workflow", version: 2, meta: {}, nodes: [{ id: 7 }], edges: [] },
        viewport: { x: 0, y: 0, zoom: 1 },
        selection: { nodes: [], edges: [] },
        dirty: true,
      }),
    ],
    ["future draft version", JSON.stringify({ kind: DRAFT_KIND, version: 99, savedAt: 1, document: {}, dirty: true })],
    [
      "future document version",
      JSON.stringify({
        kind: DRAFT_KIND,
        version: 1,
        savedAt: 1,
        document: { ...emptyDocument(), version: 42 },
        viewport: { x: 0, y: 0, zoom: 1 },
        selection: { nodes: [], edges: [] },
        dirty: true,
      }),
    ],
  ];

  it.each(cases)(
    "AUTO-04 (%s): boots clean, offers the raw text, and never overwrites it until the user chooses",
    async (_label, raw) => {
      const b = await browser();
      const drafts = createDraftStore(b.db);
      await drafts.saveText("slot-bad", raw, { name: "Broken", nodeCount: 1 });
      const storage = memoryStorage();
      storage.setItem(TAB_KEY, "slot-bad");

      const tab = await b.open({ storage });
      const st = tab.session.state();
      expect(st.ready).toBe(true);
      expect(st.corrupt).toMatchObject({ slot: "slot-bad", raw, restoredPrevious: false });
      expect(st.corrupt!.message.length).toBeGreaterThan(10);
      expect(st.slot).not.toBe("slot-bad");
      expect(tab.store.getState().document.nodes).toHaveLength(0);

      // Editing and autosaving go to the new slot; the raw copy stays byte for byte.
      buildGraph(tab.store);
      await tab.session.flush();
      buildGraph(tab.store, "more");
      await tab.session.flush();
      const kept = await drafts.read("slot-bad");
      expect(kept!.current!.data).toBe(raw);
      expect(kept!.record.quarantined).toBeTruthy();
      await expect(drafts.saveText("slot-bad", "{}", { name: "x", nodeCount: 0 })).rejects.toThrow(/unreadable/);

      // A reload of the same tab does not trip over it again, and still has the work.
      tab.close();
      const again = await b.open({ storage });
      expect(again.session.state().corrupt).toBeNull();
      expect(again.store.getState().document.nodes).toHaveLength(6);
      expect((await drafts.read("slot-bad"))!.current!.data).toBe(raw);

      // The user chooses to discard it: only now is it gone.
      await again.session.discardCorrupt("slot-bad");
      expect(await drafts.read("slot-bad")).toBeUndefined();
    },
  );

  it("AUTO-04: when only the newest snapshot is damaged, the last good one is restored and the damaged one kept", async () => {
    const b = await browser();
    const drafts = createDraftStore(b.db);
    const good = encodeDraft(
      {
        document: { ...emptyDocument({ name: "last good" }) },
        viewport: { x: 5, y: 6, zoom: 2 },
        selection: { nodes: [], edges: [] },
        dirty: true,
      },
      1,
    );
    await drafts.saveText("slot-x", good, { name: "last good", nodeCount: 0 });
    await drafts.saveText("slot-x", "\u0000garbage", { name: "?", nodeCount: 0 });
    const storage = memoryStorage();
    storage.setItem(TAB_KEY, "slot-x");
    const tab = await b.open({ storage });
    expect(tab.session.state().corrupt).toMatchObject({
      raw: "\u0000garbage",
      restoredPrevious: true,
      reason: "bad-json",
    });
    expect(tab.session.state().restored).toMatchObject({ fromPrevious: true, name: "last good" });
    expect(tab.store.getState().viewport).toEqual({ x: 5, y: 6, zoom: 2 });
  });
});

describe("storage full", () => {
  it("AUTO-03: a quota error is reported, editing continues, and autosave resumes by itself once there is room", async () => {
    const b = await browser();
    const tab = await b.open({ retryBaseMs: 10 });
    const realPut = IDBObjectStore.prototype.put;
    let full = true;
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore["put"]>
    ) {
      if (full) throw quota();
      return realPut.apply(this, args);
    });
    const { p } = buildGraph(tab.store, "while full");
    await tab.session.flush();
    expect(tab.session.state().autosave).toMatchObject({ state: "error", error: { kind: "quota" } });

    // Editing still works while storage is full, and failures keep being retried.
    tab.store.setParam(p, "prompt", "still editing");
    expect(tab.store.getState().document.nodes.find((n) => n.id === p)!.params.prompt).toBe("still editing");
    await vi.waitFor(() => expect(tab.session.state().autosave.error!.failures).toBeGreaterThanOrEqual(3));

    full = false; // the user freed some space; no further edit needed
    await vi.waitFor(() => expect(tab.session.state().autosave.state).toBe("saved"));
    const read = await tab.session.drafts.read(tab.session.state().slot!);
    expect(read!.current!.data).toContain("still editing");
  });
});

describe("two tabs", () => {
  it("AUTO-05: two tabs edit different pipelines; reloading both restores each its own", async () => {
    const b = await browser();
    const a = await b.open();
    const c = await b.open();
    expect(c.session.state().slot).not.toBe(a.session.state().slot);
    buildGraph(a.store, "tab A");
    buildGraph(c.store, "tab C");
    c.store.addNode("note", { x: 9, y: 9 });
    await Promise.all([a.session.flush(), c.session.flush()]);
    a.close();
    c.close();

    const a2 = await b.open({ storage: a.storage });
    const c2 = await b.open({ storage: c.storage });
    expect(
      a2.store
        .getState()
        .document.nodes.map((n) => n.params.prompt)
        .filter(Boolean),
    ).toEqual(["tab A"]);
    expect(
      c2.store
        .getState()
        .document.nodes.map((n) => n.params.prompt)
        .filter(Boolean),
    ).toEqual(["tab C"]);
    expect(c2.store.getState().document.nodes).toHaveLength(4);
  });

  it("AUTO-05: a new tab restores the most recent draft not open elsewhere, never an open one", async () => {
    const b = await browser();
    const a = await b.open();
    buildGraph(a.store, "closed tab's work");
    await a.session.flush();
    const open = await b.open();
    buildGraph(open.store, "open tab's work");
    await open.session.flush();
    a.close();

    const fresh = await b.open();
    expect(fresh.session.state().restored).toMatchObject({ how: "adopted" });
    expect(fresh.store.getState().document.nodes.some((n) => n.params.prompt === "closed tab's work")).toBe(true);

    const another = await b.open();
    // Both drafts are open now: a brand-new slot with nothing restored.
    expect(another.session.state().restored).toBeNull();
    expect(another.store.getState().document.nodes).toHaveLength(0);
  });

  it("AUTO-05: a duplicated tab (copied sessionStorage) does not write into the original's draft", async () => {
    const b = await browser();
    const a = await b.open();
    buildGraph(a.store, "original");
    await a.session.flush();
    const copy = memoryStorage();
    copy.setItem(TAB_KEY, a.storage.getItem(TAB_KEY)!);
    const dup = await b.open({ storage: copy });
    expect(dup.session.state().slot).not.toBe(a.session.state().slot);
    dup.store.addNode("note", { x: 0, y: 0 });
    await dup.session.flush();
    const read = await a.session.drafts.read(a.session.state().slot!);
    expect(read!.current!.data).toContain("original");
    expect(JSON.parse(read!.current!.data).document.nodes).toHaveLength(3);
  });

  it("AUTO-05: the same library workflow in two tabs warns, and a save over the other tab's asks first", async () => {
    const b = await browser();
    const a = await b.open({ answers: [] });
    buildGraph(a.store);
    const rec = await a.session.saveAsToLibrary("Shared one");
    const other = await b.open({ answers: ["overwrite"] });
    expect((await other.session.openLibrary(rec.id)).ok).toBe(true);
    expect(a.session.state().sharedWarning).toBeNull();
    expect(other.session.state().sharedWarning).toMatch(/also open in another tab/);

    a.store.addNode("note", { x: 1, y: 1 });
    expect(await a.session.saveToLibrary()).toBe("saved");
    // The second tab's copy is now stale: saving asks instead of silently overwriting.
    other.store.addNode("image", { x: 2, y: 2 });
    expect(await other.session.saveToLibrary()).toBe("saved");
    expect(other.ask.asked.map((q) => q.title)).toEqual(["Changed in another tab"]);
    const stored = await a.session.library.get(rec.id);
    expect(JSON.parse(stored!.data).nodes.map((n: { type: string }) => n.type)).toContain("image");
  });

  it("Save as… gives the pipeline its name, with no undo step; a rename in the editor renames the entry on the next save", async () => {
    const b = await browser();
    const a = await b.open();
    buildGraph(a.store);
    const steps = a.store.getState().history.past.length;
    const rec = await a.session.saveAsToLibrary("My queen v1");
    expect(a.store.getState().document.meta.name).toBe("My queen v1");
    expect(a.store.getState().history.past).toHaveLength(steps);
    expect(a.store.getState().dirty).toBe(false);
    a.store.setMeta({ name: "My queen v2" });
    expect(await a.session.saveToLibrary()).toBe("saved");
    expect((await a.session.library.list()).map((r) => [r.id, r.name])).toEqual([[rec.id, "My queen v2"]]);
    // Renamed in the Library: the open pipeline follows, stays saved, and saves without a conflict.
    await a.session.renameInLibrary(rec.id, "Queen final");
    expect(a.store.getState().document.meta.name).toBe("Queen final");
    expect(a.store.getState().dirty).toBe(false);
    expect(await a.session.saveToLibrary()).toBe("saved");
  });

  it("AUTO-05: cancelling the conflict leaves the library record as the other tab saved it", async () => {
    const b = await browser();
    const a = await b.open();
    buildGraph(a.store);
    const rec = await a.session.saveAsToLibrary("W");
    const other = await b.open({ answers: [null] });
    await other.session.openLibrary(rec.id);
    a.store.addNode("note", { x: 1, y: 1 });
    await a.session.saveToLibrary();
    const afterA = (await a.session.library.get(rec.id))!.data;
    other.store.removeNodes(other.store.getState().document.nodes.map((n) => n.id));
    expect(await other.session.saveToLibrary()).toBe("cancelled");
    expect((await a.session.library.get(rec.id))!.data).toBe(afterA);
  });
});

describe("destructive actions keep drafts", () => {
  it("AUTO-06: New over unsaved work asks; Cancel keeps everything as it was", async () => {
    const b = await browser();
    const tab = await b.open({ answers: ["cancel"] });
    buildGraph(tab.store);
    const before = tab.store.getState().document;
    expect(await tab.session.replace(emptyDocument(), { reason: "New" })).toBe(false);
    expect(tab.ask.asked).toHaveLength(1);
    expect(tab.store.getState().document).toBe(before);
    expect(await tab.session.drafts.listRecent()).toHaveLength(0);
  });

  it("AUTO-06: confirming New keeps the previous draft recoverable, exactly", async () => {
    const b = await browser();
    const tab = await b.open({ answers: ["replace", "replace"] });
    const { p } = buildGraph(tab.store, "precious");
    tab.store.setViewport({ x: 11, y: 22, zoom: 1.5 });
    const before = tab.store.getState().document;
    expect(await tab.session.replace(emptyDocument(), { reason: "New pipeline" })).toBe(true);
    expect(tab.store.getState().document.nodes).toHaveLength(0);
    const recent = await tab.session.drafts.listRecent();
    expect(recent).toHaveLength(1);
    expect(recent[0]).toMatchObject({ reason: "New pipeline", nodeCount: 3 });

    tab.store.addNode("note", { x: 0, y: 0 }); // new unsaved work, so recovering asks too
    expect((await tab.session.recoverRecent(recent[0].id)).ok).toBe(true);
    expect(tab.store.getState().document.nodes).toEqual(before.nodes);
    expect(tab.store.getState().viewport).toEqual({ x: 11, y: 22, zoom: 1.5 });
    expect(tab.store.getState().document.nodes.find((n) => n.id === p)!.params.prompt).toBe("precious");
    // The note draft it replaced is itself recoverable.
    expect((await tab.session.drafts.listRecent()).map((r) => r.nodeCount)).toEqual([1]);
  });

  it("AUTO-06: opening a file over clean work does not ask, but still keeps a copy", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store);
    tab.session.markSavedToFile();
    const file = new Blob([serializeWorkflow({ ...emptyDocument({ name: "From disk" }) })]);
    const res = await tab.session.openFile(Object.assign(file, { name: "x.lora-graph.json" }));
    expect(res.ok).toBe(true);
    expect(tab.ask.asked).toHaveLength(0);
    expect(tab.store.getState().document.meta.name).toBe("From disk");
    expect(await tab.session.drafts.listRecent()).toHaveLength(1);
  });

  it("IMP-01: a file that fails to load reports the loader's messages and leaves graph and autosave untouched", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store);
    await tab.session.flush();
    const slot = tab.session.state().slot!;
    const savedBefore = (await tab.session.drafts.read(slot))!.current!.data;
    const docBefore = tab.store.getState().document;
    for (const text of [
      "",
      '{"format":"lora-graph/workflow",',
      '{"format":"lora-graph/workflow","version":2,"meta":{},"nodes":[{"id":"n1"}],"edges":[]}',
    ]) {
      const res = await tab.session.openFile(Object.assign(new Blob([text]), { name: "bad.json" }));
      expect(res.ok).toBe(false);
      if (res.ok || res.cancelled) throw new Error("expected errors");
      expect(res.errors[0].message).toMatch(/Not a valid pipeline file|node "n1"/);
    }
    await tab.session.flush();
    expect(tab.store.getState().document).toBe(docBefore);
    expect((await tab.session.drafts.read(slot))!.current!.data).toBe(savedBefore);
    expect(tab.ask.asked).toHaveLength(0);
  });

  it("AUTO-06: deleting a library workflow keeps it recoverable", async () => {
    const b = await browser();
    const tab = await b.open({ answers: ["replace"] });
    buildGraph(tab.store, "in the library");
    const rec = await tab.session.saveAsToLibrary("Keep me");
    await tab.session.deleteFromLibrary(rec.id);
    expect(await tab.session.library.list()).toHaveLength(0);
    expect(tab.session.state().library).toBeNull();
    const [recent] = await tab.session.drafts.listRecent();
    expect(recent).toMatchObject({ name: "Keep me", reason: "Deleted from the library" });
    tab.store.addNode("note", { x: 0, y: 0 });
    await tab.session.recoverRecent(recent.id);
    expect(tab.store.getState().document.nodes.some((n) => n.params.prompt === "in the library")).toBe(true);
  });

  it("the recent list is bounded to the last 20", async () => {
    const db = await freshDb();
    const drafts = createDraftStore(db);
    for (let i = 0; i < 25; i++)
      await drafts.pushRecent({ name: `d${i}`, nodeCount: i, reason: "r", data: `{"i":${i}}` }, 1000 + i);
    const list = await drafts.listRecent();
    expect(list).toHaveLength(20);
    expect(list[0].name).toBe("d24");
    expect(list[19].name).toBe("d5");
  });
});

it("decodes only what the registry can load (stub registry sanity)", () => {
  expect(stubRegistry.get("sampler")).toBeTruthy();
});

describe("flush on leaving the page", () => {
  it("keeps the draft when the tab becomes hidden and on pagehide, not when it becomes visible", () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: "visible" as DocumentVisibilityState });
    const win = new EventTarget();
    const leave = vi.fn();
    const detach = attachLifecycle({ leave }, doc as never, win as never);
    doc.dispatchEvent(new Event("visibilitychange"));
    expect(leave).not.toHaveBeenCalled();
    doc.visibilityState = "hidden";
    doc.dispatchEvent(new Event("visibilitychange"));
    win.dispatchEvent(new Event("pagehide"));
    expect(leave.mock.calls).toEqual([[false], [true]]);
    detach();
    win.dispatchEvent(new Event("pagehide"));
    expect(leave).toHaveBeenCalledTimes(2);
  });

  it("a pending debounced edit is on disk right after a flush", async () => {
    const b = await browser();
    const tab = await b.open();
    buildGraph(tab.store, "flushed on hide");
    await tab.session.flush();
    const read = await tab.session.drafts.read(tab.session.state().slot!);
    expect(read!.current!.data).toContain("flushed on hide");
  });
});

/** Fake page events for one tab, wired the way boot.ts wires the real ones. */
function pageEvents(tab: Tab) {
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" as DocumentVisibilityState });
  const win = new EventTarget();
  attachLifecycle(tab.session, doc as never, win as never);
  return {
    hide() {
      doc.visibilityState = "hidden";
      doc.dispatchEvent(new Event("visibilitychange"));
    },
    pagehide: () => win.dispatchEvent(new Event("pagehide")),
  };
}

/**
 * An edit made within the debounce, then the page goes at once: the old tab's IndexedDB work that
 * was not committed is dropped and none of its code runs again (pageLifetime), then the tab
 * is opened again over the same sessionStorage.
 */
async function editThenLeave(
  b: Browser,
  how: (events: ReturnType<typeof pageEvents>) => void,
  opts: { backup?: null; honoursCommit?: boolean } = {},
) {
  const tab = await b.open({ backup: opts.backup });
  const events = pageEvents(tab);
  const page = pageLifetime({ honoursCommit: opts.honoursCommit });
  buildGraph(tab.store, "typed just before the reload");
  how(events);
  page.unload();
  tab.close();
  const again = await b.open({ storage: tab.storage, backup: opts.backup });
  return { tab, again, prompt: JSON.stringify(again.store.getState().document) };
}

describe("AUTO-08: leaving the page right after an edit", () => {
  it("pagehide writes the draft to IndexedDB in one committed transaction (no localStorage copy)", async () => {
    const b = await browser();
    const { tab, again, prompt } = await editThenLeave(b, (e) => e.pagehide(), { backup: null });
    expect(prompt).toContain("typed just before the reload");
    expect(again.session.state().restored).toMatchObject({ how: "own" });
    expect(again.session.state().slot).toBe(tab.session.state().slot);
    // Still two snapshots at most: the pointer write kept the last good one and dropped the one before.
    const read = await again.session.drafts.read(again.session.state().slot!);
    expect(read?.previous).toBeDefined();
  });

  it("when the engine drops even committed work, the localStorage copy brings the edit back, then goes", async () => {
    const b = await browser();
    const { again, prompt } = await editThenLeave(b, (e) => e.pagehide(), { honoursCommit: false });
    expect(prompt).toContain("typed just before the reload");
    // The boot's first write holds the copy's edits: the copy is removed.
    expect([...b.local.data.keys()]).toEqual([]);
    const read = await again.session.drafts.read(again.session.state().slot!);
    expect(read?.current?.data).toContain("typed just before the reload");
  });

  it("a tab hidden and then killed without pagehide keeps the edit (the copy written on hide)", async () => {
    const b = await browser();
    const { prompt } = await editThenLeave(b, (e) => e.hide());
    expect(prompt).toContain("typed just before the reload");
  });

  it("a copy older than the stored draft is ignored, and a malformed copy is ignored", async () => {
    const b = await browser();
    const tab = await b.open();
    const events = pageEvents(tab);
    buildGraph(tab.store, "first");
    events.hide();
    const slot = tab.session.state().slot!;
    const stale = b.local.getItem(backupKey(slot));
    expect(stale).toContain("first");
    tab.store.setParam(tab.store.getState().document.nodes[1].id, "prompt", "second");
    await tab.session.flush();
    // The write after the copy holds everything in it, so the copy is gone.
    expect(b.local.getItem(backupKey(slot))).toBeNull();
    tab.close();

    b.local.setItem(backupKey(slot), stale!);
    let again = await b.open({ storage: tab.storage });
    expect(JSON.stringify(again.store.getState().document)).toContain("second");
    again.close();

    b.local.setItem(backupKey(slot), "{ not json");
    again = await b.open({ storage: tab.storage });
    expect(JSON.stringify(again.store.getState().document)).toContain("second");
    expect(again.session.state().corrupt).toBeNull();
  });

  it("a write that began before the copy was made does not remove it", async () => {
    const b = await browser();
    const tab = await b.open();
    const events = pageEvents(tab);
    buildGraph(tab.store, "older");
    const slot = tab.session.state().slot!;
    const writing = tab.session.flush(); // reads "older"
    tab.store.setParam(tab.store.getState().document.nodes[1].id, "prompt", "newer");
    events.hide();
    await writing;
    expect(b.local.getItem(backupKey(slot)) ?? "").toContain("newer");
  });
});

describe("AUTO-09: another tab upgrades the database", () => {
  /** What a newer version of the app does in another tab: opens the database one version up. */
  const upgradeElsewhere = (b: Browser) =>
    openDB(b.db.name, b.db.version + 1, { upgrade: (d) => void d.createObjectStore("future") });

  it("the old tab stops writing there, keeps its edits in the copy without retrying, and a reload brings them back", async () => {
    const b = await browser();
    const tab = await b.open();
    const { p } = buildGraph(tab.store, "before the upgrade");
    await tab.session.flush();
    const newer = await upgradeElsewhere(b);
    expect(tab.session.state().upgraded).toEqual({ at: expect.any(Number), copyFailed: false });

    const put = vi.spyOn(IDBObjectStore.prototype, "put");
    tab.store.setParam(p, "prompt", "typed after the upgrade");
    await tab.session.flush();
    // Several retry periods (10 ms doubling to 40 ms): a write failing into the retry loop would show.
    await new Promise((r) => setTimeout(r, 150));
    expect(put).not.toHaveBeenCalled();
    expect(tab.session.state().autosave.state).toBe("saved");
    const slot = tab.session.state().slot!;
    expect(b.local.getItem(backupKey(slot))).toContain("typed after the upgrade");
    tab.close();
    newer.close();

    // The reload opens the database at the version the other tab left it.
    const again = await b.open({ storage: tab.storage, db: await openDatabase(b.db.name) });
    expect(again.session.state().slot).toBe(slot);
    expect(JSON.stringify(again.store.getState().document)).toContain("typed after the upgrade");
    expect(again.session.state().upgraded).toBeNull();
  });

  it("an edit whose copy cannot be written is reported, so the banner asks for a download", async () => {
    const b = await browser();
    const full = { getItem: () => null, setItem: () => void (null as unknown as string).length, removeItem() {} };
    const tab = await b.open({ backup: full });
    buildGraph(tab.store);
    await tab.session.flush();
    const newer = await upgradeElsewhere(b);
    tab.store.setParam(tab.store.getState().document.nodes[1].id, "prompt", "nowhere to keep it");
    await tab.session.flush();
    expect(tab.session.state().upgraded).toMatchObject({ copyFailed: true });
    newer.close();
  });

  it("a page older than the database opens it at its version when every store is there, else names both versions", async () => {
    const name = `lora-graph-test-newer-${Math.random().toString(36).slice(2)}`;
    (await openDatabase(name)).close();
    (await openDB(name, DB_VERSION + 1)).close();
    const db = await openDatabase(name);
    expect(db.version).toBe(DB_VERSION + 1);
    db.close();

    const bare = `lora-graph-test-bare-${Math.random().toString(36).slice(2)}`;
    (await openDB(bare, DB_VERSION + 5, { upgrade: (d) => void d.createObjectStore("drafts") })).close();
    await expect(openDatabase(bare)).rejects.toThrow(`version ${DB_VERSION + 5}`);
  });
});
