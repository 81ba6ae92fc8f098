// Replacing the document (New, Open, template, library, recover) so the work it replaces stays
// recoverable. Part of the session (session.ts).
import type { LoadIssue, LoadResult, WorkflowDocument } from "../../graph";
import type { EditorState } from "../store";
import { loadWorkflowFile } from "../load/loadOffThread";
import { decodeDraft, draftName, encodeDraft } from "./snapshot";
import { setLibrary, summaryAsDrafted, type SessionContext } from "./sessionContext";
import type { OpenOutcome, Session } from "./session";

type ReplaceOptions = Parameters<Session["replace"]>[1];

const gone = (message: string): OpenOutcome => ({
  ok: false,
  cancelled: false,
  errors: [{ code: "internal-error", path: "$", message }],
});
const failed = (errors: LoadIssue[]): OpenOutcome => ({ ok: false, cancelled: false, errors });

/**
 * Puts the current pipeline on the recent list before it is replaced. False when the user, told
 * that no copy could be kept of unsaved work, chose not to go on.
 */
async function keepRecoverable(ctx: SessionContext, s: EditorState, reason: string): Promise<boolean> {
  if (s.document.nodes.length === 0) return true;
  try {
    await ctx.drafts.pushRecent({
      name: draftName(s.document),
      nodeCount: s.document.nodes.length,
      reason,
      data: encodeDraft(ctx.payload(), ctx.now()),
    });
    return true;
  } catch (e) {
    if (!s.dirty) return true;
    const go = await ctx.ask({
      title: "Could not keep a copy",
      message: `The current pipeline could not be stored for recovery (${(e as Error).message}). Download it with Save first, or continue and lose it.`,
      actions: [
        { id: "cancel", label: "Cancel", kind: "primary" },
        { id: "replace", label: "Continue and lose it", kind: "danger" },
      ],
    });
    return go === "replace";
  }
}

export async function replace(ctx: SessionContext, doc: WorkflowDocument, o: ReplaceOptions): Promise<boolean> {
  const { store } = ctx;
  const s = store.getState();
  if (s.dirty) {
    const choice = await ctx.ask({
      title: o.title ?? "Replace the current pipeline?",
      message: `“${draftName(s.document)}” has changes that are not saved to the library or a file. It will stay recoverable under Library › Recover drafts.`,
      actions: [
        { id: "cancel", label: "Cancel" },
        { id: "replace", label: "Continue", kind: "primary" },
      ],
    });
    if (choice !== "replace") return false;
  }
  if (!(await keepRecoverable(ctx, s, o.reason))) return false;
  await setLibrary(ctx, o.library ?? null);
  store.replaceDocument(o.view?.viewport ? { ...doc, viewport: o.view.viewport } : doc, {
    markClean: o.markClean ?? true,
  });
  if (o.view?.viewport) store.setViewport(o.view.viewport);
  if (o.view?.selection) store.setSelection(o.view.selection);
  // In a task of its own: writing a 5,000-node draft (encoding it, handing it to IndexedDB) in the
  // task that draws the new document made that task twice as long.
  await new Promise((r) => setTimeout(r, 0));
  await ctx.autosaver.flush();
  return true;
}

export async function openFile(
  ctx: SessionContext,
  file: Blob & { name?: string },
  read?: LoadResult,
): Promise<OpenOutcome> {
  // Parsed and checked in a worker: a file at the node cap must not freeze the editor.
  const result = await loadWorkflowFile(file, ctx.registry, read);
  if (!result.ok) return failed(result.errors);
  const done = await replace(ctx, result.document, {
    reason: `Replaced by opening ${file.name ?? "a file"}`,
    title: "Open this file?",
  });
  return done ? { ok: true, warnings: result.warnings } : { ok: false, cancelled: true };
}

export async function openLibrary(ctx: SessionContext, id: string): Promise<OpenOutcome> {
  const opened = await ctx.library.open(id, ctx.registry);
  if (!opened) return gone("This workflow is no longer in the library");
  if (!opened.result.ok) return failed(opened.result.errors);
  const done = await replace(ctx, opened.result.document, {
    reason: `Replaced by opening “${opened.record.name}” from the library`,
    title: "Open this workflow?",
    library: opened.record,
  });
  return done ? { ok: true, warnings: opened.result.warnings } : { ok: false, cancelled: true };
}

export async function recoverRecent(ctx: SessionContext, id: string): Promise<OpenOutcome> {
  const rec = await ctx.drafts.getRecent(id);
  if (!rec) return gone("This draft is no longer stored");
  const decoded = decodeDraft(rec.data, ctx.registry);
  if (!decoded.ok) return decoded.issues.length ? failed(decoded.issues) : gone(decoded.message);
  const lib = decoded.draft.libraryId
    ? await ctx.library.get(decoded.draft.libraryId).catch(() => undefined)
    : undefined;
  const done = await replace(ctx, decoded.draft.document, {
    reason: "Replaced by recovering another draft",
    title: "Recover this draft?",
    markClean: false,
    library: summaryAsDrafted(lib, decoded.draft),
    view: decoded.draft,
  });
  if (!done) return { ok: false, cancelled: true };
  await ctx.drafts.removeRecent(id);
  return { ok: true, warnings: decoded.warnings };
}
