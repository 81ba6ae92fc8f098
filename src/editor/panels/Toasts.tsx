import { useUi, useUiApi } from "../store/react";

/** Short messages at the bottom; a click dismisses one before its time. */
export function Toasts() {
  const ui = useUiApi();
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} title="Click to dismiss" onClick={() => ui.dismissToast(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
