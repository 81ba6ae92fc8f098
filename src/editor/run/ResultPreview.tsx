import { useLayoutEffect, useRef, useState } from "react";
import { NODE_GEOMETRY } from "../../graph";
import { useCornerDrag } from "../kit/useCornerDrag";
import { definePart } from "../store/editor";
import { usePart } from "../store/react";
import { useRunUiApi } from "./actions";
import { RunImage } from "./Thumb";
import type { RunRecord } from "./types";

interface Size {
  width: number;
  height: number;
}

/** The preview's size at zoom 1 before the user resizes it: the node's own width. */
const DEFAULT_SIZE: Size = { width: 244, height: 244 };
/** The node's width is the preview's plus the strip's padding, and never less than a node's own. */
const NODE_PAD = 26;
const NODE_MIN = NODE_GEOMETRY.width;
const MIN = 120;
const MAX = 900;

/** Each Sampler's preview size, by node id: a view setting, kept while the page lives, not saved. */
const previewSizesPart = definePart("resultPreviewSizes", () => new Map<string, Size>());

/**
 * The latest result of a Sampler, large, inside the node (keyed by run: a new result starts at its
 * first image): arrows (and the arrow keys while it has
 * the focus) step through a batch, a click opens the lightbox, the corner resizes it.
 */
export function ResultPreview({ run, nodeId }: { run: RunRecord; nodeId: string }) {
  const runUi = useRunUiApi();
  const sizes = usePart(previewSizesPart);
  const [index, setIndex] = useState(0);
  const [size, setSize] = useState<Size>(() => sizes.get(nodeId) ?? DEFAULT_SIZE);
  const count = run.images.length;
  const i = Math.min(index, count - 1);
  const step = (d: number) => setIndex((v) => (Math.min(v, count - 1) + d + count) % count);
  const img = run.images[i];
  const resize = useCornerResize(size, (s, done) => {
    setSize(s);
    if (done) sizes.set(nodeId, s);
  });
  const ref = useRef<HTMLDivElement>(null);
  // A wider preview widens its node (a node's width is otherwise fixed by its style sheet).
  useLayoutEffect(() => {
    const node = ref.current?.closest<HTMLElement>(".gnode");
    if (!node) return;
    node.style.width = `${Math.max(NODE_MIN, size.width + NODE_PAD)}px`;
    return () => void node.style.removeProperty("width");
  }, [size.width]);
  return (
    <div
      ref={ref}
      className="result-preview nodrag nowheel"
      style={{ width: size.width, height: size.height }}
      data-result-preview={nodeId}
      data-index={i}
      onKeyDown={(e) => {
        if (count < 2 || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
        e.preventDefault();
        e.stopPropagation();
        step(e.key === "ArrowRight" ? 1 : -1);
      }}
    >
      <button
        type="button"
        className="result-open"
        title={`Image ${i + 1} of ${count}${img?.width ? ` · ${img.width}×${img.height}` : ""}: click to enlarge`}
        onClick={() => runUi.set({ lightbox: { runId: run.id, index: i } })}
      >
        <RunImage run={run} index={i} loading="Loading…" expired="This image has expired" />
      </button>
      {count > 1 && (
        <>
          <button type="button" className="result-nav prev" aria-label="Previous image" onClick={() => step(-1)}>
            ‹
          </button>
          <button type="button" className="result-nav next" aria-label="Next image" onClick={() => step(1)}>
            ›
          </button>
          <span className="result-count" aria-live="polite">
            {i + 1} / {count}
          </span>
        </>
      )}
      <div
        className="result-resize"
        role="separator"
        aria-label="Resize the preview"
        title="Drag to resize the preview"
        {...resize}
      />
    </div>
  );
}

/**
 * Dragging the bottom-right corner. Pointer moves are in screen pixels; the preview's size is in
 * canvas units, so the zoom is read off the element itself (its drawn width over its own width).
 */
function useCornerResize(size: Size, set: (s: Size, done: boolean) => void) {
  const clamp = (v: number) => Math.round(Math.max(MIN, Math.min(MAX, v)));
  return useCornerDrag({
    start(corner) {
      const box = corner.parentElement!;
      return { size, scale: box.getBoundingClientRect().width / box.offsetWidth || 1 };
    },
    move(dx, dy, from) {
      const next = {
        width: clamp(from.size.width + dx / from.scale),
        height: clamp(from.size.height + dy / from.scale),
      };
      set(next, false);
      return next;
    },
    end(last) {
      if (last) set(last, true);
    },
  });
}
