/**
 * The visible side of persistence and files: status banners (storage full, unreadable autosave,
 * same workflow in two tabs), the "restored" notice, the in-app question dialog and the drop
 * target for workflow files; load error reports and the library (with recoverable drafts) load on
 * demand from FilesDialogs.tsx (the Templates dialog is teach's: teach/TeachMount.tsx). Mount once inside the editor
 * (<FilesUi />); actions live in files.ts.
 */
import { Suspense, useEffect, useRef, useState, type ReactElement, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useEditor, useEditorInstance } from "../store/react";
import { getSession, useBootError, useCurrentAsk, useSession } from "../persistence/boot";
import type { Session } from "../persistence/session";
import { downloadText, saveToFile, type FilesUiState } from "./files";
import { time, useFilesUi, useSessionState } from "./hooks";
import { lazyPart, whenIdle } from "../lazy";
import { openImport } from "../store/importDoor";
import { acceptReloadOffer, useWorkspace, workspaceOf } from "./workspace";
import "./library.css";

const FilesDialogs = lazyPart(() => import("./FilesDialogs"));
const AskDialog = lazyPart(() => import("./AskDialog"));
// Opening the library or the templates, or a question, should feel instant: fetch the dialogs once the page is idle.
whenIdle(() => FilesDialogs.preload());
whenIdle(() => AskDialog.preload());

const anyDialog = (s: FilesUiState) => !!(s.report || s.nameFor || s.library);

/** Mounted from the first time a dialog opens, then kept (the library keeps its search text). */
function Dialogs() {
  const wanted = useFilesUi(anyDialog);
  const [mounted, setMounted] = useState(wanted);
  if (wanted && !mounted) setMounted(true);
  if (!mounted && !wanted) return null;
  return (
    <Suspense fallback={null}>
      <FilesDialogs />
    </Suspense>
  );
}

/**
 * Renders inside the canvas element when there is one, so overlays sit on the canvas whatever
 * bars the app adds above it; falls back to the page (fixed position) otherwise.
 */
function OnCanvas({ children }: { children: ReactNode }) {
  const [host, setHost] = useState<Element | null>(null);
  useEffect(() => {
    setHost(document.querySelector(".canvas"));
  }, []);
  return host ? (
    createPortal(<div className="lg-on-canvas">{children}</div>, host)
  ) : (
    <div className="lg-on-page">{children}</div>
  );
}

/**
 * Another tab upgraded the browser's storage (a newer lora-graph): this tab can no longer save
 * there. Its edits are kept in the page's copy, which the reload brings back (AUTO-09).
 */
function UpgradedBanner({ copyFailed, session }: { copyFailed: boolean; session: Session | null }) {
  const editor = useEditorInstance();
  return (
    <div className="lg-banner warning" role="alert" data-testid="banner-storage-upgraded">
      <span>
        <strong>Another tab upgraded this browser&apos;s storage.</strong>{" "}
        {copyFailed
          ? "This tab can no longer autosave, and its latest edits could not be copied: download the pipeline before you reload."
          : "This tab can no longer autosave there; your edits are kept in this tab and come back when you reload."}
      </span>
      <span className="lg-banner-actions">
        {copyFailed && (
          <button className="btn small" data-testid="upgraded-download" onClick={() => saveToFile(editor)}>
            Download
          </button>
        )}
        <button
          className="btn small primary"
          data-testid="upgraded-reload"
          onClick={() => {
            session?.leave(false);
            location.reload();
          }}
        >
          Reload
        </button>
      </span>
    </div>
  );
}

function Banners() {
  const s = useSessionState();
  const bootError = useBootError();
  const session = useSession();
  const offer = useWorkspace((w) => w.offer);
  const editor = useEditorInstance();
  const items: ReactElement[] = [];
  if (bootError) {
    items.push(
      <div key="boot" className="lg-banner error" role="alert" data-testid="banner-storage-unavailable">
        {bootError}
      </div>,
    );
  }
  if (s?.upgraded) items.push(<UpgradedBanner key="upgraded" copyFailed={s.upgraded.copyFailed} session={session} />);
  else if (s?.autosave.state === "error" && s.autosave.error) {
    const quota = s.autosave.error.kind === "quota";
    items.push(
      <div key="save" className="lg-banner error" role="alert" data-testid="banner-autosave-error">
        <strong>{quota ? "Autosave failed: storage full." : "Autosave failed."}</strong>{" "}
        {quota
          ? "Your edits are safe in this tab. Free some browser storage (delete old library workflows or drafts) or use Download (Ctrl+Alt+S) to keep the file; autosave retries by itself."
          : `${s.autosave.error.message}. Your edits are safe in this tab; autosave retries by itself.`}
        <span className="lg-banner-muted"> Retrying in {Math.round(s.autosave.error.retryInMs / 1000)} s…</span>
      </div>,
    );
  }
  if (s?.corrupt && session) {
    const c = s.corrupt;
    items.push(
      <div key="corrupt" className="lg-banner warning" role="alert" data-testid="banner-corrupt-autosave">
        <span>
          <strong>An autosave could not be read.</strong> {c.message}.{" "}
          {c.restoredPrevious ? "An earlier autosave was restored instead." : "The editor started clean."} The
          unreadable data is kept until you choose.
        </span>
        <span className="lg-banner-actions">
          <button
            className="btn small"
            data-testid="corrupt-download"
            onClick={() =>
              downloadText(
                c.raw,
                `lora-graph-unreadable-autosave-${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}.json`,
              )
            }
          >
            Download raw data
          </button>
          <button
            className="btn small danger"
            data-testid="corrupt-discard"
            onClick={() => void session.discardCorrupt()}
          >
            Discard it
          </button>
          <button
            className="btn small"
            onClick={() => session.dismissCorrupt()}
            title="Keep it; it stays listed in Library › Recover"
          >
            Later
          </button>
        </span>
      </div>,
    );
  }
  if (offer) {
    items.push(
      <div key="offer" className="lg-banner warning" role="status" data-testid="banner-reload-offer">
        <span>
          <strong>{offer.file} changed on disk.</strong> Reload to see that version; this one stays under Library ›
          Recover drafts.
        </span>
        <span className="lg-banner-actions">
          <button
            className="btn small primary"
            data-testid="reload-offer-reload"
            onClick={() => void acceptReloadOffer(editor)}
          >
            Reload
          </button>
          <button
            className="btn small"
            data-testid="reload-offer-keep"
            title="Keep this version; saving it later asks before replacing the file"
            onClick={() => workspaceOf(editor).set({ offer: null })}
          >
            Keep this
          </button>
        </span>
      </div>,
    );
  }
  if (s?.sharedWarning) {
    items.push(
      <div key="shared" className="lg-banner warning" role="status" data-testid="banner-shared-workflow">
        {s.sharedWarning}
      </div>,
    );
  }
  if (!items.length) return null;
  return (
    <OnCanvas>
      <div className="lg-banners">{items}</div>
    </OnCanvas>
  );
}

/** “Restored your draft …”: a toast in the one stack, gone after 4 s or at the first edit. */
function RestoredNotice() {
  const s = useSessionState();
  const session = useSession();
  const ui = useEditorInstance().ui;
  const restored = s?.restored;
  const doc = useEditor((st) => st.document);
  const shownWith = useRef<unknown>(null);
  useEffect(() => {
    if (!restored || !session) return void ui.dismissToast("restored");
    const text =
      `Restored ${restored.how === "adopted" ? "your last draft" : "your draft"} “${restored.name}”` +
      `${restored.savedAt ? ` from ${time(restored.savedAt)}` : ""}` +
      `${restored.fromPrevious ? " (an earlier autosave; the newest was unreadable)" : ""}.`;
    ui.toast(text, "success", RESTORED_MS, { key: "restored" });
    const t = setTimeout(() => session.dismissRestored(), RESTORED_MS);
    return () => clearTimeout(t);
  }, [restored, session, ui]);
  // The notice is about the document as it was restored: the first edit makes it stale.
  useEffect(() => {
    if (!restored || !session) return void (shownWith.current = null);
    if (shownWith.current === null) shownWith.current = doc;
    else if (shownWith.current !== doc) session.dismissRestored();
  }, [restored, session, doc]);
  return null;
}

const RESTORED_MS = 4000;

function AutosaveChip() {
  const s = useSessionState();
  if (!s?.ready) return null;
  const st = s.upgraded ? "upgraded" : s.autosave.state;
  const text =
    st === "upgraded"
      ? "Kept in this tab · reload"
      : st === "error"
        ? "Not saved"
        : st === "pending" || st === "saving"
          ? "Saving…"
          : "Saved in browser";
  return (
    <OnCanvas>
      <div
        className={`lg-chip ${st === "error" || st === "upgraded" ? "error" : ""}`}
        data-testid="autosave-status"
        data-state={st}
        title={s.autosave.lastSavedAt ? `Last autosave ${time(s.autosave.lastSavedAt)}` : undefined}
      >
        {text}
        {s.library && (
          <span className="lg-chip-lib" data-testid="autosave-where">
            {s.library.where === "workspace" ? ` · file: ${s.library.file}` : ` · library: ${s.library.name}`}
          </span>
        )}
      </div>
    </OnCanvas>
  );
}

function DialogHost() {
  const current = useCurrentAsk();
  if (!current) return null;
  return (
    <Suspense fallback={null}>
      <AskDialog ask={current} />
    </Suspense>
  );
}

/**
 * Dropping a file anywhere on the editor (the canvas included) goes through the import door: a
 * workflow file or image opens, anything else another tool made is imported (docs/interop.md).
 */
function useFileDrop() {
  const editor = useEditorInstance();
  useEffect(() => {
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      // Without this the browser navigates away to the dropped file.
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e) || e.defaultPrevented) return;
      if ((e.target as HTMLElement | null)?.closest?.("input[type=file]")) return;
      e.preventDefault();
      const file = e.dataTransfer?.files?.[0];
      if (!file) return;
      openImport(editor, { file }).catch((err: unknown) =>
        editor.ui.toast(`${file.name} could not be opened: ${(err as Error).message}`, "error", 6000),
      );
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, [editor]);
}

/** Warns before closing the tab only while an autosave is still unwritten (InvokeAI's rule). */
function useUnloadGuard() {
  const editor = useEditorInstance();
  useEffect(() => {
    const h = (e: BeforeUnloadEvent) => {
      const s = getSession(editor);
      if (!s) return;
      void s.flush();
      const st = s.state().autosave.state;
      if (st === "error") {
        e.preventDefault();
        e.returnValue = "";
      }
    };
    window.addEventListener("beforeunload", h);
    return () => window.removeEventListener("beforeunload", h);
  }, [editor]);
}

export function FilesUi() {
  useFileDrop();
  useUnloadGuard();
  return (
    <>
      <Banners />
      <RestoredNotice />
      <AutosaveChip />
      <Dialogs />
      <DialogHost />
    </>
  );
}
