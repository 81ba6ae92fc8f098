import { useEffect, useState } from "react";
import type { RunRecord } from "./types";

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s % 60)} s`;
}

/** Re-renders every `ms` while `active`, for elapsed-time displays. */
export function useNow(active: boolean, ms = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return active ? now : Date.now();
}

export function elapsed(run: RunRecord, now: number): number {
  return (run.finishedAt ?? now) - run.createdAt;
}

export const STATUS_LABEL: Record<RunRecord["status"], string> = {
  pending: "Submitting",
  queued: "In queue",
  running: "Running",
  completed: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * What a gallery tile says under its image besides the seed: the swept values of a sweep cell, a
 * batch run's row and the values drawn for it (its seed is said apart), or for a plain run the time
 * it started and the pipeline's name. Every tile has the same two lines, so a row of tiles lines up.
 */
export function tileLabel(run: RunRecord): string {
  if (run.label) return run.label;
  const b = run.batch;
  if (!b) return `${clockTime(run.createdAt)} · ${run.title}`;
  const values = Object.entries(b.values)
    .filter(([k]) => !k.endsWith(".seed"))
    .map(([k, v]) => {
      const text = typeof v === "string" ? v : JSON.stringify(v);
      return k === "__list__" ? text : `${k.slice(k.lastIndexOf(".") + 1)} ${text}`;
    });
  const picks = (b.picks ?? []).map((p) => p.value);
  return [`#${b.row ?? b.index + 1}`, ...values, ...picks].join(" · ");
}

/** "14:05", in the browser's time zone: the same in every locale, unlike toLocaleTimeString. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
