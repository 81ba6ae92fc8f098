import { useEffect, useRef, type ReactNode, type RefObject } from "react";
import { createFocusTrap } from "focus-trap";
import { Icon } from "./icons";
import { useToastSlotRef } from "./toastSlot";

/** A centred dialog; Escape or the backdrop closes it. */
export function Modal({
  title,
  onClose,
  children,
  width = 560,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  width?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusInside(ref, onClose);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        tabIndex={-1}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        style={{ width }}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="modal-head">
          <h2>{title}</h2>
          <button className="icon-btn" aria-label="Close" onClick={onClose}>
            <Icon name="x" />
          </button>
        </div>
        {/* The body scrolls; the toast row under it does not, so a toast never covers the dialog's content. */}
        <div className="modal-body">{children}</div>
        <div className="modal-toasts" ref={useToastSlotRef()} />
      </div>
    </div>
  );
}

/**
 * Keeps the focus inside the open dialog, and Escape closing it.
 *
 * Focus must never fall out of an open dialog: the browser drops it to <body>, where Escape no
 * longer reaches the dialog and the canvas shortcuts (Delete, Ctrl+Z) act behind it. It falls
 * when the focused element is removed (a body swapped, Import failing), turns disabled (Import
 * while busy), or is hidden: a lazy window loading in the same Suspense boundary hides the open
 * one for a moment (display: none), and the sweep results lost Escape so under load. focus-trap
 * sees removals and focus moving outside (and stacks, so a dialog over a dialog works); the rest
 * is watched here. Focus that falls goes to the dialog itself, not to a button Enter would press.
 * `initial: "dialog"` opens with the focus on the dialog itself (a picture, whose keys are arrows).
 * Closed, the focus goes back where it was when the dialog opened.
 */
export function useFocusInside(
  ref: RefObject<HTMLDivElement | null>,
  onClose: () => void,
  opts: { initial?: "field" | "dialog" } = {},
) {
  const initial = opts.initial ?? "field";
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    let opened = false;
    const trap = createFocusTrap(root, {
      // The opening focus goes to the first field or answer; later calls are focus falling.
      initialFocus: () => (opened || initial === "dialog" ? root : ((opened = true), firstFocus(root))),
      fallbackFocus: root,
      escapeDeactivates: false,
      allowOutsideClick: true,
      returnFocusOnDeactivate: true,
      tabbableOptions: { displayCheck: "none" },
    });
    trap.activate();
    const lost = () => {
      const a = document.activeElement;
      return isTopDialog(root) && (!a || a === document.body || a === document.documentElement);
    };
    const takeBack = () => lost() && root.focus({ preventScroll: true });
    // A focusout with somewhere to go (a click on a card, Tab) is focus moving, not falling: while
    // it moves, activeElement is briefly <body>, and refocusing then would steal the click.
    const onFocusOut = (e: FocusEvent) => void (!e.relatedTarget && queueMicrotask(takeBack));
    root.addEventListener("focusout", onFocusOut);
    // Hidden, focus cannot come back: it does once the dialog has a size again.
    const shown = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(takeBack);
    shown?.observe(root);
    // Escape pressed while the focus is lost (before it is taken back) still closes the dialog.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || !lost()) return;
      e.preventDefault();
      close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      root.removeEventListener("focusout", onFocusOut);
      document.removeEventListener("keydown", onKey);
      shown?.disconnect();
      trap.deactivate();
    };
  }, [ref, initial]);
}

/** A field first, else the first answer in the footer (dialogs put the safe one first), and only
 * then any button: one selector list would match the header's close button first. Disabled ones
 * cannot take the focus (a results window's Download before there is anything to download). */
function firstFocus(root: HTMLElement): HTMLElement {
  const on = ":not(:disabled)";
  return (
    root.querySelector<HTMLElement>(`textarea${on}, input${on}, select${on}`) ??
    root.querySelector<HTMLElement>(`.modal-foot button${on}`) ??
    root.querySelector<HTMLElement>(`button${on}`) ??
    root
  );
}

const isTopDialog = (root: HTMLElement) => {
  const open = document.querySelectorAll('[role="dialog"][aria-modal="true"]');
  return open[open.length - 1] === root;
};
