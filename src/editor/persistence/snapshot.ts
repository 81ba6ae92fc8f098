/**
 * What an autosave holds, and how a stored one is read back. Reading is as strict as opening a
 * file (the stored text may be from a buggy or newer build, or damaged): it never throws.
 */
import { loadWorkflow, type LoadIssue, type Registry, type WorkflowDocument } from "../../graph";
import { weakMemo } from "../../shared/weakMemo";

export const DRAFT_KIND = "lora-graph/draft";
export const DRAFT_VERSION = 1;

export interface DraftView {
  viewport: { x: number; y: number; zoom: number };
  selection: { nodes: string[]; edges: string[] };
}

/** The state of a tab worth bringing back after a reload. Undo history is deliberately not kept. */
export interface DraftPayload extends DraftView {
  document: WorkflowDocument;
  /** The document had changes not saved to the library or a file. */
  dirty: boolean;
  libraryId?: string;
  /** The library record's updatedAt this draft was based on (conflict check on save). */
  libraryUpdatedAt?: number;
  /** The workspace file's ETag this draft was based on (conflict check on save). */
  libraryEtag?: string;
}

export interface StoredDraft {
  kind: typeof DRAFT_KIND;
  version: number;
  savedAt: number;
  document: unknown;
  viewport: DraftView["viewport"];
  selection: DraftView["selection"];
  dirty: boolean;
  libraryId?: string;
  libraryUpdatedAt?: number;
  /** The workspace file's ETag this draft was based on (conflict check on save). */
  libraryEtag?: string;
}

export function encodeDraft(p: DraftPayload, savedAt: number): string {
  const head = JSON.stringify({ kind: DRAFT_KIND, version: DRAFT_VERSION, savedAt });
  const tail = JSON.stringify({
    viewport: { x: p.viewport.x, y: p.viewport.y, zoom: p.viewport.zoom },
    selection: { nodes: [...p.selection.nodes], edges: [...p.selection.edges] },
    dirty: p.dirty,
    libraryId: p.libraryId,
    libraryUpdatedAt: p.libraryUpdatedAt,
    libraryEtag: p.libraryEtag,
  } satisfies Omit<StoredDraft, "kind" | "version" | "savedAt" | "document">);
  // The StoredDraft's keys in its order, as JSON.stringify of the whole would write them.
  return `${head.slice(0, -1)},"document":${documentJson(p.document)},${tail.slice(1)}`;
}

/**
 * `JSON.stringify(doc)`, kept per document while it lives (immer makes a new one on every edit).
 * An autosave follows every change of the selection (a drag starts by selecting its node) and of
 * the view (the end of each pan), which leave the document as it was: a 5,000-node document took
 * 5–20 ms to stringify again each time, in a task beside the gesture's frames
 * (docs/benchmarks.md#zoom-1-the-drop-and-the-autosave).
 */
export const documentJson = weakMemo((doc: WorkflowDocument): string => JSON.stringify(doc));

export type CorruptReason = "bad-json" | "not-a-draft" | "future-version" | "invalid-document";

export type DecodeResult =
  | { ok: true; draft: DraftPayload; savedAt: number; warnings: LoadIssue[] }
  | { ok: false; reason: CorruptReason; message: string; issues: LoadIssue[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function readViewport(v: unknown, fallback: WorkflowDocument["viewport"]): DraftView["viewport"] {
  if (isObj(v) && finite(v.x) && finite(v.y) && finite(v.zoom) && v.zoom > 0) return { x: v.x, y: v.y, zoom: v.zoom };
  return fallback ?? { x: 0, y: 0, zoom: 1 };
}

function readIds(v: unknown, known: Set<string>): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && known.has(x)) : [];
}

/** Reads a stored draft's text back into a payload, or says precisely why it cannot. */
export function decodeDraft(text: string, registry: Registry): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      reason: "bad-json",
      message: `The autosave is not valid JSON (${(e as Error).message})`,
      issues: [],
    };
  }
  if (!isObj(raw) || raw.kind !== DRAFT_KIND) {
    return { ok: false, reason: "not-a-draft", message: "The autosave is not a lora-graph draft", issues: [] };
  }
  if (!finite(raw.version) || raw.version > DRAFT_VERSION) {
    return {
      ok: false,
      reason: "future-version",
      message: `The autosave was written by a newer version of lora-graph (draft version ${String(raw.version)}, this app reads up to ${DRAFT_VERSION})`,
      issues: [],
    };
  }
  const loaded = loadWorkflow(raw.document, registry);
  if (!loaded.ok) {
    const first = loaded.errors[0];
    return {
      ok: false,
      reason: loaded.errors.some((e) => e.code === "newer-version") ? "future-version" : "invalid-document",
      message: `The autosaved graph could not be read: ${first ? `${first.message} (at ${first.path})` : "unknown error"}`,
      issues: loaded.errors,
    };
  }
  const doc = loaded.document;
  const selection = isObj(raw.selection) ? raw.selection : {};
  return {
    ok: true,
    savedAt: finite(raw.savedAt) ? raw.savedAt : 0,
    warnings: loaded.warnings,
    draft: {
      document: doc,
      viewport: readViewport(raw.viewport, doc.viewport),
      selection: {
        nodes: readIds(selection.nodes, new Set(doc.nodes.map((n) => n.id))),
        edges: readIds(selection.edges, new Set(doc.edges.map((e) => e.id))),
      },
      dirty: raw.dirty === true,
      libraryId: typeof raw.libraryId === "string" ? raw.libraryId : undefined,
      libraryUpdatedAt: finite(raw.libraryUpdatedAt) ? raw.libraryUpdatedAt : undefined,
      libraryEtag: typeof raw.libraryEtag === "string" ? raw.libraryEtag.slice(0, 200) : undefined,
    },
  };
}

export function draftName(doc: WorkflowDocument): string {
  const n = doc.meta?.name?.trim();
  return n ? n.slice(0, 120) : "Untitled pipeline";
}
