/**
 * The canvas's fit (flow/fit.ts) for the folders below the canvas: the lesson card (teach) has the
 * graph fitted beside itself. The canvas says what fits while it is mounted, so teach imports
 * nothing above it (docs/codebase.md#editor-folders).
 */
import { definePart, type Editor } from "./editor";

/** A box over the canvas, in page pixels (as getBoundingClientRect gives them). */
export interface CanvasBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fits the graph in the canvas with no node under `beside`. */
export type CanvasFit = (beside: CanvasBox) => void;

const canvasFitPart = definePart("canvasFit", () => ({ fit: null as CanvasFit | null }));

/** Says what fits this editor's canvas; the call returned takes it back (the canvas unmounts). */
export function provideCanvasFit(editor: Editor, fit: CanvasFit): () => void {
  const part = editor.part(canvasFitPart);
  part.fit = fit;
  return () => {
    if (part.fit === fit) part.fit = null;
  };
}

/** Fits the graph beside `box`; false when there is no canvas to fit. */
export function fitCanvasBeside(editor: Editor, box: CanvasBox): boolean {
  const { fit } = editor.part(canvasFitPart);
  fit?.(box);
  return fit !== null;
}
