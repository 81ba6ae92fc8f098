/**
 * The visible side of persistence and files: status banners (storage full, unreadable autosave,
 * same workflow in two tabs; Banners.tsx, loaded when one is first needed), the autosave chip,
 * the in-app question dialog and the drop target for workflow files; load error reports and the
 * library (with recoverable drafts) load on demand from FilesDialogs.tsx (the Templates dialog is
 * teach's: teach/TeachMount.tsx; the "restored" notice is restoredNotice.ts's). Mount once inside
 * the editor (<FilesUi />); actions live in files.ts.
 */
import { Suspense, useEffect, useState } from "react";
import { useEditorInstance } from "../store/react";
import { useBootError, useCurrentAsk, useSession } from "../persistence/boot";
import type { Session, SessionState } from "../persistence/session";
import type { FilesUiState } from "./files";
import { time, useFilesUi, useSessionState } from "./hooks";
import { lazyPart, whenIdle } from "../lazy";
import { openImport } from "../store/importDoor";
import { useWorkspace } from "./workspace";
import { OnCanvas } from "./OnCanvas";
import "./library.css";

const FilesDialogs = lazyPart(() => import("./FilesDialogs"));
const Banners = lazyPart(() => import("./Banners").then((m) => ({ default: m.Banners })));
const AskDialog = lazyPart(() => import("./AskDialog"));
// Opening the library or the templates, or a question, should feel instant: fetch the dialogs once the page is idle.
whenIdle(() => FilesDialogs.preload());
whenIdle(() => AskDialog.preload());
whenIdle(() => Banners.preload());

const anyDialog = (s: FilesUiState) => !!(s.report || s.nameFor || s.library);

/**
 * True from the first render `wanted` is, for good: a part loaded when first needed stays mounted
 * after, so it keeps its own state (the library its search text).
 */
function useWantedOnce(wanted: boolean): boolean {
  const [mounted, setMounted] = useState(wanted);
  // Adjusting state while rendering: React renders again at once, before anything is committed.
  if (wanted && !mounted) setMounted(true);
  return mounted || wanted;
}

/** Mounted from the first time a dialog opens, then kept (the library keeps its search text). */
function Dialogs() {
  if (!useWantedOnce(useFilesUi(anyDialog))) return null;
  return (
    <Suspense fallback={null}>
      <FilesDialogs />
    </Suspense>
  );
}

/**
 * The status banners (storage unavailable or upgraded elsewhere, autosave failing, an unreadable
 * autosave, the file changed on disk, the same workflow in two tabs) load the first time one is
 * needed (Banners.tsx): most sessions never show one.
 */
function BannersSlot() {
  const s = useSessionState();
  const bootError = useBootError();
  const session = useSession();
  const offer = useWorkspace((w) => !!w.offer);
  const wanted =
    !!bootError ||
    !!s?.upgraded ||
    (s?.autosave.state === "error" && !!s.autosave.error) ||
    (!!s?.corrupt && !!session) ||
    offer ||
    !!s?.sharedWarning;
  if (!useWantedOnce(wanted)) return null;
  return (
    <Suspense fallback={null}>
      <Banners />
    </Suspense>
  );
}

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
 * workflow file or image opens, anything else another tool made is imported (docs/import-export.md).
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

/**
 * Warns before closing the tab only while an autosave is failing (InvokeAI's rule), and only then
 * listens: with a `beforeunload` listener on the page, a reload waits for the old page to run it
 * before its request goes out (docs/benchmarks.md#the-page-left-before-a-reload-2026-12-08-session-15).
 * The draft does not depend on it: the session keeps it on `visibilitychange` and `pagehide`
 * (docs/persistence.md#losing-work). Returns what stops it.
 */
export function guardUnload(
  session: Pick<Session, "state" | "subscribe" | "flush">,
  win: Pick<Window, "addEventListener" | "removeEventListener"> = window,
): () => void {
  const warn = (e: BeforeUnloadEvent) => {
    void session.flush();
    e.preventDefault();
    e.returnValue = "";
  };
  let on = false;
  const follow = (st: SessionState) => {
    if (on === (st.autosave.state === "error")) return;
    on = !on;
    if (on) win.addEventListener("beforeunload", warn);
    else win.removeEventListener("beforeunload", warn);
  };
  follow(session.state());
  const off = session.subscribe(follow);
  return () => {
    off();
    win.removeEventListener("beforeunload", warn);
  };
}

function useUnloadGuard() {
  const session = useSession();
  useEffect(() => (session ? guardUnload(session) : undefined), [session]);
}

export function FilesUi() {
  useFileDrop();
  useUnloadGuard();
  return (
    <>
      <BannersSlot />
      <AutosaveChip />
      <Dialogs />
      <DialogHost />
    </>
  );
}
