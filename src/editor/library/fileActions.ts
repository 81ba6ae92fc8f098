/**
 * The file and library actions that replace the document or write to the library, loaded on
 * first use through `files` (files.ts). Every action that replaces the document goes through the
 * session, which asks first when there is unsaved work and keeps the replaced draft recoverable.
 * Without a session (no IndexedDB) the same in-app question is still asked.
 */
import { loadWorkflowFile } from "../load/loadOffThread";
import { emptyDocument, loadWorkflow, type LoadIssue, type LoadResult, type WorkflowDocument } from "../../graph";
import type { Editor } from "../store/editor";
import { dialogsOf, getSession } from "../persistence/boot";
import type { WorkflowSummary } from "../persistence/library";
import { filesUiOf, saveToFile } from "./files";
import { settleNextDocument } from "../store/settleNext";

/** Replaces the document, asking first over unsaved work; the session also keeps the old draft. */
export async function replaceGuarded(
  editor: Editor,
  doc: WorkflowDocument,
  reason: string,
  title?: string,
  markClean = true,
): Promise<boolean> {
  const session = getSession(editor);
  if (session) return session.replace(doc, { reason, title, markClean });
  if (editor.store.getState().dirty) {
    const answer = await dialogsOf(editor).ask({
      title: title ?? "Replace the current pipeline?",
      message:
        "The current pipeline has unsaved changes, and autosave is off in this browser, so it cannot be recovered afterwards. Save it first to keep it.",
      actions: [
        { id: "cancel", label: "Cancel", kind: "primary" },
        { id: "replace", label: "Discard and continue", kind: "danger" },
      ],
    });
    if (answer !== "replace") return false;
  }
  editor.store.replaceDocument(doc, { markClean });
  return true;
}

function reportWarnings(editor: Editor, source: string, warnings: LoadIssue[]) {
  if (!warnings.length) {
    editor.ui.toast(`Opened ${source}`, "success");
    return;
  }
  editor.ui.toast(`Opened ${source} with ${warnings.length} repair${warnings.length > 1 ? "s" : ""}`, "info", 6000);
  filesUiOf(editor).set({ report: { title: "Opened with repairs", source, issues: warnings, severity: "warning" } });
}

function reportErrors(editor: Editor, source: string, issues: LoadIssue[]) {
  filesUiOf(editor).set({ report: { title: "Could not open this file", source, issues, severity: "error" } });
}

/** Opens `file` over the current pipeline; `read`: the import door's read of it (loadWorkflowFile). */
export async function openBlob(editor: Editor, file: Blob & { name?: string }, read?: LoadResult): Promise<boolean> {
  const name = file.name ?? "the file";
  const session = getSession(editor);
  if (session) {
    const r = await session.openFile(file, read);
    if (r.ok) reportWarnings(editor, name, r.warnings);
    else if (!r.cancelled) reportErrors(editor, name, r.errors);
    return r.ok;
  }
  const r = await loadWorkflowFile(file, editor.registry, read);
  if (!r.ok) {
    reportErrors(editor, name, r.errors);
    return false;
  }
  const done = await replaceGuarded(editor, r.document, `Replaced by opening ${name}`, "Open this file?");
  if (done) reportWarnings(editor, name, r.warnings);
  return done;
}

export async function newPipeline(editor: Editor) {
  await replaceGuarded(
    editor,
    emptyDocument({ name: "Untitled pipeline" }),
    "Replaced by New",
    "Start a new pipeline?",
  );
}

export async function openTemplate(
  editor: Editor,
  tpl: { id: string; title: string; document: unknown },
): Promise<boolean> {
  const r = loadWorkflow(structuredClone(tpl.document), editor.registry);
  if (!r.ok) {
    reportErrors(editor, `the “${tpl.title}” template`, r.errors);
    return false;
  }
  // Its nodes were placed by hand, and can draw taller than they did then (a longer prompt box, an
  // error line): once drawn, any that covers another moves to the nearest free space.
  settleNextDocument(editor, "clear");
  const done = await replaceGuarded(
    editor,
    r.document,
    `Replaced by the “${tpl.title}” template`,
    "Open this template?",
  );
  if (!done) settleNextDocument(editor, null);
  if (done) editor.ui.toast(`Opened the “${tpl.title}” template`, "success");
  return done;
}

/** Where a library entry lives, said as the end of a sentence. */
export const placeOf = (lib: WorkflowSummary | null | undefined) =>
  lib?.where === "workspace" ? `to the workspace (${lib.file})` : "to the library in this browser";

/** Save to the library: over the open workflow, or under a new name (asks for it). */
export async function saveToLibrary(editor: Editor) {
  const { ui, store } = editor;
  const session = getSession(editor);
  if (!session) {
    ui.toast(
      "The library needs browser storage, which is not available here. Use Download (Ctrl+Alt+S) to keep the file.",
      "error",
      7000,
    );
    return;
  }
  try {
    const r = await session.saveToLibrary();
    const lib = session.state().library;
    if (r === "need-name")
      filesUiOf(editor).set({ nameFor: { initial: store.getState().document.meta.name ?? "Untitled pipeline" } });
    else if (r === "save-as") filesUiOf(editor).set({ nameFor: { initial: `${lib?.name ?? "Untitled"} (mine)` } });
    else if (r === "saved") ui.toast(`Saved “${lib?.name}” ${placeOf(lib)}`, "success");
    else if (r === "reloaded") ui.toast(`Reloaded “${lib?.name}”; your version is under Recover drafts`, "info", 6000);
  } catch (e) {
    ui.toast(`Could not save to the library: ${(e as Error).message}`, "error", 8000);
  }
}

/**
 * Ctrl+S: saves where the pipeline lives, its workspace file or its entry in the browser's
 * library; one never saved asks for a name first (Save as…). Without browser storage there is no
 * library, and the file is downloaded instead.
 */
export function save(editor: Editor) {
  if (getSession(editor)) void saveToLibrary(editor);
  else saveToFile(editor);
}

/** Ctrl+Shift+S: saves a copy under a new name, which the pipeline then has. */
export function saveAs(editor: Editor) {
  if (!getSession(editor)) return saveToLibrary(editor);
  const name = editor.store.getState().document.meta.name ?? "Untitled pipeline";
  filesUiOf(editor).set({ nameFor: { initial: name } });
}
