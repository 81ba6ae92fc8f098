/**
 * UI state of batches: the batch window, and whether a batch was seen
 * in this page (its chip is wanted from then on). Tiny and free of heavy imports, so the always
 * mounted parts stay small; the batch code loads when the window opens or a saved batch resumes.
 */
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";

export interface BatchUiState {
  open: boolean;
  /** A batch ran or resumed in this page: show its progress chip. */
  started: boolean;
}

const batchUiPart = definePart("batchUi", () => createUiStore<BatchUiState>({ open: false, started: false }));
export const batchUiOf = (editor: Editor): UiStore<BatchUiState> => editor.part(batchUiPart);
/** This editor's batch UI store, for handlers. */
export const useBatchUiApi = (): UiStore<BatchUiState> => usePart(batchUiPart);
export const useBatchUi = <T>(selector: (s: BatchUiState) => T): T => useUiStore(useBatchUiApi(), selector);

/** Where the running batch is saved (see batchRun.ts): read at start-up to resume it. */
export const BATCH_STORAGE_KEY = "lora-graph-batch";
