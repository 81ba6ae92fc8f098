/**
 * The running (or last) sweep: a live grid of its cells while they run, then the labelled
 * contact sheet, drawn from the cells' images and downloadable as one PNG with the workflow and
 * the sweep spec inside.
 */
import { useEffect, useEffectEvent, useState } from "react";
import { Modal } from "../kit/Modal";
import { useEditorInstance, useUiApi } from "../store/react";
import { useRunUiApi } from "../run/actions";
import { firstImageBlob, safeName } from "../run/runFiles";
import { useRunState } from "../run/runtime";
import { RunThumb } from "../run/Thumb";
import { STATUS_LABEL } from "../run/format";
import type { RunRecord } from "../run/types";
import { renderContactSheet } from "./contactSheet";
import { useTeachUiApi } from "./state";
import { useSweeps, useSweep, type SweepRunState } from "./sweepRun";
import "./teach.css";

interface SheetView {
  sweepId: number;
  url: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  warning?: string;
}

function useContactSheet(
  sweep: SweepRunState | null,
  runs: readonly RunRecord[],
): { sheet: SheetView | null; error: string | null } {
  const editor = useEditorInstance();
  const [sheet, setSheet] = useState<SheetView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const finished = !!sweep?.finished;
  const id = sweep?.id;
  // Read when the sweep finishes, not a reason to draw again: later history changes do not redraw it.
  const current = useEffectEvent(() => ({ sweep, runs, editor }));
  useEffect(() => {
    const { sweep, runs, editor } = current();
    if (!sweep || !finished) return;
    let alive = true;
    setError(null);
    void (async () => {
      try {
        const byId = new Map(runs.map((r) => [r.id, r] as const));
        const images = await Promise.all(
          sweep.cells.map((c) => firstImageBlob(editor, c.runId ? byId.get(c.runId) : undefined)),
        );
        if (!images.some(Boolean)) throw new Error("no cell has an image to put on it");
        const first = sweep.cells.map((c) => (c.runId ? byId.get(c.runId) : undefined)).find((r) => r?.input);
        const s = await renderContactSheet({
          cells: sweep.cells,
          titles: sweep.titles,
          images,
          graph: sweep.graph,
          spec: sweep.spec,
          seed: sweep.seed,
          request: first ? { endpoint: first.endpoint, input: first.input } : undefined,
        });
        if (!alive) return;
        const url = URL.createObjectURL(new Blob([s.bytes as BlobPart], { type: "image/png" }));
        setSheet((old) => {
          if (old) URL.revokeObjectURL(old.url);
          return { sweepId: sweep.id, url, bytes: s.bytes, width: s.width, height: s.height, warning: s.warning };
        });
      } catch (e) {
        if (alive) setError(`The contact sheet could not be drawn: ${(e as Error).message}`);
      }
    })();
    return () => {
      alive = false;
    };
  }, [id, finished]);
  return { sheet: sheet && sheet.sweepId === id ? sheet : null, error };
}

function Cell({ run, state, problem }: { run?: RunRecord; state: string; problem?: string }) {
  const runUi = useRunUiApi();
  if (run && run.status === "completed" && run.images.length) {
    return <RunThumb run={run} index={0} onOpen={() => runUi.set({ lightbox: { runId: run.id, index: 0 } })} />;
  }
  const label = run
    ? STATUS_LABEL[run.status]
    : state === "skipped"
      ? "Skipped"
      : state === "waiting"
        ? "Waiting"
        : "Starting";
  const failed = run?.status === "failed" || (state === "skipped" && problem && problem !== "Cancelled");
  return (
    <div
      className={`sr-empty ${failed ? "failed" : ""} ${run && (run.status === "running" || run.status === "queued" || run.status === "pending") ? "busy" : ""}`}
      title={run?.error?.message ?? problem}
    >
      <span>{label}</span>
      {(run?.error?.message || (problem && problem !== "Cancelled")) && (
        <span className="sr-why">{run?.error?.message ?? problem}</span>
      )}
    </div>
  );
}

export default function SweepResults() {
  const teachUi = useTeachUiApi();
  const ui = useUiApi();
  const sweep = useSweep((s) => s);
  const runs = useRunState((s) => s.runs);
  const { sheet, error } = useContactSheet(sweep, runs);
  const [showCells, setShowCells] = useState(false);
  const close = () => teachUi.set({ sweepResults: false });
  if (!sweep) return null;
  const byId = new Map(runs.map((r) => [r.id, r] as const));
  const recs = sweep.cells.map((c) => (c.runId ? byId.get(c.runId) : undefined));
  const wanted = sweep.cells.filter((c) => c.state !== "skipped" || c.runId).length;
  const completed = recs.filter((r) => r?.status === "completed").length;
  const failed = recs.filter((r) => r?.status === "failed" || r?.status === "cancelled").length;
  const title = sweep.titles.y ? `${sweep.titles.x} × ${sweep.titles.y}` : sweep.titles.x;
  const colLabels = Array.from({ length: sweep.columns }, (_, x) => sweep.cells.find((c) => c.x === x)?.label.x ?? "");
  const rowLabels = Array.from({ length: sweep.rows }, (_, y) => sweep.cells.find((c) => c.y === y)?.label.y);
  const done = recs.filter((r) => r?.images.length).map((r) => r!.id);

  const download = () => {
    if (!sheet) return;
    const url = URL.createObjectURL(new Blob([sheet.bytes as BlobPart], { type: "image/png" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${safeName(sweep.title, "sweep")}-sweep.png`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    if (sheet.warning) ui.toast(sheet.warning, "info", 6000);
  };

  const grid = (
    <div
      className="sr-grid"
      style={{
        gridTemplateColumns: `${sweep.titles.y !== undefined ? "max-content " : ""}repeat(${sweep.columns}, minmax(0, 1fr))`,
      }}
    >
      {sweep.titles.y !== undefined && <div className="sr-corner">{sweep.titles.y}</div>}
      {colLabels.map((l, x) => (
        <div key={`c${x}`} className="sr-col">
          {l}
        </div>
      ))}
      {rowLabels.map((rl, y) => (
        <Row key={y} y={y} label={rl} sweep={sweep} recs={recs} />
      ))}
    </div>
  );

  return (
    <Modal title={`Sweep · ${sweep.title}`} onClose={close} width={Math.min(1100, 240 + sweep.columns * 170)}>
      <div className="sr" data-sweep-results data-finished={sweep.finished || undefined}>
        <SweepHead sweep={sweep} title={title} wanted={wanted} completed={completed} failed={failed} />
        {!sweep.finished && (
          <div
            className="sr-progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={wanted}
            aria-valuenow={completed + failed}
          >
            <div style={{ width: `${wanted ? (100 * (completed + failed)) / wanted : 0}%` }} />
          </div>
        )}
        {sweep.finished && sheet && !showCells ? (
          <figure className="sr-sheet">
            <img
              src={sheet.url}
              alt={`Contact sheet: ${title}`}
              data-contact-sheet={sweep.id}
              width={sheet.width}
              height={sheet.height}
            />
          </figure>
        ) : (
          grid
        )}
        {sweep.finished && !sheet && !error && <div className="muted small">Drawing the contact sheet…</div>}
        {error && <div className="callout error">{error}</div>}
        <SweepFoot sweep={sweep} sheet={sheet} showCells={[showCells, setShowCells]} done={done} download={download} />
      </div>
    </Modal>
  );
}

function Row({
  y,
  label,
  sweep,
  recs,
}: {
  y: number;
  label?: string;
  sweep: SweepRunState;
  recs: (RunRecord | undefined)[];
}) {
  return (
    <>
      {label !== undefined && <div className="sr-rowlabel">{label}</div>}
      {sweep.cells.map((c, i) =>
        c.y === y ? (
          <div key={i} className="sr-cell" data-sweep-cell={i} data-status={recs[i]?.status ?? c.state}>
            <Cell run={recs[i]} state={c.state} problem={c.problem} />
          </div>
        ) : null,
      )}
    </>
  );
}

/** The sweep's title and progress in words, and its Cancel button while it runs. */
function SweepHead(p: { sweep: SweepRunState; title: string; wanted: number; completed: number; failed: number }) {
  const sweepStore = useSweeps();
  const { sweep, title, wanted, completed, failed } = p;
  const running = sweep.cells.filter((c) => c.state === "running").length;
  return (
    <div className="sr-head">
      <div className="sr-title">{title}</div>
      <span className="muted small">
        {completed} of {wanted} done{running ? ` · ${running} running` : ""}
        {failed ? ` · ${failed} failed` : ""}
        {sweep.seed !== undefined ? ` · seed ${sweep.seed}` : ""} · {sweep.concurrency} at a time
      </span>
      <span className="grow" />
      {!sweep.finished && (
        <button className="btn small danger" onClick={() => sweepStore.cancel()} disabled={sweep.cancelled}>
          {sweep.cancelled ? "Cancelling…" : "Cancel sweep"}
        </button>
      )}
    </div>
  );
}

/** Switching between the sheet and the cells, Compare, Sweep again and the PNG download. */
function SweepFoot(p: {
  sweep: SweepRunState;
  sheet: SheetView | null;
  showCells: [boolean, (v: boolean) => void];
  done: string[];
  download(): void;
}) {
  const teachUi = useTeachUiApi();
  const runUi = useRunUiApi();
  const { sweep, sheet, done, download } = p;
  const [showCells, setShowCells] = p.showCells;
  return (
    <div className="modal-foot">
      {sweep.finished && sheet && (
        <button className="btn" onClick={() => setShowCells(!showCells)}>
          {showCells ? "Show contact sheet" : "Show individual runs"}
        </button>
      )}
      <span className="grow" />
      {done.length >= 2 && (
        <button
          className="btn"
          onClick={() => {
            runUi.set({ compare: { a: done[0], b: done[done.length - 1] } });
            teachUi.set({ sweepResults: false });
          }}
        >
          Compare two cells…
        </button>
      )}
      {sweep.finished && (
        <button
          className="btn"
          onClick={() => teachUi.set({ sweepResults: false, sweepDialog: { spec: sweep.spec, title: undefined } })}
        >
          Sweep again…
        </button>
      )}
      <button
        className="btn primary"
        data-contact-sheet-download
        disabled={!sheet}
        onClick={download}
        title="One PNG with the workflow and the sweep inside: drop it on the editor to get the workflow back"
      >
        Download PNG
      </button>
    </div>
  );
}
