import { useCallback } from "react";
import { useReactFlow } from "@xyflow/react";
import { useEditorInstance } from "../store/react";
import { arrangeDocument } from "./arrange";
import { fitGraph } from "./fit";
import { canvasViewOf } from "./view";

/** Auto-layout (the toolbar's Layout, Ctrl+Shift+L, the canvas menu's Arrange): one undo step, then a fit. */
export function useArrange(): () => Promise<void> {
  const editor = useEditorInstance();
  const flow = useReactFlow();
  return useCallback(async () => {
    try {
      if (!(await arrangeDocument(editor))) return;
      requestAnimationFrame(() => fitGraph(canvasViewOf(editor), flow, { duration: 250 }));
    } catch (e) {
      editor.ui.toast(`Layout failed: ${(e as Error).message}`, "error");
    }
  }, [editor, flow]);
}
