/** The progress chip in the runs bar for the running (or last) batch, to reopen its window. */
import { useEditorInstance } from "../store/react";
import { useUiStore } from "../store/uiStore";
import { ProgressChip } from "../kit/ProgressChip";
import { batchesOf } from "./instance";
import { useBatchUi, useBatchUiApi } from "./state";
import "./batch.css";

export default function BatchChip() {
  const batchUi = useBatchUiApi();
  const batch = useUiStore(batchesOf(useEditorInstance()).state, (s) => s.current);
  const open = useBatchUi((s) => s.open);
  if (!batch || open) return null;
  const total = batch.items.filter((it) => it.state !== "skipped" || it.runId).length;
  const done = batch.items.filter((it) => it.state === "done" || it.state === "failed").length;
  const word = batch.finished ? "done" : batch.paused ? `paused ${done}/${total}` : `${done}/${total}`;
  return (
    <ProgressChip
      className="batch-chip"
      data="batch-chip"
      done={batch.finished}
      spinning={!batch.finished && !batch.paused}
      onClick={() => batchUi.set({ open: true })}
      title="Show the batch"
    >
      Batch {word} · {batch.setup.title}
    </ProgressChip>
  );
}
