/**
 * “Restored your draft …”: a toast in the one stack, gone after 4 s or at the first edit.
 *
 * Told from the session's state, not from a component's effect: the session restores the draft
 * before the first render, so the toast is in the UI store by then and comes in the first React
 * commit instead of one of its own (docs/codebase.md#the-first-load).
 */
import type { Editor } from "../store/editor";
import type { Session } from "../persistence/session";
import { time } from "./hooks";

const RESTORED_MS = 4000;

/** Follows `session` (made by startPersistence, before it starts) and tells its restore. */
export function tellRestored({ ui, store }: Editor, session: Session): void {
  const dismiss = () => session.dismissRestored();
  const off = session.subscribe(({ restored: r }) => {
    if (!r) return;
    off();
    ui.toast(
      `Restored ${r.how === "adopted" ? "your last draft" : "your draft"} “${r.name}”` +
        `${r.savedAt ? ` from ${time(r.savedAt)}` : ""}` +
        `${r.fromPrevious ? " (an earlier autosave; the newest was unreadable)" : ""}.`,
      "success",
      RESTORED_MS,
      { key: "restored" },
    );
    const timer = setTimeout(dismiss, RESTORED_MS);
    // The notice is about the document as it was restored: the first edit makes it stale.
    const doc = store.getState().document;
    const unwatch = store.subscribe((next) => next.document !== doc && dismiss());
    const gone = session.subscribe((s) => {
      if (s.restored) return;
      gone();
      unwatch();
      clearTimeout(timer);
      ui.dismissToast("restored");
    });
  });
}
