import { useEffect } from "react";
import { useStoreApi } from "@xyflow/react";
import { useEditorInstance } from "../store/react";
import type { FarGeometry } from "./farGeometry";
import type { Box } from "./nearWires";
import { canvasViewOf } from "./view";

/**
 * The selection a rectangle makes in a big graph: every node wholly inside `box` (xyflow's
 * SelectionMode.Full, the canvas's mode) and every wire with an end at one of them (xyflow selects
 * those too), read from the layout, which holds every node.
 */
export function selectedByRect(g: FarGeometry, box: Box): { nodes: string[]; edges: string[] } {
  const { rects } = g;
  const inside = new Set<number>();
  for (let i = 0; i < g.ids.length; i++) {
    const o = i * 4;
    const x = rects[o];
    const y = rects[o + 1];
    if (x >= box.x0 && y >= box.y0 && x + rects[o + 2] <= box.x1 && y + rects[o + 3] <= box.y1) inside.add(i);
  }
  const edges = g.wires.filter((w) => inside.has(w.s) || inside.has(w.t)).map((w) => w.id);
  return { nodes: [...inside].map((i) => g.ids[i]), edges };
}

/**
 * xyflow's selection rectangle sees only the nodes it holds: in a big graph those near the view,
 * none at all on the far canvas, and not yet the ones still being handed in after an open. When a
 * rectangle is let go, the selection is made again from the layout, so a Shift-drag over a zoomed
 * out graph selects what it encloses.
 */
export function useRectSelection(culled: boolean): void {
  const rf = useStoreApi();
  const editor = useEditorInstance();
  useEffect(() => {
    if (!culled) return;
    let last: Box | null = null;
    return rf.subscribe((s) => {
      const r = s.userSelectionRect;
      if (s.userSelectionActive && r) {
        const [tx, ty, k] = s.transform;
        last = { x0: (r.x - tx) / k, y0: (r.y - ty) / k, x1: (r.x + r.width - tx) / k, y1: (r.y + r.height - ty) / k };
        return;
      }
      if (r || !last) return;
      const box = last;
      last = null;
      const g = canvasViewOf(editor).layout.get();
      if (g) editor.store.setSelection(selectedByRect(g, box));
    });
  }, [culled, rf, editor]);
}
