// Saving the tab's pipeline to the library, and deleting from it so that the deleted workflow
// stays recoverable. Part of the session (session.ts).
import { loadWorkflow } from "../../graph";
import type { WorkflowSummary } from "../library/library";
import { encodeDraft } from "./snapshot";
import { setLibrary, type SessionContext } from "./sessionContext";

type SaveOutcome = "saved" | "need-name" | "cancelled" | "copied";

export async function saveAsToLibrary(ctx: SessionContext, name: string): Promise<WorkflowSummary> {
  const rec = await ctx.library.saveAs(name, ctx.store.getState().document);
  await setLibrary(ctx, rec);
  ctx.store.markClean();
  await ctx.autosaver.flush();
  return rec;
}

/** Asks what to do when the library copy was deleted or saved from another tab since it was opened. */
async function askOnConflict(ctx: SessionContext, lib: WorkflowSummary, gone: boolean) {
  return ctx.ask({
    title: gone ? "This workflow was deleted" : "Changed in another tab",
    message: gone
      ? `“${lib.name}” is no longer in the library (deleted in another tab?).`
      : `“${lib.name}” was saved from another tab after you opened it. Overwrite those changes, or keep both by saving yours as a copy?`,
    actions: [
      { id: "cancel", label: "Cancel" },
      { id: "copy", label: "Save as a copy", kind: gone ? "primary" : "default" },
      ...(gone ? [] : [{ id: "overwrite", label: "Overwrite", kind: "danger" as const }]),
    ],
  });
}

export async function saveToLibrary(ctx: SessionContext): Promise<SaveOutcome> {
  const lib = ctx.get().library;
  if (!lib) return "need-name";
  const doc = ctx.store.getState().document;
  let res = await ctx.library.save(lib.id, doc, lib.updatedAt);
  if (!res.ok) {
    const gone = res.conflict === null;
    const choice = await askOnConflict(ctx, lib, gone);
    if (choice === "copy") {
      await saveAsToLibrary(ctx, gone ? lib.name : `${lib.name} (copy)`);
      return "copied";
    }
    if (choice !== "overwrite") return "cancelled";
    res = await ctx.library.save(lib.id, doc, lib.updatedAt, { force: true });
    if (!res.ok) return "cancelled";
  }
  await setLibrary(ctx, res.record);
  ctx.store.markClean();
  await ctx.autosaver.flush();
  return "saved";
}

export async function deleteFromLibrary(ctx: SessionContext, id: string): Promise<void> {
  const rec = await ctx.library.remove(id);
  if (!rec) return;
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
}
