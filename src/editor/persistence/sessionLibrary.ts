// Saving the tab's pipeline to the library (with the conflict choices when the library copy
// changed since it was read), reloading it, and deleting from it so that the deleted workflow
// stays recoverable. Part of the session (session.ts).
import { loadWorkflow, type WorkflowDocument } from "../../graph";
import type { WorkflowSummary } from "./library";
import type { WorkflowRecord } from "./db";
import { askConflict, type ConflictChoice } from "./conflict";
import { draftName, encodeDraft } from "./snapshot";
import { setLibrary, type SessionContext } from "./sessionContext";

export type SaveOutcome = "saved" | "need-name" | "cancelled" | "save-as" | "reloaded";

export async function saveAsToLibrary(ctx: SessionContext, name: string): Promise<WorkflowSummary> {
  const rec = await ctx.library.saveAs(name, ctx.store.getState().document);
  return saved(ctx, rec).then(() => rec);
}

async function saved(ctx: SessionContext, rec: WorkflowSummary): Promise<"saved"> {
  await setLibrary(ctx, rec);
  // One name: the pipeline is called what it was saved as (a workspace file's name is its file's).
  if (ctx.store.getState().document.meta.name !== rec.name) ctx.store.nameSaved(rec.name);
  ctx.store.markClean();
  await ctx.autosaver.flush();
  return "saved";
}

export async function saveToLibrary(ctx: SessionContext): Promise<SaveOutcome> {
  const lib = ctx.get().library;
  if (!lib) return "need-name";
  const res = await ctx.library.save(lib.id, ctx.store.getState().document, lib);
  if (res.ok) return saved(ctx, res.record);
  const choice = await askConflict(ctx.ask, { lib, gone: res.conflict === null, when: "saving" });
  return resolveConflict(ctx, choice, lib, res.conflict);
}

export async function libraryChanged(ctx: SessionContext, etag: string | null) {
  const lib = ctx.get().library;
  if (!lib || lib.etag === etag) return "same" as const;
  const choice = await askConflict(ctx.ask, { lib, gone: etag === null, when: "changed" });
  const r = await resolveConflict(ctx, choice, lib, etag === null ? null : { ...lib, etag });
  return r === "cancelled" ? ("kept" as const) : r;
}

export function reloadLibrary(ctx: SessionContext): Promise<boolean> {
  const lib = ctx.get().library;
  return lib ? reopen(ctx, lib, `Replaced by reloading “${lib.name}”`) : Promise.resolve(false);
}

/** Opens the library copy again over this tab's version, which goes to the recent drafts. */
async function reopen(ctx: SessionContext, lib: WorkflowSummary, reason: string): Promise<boolean> {
  const opened = await ctx.library.open(lib.id, ctx.registry);
  if (!opened?.result.ok) return false;
  await keepRecent(ctx, ctx.store.getState().document, reason, encodeDraft(ctx.payload(), ctx.now()));
  await setLibrary(ctx, opened.record);
  ctx.store.replaceDocument(opened.result.document, { markClean: true });
  await ctx.autosaver.flush();
  return true;
}

async function keepRecent(ctx: SessionContext, doc: WorkflowDocument, reason: string, data: string) {
  if (!doc.nodes.length) return;
  await ctx.drafts
    .pushRecent({ name: draftName(doc), nodeCount: doc.nodes.length, reason, data })
    .catch(() => undefined);
}

/** Carries out a conflict answer; each keeps the side it does not pick under Recover drafts. */
async function resolveConflict(
  ctx: SessionContext,
  choice: ConflictChoice | null,
  lib: WorkflowSummary,
  other: WorkflowSummary | null,
): Promise<"saved" | "cancelled" | "save-as" | "reloaded"> {
  if (choice === "save-as") return "save-as";
  if (choice === "reload")
    return (await reopen(ctx, lib, `Your version, replaced by reloading “${lib.name}”`)) ? "reloaded" : "cancelled";
  if (choice !== "overwrite") return "cancelled";
  if (!other && lib.where !== "workspace") {
    await saveAsToLibrary(ctx, lib.name);
    return "saved";
  }
  const theirs = other ? await ctx.library.open(lib.id, ctx.registry).catch(() => undefined) : undefined;
  if (theirs?.result.ok) {
    const d = theirs.result.document;
    const view = { viewport: d.viewport ?? { x: 0, y: 0, zoom: 1 }, selection: { nodes: [], edges: [] } };
    const data = encodeDraft({ document: d, ...view, dirty: true }, ctx.now());
    await keepRecent(ctx, d, `The other version of “${lib.name}”, overwritten`, data);
  }
  // Over exactly the version just set aside; one changed again meanwhile is a new conflict.
  const base = theirs?.record ?? other ?? { ...lib, etag: undefined };
  const res = await ctx.library.save(lib.id, ctx.store.getState().document, base);
  if (res.ok) return saved(ctx, res.record);
  const again = await askConflict(ctx.ask, { lib, gone: res.conflict === null, when: "saving" });
  return resolveConflict(ctx, again, lib, res.conflict);
}

/** Renames a library entry; the open pipeline's entry renames the pipeline too (one name). */
export async function renameInLibrary(ctx: SessionContext, id: string, name: string): Promise<WorkflowSummary> {
  const rec = await ctx.library.rename(id, name);
  if (ctx.get().library?.id === id) {
    await setLibrary(ctx, rec);
    ctx.store.nameSaved(rec.name);
  }
  return rec;
}

export async function deleteFromLibrary(ctx: SessionContext, id: string): Promise<WorkflowRecord | undefined> {
  const rec = await ctx.library.remove(id);
  if (!rec) return undefined;
  // A deleted workflow can be recovered like a replaced draft.
  const loaded = loadWorkflow(rec.data, ctx.registry);
  if (loaded.ok) {
    const doc = loaded.document;
    const draft = {
      document: doc,
      viewport: doc.viewport ?? { x: 0, y: 0, zoom: 1 },
      selection: { nodes: [], edges: [] },
      dirty: true,
    };
    await ctx.drafts
      .pushRecent({
        name: rec.name,
        nodeCount: rec.nodeCount,
        reason: "Deleted from the library",
        data: encodeDraft(draft, ctx.now()),
      })
      .catch(() => undefined);
  }
  if (ctx.get().library?.id === id) {
    await setLibrary(ctx, null);
    ctx.autosaver.changed();
  }
  return rec;
}

/** The open entry was renamed elsewhere (another tab): this tab follows it, its edits kept. */
export async function followLibrary(ctx: SessionContext, from: string, rec: WorkflowSummary): Promise<boolean> {
  if (ctx.get().library?.id !== from) return false;
  await setLibrary(ctx, rec);
  if (ctx.store.getState().document.meta.name !== rec.name) ctx.store.nameSaved(rec.name);
  return true;
}
