import { lazy, Suspense, useEffect } from "react";
import "./run.css";
import { useEditorInstance } from "../store/react";
import { lazyPart, whenIdle } from "../lazy";
import { runFromEditor, useRunUiApi, useRunUi } from "./actions";
import { useRuntime, useBackend, useProxy, useRunState } from "./runtime";

// The gallery and lightbox are only needed after a run, the dialogs once asked for: keep them out of the first load.
const Gallery = lazy(() => import("./Gallery"));
const SettingsDialog = lazyPart(() => import("./RunDialogs").then((m) => ({ default: m.SettingsDialog })));
const CacheOffer = lazyPart(() => import("./RunDialogs").then((m) => ({ default: m.CacheOffer })));
const ProxyConsent = lazyPart(() => import("./RunDialogs").then((m) => ({ default: m.ProxyConsent })));

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

/**
 * Everything of the run feature that is not a panel: history start-up and resume, Ctrl+Enter,
 * dropping an image (or a workflow file) on the editor, dialogs, the lazy gallery.
 */
export function RunMount() {
  const editor = useEditorInstance();
  const runtime = useRuntime();
  const settings = useRunUi((s) => s.settings);
  const gallery = useRunUi((s) => s.gallery || s.lightbox !== null);
  const cacheOffer = useRunUi((s) => s.cacheOffer !== null);
  const awaitingConsent = useProxy().awaitingConsent;

  useEffect(() => {
    const c = runtime.controller;
    if (!c.getState().ready) void c.init();
    // The cache offer answers a Run: have it here before the first Run so it opens at once.
    whenIdle(() => CacheOffer.preload());
  }, [runtime]);

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

  useEffect(() => {
    // Leaving the page stops following; the next load resumes from the stored request ids.
    const off = () => runtime.controller.dispose();
    // Back from the back/forward cache, the followers are gone: a reload resumes them cleanly.
    const back = (e: PageTransitionEvent) => e.persisted && location.reload();
    window.addEventListener("pagehide", off);
    window.addEventListener("pageshow", back);
    return () => {
      window.removeEventListener("pagehide", off);
      window.removeEventListener("pageshow", back);
    };
  }, [runtime]);

  return (
    <>
      {(settings || cacheOffer || awaitingConsent) && (
        <Suspense fallback={null}>
          {awaitingConsent ? <ProxyConsent url={awaitingConsent} /> : settings && <SettingsDialog />}
          {cacheOffer && <CacheOffer />}
        </Suspense>
      )}
      {gallery && (
        <Suspense fallback={null}>
          <Gallery />
        </Suspense>
      )}
    </>
  );
}
