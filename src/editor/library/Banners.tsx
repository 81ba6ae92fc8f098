/**
 * The status banners over the canvas: storage unavailable, upgraded by another tab, autosave
 * failing, an unreadable autosave, the open file changed on disk, the same workflow in two tabs.
 * Loaded the first time one is needed (FilesUi.tsx).
 */
import type { ReactElement } from "react";
import { useEditorInstance } from "../store/react";
import { useBootError, useSession } from "../persistence/boot";
import type { Session } from "../persistence/session";
import { downloadText, saveToFile } from "./files";
import { useSessionState } from "./hooks";
import { useWorkspace, workspaceOf } from "./workspace";
import { acceptReloadOffer } from "./workspaceActions";
import { OnCanvas } from "./OnCanvas";

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

export function Banners() {
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
