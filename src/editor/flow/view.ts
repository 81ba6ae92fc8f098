import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";

export interface Size {
  width: number;
  height: number;
}

/** What the canvas knows about its view beyond the document: one per editor. */
export interface CanvasView {
  /** Measured node sizes (from xyflow), kept outside the document: layout needs them, saving does not. */
  readonly nodeSizes: Map<string, Size>;
  /** The last measured size of any node of each type: the best guess for an unmeasured one. */
  readonly typeSizes: Map<string, Size>;
  /**
   * True while the view is the one the last fit chose (the user has not panned or zoomed since): the
   * canvas then refits when it is resized, e.g. when a banner appears above it after the first fit.
   */
  fitted: boolean;
}

export const createCanvasView = (): CanvasView => ({ nodeSizes: new Map(), typeSizes: new Map(), fitted: false });

const canvasViewPart = definePart("canvasView", createCanvasView);
export const canvasViewOf = (editor: Editor): CanvasView => editor.part(canvasViewPart);
export const useCanvasView = (): CanvasView => usePart(canvasViewPart);
