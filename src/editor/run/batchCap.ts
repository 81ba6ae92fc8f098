/**
 * The most requests a batch sends without asking (docs/batches.md#limits): the CLI's `--cap`,
 * here a setting kept in localStorage, set in the Settings dialog and read by the batch window.
 */
import { DEFAULT_BATCH_CAP } from "../../batch/plan";

export const BATCH_CAP_KEY = "lora-graph:batchCap";
export const MAX_BATCH_CAP = 1_000_000;

interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function storage(): KeyValue | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // disabled storage throws on access
  }
}

/** A cap as typed: a whole number from 1 to MAX_BATCH_CAP, else null. */
export function parseBatchCap(text: string): number | null {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= MAX_BATCH_CAP ? n : null;
}

export function loadBatchCap(store: KeyValue | null = storage()): number {
  try {
    return parseBatchCap(store?.getItem(BATCH_CAP_KEY) ?? "") ?? DEFAULT_BATCH_CAP;
  } catch {
    return DEFAULT_BATCH_CAP;
  }
}

/** Saves the cap (the default clears the setting). */
export function saveBatchCap(cap: number, store: KeyValue | null = storage()): void {
  try {
    if (cap === DEFAULT_BATCH_CAP) store?.removeItem(BATCH_CAP_KEY);
    else store?.setItem(BATCH_CAP_KEY, String(cap));
  } catch {
    // Storage full or disabled: the default applies after a reload, which asks sooner, not later.
  }
}
