/**
 * What the canvas does with the next document opened, once it has drawn every node (flow/settle.ts):
 * the folders that open documents (import, library, teach) ask for it here, below the canvas, so
 * none of them imports upward (docs/codebase.md#editor-folders).
 *
 * - `layout`: lays it out again if two nodes overlap (an import, laid out by estimated sizes).
 * - `clear`: moves only the nodes that cover another, each to the nearest free space (a template or
 *   a lesson, placed by hand against node sizes that have changed since).
 */
import { definePart, type Editor } from "./editor";

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
