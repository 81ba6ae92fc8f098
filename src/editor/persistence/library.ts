/**
 * The library: named workflows kept in IndexedDB. Records hold the workflow file text, so what the
 * library keeps is exactly what Save would download, and reading one back goes through the same
 * loader as opening a file.
 *
 * Saving over a record checks that nobody changed it since this tab read it (optimistic
 * concurrency): two tabs editing one workflow get a conflict, never a silent last-writer-wins.
 */
import { loadWorkflow, serializeWorkflow, type LoadResult, type Registry, type WorkflowDocument } from "../../graph";
import { newId, type Database, type WorkflowRecord } from "./db";

/**
 * A library entry. One in the workspace folder (served by our server) has `where: "workspace"`,
 * its file name and the ETag it was read at; one without `where` lives in this browser.
 */
export type WorkflowSummary = Omit<WorkflowRecord, "data"> & {
  where?: "workspace";
  /** `pipelines/<name>.json` in the workspace. */
  file?: string;
  etag?: string;
};

/** What a save is based on: the version this tab read (updatedAt in the browser, ETag on disk). */
export type SaveBase = Pick<WorkflowSummary, "updatedAt" | "etag">;

export type SaveResult = { ok: true; record: WorkflowSummary } | { ok: false; conflict: WorkflowSummary | null };

export interface WorkflowLibrary {
  /** Newest first; `query` matches the name, case- and accent-insensitively, by words in any order. */
  list(query?: string): Promise<WorkflowSummary[]>;
  get(id: string): Promise<WorkflowRecord | undefined>;
  /** Reads a record's workflow through the file loader. */
  open(id: string, registry: Registry): Promise<{ record: WorkflowSummary; result: LoadResult } | undefined>;
  saveAs(name: string, doc: WorkflowDocument): Promise<WorkflowSummary>;
  /**
   * Overwrites a record. `base` is the version this tab last saw; if the record changed since
   * (another tab or the disk) or was deleted, nothing is written and the conflict is returned.
   * Pass `force: true` to overwrite anyway after the user agreed.
   */
  save(
    id: string,
    doc: WorkflowDocument,
    base: SaveBase | undefined,
    options?: { force?: boolean },
  ): Promise<SaveResult>;
  rename(id: string, name: string): Promise<WorkflowSummary>;
  duplicate(id: string): Promise<WorkflowSummary>;
  remove(id: string): Promise<WorkflowRecord | undefined>;
}

export const MAX_NAME = 120;

export function cleanName(name: string): string {
  const n = name.replace(/\s+/g, " ").trim().slice(0, MAX_NAME);
  if (!n) throw new Error("A workflow needs a name");
  return n;
}

const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

export function matchesQuery(name: string, query: string): boolean {
  const hay = fold(name);
  return fold(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

const summary = ({ data: _data, ...rest }: WorkflowRecord): WorkflowSummary => rest;

export function withName(doc: WorkflowDocument, name: string): WorkflowDocument {
  return { ...doc, meta: { ...doc.meta, name } };
}

export function createLibrary(db: Database, clock: () => number = Date.now): WorkflowLibrary {
  // Two saves in the same millisecond must still look like a change to the conflict check.
  let last = 0;
  const tick = () => (last = Math.max(clock(), last + 1));

  const lib: WorkflowLibrary = {
    async list(query = "") {
      const all = await db.getAllFromIndex("workflows", "updatedAt");
      return all
        .reverse()
        .filter((r) => matchesQuery(r.name, query))
        .map(summary);
    },
    get: (id) => db.get("workflows", id),

    async open(id, registry) {
      const rec = await db.get("workflows", id);
      if (!rec) return undefined;
      return { record: summary(rec), result: loadWorkflow(rec.data, registry) };
    },

    async saveAs(name, doc) {
      const clean = cleanName(name);
      const t = tick();
      const rec: WorkflowRecord = {
        id: newId("wf"),
        name: clean,
        createdAt: t,
        updatedAt: t,
        nodeCount: doc.nodes.length,
        data: serializeWorkflow(withName(doc, clean)),
      };
      await db.put("workflows", rec);
      return summary(rec);
    },

    async save(id, doc, base, options = {}) {
      const tx = db.transaction("workflows", "readwrite");
      const cur = await tx.store.get(id);
      if (!options.force && (!cur || cur.updatedAt !== base?.updatedAt)) {
        await tx.done;
        return { ok: false, conflict: cur ? summary(cur) : null };
      }
      // The pipeline's own name wins: renamed in the editor, its library entry follows.
      const name = doc.meta.name?.trim() ? cleanName(doc.meta.name) : (cur?.name ?? "Untitled pipeline");
      const t = tick();
      const rec: WorkflowRecord = {
        id,
        name,
        createdAt: cur?.createdAt ?? t,
        updatedAt: t,
        nodeCount: doc.nodes.length,
        data: serializeWorkflow(withName(doc, name)),
      };
      await tx.store.put(rec);
      await tx.done;
      return { ok: true, record: summary(rec) };
    },

    async rename(id, name) {
      const clean = cleanName(name);
      const tx = db.transaction("workflows", "readwrite");
      const cur = await tx.store.get(id);
      if (!cur) throw new Error(`No workflow with id ${id} in the library`);
      // Keep the name inside the file in step with the record's name.
      let data = cur.data;
      try {
        const parsed = JSON.parse(cur.data) as { meta?: Record<string, unknown> };
        parsed.meta = { ...(parsed.meta ?? {}), name: clean };
        data = `${JSON.stringify(parsed, null, 2)}\n`;
      } catch {
        /* unreadable record: rename the entry, leave its data alone */
      }
      const rec = { ...cur, name: clean, data, updatedAt: tick() };
      await tx.store.put(rec);
      await tx.done;
      return summary(rec);
    },

    async duplicate(id) {
      const cur = await db.get("workflows", id);
      if (!cur) throw new Error(`No workflow with id ${id} in the library`);
      const names = new Set((await db.getAll("workflows")).map((r) => r.name));
      const base = `${cur.name.replace(/ \(copy(?: \d+)?\)$/, "")} (copy`;
      let name = `${base})`;
      for (let i = 2; names.has(name); i++) name = `${base} ${i})`;
      const t = tick();
      let data = cur.data;
      try {
        const parsed = JSON.parse(cur.data) as { meta?: Record<string, unknown> };
        parsed.meta = { ...(parsed.meta ?? {}), name };
        data = `${JSON.stringify(parsed, null, 2)}\n`;
      } catch {
        /* copy the bytes as they are */
      }
      const rec: WorkflowRecord = { ...cur, id: newId("wf"), name, createdAt: t, updatedAt: t, data };
      await db.put("workflows", rec);
      return summary(rec);
    },

    async remove(id) {
      const tx = db.transaction("workflows", "readwrite");
      const cur = await tx.store.get(id);
      if (cur) await tx.store.delete(id);
      await tx.done;
      return cur;
    },
  };
  return lib;
}
