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
