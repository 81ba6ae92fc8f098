import { useCallback } from "react";
import { useEditorInstance } from "../store/react";
import { fitGraph } from "./fit";
import { canvasViewOf } from "./view";
import { useFlowApi } from "./flowApi";

/**
 * Auto-layout (the toolbar's Layout, Ctrl+Shift+L, the canvas menu's Arrange): one undo step, then
 * a fit. Its code (arrange.ts, which starts the ELK worker) loads on the first use, beside ELK
 * itself (docs/codebase.md#the-first-load).
 */
export function useArrange(): () => Promise<void> {
  const editor = useEditorInstance();
  const flow = useFlowApi();
  return useCallback(async () => {
    try {
      const { arrangeDocument } = await import("./arrange");
      if (!(await arrangeDocument(editor))) return;
      requestAnimationFrame(() => fitGraph(canvasViewOf(editor), flow, { duration: 250 }));
    } catch (e) {
      editor.ui.toast(`Layout failed: ${(e as Error).message}`, "error");
    }
  }, [editor, flow]);
}
