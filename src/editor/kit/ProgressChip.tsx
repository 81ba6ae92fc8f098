/**
 * The chip over the canvas that a running (or just finished) sweep or batch leaves, to reopen its
 * window. `className` places it (each kind has its own row, so both can show at once). It is drawn
 * inside the canvas, at the foot of its middle: placed on the window instead, it covered the zoom
 * controls, and the runs drawer's rows once the drawer was open.
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
  const canvas = document.querySelector(".canvas");
  return canvas ? createPortal(chip, canvas) : chip;
}
