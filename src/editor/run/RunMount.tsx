import { lazy, Suspense, useEffect, useState } from "react";
import "./run.css";
import { useEditorStore } from "../store/react";
import { Modal } from "../kit/Modal";
import { answerCacheOffer, isImageFile, openDroppedImage, proxyInfo, runFromEditor, runUi, useRunUi } from "./actions";
import { getController, setProxyUrl, useBackend } from "./runtime";
import { DEFAULT_PROXY_URL, proxyUrlProblem } from "./settings";
import { formatDuration } from "./format";

// The gallery and lightbox are only needed after a run: keep them out of the first load.
const Gallery = lazy(() => import("./Gallery"));

/** "Offline stand-in" notice under the toolbar. */
export function RunBanner() {
  const backend = useBackend();
  if (backend !== "standin") return null;
  return (
    <div className="run-banner" role="status" data-standin-banner>
      <span>
        <strong>Offline stand-in:</strong> images are placeholders. Start the server with FAL_KEY set to generate real images.
      </span>
      <span className="grow" />
      <button className="link-btn" onClick={() => runUi.set({ settings: true })}>
        Proxy settings
      </button>
    </div>
  );
}

function SettingsDialog() {
  const info = proxyInfo();
  const [value, setValue] = useState(info.source === "default" ? "" : info.url);
  const [saved, setSaved] = useState(false);
  const problem = value.trim() === "" ? null : proxyUrlProblem(value);
  return (
    <Modal title="Settings" onClose={() => runUi.set({ settings: false })} width={520}>
      <label className="col gap4">
        <span>fal proxy URL</span>
        <input
          className="input mono"
          value={value}
          placeholder={DEFAULT_PROXY_URL}
          spellCheck={false}
          aria-invalid={!!problem || undefined}
          onChange={(e) => {
            setValue(e.target.value);
            setSaved(false);
          }}
        />
      </label>
      {problem && <span className="field-msg error">{problem}</span>}
      <p className="muted small">
        Any server that speaks the fal proxy protocol (it holds the FAL_KEY; this page never does). Empty means this server's {DEFAULT_PROXY_URL}. In use now:{" "}
        <code>{info.url}</code>
        {info.source === "query" ? " (from ?proxy= in the address, which overrides this setting)" : ""}.
      </p>
      <div className="modal-foot">
        {saved && <span className="muted small">Saved; reload to use it.</span>}
        {saved && (
          <button className="btn" onClick={() => location.reload()}>
            Reload now
          </button>
        )}
        <button
          className="btn primary"
          disabled={!!problem}
          onClick={() => {
            setProxyUrl(value);
            setSaved(true);
          }}
        >
          Save
        </button>
      </div>
    </Modal>
  );
}

function CacheOffer() {
  const offer = useRunUi((s) => s.cacheOffer);
  if (!offer) return null;
  const c = offer.cached;
  return (
    <Modal title="Same request already ran" onClose={() => answerCacheOffer(true)} width={460}>
      <p>
        An identical request with the same fixed seed ({String(offer.job.input.seed)}) finished {new Date(c.finishedAt ?? c.createdAt).toLocaleString()}
        {c.finishedAt ? ` in ${formatDuration(c.finishedAt - c.createdAt)}` : ""}. Use its {c.images.length} image{c.images.length === 1 ? "" : "s"} instead of paying for the same result again?
      </p>
      <div className="modal-foot">
        <button className="btn" onClick={() => answerCacheOffer(false)}>
          Run again
        </button>
        <button className="btn primary" onClick={() => answerCacheOffer(true)}>
          Use cached result
        </button>
      </div>
    </Modal>
  );
}

/**
 * Everything of the run feature that is not a panel: history start-up and resume, Ctrl+Enter,
 * dropping an image (or a workflow file) on the editor, dialogs, the lazy gallery.
 */
export function RunMount() {
  const store = useEditorStore();
  const settings = useRunUi((s) => s.settings);
  const gallery = useRunUi((s) => s.gallery || s.lightbox !== null);

  useEffect(() => {
    const c = getController();
    if (!c.getState().ready) void c.init();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return;
      e.preventDefault();
      runFromEditor(store);
    };
    // Capture: Ctrl+Enter runs even while a text field has focus.
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [store]);

  useEffect(() => {
    // Capture phase on window runs before the library's drop handler (bubble phase), so images are
    // ours and every other file (workflow JSON) still reaches it untouched.
    const onDrop = (e: DragEvent) => {
      const file = e.dataTransfer?.files?.[0];
      if (!file || e.defaultPrevented || !isImageFile(file)) return;
      if ((e.target as HTMLElement | null)?.closest?.("input[type=file]")) return;
      e.preventDefault();
      e.stopPropagation();
      void openDroppedImage(store, file);
    };
    window.addEventListener("drop", onDrop, true);
    return () => window.removeEventListener("drop", onDrop, true);
  }, [store]);

  useEffect(() => {
    // Leaving the page stops following; the next load resumes from the stored request ids.
    const off = () => getController().dispose();
    // Back from the back/forward cache, the followers are gone: a reload resumes them cleanly.
    const back = (e: PageTransitionEvent) => e.persisted && location.reload();
    window.addEventListener("pagehide", off);
    window.addEventListener("pageshow", back);
    return () => {
      window.removeEventListener("pagehide", off);
      window.removeEventListener("pageshow", back);
    };
  }, []);

  return (
    <>
      {settings && <SettingsDialog />}
      <CacheOffer />
      {gallery && (
        <Suspense fallback={null}>
          <Gallery />
        </Suspense>
      )}
    </>
  );
}
