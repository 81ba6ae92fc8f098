/**
 * The chip over the canvas that a running (or just finished) sweep or batch leaves, to reopen its
 * window. `className` places it (each kind has its own row, so both can show at once).
 */
import type { ReactNode } from "react";
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
  return (
    <button
      className={`progress-chip ${p.className} ${p.done ? "done" : ""}`}
      {...{ [`data-${p.data}`]: "" }}
      onClick={p.onClick}
      title={p.title}
    >
      {p.spinning && <span className="progress-chip-spin" aria-hidden="true" />}
      {p.children}
    </button>
  );
}
