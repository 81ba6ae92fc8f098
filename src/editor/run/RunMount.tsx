import { lazy, Suspense, useEffect } from "react";
import "./run.css";
import { lazyPart, whenIdle } from "../lazy";
import { useRunUi } from "./actions";
import { useRuntime, useProxy } from "./runtime";

// The gallery and lightbox are only needed after a run, the dialogs once asked for: keep them out of the first load.
const Gallery = lazy(() => import("./Gallery"));
const SettingsDialog = lazyPart(() => import("./RunDialogs").then((m) => ({ default: m.SettingsDialog })));
const CacheOffer = lazyPart(() => import("./RunDialogs").then((m) => ({ default: m.CacheOffer })));
const ProxyConsent = lazyPart(() => import("./RunDialogs").then((m) => ({ default: m.ProxyConsent })));

/**
 * Everything of the run feature that is neither a panel nor in the shell's first paint
 * (RunShell.tsx): history start-up and resume, following stopped on leaving the page, dialogs, the
 * lazy gallery. Mounted after the first paint (docs/codebase.md#the-first-load).
 */
export function RunMount() {
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
