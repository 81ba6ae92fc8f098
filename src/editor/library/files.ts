/**
 * File and library actions for the toolbar, shortcuts and drop target: New, Open (picker or a
 * dropped file), Save and Save as… (to the library or workspace), Download, templates, the
 * library, and the files UI's state. The actions that replace the document or write to the
 * library (fileActions.ts) load on first use (docs/codebase.md#the-first-load); picking a file
 * and downloading stay here, since the browser allows them only in the click's own moment.
 */
import { serializeWorkflow, type LoadIssue, type WorkflowDocument } from "../../graph";
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import { getSession } from "../persistence/boot";
import { whileOpening } from "../store/importDoor";

export interface LoadErrorReport {
  title: string;
  /** What was being opened, e.g. the file name. */
  source: string;
  issues: LoadIssue[];
  /** Warnings are shown after a successful open with repairs; errors when the open failed. */
  severity: "error" | "warning";
}

export interface FilesUiState {
  gallery: boolean;
  library: boolean;
  report: LoadErrorReport | null;
  /** Ask for a name to save to the library under. */
  nameFor: null | { initial: string };
}

const filesUiPart = definePart("filesUi", () =>
  createUiStore<FilesUiState>({ gallery: false, library: false, report: null, nameFor: null }),
);
export const filesUiOf = (editor: Editor): UiStore<FilesUiState> => editor.part(filesUiPart);
/** This editor's files UI store, for handlers. */
export const useFilesUiApi = (): UiStore<FilesUiState> => usePart(filesUiPart);
export const useFilesUi = <T>(selector: (s: FilesUiState) => T): T => useUiStore(useFilesUiApi(), selector);

export function pickFile(editor: Editor) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ".json,application/json";
  input.setAttribute("data-testid", "open-file-input");
  input.style.display = "none";
  input.onchange = () => {
    const file = input.files?.[0];
    input.remove();
    // Named over the canvas while read, as a dropped or pasted file is.
    if (file) void whileOpening(editor, file, () => withActions(editor, (m) => m.openBlob(editor, file)));
  };
  // Attached so automated tests (and some browsers) can reach it.
  document.body.appendChild(input);
  input.click();
}

export function fileNameFor(doc: WorkflowDocument): string {
  const base =
    (doc.meta.name ?? "pipeline")
      .trim()
      .replace(/[^\w.-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "pipeline";
  return `${base}.lora-graph.json`;
}

/** Downloads the workflow file. Works with storage full or unavailable: it needs no storage. */
export function saveToFile(editor: Editor) {
  const { document: doc, viewport } = editor.store.getState();
  const text = serializeWorkflow({ ...doc, viewport, meta: { ...doc.meta, updatedAt: new Date().toISOString() } });
  downloadText(text, fileNameFor(doc));
  const session = getSession(editor);
  if (session) session.markSavedToFile();
  else editor.store.markClean();
}

export function downloadText(text: string, filename: string, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

type Actions = typeof import("./fileActions");
/** Runs an action once its module is here (the module loader keeps it); a failed fetch is said. */
function withActions<T>(editor: Editor, run: (m: Actions) => T): Promise<T | undefined> {
  return import("./fileActions").then(run, (e: unknown) => {
    editor.ui.toast(`This action could not load (${(e as Error).message}); reload the page to try again.`, "error");
    return undefined;
  });
}

export const files = {
  save: (editor: Editor) => void withActions(editor, (m) => m.save(editor)),
  saveAs: (editor: Editor) => withActions(editor, (m) => m.saveAs(editor)),
  download: saveToFile,
  newPipeline: (editor: Editor) => withActions(editor, (m) => m.newPipeline(editor)),
  pickFile,
  saveToFile,
  showTemplates: (editor: Editor) => filesUiOf(editor).set({ gallery: true }),
  showLibrary: (editor: Editor) => filesUiOf(editor).set({ library: true }),
};
