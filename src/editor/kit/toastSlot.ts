import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import { createStore, type StoreApi } from "zustand/vanilla";

/**
 * The toast rows of the open dialogs, in the order they opened. Toasts (panels/Toasts.tsx) show in
 * the last one's, inside the dialog's frame, and at the foot of the side panel when no dialog is
 * open: over a dialog they covered its last rows (docs/canvas.md#toasts-and-dialogs).
 */
export type ToastSlots = StoreApi<{ open: readonly HTMLElement[] }>;

export function createToastSlots(): ToastSlots {
  return createStore(() => ({ open: [] as readonly HTMLElement[] }));
}

function addSlot(slots: ToastSlots, el: HTMLElement): () => void {
  slots.setState((s) => ({ open: [...s.open, el] }));
  return () => slots.setState((s) => ({ open: s.open.filter((o) => o !== el) }));
}

/** Given by the app; without it (a dialog drawn alone, in a test) toasts stay where they are. */
export const ToastSlotsContext = createContext<ToastSlots | null>(null);

/** The ref of a dialog's toast row: the row is where toasts show while the dialog is the top one. */
export function useToastSlotRef(): (el: HTMLElement | null) => (() => void) | undefined {
  const slots = useContext(ToastSlotsContext);
  return useCallback((el: HTMLElement | null) => (el && slots ? addSlot(slots, el) : undefined), [slots]);
}

const never = () => () => undefined;

/** The top dialog's toast row, or null when no dialog with one is open. */
export function useToastSlot(): HTMLElement | null {
  const slots = useContext(ToastSlotsContext);
  return useSyncExternalStore(slots?.subscribe ?? never, () => slots?.getState().open.at(-1) ?? null);
}
