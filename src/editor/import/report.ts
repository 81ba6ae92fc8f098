/**
 * The import report: what the last import of another tool's data could not map or still needs,
 * shown until dismissed (docs/import-export.md, "Nothing is dropped silently").
 */
import type { Severity } from "../../graph";
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, type UiStore } from "../store/uiStore";

export interface ImportNote {
  severity: Severity;
  /** The source's own name for what this is about: an A1111 key, "node 10 (LoraLoader) lora_name". */
  source?: string;
  /** The request path it concerns ("loras.0.path"). */
  path?: string;
  message: string;
  /** The node of the imported graph it concerns, when there is one. */
  nodeId?: string;
  field?: string;
}

export interface ImportReport {
  /** "ComfyUI API prompt", "A1111 / Forge / Civitai", "fal request". */
  format: string;
  /** The file's name, or "pasted text". */
  from: string;
  notes: ImportNote[];
}

const importReportPart = definePart("importReport", () =>
  createUiStore<{ report: ImportReport | null }>({ report: null }),
);
/** This editor's import report (the last import's notes, until dismissed). */
export const importReportOf = (editor: Editor): UiStore<{ report: ImportReport | null }> =>
  editor.part(importReportPart);
export const useImportReportApi = (): UiStore<{ report: ImportReport | null }> => usePart(importReportPart);
