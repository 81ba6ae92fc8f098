/**
 * File and library actions for the toolbar, shortcuts and drop target: New, Open (picker or a
 * dropped file), Save (download), templates, the library. Every action that replaces the document
 * goes through the session, which asks first when there is unsaved work and keeps the replaced
 * draft recoverable. Without a session (no IndexedDB) the same in-app question is still asked.
 */
import { loadWorkflowFile } from "../load/loadOffThread";
import {
  emptyDocument,
  loadWorkflow,
  serializeWorkflow,
  type LoadIssue,
  type Registry,
  type WorkflowDocument,
} from "../../graph";
import type { EditorStore } from "../store";
import { ui } from "../store/ui";
import { createUiStore } from "../store/uiStore";
import { dialogs, getSession } from "../persistence/boot";

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

export const filesUi = createUiStore<FilesUiState>({ gallery: false, library: false, report: null, nameFor: null });

/** Replaces the document, asking first over unsaved work; the session also keeps the old draft. */
export async function replaceGuarded(
  store: EditorStore,
  doc: WorkflowDocument,
  reason: string,
  title?: string,
  markClean = true,
): Promise<boolean> {
  const session = getSession();
  if (session) return session.replace(doc, { reason, title, markClean });
  if (store.getState().dirty) {
    const answer = await dialogs.ask({
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
  store.replaceDocument(doc, { markClean });
  return true;
}

function reportWarnings(source: string, warnings: LoadIssue[]) {
  if (!warnings.length) {
    ui.toast(`Opened ${source}`, "success");
    return;
  }
  ui.toast(`Opened ${source} with ${warnings.length} repair${warnings.length > 1 ? "s" : ""}`, "info", 6000);
  filesUi.set({ report: { title: "Opened with repairs", source, issues: warnings, severity: "warning" } });
}

function reportErrors(source: string, issues: LoadIssue[]) {
  filesUi.set({ report: { title: "Could not open this file", source, issues, severity: "error" } });
}

export async function openBlob(store: EditorStore, file: Blob & { name?: string }): Promise<boolean> {
  const name = file.name ?? "the file";
  const session = getSession();
  if (session) {
    const r = await session.openFile(file);
    if (r.ok) reportWarnings(name, r.warnings);
    else if (!r.cancelled) reportErrors(name, r.errors);
    return r.ok;
  }
  const r = await loadWorkflowFile(file, store.registry);
  if (!r.ok) {
    reportErrors(name, r.errors);
    return false;
  }
  const done = await replaceGuarded(store, r.document, `Replaced by opening ${name}`, "Open this file?");
  if (done) reportWarnings(name, r.warnings);
  return done;
}

export function pickFile(store: EditorStore) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ".json,application/json";
  input.setAttribute("data-testid", "open-file-input");
  input.style.display = "none";
  input.onchange = () => {
    const file = input.files?.[0];
    input.remove();
    if (file) void openBlob(store, file);
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
export function saveToFile(store: EditorStore) {
  const { document: doc, viewport } = store.getState();
  const text = serializeWorkflow({ ...doc, viewport, meta: { ...doc.meta, updatedAt: new Date().toISOString() } });
  downloadText(text, fileNameFor(doc));
  const session = getSession();
  if (session) session.markSavedToFile();
  else store.markClean();
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

export async function newPipeline(store: EditorStore) {
  await replaceGuarded(store, emptyDocument({ name: "Untitled pipeline" }), "Replaced by New", "Start a new pipeline?");
}

export async function openTemplate(
  store: EditorStore,
  registry: Registry,
  tpl: { id: string; title: string; document: unknown },
): Promise<boolean> {
  const r = loadWorkflow(structuredClone(tpl.document), registry);
  if (!r.ok) {
    reportErrors(`the “${tpl.title}” template`, r.errors);
    return false;
  }
  const done = await replaceGuarded(
    store,
    r.document,
    `Replaced by the “${tpl.title}” template`,
    "Open this template?",
  );
  if (done) ui.toast(`Opened the “${tpl.title}” template`, "success");
  return done;
}

/** Save to the library: over the open workflow, or under a new name (asks for it). */
export async function saveToLibrary(store: EditorStore) {
  const session = getSession();
  if (!session) {
    ui.toast(
      "The library needs browser storage, which is not available here. Use Save to download the file.",
      "error",
      7000,
    );
    return;
  }
  try {
    const r = await session.saveToLibrary();
    if (r === "need-name")
      filesUi.set({ nameFor: { initial: store.getState().document.meta.name ?? "Untitled pipeline" } });
    else if (r === "saved" || r === "copied")
      ui.toast(
        r === "saved"
          ? `Saved “${session.state().library?.name}” to the library`
          : `Saved a copy “${session.state().library?.name}”`,
        "success",
      );
  } catch (e) {
    ui.toast(`Could not save to the library: ${(e as Error).message}`, "error", 8000);
  }
}

export const files = {
  newPipeline,
  pickFile,
  openBlob,
  saveToFile,
  saveToLibrary,
  showTemplates: () => filesUi.set({ gallery: true }),
  showLibrary: () => filesUi.set({ library: true }),
};
