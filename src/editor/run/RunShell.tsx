/**
 * The run feature's part of the shell, there from the first paint: the notices under the toolbar
 * and Ctrl+Enter. The rest (history start-up and resume, dialogs, the gallery) is RunMount, which
 * mounts after the first paint (docs/codebase.md#the-first-load).
 */
import { Suspense, useEffect } from "react";
import "./run.css";
import { lazyPart } from "../lazy";
import type { Editor } from "../store";
import { runFromEditor, useRunUiApi } from "./actions";
import { useBackend, useRunState } from "./runtime";

// The notice that another tab upgraded the run history (AUTO-10) loads when it is needed.
const HistoryUpgraded = lazyPart(() => import("./HistoryUpgradedBanner"));

function HistoryUpgradedBanner() {
  const upgraded = useRunState((s) => s.historyUpgraded);
  if (!upgraded) return null;
  return (
    <Suspense fallback={null}>
      <HistoryUpgraded upgraded={upgraded} />
    </Suspense>
  );
}

/** Notices under the toolbar: the offline stand-in, and the run history upgraded by another tab. */
export function RunBanner() {
  const backend = useBackend();
  const runUi = useRunUiApi();
  return (
    <>
      <HistoryUpgradedBanner />
      {backend === "standin" && (
        <div className="run-banner" role="status" data-standin-banner>
          <span>
            <strong>Offline stand-in:</strong> images are placeholders. Start the server with FAL_KEY set to generate
            real images.
          </span>
          <span className="grow" />
          <button className="link-btn" onClick={() => runUi.set({ settings: true })}>
            Proxy settings
          </button>
        </div>
      )}
    </>
  );
}

/** Ctrl+Enter runs, from the first paint on. */
export function useRunKey(editor: Editor): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return;
      e.preventDefault();
      runFromEditor(editor);
    };
    // Capture: Ctrl+Enter runs even while a text field has focus.
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [editor]);
}
