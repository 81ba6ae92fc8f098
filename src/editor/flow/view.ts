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
  /** Lay the next document out again once it is drawn, if its nodes overlap (flow/settle.ts). */
  settle: boolean;
  /** Nodes just added, placed by an estimate of their size: checked again once drawn (flow/settle.ts). */
  readonly placed: Set<string>;
  /** Whether the view is moving (a pan, a wheel zoom, a fit): nodes that mount meanwhile come in light. */
  readonly motion: Motion;
}

export interface Motion {
  readonly moving: boolean;
  set(moving: boolean): void;
  subscribe(fn: () => void): () => void;
}

function createMotion(): Motion {
  const listeners = new Set<() => void>();
  let moving = false;
  return {
    get moving() {
      return moving;
    },
    set(m) {
      if (m === moving) return;
      moving = m;
      for (const fn of [...listeners]) fn();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

export const createCanvasView = (): CanvasView => ({
  nodeSizes: new Map(),
  typeSizes: new Map(),
  fitted: false,
  motion: createMotion(),
  settle: false,
  placed: new Set(),
});

const canvasViewPart = definePart("canvasView", createCanvasView);
export const canvasViewOf = (editor: Editor): CanvasView => editor.part(canvasViewPart);
export const useCanvasView = (): CanvasView => usePart(canvasViewPart);
