import { createContext, useCallback, useContext, useSyncExternalStore } from "react";

/**
 * The toast rows of the open dialogs, in the order they opened. Toasts (panels/Toasts.tsx) show in
 * the last one's, inside the dialog's frame, and at the foot of the side panel when no dialog is
 * open: over a dialog they covered its last rows (docs/canvas.md#toasts-and-dialogs).
 */
export interface ToastSlots {
  top(): HTMLElement | null;
  add(el: HTMLElement): () => void;
  subscribe(fn: () => void): () => void;
}

export function createToastSlots(): ToastSlots {
  const open: HTMLElement[] = [];
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((fn) => fn());
  return {
    top: () => open[open.length - 1] ?? null,
    add(el) {
      open.push(el);
      changed();
      return () => {
        open.splice(open.indexOf(el), 1);
        changed();
      };
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

/** Given by the app; without it (a dialog drawn alone, in a test) toasts stay where they are. */
export const ToastSlotsContext = createContext<ToastSlots | null>(null);

/** The ref of a dialog's toast row: the row is where toasts show while the dialog is the top one. */
export function useToastSlotRef(): (el: HTMLElement | null) => (() => void) | undefined {
  const slots = useContext(ToastSlotsContext);
  return useCallback((el: HTMLElement | null) => (el && slots ? slots.add(el) : undefined), [slots]);
}

const never = () => () => undefined;

/** The top dialog's toast row, or null when no dialog with one is open. */
export function useToastSlot(): HTMLElement | null {
  const slots = useContext(ToastSlotsContext);
  return useSyncExternalStore(slots?.subscribe ?? never, () => slots?.top() ?? null);
}
