import { createPortal } from "react-dom";
import { useUi, useUiApi } from "../store/react";
import { useToastSlot } from "../kit/toastSlot";

/**
 * The one stack of short messages, at the foot of the side panel (SidePanel): beside the canvas, so
 * it never hides the graph's nodes, and below the panel's body, which shrinks to make room, so it
 * covers no field either; while a dialog is open, the dialog's own last row. Each has a close
 * button, and a click anywhere on it dismisses it.
 */
export function Toasts() {
  const ui = useUiApi();
  const toasts = useUi((s) => s.toasts);
  // While a dialog is open they are its last row instead (kit/toastSlot.ts): over it, they covered its content.
  const slot = useToastSlot();
  const list = (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast ${t.kind}`}
          data-testid={t.key ? `${t.key}-notice` : undefined}
          title="Click to dismiss"
          onClick={() => ui.dismissToast(t.id)}
        >
          <span className="toast-text">{t.text}</span>
          {t.action && (
            <button
              className="btn small toast-action"
              data-testid="toast-action"
              onClick={(e) => {
                e.stopPropagation();
                ui.dismissToast(t.id);
                t.action!.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button className="toast-close" aria-label="Dismiss" onClick={() => ui.dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
  return slot ? createPortal(list, slot) : list;
}
