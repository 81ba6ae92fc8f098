/**
 * The chip that a running (or just finished) sweep or batch leaves, to reopen its window. It sits
 * in the runs drawer's bar ([data-progress-chips]), beside the runs' own count, open or closed:
 * drawn over the canvas, it lay over the nodes at the canvas's foot once the drawer was open, and
 * over the window, it covered the zoom controls and the drawer's rows. `className` tells the kinds
 * apart (both can show at once).
 */
import type { ReactNode } from "react";
import { createPortal } from "react-dom";
import "./chip.css";

export function ProgressChip(p: {
  className: string;
  done: boolean;
  spinning: boolean;
  title: string;
  onClick(): void;
  children: ReactNode;
  /** The `data-*` attribute tests and tours find it by. */
  data: string;
}) {
  const chip = (
    <button
      className={`progress-chip ${p.className} ${p.done ? "done" : ""}`}
      {...{ [`data-${p.data}`]: "" }}
      onClick={p.onClick}
      title={p.title}
    >
      {p.spinning && <span className="progress-chip-spin" aria-hidden="true" />}
      {/* Its own box: a flex item's bare text cannot end in an ellipsis, it is cut mid-letter. */}
      <span className="progress-chip-text">{p.children}</span>
    </button>
  );
  const bar = document.querySelector("[data-progress-chips]");
  return bar ? createPortal(chip, bar) : chip;
}
