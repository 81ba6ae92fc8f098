import { memo } from "react";
import "./run.css";
import { useRunState } from "./runtime";
import { ResultPreview } from "./ResultPreview";
import { STATUS_LABEL, elapsed, formatDuration, useNow } from "./format";
import { TERMINAL, type RunRecord } from "./types";

function latestFor(runs: readonly RunRecord[], nodeId: string): RunRecord | undefined {
  return runs.find((r) => r.outputNodeId === nodeId);
}

function lastWithImages(runs: readonly RunRecord[], nodeId: string): RunRecord | undefined {
  return runs.find((r) => r.outputNodeId === nodeId && r.status === "completed" && r.images.length > 0);
}

/**
 * Inside a Sampler node: the state of its latest run and a large preview of its latest result.
 * Renders nothing for nodes that never ran.
 */
export const OutputStrip = memo(function OutputStrip({ nodeId }: { nodeId: string }) {
  const latest = useRunState((s) => latestFor(s.runs, nodeId));
  const shown = useRunState((s) => lastWithImages(s.runs, nodeId));
  const progress = useRunState((s) => (latest ? s.live[latest.id]?.progress : undefined));
  const active = !!latest && !TERMINAL.has(latest.status);
  const now = useNow(active, 1000);
  if (!latest) return null;
  return (
    <div className="run-strip nodrag" data-output-strip={nodeId} data-status={latest.status}>
      <div className="run-strip-head">
        <span className={`run-pill ${latest.status}`}>{STATUS_LABEL[latest.status]}</span>
        {active && progress && (
          <span>
            step {progress.step}/{progress.total}
          </span>
        )}
        {latest.status === "failed" && <span title={latest.error?.message}>see Runs</span>}
        <span className="grow" />
        <span className="run-meta">{formatDuration(elapsed(latest, now))}</span>
      </div>
      {active && progress && (
        <div className="run-progress">
          <div style={{ width: `${(100 * progress.step) / progress.total}%` }} />
        </div>
      )}
      {shown && <ResultPreview key={shown.id} run={shown} nodeId={nodeId} />}
    </div>
  );
});
