/**
 * One row of the Runs drawer (status, progress, errors with field links, thumbnails, actions):
 * loaded with the open drawer's body, not with the first paint.
 */
import { memo, useState } from "react";
import { useEditorInstance, useEditorStore } from "../store/react";
import { useRunUiApi } from "./actions";
import { downloadRunImage, restoreRun } from "./runFiles";
import { describeRunError, mapFieldErrors } from "./runDiagnostics";
import { useRuntime, useRunState } from "./runtime";
import { RunThumb } from "./Thumb";
import { STATUS_LABEL, elapsed, formatDuration, useNow } from "./format";
import { TERMINAL, type LiveInfo, type RunRecord } from "./types";
import { revealPlace } from "../store/reveal";

function Progress({ run, live }: { run: RunRecord; live?: LiveInfo }) {
  if (TERMINAL.has(run.status)) return null;
  const p = live?.progress;
  if (run.status === "running" && p) {
    return (
      <div
        className="run-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={p.total}
        aria-valuenow={p.step}
        aria-label="Steps"
      >
        <div style={{ width: `${(100 * p.step) / p.total}%` }} />
      </div>
    );
  }
  return (
    <div className="run-progress indeterminate" aria-hidden="true">
      <div />
    </div>
  );
}

function RunError({ run }: { run: RunRecord }) {
  const editor = useEditorInstance();
  const store = useEditorStore();
  if (!run.error || run.status === "cancelled") return null;
  const d = describeRunError(run.error);
  const fields = run.error.kind === "validation" ? mapFieldErrors(run) : [];
  return (
    <div className="run-error" role="alert">
      <span>
        <b>{d.title}.</b> {d.detail}
      </span>
      {fields.map((f, i) => (
        <button
          key={i}
          className="field-link"
          onClick={() => {
            if (!f.nodeId || !store.getState().document.nodes.some((n) => n.id === f.nodeId)) return;
            revealPlace(editor, f);
          }}
        >
          {f.message}
        </button>
      ))}
      <span className="next">{d.next}</span>
    </div>
  );
}

export const RunRow = memo(function RunRow({ run }: { run: RunRecord }) {
  const editor = useEditorInstance();
  const { ui } = editor;
  const runtime = useRuntime();
  const runUi = useRunUiApi();
  const live = useRunState((s) => s.live[run.id]);
  const active = !TERMINAL.has(run.status);
  const now = useNow(active);
  const [showLogs, setShowLogs] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const p = live?.progress;
  const detail =
    run.status === "queued" && live?.queuePosition !== undefined
      ? `position ${live.queuePosition + 1} in queue`
      : run.status === "running" && p
        ? `step ${p.step}/${p.total}`
        : run.status === "completed"
          ? `${run.images.length} image${run.images.length === 1 ? "" : "s"}${run.seed !== undefined ? ` · seed ${run.seed}` : ""}${run.cachedFrom ? " · from cache" : ""}`
          : "";
  return (
    <div className="run-row" data-run-id={run.id} data-status={run.status}>
      <div className="run-row-head">
        <span className={`run-pill ${run.status}`}>{live?.cancelling ? "Cancelling" : STATUS_LABEL[run.status]}</span>
        <span className="run-title" title={run.title}>
          {run.title}
        </span>
        <span className="run-meta">{detail}</span>
        <span className="grow" />
        <span className="run-meta" title={new Date(run.createdAt).toLocaleString()}>
          {formatDuration(elapsed(run, now))}
        </span>
        {run.requestId && (
          <span className="run-meta mono" title="fal request id">
            {run.requestId.slice(0, 8)}
          </span>
        )}
        {active && (
          <button
            className="btn small danger"
            disabled={live?.cancelling}
            onClick={async () => {
              setCancelError(null);
              const r = await runtime.controller.cancel(run.id);
              if (!r.ok) setCancelError(r.message);
              else if (r.outcome === "ALREADY_COMPLETED")
                ui.toast("The job had already finished; its result is kept.", "info");
            }}
          >
            Cancel
          </button>
        )}
      </div>
      <Progress run={run} live={live} />
      {cancelError && <div className="run-error">Could not cancel: {cancelError}</div>}
      <RunError run={run} />
      {run.images.length > 0 && (
        <div className="run-thumbs">
          {run.images.map((_, i) => (
            <RunThumb key={i} run={run} index={i} onOpen={() => runUi.set({ lightbox: { runId: run.id, index: i } })} />
          ))}
        </div>
      )}
      {live && live.logs.length > 0 && showLogs && (
        <pre className="run-logs">
          {live.logs
            .slice(-80)
            .map((l) => l.message)
            .join("\n")}
        </pre>
      )}
      <div className="run-actions">
        {live && live.logs.length > 0 && (
          <button className="btn small" onClick={() => setShowLogs(!showLogs)}>
            {showLogs ? "Hide logs" : `Logs (${live.logs.length})`}
          </button>
        )}
        {run.status === "completed" && run.images.length > 0 && (
          <button
            className="btn small"
            onClick={() => void downloadRunImage(editor, run, 0)}
            title="PNG/JPEG with the workflow inside: drop it on the editor to get the graph back"
          >
            Download
          </button>
        )}
        <button
          className="btn small"
          onClick={() => restoreRun(editor, run)}
          title="Load the graph exactly as it was for this run"
        >
          Restore this graph
        </button>
        {!active && (
          <button
            className="btn small"
            onClick={() => void runtime.controller.remove(run.id)}
            aria-label="Remove from history"
          >
            Remove
          </button>
        )}
      </div>
    </div>
  );
});
