// AUTO-10: another tab opens the run history (`lora-graph-runs`) at a newer version. This tab lets
// it (closes its connection), says so through onUpgrade, keeps every later history write in its
// tab, and the next start writes them, at the newer version; a write that cannot be kept is counted.
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openRunHistory, RUNS_PENDING_PREFIX, type HistoryUpgrade } from "../../src/editor/run/history";
import type { RunRecord } from "../../src/editor/run/types";

let n = 0;
const dbName = () => `runs-upgrade-${++n}`;

function record(id: string, status: RunRecord["status"], createdAt: number): RunRecord {
  return {
    id,
    endpoint: "fal-ai/lora",
    input: { prompt: id },
    cacheKey: "",
    outputNodeId: "sampler",
    sourceMap: {},
    graph: "{}",
    title: id,
    status,
    createdAt,
    images: [],
  };
}

/** localStorage as a Map, optionally full. */
function memoryStorage(full = () => false) {
  const m = new Map<string, string>();
  return {
    map: m,
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (full()) throw new DOMException("full", "QuotaExceededError");
      m.set(k, v);
    },
    removeItem: (k: string) => void m.delete(k),
  };
}

/** What a newer lora-graph in another tab does: opens the database one version up, adding a store. */
function upgradeElsewhere(name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = indexedDB.open(name);
    probe.onsuccess = () => {
      const next = probe.result.version + 1;
      probe.result.close();
      const open = indexedDB.open(name, next);
      open.onupgradeneeded = () => open.result.createObjectStore("from-a-newer-version");
      open.onsuccess = () => {
        open.result.close();
        resolve(next);
      };
      open.onerror = () => reject(open.error);
      open.onblocked = () => reject(new Error("blocked: the old tab did not let go"));
    };
  });
}

describe("AUTO-10: another tab upgrades the run history", () => {
  it("lets the upgrade through, says so, keeps later writes, and the next start writes them", async () => {
    const name = dbName();
    const storage = memoryStorage();
    const history = await openRunHistory(name, storage);
    await history.put(record("a", "completed", 1));
    await history.put(record("b", "running", 2));
    const told: HistoryUpgrade[] = [];
    history.onUpgrade!((u) => told.push(u));
    expect(told).toEqual([]);

    // Blocked forever, were this tab to keep its connection open.
    const version = await upgradeElsewhere(name);
    expect(told).toEqual([{ lost: 0 }]);

    // Later writes neither throw nor reach the closed connection: they are kept in the tab.
    await history.put(record("b", "completed", 2));
    await history.put(record("c", "completed", 3));
    await history.delete("a");
    await history.putImage({
      key: "c:0",
      runId: "c",
      bytes: new ArrayBuffer(4),
      type: "image/png",
      size: 4,
      createdAt: 3,
    });
    expect(await history.getImage("c:0")).toBeUndefined();
    expect(await history.pruneImages(0)).toEqual([]);
    const kept = [...storage.map.keys()].filter((k) => k.startsWith(RUNS_PENDING_PREFIX));
    expect(kept).toHaveLength(1);

    // After the reload: the database is the newer version's, and holds every write made meanwhile.
    const again = await openRunHistory(name, storage);
    const runs = await again.list();
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      ["b", "completed"],
      ["c", "completed"],
    ]);
    expect([...storage.map.keys()].filter((k) => k.startsWith(RUNS_PENDING_PREFIX))).toEqual([]);
    again.close();
    const dbs = await indexedDB.databases();
    expect(dbs).toContainEqual({ name, version });
  });

  it("counts the writes it could not keep (storage full), so the banner can say what is lost", async () => {
    const name = dbName();
    let full = false;
    const storage = memoryStorage(() => full);
    const history = await openRunHistory(name, storage);
    const told: HistoryUpgrade[] = [];
    history.onUpgrade!((u) => told.push(u));
    await upgradeElsewhere(name);
    await history.put(record("kept", "completed", 1));
    full = true;
    await history.put(record("lost-1", "completed", 2));
    await history.put(record("lost-2", "completed", 3));
    expect(told).toEqual([{ lost: 0 }, { lost: 1 }, { lost: 2 }]);
    // A listener added later hears the state as it is.
    const late: HistoryUpgrade[] = [];
    history.onUpgrade!((u) => late.push(u));
    expect(late).toEqual([{ lost: 2 }]);
    full = false;
    const again = await openRunHistory(name, storage);
    // The last successful copy held only "kept"; what the banner called lost is not there.
    expect((await again.list()).map((r) => r.id)).toEqual(["kept"]);
    again.close();
  });

  it("a write in flight when the upgrade arrives is kept, not lost", async () => {
    const name = dbName();
    const storage = memoryStorage();
    const history = await openRunHistory(name, storage);
    const upgrading = upgradeElsewhere(name);
    const writes = Array.from({ length: 20 }, (_, i) => history.put(record(`r${i}`, "completed", i)));
    await Promise.all([upgrading, ...writes]);
    const again = await openRunHistory(name, storage);
    expect((await again.list()).map((r) => r.id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`).sort());
    again.close();
  });
});
