/**
 * The batch window: the setup (BatchSetup.tsx) until a batch runs, then its progress with pause,
 * resume and cancel, its results as they arrive, and once finished a labelled contact sheet
 * (the sweep's, with each run's values as its caption) and the batch in the gallery.
 */
import { useEffect, useEffectEvent, useState } from "react";
import { Modal } from "../kit/Modal";
import { useEditorInstance } from "../store/react";
import { useUiStore } from "../store/uiStore";
import { useRunUiApi } from "../run/actions";
import { firstImageBlob } from "../run/runFiles";
import { useRunState } from "../run/runtime";
import { RunThumb } from "../run/Thumb";
import type { RunRecord } from "../run/types";
import { renderContactSheet } from "../teach/contactSheet";
import type { BatchRunState } from "./batchRun";
import { BatchSetupView } from "./BatchSetup";
import { batchesOf } from "./instance";
import { useBatchUiApi } from "./state";
import "./batch.css";

/** PNG text keyword for a batch's setup beside the workflow on its contact sheet. */
export const BATCH_KEYWORD = "lora-graph-batch";
const SHEET_COLUMNS = 6;

function useBatchSheet(batch: BatchRunState | null, runs: readonly RunRecord[]) {
  const editor = useEditorInstance();
  const [sheet, setSheet] = useState<{ url: string; bytes: Uint8Array; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A batch cancelled before any run finished has nothing to draw: no sheet, and no error about it.
  const key = batch?.finished && batch.items.some((it) => it.state === "done") ? batch.setup.id : null;
  // Read when the batch finishes, not a reason to draw again: later run changes (image copies) do not redraw it.
  const current = useEffectEvent(() => ({ batch, runs, editor }));
  useEffect(() => {
    const { batch, runs, editor } = current();
    if (!batch || !key) return;
    let alive = true;
    void (async () => {
      try {
        const byId = new Map(runs.map((r) => [r.id, r] as const));
        const items = batch.items.filter((it) => it.runId);
        const images = await Promise.all(items.map((it) => firstImageBlob(editor, byId.get(it.runId!))));
        if (!images.some(Boolean)) throw new Error("no run has an image to put on it");
        const cells = items.map((it, i) => ({
          x: i % SHEET_COLUMNS,
          y: Math.floor(i / SHEET_COLUMNS),
          label: { x: "" },
        }));
        const first = items.map((it) => byId.get(it.runId!)).find((r) => r?.input);
        const s = await renderContactSheet({
          cells,
          titles: { x: batch.setup.title },
          images,
          captions: items.map((it) => it.label),
          graph: batch.setup.graph,
          spec: { batch: { ...batch.setup, graph: undefined } },
          specKeyword: BATCH_KEYWORD,
          request: first ? { endpoint: first.endpoint, input: first.input } : undefined,
        });
        if (!alive) return;
        const url = URL.createObjectURL(new Blob([s.bytes as BlobPart], { type: "image/png" }));
        setSheet({ url, bytes: s.bytes, key });
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
    })();
    return () => {
      alive = false;
    };
  }, [key]);
  return { sheet: sheet?.key === key ? sheet : null, error };
}

function download(bytes: Uint8Array, name: string) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "image/png" }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function Progress({ batch, onNew }: { batch: BatchRunState; onNew(): void }) {
  const editor = useEditorInstance();
  const runUi = useRunUiApi();
  const batchUi = useBatchUiApi();
  const batches = batchesOf(editor);
  const runs = useRunState((s) => s.runs);
  const byId = new Map(runs.map((r) => [r.id, r] as const));
  const total = batch.items.filter((it) => it.state !== "skipped" || it.runId).length;
  const done = batch.items.filter((it) => it.state === "done").length;
  const failed = batch.items.filter((it) => it.state === "failed").length;
  const running = batch.items.filter((it) => it.state === "running").length;
  const skipped = batch.items.filter((it) => it.state === "skipped" && !it.runId).length;
  const { sheet, error } = useBatchSheet(batch, runs);
  const state = batch.finished ? (batch.cancelled ? "cancelled" : "finished") : batch.paused ? "paused" : "running";
  return (
    <div className="bt" data-batch-progress data-batch-state={state}>
      <div className="bt-bar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done + failed}>
        <span style={{ width: `${total ? ((done + failed) / total) * 100 : 0}%` }} />
      </div>
      <div className="bt-status" data-batch-done={done}>
        <strong>
          {done + failed}/{total}
        </strong>{" "}
        finished{failed ? `, ${failed} failed` : ""}
        {running ? ` · ${running} running` : ""} · {state}
      </div>
      <div className="bt-results">
        {batch.items.map((it) => {
          const run = it.runId ? byId.get(it.runId) : undefined;
          return (
            <figure key={it.index} className={`bt-cell ${it.state}`} data-batch-item={it.index} title={it.problem}>
              {run && run.status === "completed" && run.images.length ? (
                <RunThumb run={run} index={0} onOpen={() => runUi.set({ lightbox: { runId: run.id, index: 0 } })} />
              ) : (
                <div className="bt-cell-empty">{run?.status === "cancelled" ? "cancelled" : it.state}</div>
              )}
              <figcaption>{it.label}</figcaption>
            </figure>
          );
        })}
      </div>
      {sheet && (
        <img className="bt-sheet" src={sheet.url} alt={`Contact sheet of ${batch.setup.title}`} data-contact-sheet />
      )}
      {batch.cancelled && (
        <div className="callout info" data-batch-cancelled>
          Cancelled: {plural(skipped, "queued run was", "queued runs were")} not sent
          {batch.finished ? "." : "; the runs already at fal are being cancelled."}
        </div>
      )}
      {error && <div className="callout warning">The contact sheet could not be drawn: {error}</div>}
      <div className="modal-foot">
        {!batch.finished && !batch.paused && (
          <button className="btn" data-batch-pause onClick={() => batches.pause()}>
            Pause
          </button>
        )}
        {!batch.finished && batch.paused && (
          <button className="btn" data-batch-resume onClick={() => batches.resume()}>
            Resume
          </button>
        )}
        {!batch.finished && (
          <button className="btn danger" data-batch-cancel onClick={() => batches.cancel()}>
            Cancel batch
          </button>
        )}
        {sheet && (
          <button className="btn" onClick={() => download(sheet.bytes, `batch-${batch.setup.id}.png`)}>
            Download sheet
          </button>
        )}
        <button
          className="btn"
          data-batch-gallery
          onClick={() => {
            batchUi.set({ open: false });
            runUi.set({ gallery: true, galleryBatch: batch.setup.id });
          }}
        >
          Show in gallery
        </button>
        {batch.finished && (
          <button className="btn primary" onClick={onNew}>
            New batch
          </button>
        )}
      </div>
    </div>
  );
}

export default function BatchDialog() {
  const editor = useEditorInstance();
  const { ui } = editor;
  const batchUi = useBatchUiApi();
  const batches = batchesOf(editor);
  const current = useUiStore(batches.state, (s) => s.current);
  const [setup, setSetup] = useState(() => !current);
  const close = () => batchUi.set({ open: false });
  return (
    <Modal title="Batch" onClose={close} width={760}>
      {setup || !current ? (
        <BatchSetupView
          onStart={(prepared) => {
            try {
              batches.start(prepared);
              batchUi.set({ started: true });
              setSetup(false);
            } catch (e) {
              ui.toast((e as Error).message, "error", 8000);
            }
          }}
        />
      ) : (
        <Progress batch={current} onNew={() => setSetup(true)} />
      )}
    </Modal>
  );
}
