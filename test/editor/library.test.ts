import { describe, expect, it } from "vitest";
import { freshDb } from "./persistence.kit";
import { cleanName, createLibrary, matchesQuery } from "../../src/editor/persistence/library";
import { emptyDocument, loadWorkflow, type WorkflowDocument } from "../../src/graph";
import { stubRegistry } from "./stubRegistry";

function doc(name: string, nodes = 0): WorkflowDocument {
  const d = emptyDocument({ name });
  for (let i = 0; i < nodes; i++)
    d.nodes.push({
      id: `note_${i}`,
      type: "note",
      typeVersion: 1,
      position: { x: i, y: 0 },
      params: { text: `n${i}` },
    });
  return d;
}

async function lib() {
  let t = 1000;
  return createLibrary(await freshDb(), () => (t += 10));
}

describe("workflow library", () => {
  it("save-as stores a loadable workflow file under the given name", async () => {
    const l = await lib();
    const rec = await l.saveAs("  My   portrait  ", doc("ignored", 2));
    expect(rec.name).toBe("My portrait");
    expect(rec.nodeCount).toBe(2);
    const opened = await l.open(rec.id, stubRegistry);
    expect(opened!.result.ok).toBe(true);
    if (opened!.result.ok) {
      expect(opened!.result.document.meta.name).toBe("My portrait");
      expect(opened!.result.document.nodes).toHaveLength(2);
    }
  });

  it("rejects an empty name", async () => {
    const l = await lib();
    await expect(l.saveAs("   ", doc("x"))).rejects.toThrow(/needs a name/);
    expect(() => cleanName("")).toThrow();
  });

  it("lists newest first and searches names by words, ignoring case and accents", async () => {
    const l = await lib();
    await l.saveAs("Medieval queen portrait", doc("a"));
    await l.saveAs("Café inpaint", doc("b"));
    await l.saveAs("Two LoRAs SDXL", doc("c"));
    expect((await l.list()).map((r) => r.name)).toEqual(["Two LoRAs SDXL", "Café inpaint", "Medieval queen portrait"]);
    expect((await l.list("queen medieval")).map((r) => r.name)).toEqual(["Medieval queen portrait"]);
    expect((await l.list("CAFE")).map((r) => r.name)).toEqual(["Café inpaint"]);
    expect(await l.list("nothing like this")).toEqual([]);
    expect(matchesQuery("anything", "   ")).toBe(true);
  });

  it("rename changes the record and the name inside the stored file", async () => {
    const l = await lib();
    const rec = await l.saveAs("Old", doc("Old", 1));
    const renamed = await l.rename(rec.id, "New name");
    expect(renamed.name).toBe("New name");
    expect(renamed.updatedAt).toBeGreaterThan(rec.updatedAt);
    const loaded = loadWorkflow((await l.get(rec.id))!.data, stubRegistry);
    expect(loaded.ok && loaded.document.meta.name).toBe("New name");
    await expect(l.rename("missing", "x")).rejects.toThrow(/No workflow/);
  });

  it("duplicate makes an independent copy with a distinct name", async () => {
    const l = await lib();
    const rec = await l.saveAs("Base", doc("Base", 3));
    const c1 = await l.duplicate(rec.id);
    const c2 = await l.duplicate(rec.id);
    const c3 = await l.duplicate(c1.id);
    expect([c1.name, c2.name, c3.name]).toEqual(["Base (copy)", "Base (copy 2)", "Base (copy 3)"]);
    expect(new Set([rec.id, c1.id, c2.id, c3.id]).size).toBe(4);
    await l.remove(rec.id);
    const opened = await l.open(c1.id, stubRegistry);
    expect(opened!.result.ok && opened!.result.document.nodes).toHaveLength(3);
  });

  it("delete removes the record and returns it (for the recent list)", async () => {
    const l = await lib();
    const rec = await l.saveAs("Gone", doc("Gone"));
    const removed = await l.remove(rec.id);
    expect(removed?.name).toBe("Gone");
    expect(await l.get(rec.id)).toBeUndefined();
    expect(await l.remove(rec.id)).toBeUndefined();
  });

  it("save refuses to overwrite a record changed since it was read, unless forced", async () => {
    const l = await lib();
    const rec = await l.saveAs("W", doc("W", 1));
    const first = await l.save(rec.id, doc("W", 2), rec);
    expect(first.ok).toBe(true);
    const stale = await l.save(rec.id, doc("W", 5), rec);
    expect(stale).toMatchObject({ ok: false, conflict: { id: rec.id, nodeCount: 2 } });
    expect((await l.get(rec.id))!.nodeCount).toBe(2);
    const forced = await l.save(rec.id, doc("W", 5), rec, { force: true });
    expect(forced.ok).toBe(true);
    expect((await l.get(rec.id))!.nodeCount).toBe(5);
    await l.remove(rec.id);
    expect(await l.save(rec.id, doc("W"), { updatedAt: 0 })).toEqual({ ok: false, conflict: null });
  });
});
