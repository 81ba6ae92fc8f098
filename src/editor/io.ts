/**
 * File > Open / Save / Import request: simple browser implementations over the core's loader,
 * serializer and request importer. (Autosave and the library are built on the store separately.)
 */
import { importRequest } from "../compiler";
import { loadWorkflow, serializeWorkflow, type Diagnostic, type WorkflowDocument } from "../graph";
import type { EditorStore } from "./store";
import { ui } from "./store/ui";
import { replaceGuarded } from "./library/files";

export function confirmDiscard(store: EditorStore, what: string): boolean {
  return !store.getState().dirty || window.confirm(`${what} will replace the current pipeline, which has unsaved changes. Continue?`);
}

/** Adopts a loaded document, reporting the loader's warnings. */
export function openText(store: EditorStore, text: string | Uint8Array, name: string): boolean {
  const r = loadWorkflow(text, store.registry);
  if (!r.ok) {
    const first = r.errors[0];
    ui.toast(`Could not open ${name}: ${first?.message ?? "unknown error"}${first?.path && first.path !== "$" ? ` (at ${first.path})` : ""}`, "error", 8000);
    return false;
  }
  if (!confirmDiscard(store, `Opening ${name}`)) return false;
  store.replaceDocument(r.document, { markClean: true });
  if (r.warnings.length) ui.toast(`Opened ${name} with ${r.warnings.length} repair${r.warnings.length > 1 ? "s" : ""}: ${r.warnings[0].message}`, "info", 8000);
  else ui.toast(`Opened ${name}`, "success");
  return true;
}

export function pickAndOpen(store: EditorStore) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ".json,application/json";
  input.onchange = async () => {
    const file = input.files?.[0];
    if (!file) return;
    openText(store, new Uint8Array(await file.arrayBuffer()), file.name);
  };
  input.click();
}

export function fileNameFor(doc: WorkflowDocument): string {
  const base = (doc.meta.name ?? "pipeline").trim().replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "pipeline";
  return `${base}.lora-graph.json`;
}

export function download(store: EditorStore) {
  const { document: doc, viewport } = store.getState();
  const text = serializeWorkflow({ ...doc, viewport, meta: { ...doc.meta, updatedAt: new Date().toISOString() } });
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileNameFor(doc);
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  store.markClean();
}

/** Request JSON (as sent to fal) → a workflow. */
export async function importRequestText(store: EditorStore, text: string): Promise<{ ok: true; notes: Diagnostic[] } | { ok: false; error: string }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not JSON: ${(e as Error).message}` };
  }
  try {
    const r = await importRequest(json, store.registry);
    // In-app question over unsaved work; the replaced pipeline stays under Library › Recover drafts.
    if (!(await replaceGuarded(store, r.document, "Replaced by importing a request", "Import this request?", false))) return { ok: false, error: "Cancelled" };
    return { ok: true, notes: r.diagnostics };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
