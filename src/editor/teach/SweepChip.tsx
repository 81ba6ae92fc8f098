/** The progress chip in the runs bar for the running (or last) sweep, to reopen its results. */
import { useTeachUiApi, useTeachUi } from "./state";
import { useSweep } from "./sweepRun";
import { useRunState } from "../run/runtime";
import { ProgressChip } from "../kit/ProgressChip";
import "./teach.css";

export default function SweepChip() {
  const teachUi = useTeachUiApi();
  const sweep = useSweep((s) => s);
  const open = useTeachUi((s) => s.sweepResults);
  const runs = useRunState((s) => s.runs);
  if (!sweep || open) return null;
  const ids = new Set(sweep.cells.map((c) => c.runId).filter(Boolean));
  const finished = runs.filter(
    (r) => ids.has(r.id) && (r.status === "completed" || r.status === "failed" || r.status === "cancelled"),
  ).length;
  const total = sweep.cells.filter((c) => c.state !== "skipped" || c.runId).length;
  return (
    <ProgressChip
      className="sweep-chip"
      data="sweep-chip"
      done={sweep.finished}
      spinning={!sweep.finished}
      onClick={() => teachUi.set({ sweepResults: true })}
      title="Show the sweep's results"
    >
      Sweep {sweep.finished ? "done" : `${finished}/${total}`} ·{" "}
      {sweep.titles.y ? `${sweep.titles.x} × ${sweep.titles.y}` : sweep.titles.x}
    </ProgressChip>
  );
}
