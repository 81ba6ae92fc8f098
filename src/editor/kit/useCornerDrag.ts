import { useRef, type PointerEvent as ReactPointerEvent } from "react";

/** What a corner drag does: read where it starts, turn the pointer's offset into a value, end with the last one. */
export interface CornerDrag<S, V> {
  /** On press: what the drag starts from (a size, the zoom), read off the corner element. */
  start(corner: HTMLElement): S;
  /** On each move: the value for the pointer's offset from the press, in screen pixels. */
  move(dx: number, dy: number, from: S): V;
  /** On release or cancel: the last value, or null when the pointer never moved. */
  end(last: V | null): void;
}

/**
 * Pointer handlers for a resize corner: the left button takes the pointer (so the canvas under it
 * neither pans nor selects), and the drag follows it until release. Spread onto the corner.
 */
export function useCornerDrag<S, V>(drag: CornerDrag<S, V>) {
  const from = useRef<{ x: number; y: number; start: S } | null>(null);
  const last = useRef<V | null>(null);
  const up = () => {
    from.current = null;
    const value = last.current;
    last.current = null;
    drag.end(value);
  };
  return {
    onPointerDown(e: ReactPointerEvent<HTMLElement>) {
      if (e.button !== 0) return;
      e.stopPropagation();
      e.currentTarget.setPointerCapture(e.pointerId);
      from.current = { x: e.clientX, y: e.clientY, start: drag.start(e.currentTarget) };
      last.current = null;
    },
    onPointerMove(e: ReactPointerEvent<HTMLElement>) {
      const f = from.current;
      if (f) last.current = drag.move(e.clientX - f.x, e.clientY - f.y, f.start);
    },
    onPointerUp: up,
    onPointerCancel: up,
  };
}
