/**
 * Gallery of every finished run's images, and the lightbox. Loaded on demand (dynamic import).
 */
import { useEffect, useMemo } from "react";
import "./run.css";
import { useEditorInstance } from "../store/react";
import { Modal } from "../kit/Modal";
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
  const runUi = useRunUiApi();
  const editor = useEditorInstance();
  const target = useRunUi((s) => s.lightbox);
  const runs = useRunState((s) => s.runs);
  const run = runs.find((r) => r.id === target?.runId);
  const pos = items.findIndex((it) => it.run.id === target?.runId && it.index === target?.index);
  const src = useRunImageSrc(run ?? ({ images: [] } as unknown as RunRecord), target?.index ?? 0);
  const go = (d: number) => {
    if (pos < 0 || items.length === 0) return;
    const next = items[(pos + d + items.length) % items.length];
    runUi.set({ lightbox: { runId: next.run.id, index: next.index } });
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") runUi.set({ lightbox: null });
      else if (e.key === "ArrowRight") go(1);
      else if (e.key === "ArrowLeft") go(-1);
      else return;
      e.stopPropagation();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  });
  if (!target || !run) return null;
  const img = run.images[target.index];
  return (
    <div
      className="run-lightbox"
      role="dialog"
      aria-label="Image"
      onMouseDown={(e) => e.target === e.currentTarget && runUi.set({ lightbox: null })}
    >
      {src && <img src={src} alt={`Result ${target.index + 1} of ${run.title}`} referrerPolicy="no-referrer" />}
      <div className="bar">
        <span>
          {run.title} · {img?.width}×{img?.height}
          {run.seed !== undefined ? ` · seed ${run.seed}` : ""}
        </span>
        <button
          className="btn small primary"
          onClick={() => void downloadRunImage(editor, run, target.index)}
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
        <button className="btn small" onClick={() => runUi.set({ lightbox: null })}>
          Close
        </button>
      </div>
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
