/**
 * The editor's one import door: pasted text, a dropped file or image, the Import dialog. Whatever
 * it is (docs/import-export.md, "One import door"), it becomes the current graph, asked for over unsaved
 * work, with an import report of everything that did not map. Loaded on demand: the readers of
 * other tools' formats are not part of the first load.
 */
import { componentRegistry, type Diagnostic, type LoadResult, type WorkflowDocument } from "../../graph";
import type { ComfyImport } from "../../interop/comfyui";
import { detectIncomingOffThread, type Detected } from "../load/loadOffThread";
import type { ForeignRequest } from "../../interop/foreign";
import { applyAliases } from "../../interop/aliases";
import { learnAliases, loadAliases } from "./aliases";
import { compile, importRequest, layoutDocument, lookupSource } from "../engine";
import { estimatedSize } from "../flow/sizes";
import { openBlob, replaceGuarded } from "../library/fileActions";
import { openDroppedImage } from "../run/runFiles";
import type { Editor } from "../store";
import type { ImportSource } from "../store/importDoor";
import { canvasViewOf } from "../flow/view";
import { settleNextDocument } from "../store/settleNext";
import { runElk } from "../flow/arrange";
import { importReportOf, type ImportNote, type ImportReport } from "./report";

/** Largest file read for an import; images and workflows are far smaller. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export type { ImportSource };
export type ImportOutcome = { ok: true; report?: ImportReport } | { ok: false; error: string; cancelled?: boolean };

/**
 * Reads `source` and replaces the graph with what it holds. Our own workflows (files, images) open
 * through the usual file path; everything else is imported and reported. Never throws.
 */
export async function importInto(editor: Editor, source: ImportSource): Promise<ImportOutcome> {
  try {
    const from = "file" in source ? source.file.name || "the file" : "pasted text";
    if ("file" in source && source.file.size > MAX_IMPORT_BYTES)
      return {
        ok: false,
        error: `${from} is too large to import (${Math.round(source.file.size / 1048576)} MB; the limit is 64 MB)`,
      };
    const file = "file" in source ? source.file : new File([source.text], "pasted workflow.json");
    // A workflow is read and checked in the same worker job, for openWorkflow below.
    const found: Detected = await detectIncomingOffThread(file, true);
    // A .json file that is nothing known goes to the workflow loader, which says what is wrong where.
    const broken = found.kind === "unknown" && "file" in source && !found.image && /\.json$/i.test(from);
    if (found.kind === "workflow" || broken) return openWorkflow(editor, file, found.image !== undefined, found.read);
    if (found.kind === "unknown")
      return {
        ok: false,
        error: `Nothing was imported from ${from}: ${found.error.replace(/\.$/, "")}. Your pipeline is unchanged.`,
      };
    const name = "file" in source ? from.replace(/\.[^.]+$/, "") : undefined;
    const imported =
      found.kind === "request"
        ? await fromRequest(editor, found.json, name)
        : await fromForeign(editor, withAliases(editor, found.foreign), name);
    const report: ImportReport = {
      format: found.kind === "request" ? "fal request" : found.foreign.format,
      from,
      notes: [...found.warnings.map((message) => ({ severity: "warning" as const, message })), ...imported.notes],
    };
    // Validate before asking to replace anything: input that yields no pipeline is refused here,
    // and the work on the canvas stays as it was.
    if (!imported.document.nodes.some((n) => !editor.registry.get(n.type)?.inert)) {
      const why = imported.notes.find((d) => d.severity === "error")?.message ?? "it holds no request fields";
      return { ok: false, error: `Nothing was imported: ${why}. Your pipeline is unchanged.` };
    }
    const what = found.kind === "request" ? "a request" : `from ${found.foreign.format}`;
    const document = await laidOut(editor, imported.document);
    settleNextDocument(editor, "layout");
    if (
      !(await replaceGuarded(
        editor,
        document,
        `Replaced by importing ${what}`,
        `Import ${found.kind === "request" ? "this request" : what}?`,
        false,
      ))
    ) {
      settleNextDocument(editor, null);
      return { ok: false, error: "Cancelled", cancelled: true };
    }
    importReportOf(editor).set({ report });
    return { ok: true, report };
  } catch (e) {
    return { ok: false, error: `The import failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Lays the import out again with the sizes this editor draws nodes at (the last measured node of
 * each type, else the shared estimate), plus room for what a node's view adds under its fields
 * (prompt weight chips, the schedule plot), so no node covers another.
 */
async function laidOut(editor: Editor, doc: WorkflowDocument): Promise<WorkflowDocument> {
  try {
    // An import can hold components (ComfyUI subgraphs): their instances are laid out by their ports.
    return await layoutDocument(doc, componentRegistry(editor.registry, doc.components), {
      runElk: runElk(),
      nodeSize: (n, def) => {
        const size = estimatedSize(canvasViewOf(editor).typeSizes, def, n);
        return { width: size.width, height: size.height + STRIP_MARGIN };
      },
    });
  } catch {
    return doc;
  }
}

/** Room under a node for what its view adds below its fields. */
const STRIP_MARGIN = 56;

/** LoRAs known by name get the URLs chosen before, learned first from the graph being replaced. */
function withAliases(editor: Editor, foreign: ForeignRequest): ForeignRequest {
  learnAliases(editor.store.getState().document, editor.registry);
  return applyAliases(foreign, loadAliases());
}

/** A lora-graph workflow (file or image): the file path, with its worker, checks and repair report. */
async function openWorkflow(editor: Editor, file: File, image: boolean, read?: LoadResult): Promise<ImportOutcome> {
  if (image) await openDroppedImage(editor, file);
  else if (!(await openBlob(editor, file, read))) return { ok: false, error: "Cancelled", cancelled: true };
  importReportOf(editor).set({ report: null });
  return { ok: true };
}

async function fromRequest(editor: Editor, json: unknown, name?: string) {
  const r = await importRequest(json, editor.registry, { name: name ?? "Imported fal request", runElk: runElk() });
  return { document: r.document, notes: r.diagnostics.map(noteOf) };
}

/**
 * Another tool's data: its request becomes the graph, its local names the node titles, its notes
 * the report. The importer's own "path needed" errors repeat the source's, so only the source's stay.
 */
async function fromForeign(
  editor: Editor,
  foreign: ForeignRequest,
  name?: string,
): Promise<{ document: WorkflowDocument; notes: ImportNote[] }> {
  const r = await importRequest({ endpoint: foreign.endpoint, input: foreign.request }, editor.registry, {
    name: name ?? `Imported ${foreign.format}`,
    labels: foreign.labels,
    runElk: runElk(),
  });
  const maps = compile(r.document, editor.registry).outputs.map((o) => o.sourceMap);
  const owner = (path: string) => {
    for (const map of maps) {
      const hit = lookupSource(map, path.split("."));
      if (hit) return hit;
    }
    return r.diagnostics.find((d) => d.path === path && d.nodeId);
  };
  const notes: ImportNote[] = foreign.notes.map((n) => {
    const at = n.path ? owner(n.path) : undefined;
    return { ...n, ...(at?.nodeId ? { nodeId: at.nodeId, field: at.field } : {}) };
  });
  const said = new Set(foreign.notes.filter((n) => n.severity === "error").map((n) => n.path));
  for (const d of r.diagnostics) if (!(d.code === "path-needed" && said.has(d.path))) notes.push(noteOf(d));
  // ComfyUI subgraphs become components once the request is a graph.
  if (!("subgraphs" in foreign)) return { document: r.document, notes };
  // Only another tool's file needs it: a workflow dropped on the canvas opens without it.
  const { subgraphsToComponents } = await import("../../interop/comfyui");
  const made = subgraphsToComponents(r.document, maps, foreign as ComfyImport, editor.registry);
  return { document: made.document, notes: [...notes, ...made.notes] };
}

const noteOf = (d: Diagnostic): ImportNote => ({
  severity: d.severity,
  message: d.message,
  ...(d.path !== undefined ? { path: d.path } : {}),
  ...(d.nodeId ? { nodeId: d.nodeId } : {}),
  ...(d.field ? { field: d.field } : {}),
});

/** A drop or paste: errors become a toast; an import says the rest in its report, not in a toast too. */
export async function importAndTell(editor: Editor, source: ImportSource): Promise<void> {
  const { ui } = editor;
  const r = await importInto(editor, source);
  if (!r.ok && !r.cancelled) ui.toast(r.error, "error", 8000);
}
