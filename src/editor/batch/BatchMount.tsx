/**
 * Mount point of batches: the batch window, and the progress chip of a running (or just finished)
 * batch. Always mounted and tiny. A batch saved before a reload is resumed from here, at once:
 * its code loads only when there is one.
 */
import { lazy, Suspense, useEffect } from "react";
import { useEditorInstance } from "../store/react";
import { BATCH_STORAGE_KEY, useBatchUi, useBatchUiApi } from "./state";

const BatchDialog = lazy(() => import("./BatchDialog"));
const BatchChip = lazy(() => import("./BatchChip"));

function hasSavedBatch(): boolean {
  try {
    const raw = localStorage.getItem(BATCH_STORAGE_KEY);
    return !!raw && !(JSON.parse(raw) as { finished?: boolean }).finished;
  } catch {
    return false;
  }
}

export function BatchMount() {
  const editor = useEditorInstance();
  const batchUi = useBatchUiApi();
  const open = useBatchUi((s) => s.open);
  const started = useBatchUi((s) => s.started);
  useEffect(() => {
    if (!hasSavedBatch()) return;
    void import("./instance").then(async (m) => {
      if (await m.batchesOf(editor).resumeSaved()) batchUi.set({ started: true });
    });
  }, [editor, batchUi]);
  return (
    <Suspense fallback={null}>
      {started && <BatchChip />}
      {open && <BatchDialog />}
    </Suspense>
  );
}
