/**
 * A synchronous copy of a tab's unsaved draft, written when the page is hidden or left.
 *
 * IndexedDB cannot be awaited there: nothing of the page runs after `pagehide`, and an engine may
 * drop a transaction that did not finish in time. `localStorage` is small and string-only
 * (docs/persistence.md#losing-work), but a write to it is done when `setItem` returns. So the
 * page writes the draft to both; on boot the newer of the two is restored, and the copy is removed
 * once a later IndexedDB write holds everything it held.
 */
import type { Registry } from "../../graph";
import { decodeDraft, type DecodeResult } from "./snapshot";

export interface BackupStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = "lora-graph.draft-backup:";
export const backupKey = (slot: string) => PREFIX + slot;

/** The origin's localStorage when usable (it throws in some privacy modes), else null. */
export function localBackup(): BackupStorage | null {
  try {
    const s = globalThis.localStorage;
    return s && typeof s.setItem === "function" ? s : null;
  } catch {
    return null;
  }
}

/** Stores the encoded draft; false when it could not be stored (full, or no storage). */
export function writeBackup(storage: BackupStorage | null, slot: string, text: string): boolean {
  if (!storage) return false;
  try {
    storage.setItem(backupKey(slot), text);
    return true;
  } catch {
    // Too big for localStorage or storage off: the IndexedDB write is still tried.
    return false;
  }
}

/** The slot's copy when there is one and it reads as a draft (an unreadable one is ignored). */
export function readBackup(
  storage: BackupStorage | null,
  slot: string,
  registry: Registry,
): Extract<DecodeResult, { ok: true }> | null {
  let text: string | null;
  try {
    text = storage?.getItem(backupKey(slot)) ?? null;
  } catch {
    return null;
  }
  if (text === null) return null;
  const decoded = decodeDraft(text, registry);
  return decoded.ok ? decoded : null;
}

export function removeBackup(storage: BackupStorage | null, slot: string): void {
  try {
    storage?.removeItem(backupKey(slot));
  } catch {
    // nothing to do: a leftover copy is ignored once IndexedDB holds a newer draft
  }
}
