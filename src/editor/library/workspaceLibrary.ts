/**
 * The library when the editor is served by our server: pipelines in the workspace folder
 * (`pipelines/*.json`, docs/components.md#the-workspace) listed beside the ones kept in this
 * browser. New saves go to the workspace; a pipeline opened from the browser's library is saved
 * back there. A save over a workspace file sends the ETag it was read at, so a file changed on
 * disk since (git, the CLI, another tab) is a conflict, never overwritten silently.
 */
import { loadWorkflow, parseJsonSafely, serializeWorkflow, type WorkflowDocument } from "../../graph";
import type { WorkflowRecord } from "../persistence/db";
import { cleanName, matchesQuery, withName, type WorkflowLibrary, type WorkflowSummary } from "../persistence/library";
import type { WorkspaceApi, WorkspaceFile } from "./workspaceApi";

const PREFIX = "ws:";
export const isWorkspaceId = (id: string | undefined) => !!id?.startsWith(PREFIX);
export const workspaceId = (file: string) => `${PREFIX}${file}`;
export const fileOfId = (id: string) => id.slice(PREFIX.length);

/**
 * A pipeline's file name in the workspace: the server accepts `[A-Za-z0-9._ -]` only, so accents
 * and brackets are dropped (Château (copy) → Chateau copy) and anything else becomes "-".
 */
export function pipelineFileName(name: string): string {
  const base = cleanName(name)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[()[\]{}]+/g, "")
    .replace(/[^A-Za-z0-9._ -]+/g, "-")
    .replace(/\s+/g, " ")
    .replace(/^[.\s-]+|[.\s-]+$/g, "")
    .slice(0, 120);
  // The server refuses Windows device names (NUL, COM1…): a shared folder must open there too.
  const device = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i.test(base);
  return `${base || "pipeline"}${device ? " pipeline" : ""}.json`;
}

const stem = (file: string) => file.replace(/\.json$/, "");

/** For counting nodes only: the file is opened with the real catalogue. */
function nodeCountOf(text: string): number {
  const json = parseJsonSafely(text);
  const nodes = json.ok ? (json.value as { nodes?: unknown }).nodes : undefined;
  return Array.isArray(nodes) ? nodes.length : 0;
}

function summaryOf(f: WorkspaceFile, nodeCount = 0): WorkflowSummary {
  const t = Date.parse(f.modified);
  const at = Number.isFinite(t) ? t : 0;
  return {
    id: workspaceId(f.name),
    name: stem(f.name),
    createdAt: at,
    updatedAt: at,
    nodeCount,
    where: "workspace",
    file: `pipelines/${f.name}`,
    etag: f.etag,
  };
}

/**
 * The file's text with `meta.name` set, everything else as it was read (a node the catalogue
 * lacks is kept); the text unchanged when it is not a JSON object or already has that name.
 */
function renamedText(text: string, name: string): string {
  const json = parseJsonSafely(text);
  if (!json.ok || typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) return text;
  const value = json.value as { meta?: Record<string, unknown> };
  if (value.meta?.name === name) return text;
  return `${JSON.stringify({ ...value, meta: { ...(value.meta ?? {}), name } }, null, 2)}\n`;
}

/** The workspace's pipelines as a library; renames and deletes go through the server. */
export function createWorkspaceLibrary(api: WorkspaceApi, now: () => number = Date.now): WorkflowLibrary {
  const record = (file: string, text: string, etag: string): WorkflowRecord & WorkflowSummary => {
    const modified = new Date(now()).toISOString();
    return { ...summaryOf({ name: file, etag, size: text.length, modified }, nodeCountOf(text)), data: text };
  };
  const write = async (file: string, doc: WorkflowDocument, pre: { ifMatch?: string; ifNoneMatch?: "*" }) => {
    const text = serializeWorkflow(withName(doc, stem(file)));
    const r = await api.write("pipelines", file, text, pre);
    return { r, rec: r.ok ? record(file, text, r.etag) : null };
  };
  const lib: WorkflowLibrary = {
    async list(query = "") {
      const { pipelines } = await api.list();
      return pipelines
        .map((f) => summaryOf(f))
        .filter((s) => matchesQuery(s.name, query))
        .sort((a, b) => b.updatedAt - a.updatedAt);
    },
    async get(id) {
      const got = await api.read("pipelines", fileOfId(id));
      return got ? record(fileOfId(id), got.text, got.etag) : undefined;
    },
    async open(id, registry) {
      const got = await api.read("pipelines", fileOfId(id));
      if (!got) return undefined;
      const { data: _data, ...rec } = record(fileOfId(id), got.text, got.etag);
      const result = loadWorkflow(got.text, registry);
      // One name: a workspace pipeline is called what its file is, whatever the file says inside
      // (so a later save renames the file only when the user renamed the pipeline).
      if (result.ok) result.document = withName(result.document, rec.name);
      return { record: rec, result };
    },
    async saveAs(name, doc) {
      const file = pipelineFileName(name);
      const { r, rec } = await write(file, doc, { ifNoneMatch: "*" });
      if (!rec || !r.ok)
        throw new Error(`The workspace already has pipelines/${file}: choose another name, or open that file.`);
      const { data: _data, ...summary } = rec;
      return summary;
    },
    async save(id, doc, base, options = {}) {
      let file = fileOfId(id);
      let pre: { ifMatch?: string; ifNoneMatch?: "*" } = options.force
        ? {}
        : base?.etag
          ? { ifMatch: base.etag }
          : { ifNoneMatch: "*" };
      // Renamed in the editor: the file follows (one name), moved before it is written over.
      const named = doc.meta.name?.trim() ? pipelineFileName(doc.meta.name) : file;
      if (named !== file && !pre.ifNoneMatch) {
        const moved = await api.rename("pipelines", file, named, pre);
        if (!moved.ok) {
          const conflict = moved.etag ? summaryOf({ name: file, etag: moved.etag, size: 0, modified: "" }) : null;
          return { ok: false, conflict };
        }
        file = named;
        pre = { ifMatch: moved.etag };
      }
      const { r, rec } = await write(file, doc, pre);
      if (rec) {
        const { data: _data, ...summary } = rec;
        return { ok: true, record: summary };
      }
      const etag = r.ok ? null : r.etag;
      return { ok: false, conflict: etag ? { ...summaryOf({ name: file, etag, size: 0, modified: "" }) } : null };
    },
    async rename(id, name) {
      const from = fileOfId(id);
      const to = pipelineFileName(name);
      const got = await api.read("pipelines", from);
      if (!got) throw new Error(`There is no pipelines/${from} any more.`);
      // The server sets the name inside the file to the new file's (one name).
      const r = await api.rename("pipelines", from, to, { ifMatch: got.etag });
      if (!r.ok) throw new Error(`pipelines/${from} changed on disk meanwhile; open it again, then rename it.`);
      const now = await api.read("pipelines", to);
      const { data: _data, ...summary } = record(to, now?.text ?? got.text, r.etag);
      return summary;
    },
    async duplicate(id) {
      const got = await lib.get(id);
      if (!got) throw new Error(`There is no ${fileOfId(id)} in the workspace any more.`);
      const { pipelines } = await api.list();
      const names = new Set(pipelines.map((f) => f.name));
      const root = `${got.name.replace(/ \(copy(?: \d+)?\)$/, "")} (copy`;
      let name = `${root})`;
      for (let i = 2; names.has(pipelineFileName(name)); i++) name = `${root} ${i})`;
      // The bytes as they are, with the new name: a copy must not lose a node the catalogue lacks.
      const file = pipelineFileName(name);
      const text = renamedText(got.data, stem(file));
      if (text === got.data) throw new Error(`${fileOfId(id)} could not be read as JSON.`);
      const r = await api.write("pipelines", file, text, { ifNoneMatch: "*" });
      if (!r.ok) throw new Error(`The workspace already has pipelines/${file}.`);
      const { data: _data, ...summary } = record(file, text, r.etag);
      return summary;
    },
    async remove(id) {
      const file = fileOfId(id);
      const got = await api.read("pipelines", file);
      if (!got) return undefined;
      // Only the version read here: one changed on disk meanwhile is not deleted unseen.
      const r = await api.remove("pipelines", file, { ifMatch: got.etag });
      if (!r.ok) throw new Error(`pipelines/${file} changed on disk meanwhile; nothing was deleted.`);
      return record(file, got.text, got.etag);
    },
  };
  return lib;
}

/** Routes each call by id: workspace files to `workspace`, everything else to the browser's library. */
export function combineLibraries(browser: WorkflowLibrary, workspace: WorkflowLibrary): WorkflowLibrary {
  const pick = (id: string) => (isWorkspaceId(id) ? workspace : browser);
  return {
    async list(query) {
      const [ws, br] = await Promise.all([workspace.list(query), browser.list(query)]);
      return [...ws, ...br];
    },
    get: (id) => pick(id).get(id),
    open: (id, registry) => pick(id).open(id, registry),
    saveAs: (name, doc) => workspace.saveAs(name, doc),
    save: (id, doc, base, options) => pick(id).save(id, doc, base, options),
    rename: (id, name) => pick(id).rename(id, name),
    duplicate: (id) => pick(id).duplicate(id),
    remove: (id) => pick(id).remove(id),
  };
}
