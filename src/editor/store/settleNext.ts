/**
 * What the canvas does with the next document opened, once it has drawn every node (flow/settle.ts):
 * the folders that open documents (import, library, teach) ask for it here, below the canvas, so
 * none of them imports upward (docs/codebase.md#editor-folders).
 *
 * - `layout`: lays it out again if two nodes overlap (an import, laid out by estimated sizes).
 * - `clear`: moves only the nodes that cover another, each to the nearest free space (a template or
 *   a lesson, placed by hand against node sizes that have changed since).
 *
 * And back up, when every document opened is placed and the view rests on it (`whenDocumentSettled`).
 */
import { definePart, type Editor } from "./editor";
import { createUiStore } from "./uiStore";

export type SettleHow = "layout" | "clear";

const settlePart = definePart("settleNext", () => ({ how: null as SettleHow | null }));

/** Asks for `how` once the next document is drawn; null takes the request back (the open was cancelled). */
export function settleNextDocument(editor: Editor, how: SettleHow | null): void {
  editor.part(settlePart).how = how;
}

/** The request for the document just opened, once: the next document starts without one. */
export function takeSettleRequest(editor: Editor): SettleHow | null {
  const part = editor.part(settlePart);
  const how = part.how;
  part.how = null;
  return how;
}

const settledPart = definePart("documentSettled", () => createUiStore({ epoch: -1 }));

/**
 * Says that the document of `epoch` is placed (its nodes moved clear of each other if they had to
 * be) and that the view has come to rest on it, after any refit that followed (flow/settle.ts).
 */
export function documentSettled(editor: Editor, epoch: number): void {
  editor.part(settledPart).set({ epoch });
}

/**
 * Calls `fn` once the document of `epoch` is placed and the view rests on it (now, when it already
 * does); what places itself by the view waits for that, not for a time (the lesson card). Returns
 * the call that cancels the wait.
 */
export function whenDocumentSettled(editor: Editor, epoch: number, fn: () => void): () => void {
  const settled = editor.part(settledPart);
  if (settled.get().epoch === epoch) {
    fn();
    return () => undefined;
  }
  const off = settled.subscribe((s) => {
    if (s.epoch !== epoch) return;
    off();
    fn();
  });
  return off;
}
