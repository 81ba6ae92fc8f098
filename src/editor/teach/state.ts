/**
 * UI state of the teaching features (sweep dialog and results, the open lesson), one per editor.
 * Kept in its own tiny store, apart from the editor store (autosave never sees it) and free of heavy
 * imports, so the always-loaded mount points stay small and the views load on demand.
 */
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import type { SweepSpec } from "../../teach/sweep";

/** What the sweep dialog opens with: a whole spec (a lesson's), or one param to start from. */
export interface SweepPreset {
  spec?: SweepSpec;
  nodeId?: string;
  param?: string;
  /** Shown above the axes, e.g. the lesson's title. */
  title?: string;
}

export interface TeachUiState {
  sweepDialog: SweepPreset | null;
  /** The sweep results window is open (the sweep itself lives in sweepRun.ts). */
  sweepResults: boolean;
  /** A sweep was started in this page: the progress chip (and its module) is wanted from now on. */
  sweepStarted: boolean;
  /** The lesson whose card is shown, for the document opened at `epoch`. */
  lesson: {
    id: string;
    epoch: number;
    collapsed?: boolean;
    /** Where the card sits on the canvas (its top-left, in canvas pixels), once placed. */
    at?: { x: number; y: number };
    /** The user dragged the card to `at`: it stays there, even over nodes. */
    moved?: boolean;
  } | null;
}

const teachPart = definePart("teach", () =>
  createUiStore<TeachUiState>({ sweepDialog: null, sweepResults: false, sweepStarted: false, lesson: null }),
);
export const teachUiOf = (editor: Editor): UiStore<TeachUiState> => editor.part(teachPart);
/** This editor's teaching UI store, for handlers. */
export const useTeachUiApi = (): UiStore<TeachUiState> => usePart(teachPart);
export const useTeachUi = <T>(selector: (s: TeachUiState) => T): T => useUiStore(useTeachUiApi(), selector);

/** Widgets whose values make sense as a sweep axis (not images, lists or key/value maps). */
export const SWEEPABLE_WIDGETS: ReadonlySet<string> = new Set([
  "number",
  "slider",
  "select",
  "toggle",
  "seed",
  "text",
  "textarea",
  "imageSize",
]);
