import { useEffect, useRef, type ReactNode } from "react";
import { createFocusTrap } from "focus-trap";
import { Icon } from "./icons";

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
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    // Focus must never fall out of an open dialog: a dialog that swaps its body (a sweep turning
    // into its results, Import failing) removes the focused button, and the browser then drops
    // focus to <body>, where Escape no longer reaches the dialog and the canvas shortcuts
    // (Delete, Ctrl+Z) act behind it. focus-trap watches for that removal and for focus moving
    // outside, and hands focus back; it also stacks, so a dialog over a dialog works.
    const trap = createFocusTrap(root, {
      initialFocus: () => firstFocus(root),
      fallbackFocus: root,
      escapeDeactivates: false,
      allowOutsideClick: true,
      returnFocusOnDeactivate: true,
      tabbableOptions: { displayCheck: "none" },
    });
    trap.activate();
    // It does not see a focused button turning disabled (Import while busy), which also drops
    // focus to <body>: take it back once the browser has moved it.
    // A focusout with somewhere to go (a click on a card, Tab) is focus moving, not falling: while
    // it moves, activeElement is briefly <body>, and refocusing then would steal the click.
    const onFocusOut = (e: FocusEvent) => {
      if (e.relatedTarget) return;
      queueMicrotask(() => {
        if (document.activeElement === document.body && isTopDialog(root))
          firstFocus(root).focus({ preventScroll: true });
      });
    };
    root.addEventListener("focusout", onFocusOut);
    return () => {
      root.removeEventListener("focusout", onFocusOut);
      trap.deactivate();
    };
  }, []);
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
        {children}
      </div>
    </div>
  );
}

/** A field first, else the first answer in the footer (dialogs put the safe one first), and only
 * then any button: one selector list would match the header's close button first. */
function firstFocus(root: HTMLElement): HTMLElement {
  return (
    root.querySelector<HTMLElement>("textarea, input, select") ??
    root.querySelector<HTMLElement>(".modal-foot button") ??
    root.querySelector<HTMLElement>("button") ??
    root
  );
}

const isTopDialog = (root: HTMLElement) => {
  const open = document.querySelectorAll('[role="dialog"][aria-modal="true"]');
  return open[open.length - 1] === root;
};
