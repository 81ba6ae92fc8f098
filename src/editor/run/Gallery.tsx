/**
 * Gallery of every finished run's images, and the lightbox. Loaded on demand (dynamic import).
 */
import { useEffect, useMemo, useRef } from "react";
import "./run.css";
import { useEditorInstance } from "../store/react";
import { Modal, useFocusInside } from "../kit/Modal";
import { useToastSlotRef } from "../kit/toastSlot";
import { useRunUiApi, useRunUi } from "./actions";
import { downloadRunImage, restoreRun } from "./runFiles";
import { useRunState } from "./runtime";
import { RunThumb, useRunImageSrc } from "./Thumb";
import type { RunRecord } from "./types";
import { tileLabel } from "./format";

interface Item {
  run: RunRecord;
  index: number;
}

function useItems(): Item[] {
  const runs = useRunState((s) => s.runs);
  const batch = useRunUi((s) => s.galleryBatch);
  return useMemo(
    () =>
      runs
        .filter((r) => r.status === "completed" && (batch === null || r.batch?.id === batch))
        .flatMap((run) => run.images.map((_, index) => ({ run, index }))),
    [runs, batch],
  );
}

/** Every batch with finished runs, newest first: the gallery's filter. */
function BatchFilter() {
  const runUi = useRunUiApi();
  const runs = useRunState((s) => s.runs);
  const batch = useRunUi((s) => s.galleryBatch);
  const batches = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of runs) if (r.batch && !seen.has(r.batch.id)) seen.set(r.batch.id, r.title.split(" · ")[0]);
    return [...seen];
  }, [runs]);
  if (batches.length === 0) return null;
  return (
    <label className="run-gallery-filter">
      <span className="muted small">Show</span>
      <select
        className="input select"
        aria-label="Gallery filter"
        data-gallery-filter
        value={batch ?? ""}
        onChange={(e) => runUi.set({ galleryBatch: e.target.value || null })}
      >
        <option value="">Every image</option>
        {batches.map(([id, title]) => (
          <option key={id} value={id}>
            Batch {id} · {title}
          </option>
        ))}
      </select>
    </label>
  );
}

function Lightbox({ items }: { items: Item[] }) {
  const target = useRunUi((s) => s.lightbox);
  const runs = useRunState((s) => s.runs);
  const run = runs.find((r) => r.id === target?.runId);
  if (!target || !run) return null;
  return <LightboxView items={items} run={run} index={target.index} />;
}

/**
 * The picture over everything, a modal dialog like the others (kit/Modal.tsx): it holds the focus
 * while open, so Tab reaches its buttons and the canvas's shortcuts do nothing behind it, and
 * closing it gives the focus back to what opened it (the gallery tile, the Sampler's preview).
 * Like them it has a toast row (kit/toastSlot.ts), under the picture's bar.
 */
function LightboxView({ items, run, index }: { items: Item[]; run: RunRecord; index: number }) {
  const runUi = useRunUiApi();
  const editor = useEditorInstance();
  const ref = useRef<HTMLDivElement>(null);
  const close = () => runUi.set({ lightbox: null });
  useFocusInside(ref, close, { initial: "dialog" });
  const toastRow = useToastSlotRef();
  const pos = items.findIndex((it) => it.run.id === run.id && it.index === index);
  const src = useRunImageSrc(run, index);
  const go = (d: number) => {
    if (pos < 0 || items.length === 0) return;
    const next = items[(pos + d + items.length) % items.length];
    runUi.set({ lightbox: { runId: next.run.id, index: next.index } });
  };
  useEffect(() => {
    // Before the gallery's own Escape: one press closes the picture, the next the gallery.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close();
      else if (e.key === "ArrowRight") go(1);
      else if (e.key === "ArrowLeft") go(-1);
      else return;
      e.stopPropagation();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  });
  const img = run.images[index];
  return (
    <div
      ref={ref}
      tabIndex={-1}
      className="run-lightbox"
      role="dialog"
      aria-modal="true"
      aria-label="Image"
      onMouseDown={(e) => e.target === e.currentTarget && close()}
    >
      {src && <img src={src} alt={`Result ${index + 1} of ${run.title}`} referrerPolicy="no-referrer" />}
      <div className="bar">
        <span>
          {run.title} · {img?.width}×{img?.height}
          {run.seed !== undefined ? ` · seed ${run.seed}` : ""}
        </span>
        <button
          className="btn small primary"
          onClick={() => void downloadRunImage(editor, run, index)}
          title="With the workflow inside"
        >
          Download
        </button>
        <button
          className="btn small"
          onClick={() => {
            runUi.set({ lightbox: null, gallery: false });
            restoreRun(editor, run);
          }}
        >
          Restore this graph
        </button>
        <button className="btn small" onClick={close}>
          Close
        </button>
      </div>
      {/* Toasts raised while it is open (a download's note) show here, its last row: behind it they were unseen. */}
      <div className="modal-toasts lightbox-toasts" ref={toastRow} />
      {items.length > 1 && pos >= 0 && (
        <>
          <button className="btn nav prev" aria-label="Previous image" onClick={() => go(-1)}>
            ‹
          </button>
          <button className="btn nav next" aria-label="Next image" onClick={() => go(1)}>
            ›
          </button>
        </>
      )}
    </div>
  );
}

/** An image with what tells it from its neighbours: the swept or batch values, and the seed. */
function Tile({ run, index, onOpen }: { run: RunRecord; index: number; onOpen(): void }) {
  const label = tileLabel(run);
  const seed = run.seed !== undefined ? `seed ${run.seed}` : "seed random";
  const count = run.images.length > 1 ? ` · ${index + 1}/${run.images.length}` : "";
  return (
    <figure className="run-tile" data-testid="gallery-tile">
      <RunThumb run={run} index={index} onOpen={onOpen} />
      <figcaption title={[label, seed + count].filter(Boolean).join("\n")}>
        {label && <span className="run-tile-label">{label}</span>}
        <span className="run-tile-seed">
          {seed}
          {count}
        </span>
      </figcaption>
    </figure>
  );
}

export default function Gallery() {
  const runUi = useRunUiApi();
  const open = useRunUi((s) => s.gallery);
  const items = useItems();
  return (
    <>
      {open && (
        <Modal title={`Gallery (${items.length})`} onClose={() => runUi.set({ gallery: false })} width={900}>
          <BatchFilter />
          {items.length === 0 ? (
            <p className="muted">No images yet.</p>
          ) : (
            <div className="run-gallery-grid">
              {items.map(({ run, index }) => (
                <Tile
                  key={`${run.id}:${index}`}
                  run={run}
                  index={index}
                  onOpen={() => runUi.set({ lightbox: { runId: run.id, index } })}
                />
              ))}
            </div>
          )}
        </Modal>
      )}
      <Lightbox items={items} />
    </>
  );
}
