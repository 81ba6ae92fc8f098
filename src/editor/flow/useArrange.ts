import { useCallback } from "react";
import { useReactFlow } from "@xyflow/react";
import { estimateNodeSize } from "../../graph";
import { layoutDocument } from "../engine";
import { useEditorInstance } from "../store/react";
import { fitGraph } from "./fit";
import { canvasViewOf } from "./view";

/** Auto-layout (the toolbar's Layout, Ctrl+Shift+L, the canvas menu's Arrange): one undo step, then a fit. */
export function useArrange(): () => Promise<void> {
  const editor = useEditorInstance();
  const flow = useReactFlow();
  return useCallback(async () => {
    const { store, ui } = editor;
    try {
      // Measured sizes where the editor has drawn a node; the shared estimate elsewhere.
      const { view: doc } = store.getState();
      const view = canvasViewOf(editor);
      const tidy = await layoutDocument(doc, store.registry, {
        nodeSize: (n, def) => view.nodeSizes.get(n.id) ?? estimateNodeSize(n, def),
      });
      store.moveNodes(tidy.nodes.map((n) => ({ id: n.id, position: n.position })));
      requestAnimationFrame(() => fitGraph(view, flow, { duration: 250 }));
    } catch (e) {
      ui.toast(`Layout failed: ${(e as Error).message}`, "error");
    }
  }, [editor, flow]);
}
