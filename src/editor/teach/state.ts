/**
 * UI state of the teaching features (sweep dialog and results, compare, the open lesson). Kept in
 * its own tiny store, apart from the editor store (autosave never sees it) and free of heavy
 * imports, so the always-loaded mount points stay small and the views load on demand.
 */
import { createUiStore } from "../store/uiStore";
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
  compare: { a?: string; b?: string } | null;
  /** The lesson whose card is shown, for the document opened at `epoch`. */
  lesson: { id: string; epoch: number; collapsed?: boolean } | null;
}

export const teachUi = createUiStore<TeachUiState>({
  sweepDialog: null,
  sweepResults: false,
  sweepStarted: false,
  compare: null,
  lesson: null,
});
export const useTeachUi = teachUi.use;

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
