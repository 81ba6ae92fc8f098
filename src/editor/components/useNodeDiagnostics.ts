import type { Diagnostic } from "../../graph";
import { useEditor, useEditorInstance } from "../store/react";
import { useWithRunDiagnostics } from "../run/useRunDiagnostics";
import { scopedNodeDiagnostics } from "../store/diagnostics";

/**
 * One node's diagnostics, compile and run (fal's 422), as the canvas shows it: at the top, the
 * node's own; inside a component, those the compiler put on the entered instance for this inner node.
 */
export function useNodeDiagnostics(id: string): readonly Diagnostic[] {
  return useWithRunDiagnostics(id, useCompileDiagnostics(id));
}

/** One node's compile diagnostics, at the top or inside a component (see useNodeDiagnostics). */
export function useCompileDiagnostics(id: string): readonly Diagnostic[] {
  const { engine } = useEditorInstance();
  return useEditor((s) => {
    const result = engine.compiledSoon(s.document);
    return s.scope.length ? scopedNodeDiagnostics(result, s.scope, id) : engine.nodeDiagnostics(result, id);
  });
}
