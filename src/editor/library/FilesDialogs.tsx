/**
 * The files UI's dialogs (load report, save-as name, library with recoverable
 * drafts): loaded on demand by <FilesUi/> the first time one of them opens.
 */
import { useEffect, useRef, useState } from "react";
import { Modal } from "../kit/Modal";
import { ModalForm } from "../kit/ModalForm";
import { useEditorInstance } from "../store/react";
import { dialogsOf, getSession } from "../persistence/boot";
import type { OpenOutcome, Session } from "../persistence/session";
import type { DraftRecord, RecentDraftRecord } from "../persistence/db";
import type { WorkflowSummary } from "../persistence/library";
import { downloadText, filesUiOf, useFilesUiApi } from "./files";
import { placeOf, saveToLibrary } from "./fileActions";
import type { Editor } from "../store";
import { time, useFilesUi, useSession, useSessionState } from "./hooks";
import { useWorkspace, workspaceOf } from "./workspace";
import { refreshComponents } from "./workspaceActions";
import { componentFileName } from "../../graph/componentFile";
import { fileOfId } from "./workspaceLibrary";

/**
 * A row's main action: closes the dialog, opens a library workflow or a draft, then says so or
 * reports why not (a cancelled open says nothing).
 */
function OpenButton(props: {
  testId: string;
  label: string;
  close(): void;
  open(): Promise<OpenOutcome>;
  name: string;
  done: string;
  failed: string;
}) {
  const editor = useEditorInstance();
  const { testId, label, close, open, name, done, failed } = props;
  const click = async () => {
    close();
    const r = await open();
    if (r.ok) editor.ui.toast(`${done} “${name}”`, "success");
    else if (!r.cancelled)
      filesUiOf(editor).set({ report: { title: failed, source: `“${name}”`, issues: r.errors, severity: "error" } });
  };
  return (
    <button className="btn small primary" data-testid={testId} onClick={click}>
      {label}
    </button>
  );
}

function LoadReport() {
  const filesUi = useFilesUiApi();
  const report = useFilesUi((s) => s.report);
  if (!report) return null;
  const close = () => filesUi.set({ report: null });
  return (
    <Modal title={report.title} onClose={close} width={620}>
      <div
        data-testid={report.severity === "error" ? "load-error-dialog" : "load-warning-dialog"}
        className="lg-report"
      >
        <p className="muted">
          {report.severity === "error"
            ? `${report.source} was not opened; the current pipeline is unchanged.`
            : `${report.source} was opened; these parts were repaired or dropped:`}
        </p>
        <ul className="lg-issues">
          {report.issues.map((i, k) => (
            <li key={k} className={report.severity}>
              <div className="lg-issue-msg">{i.message}</div>
              <div className="lg-issue-where">
                <code>{i.path}</code>
                {i.nodeId !== undefined && (
                  <span>
                    {" "}
                    · node <code>{i.nodeId}</code>
                  </span>
                )}
                {i.edgeId !== undefined && (
                  <span>
                    {" "}
                    · wire <code>{i.edgeId}</code>
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
        <div className="modal-foot">
          <button className="btn primary" onClick={close}>
            OK
          </button>
        </div>
      </div>
    </Modal>
  );
}

function NameDialog() {
  const editor = useEditorInstance();
  const ui = editor.ui;
  const filesUi = useFilesUiApi();
  const nameFor = useFilesUi((s) => s.nameFor);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (nameFor) {
      setName(nameFor.initial);
      setError(null);
    }
  }, [nameFor]);
  if (!nameFor) return null;
  const close = () => filesUi.set({ nameFor: null });
  const submit = async () => {
    const session = getSession(editor);
    if (!session) return close();
    try {
      const rec = await session.saveAsToLibrary(name);
      close();
      ui.toast(`Saved “${rec.name}” ${placeOf(rec)}`, "success");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <ModalForm
      title="Save as"
      onClose={close}
      onSubmit={() => void submit()}
      width={420}
      className="lg-form"
      testId="save-as-dialog"
    >
      <label className="muted" htmlFor="lg-save-name">
        Name
      </label>
      <input
        id="lg-save-name"
        className="input"
        data-testid="save-as-name"
        value={name}
        maxLength={120}
        onChange={(e) => setName(e.target.value)}
        autoFocus
      />
      {error && <div className="callout error">{error}</div>}
      <div className="modal-foot">
        <button type="button" className="btn" onClick={close}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={!name.trim()} data-testid="save-as-submit">
          Save
        </button>
      </div>
    </ModalForm>
  );
}

function LibraryRow({
  rec,
  session,
  current,
  onChanged,
  rename,
}: {
  rec: WorkflowSummary;
  session: Session;
  current: boolean;
  onChanged(): void;
  rename: RenameState;
}) {
  const editor = useEditorInstance();
  const ui = editor.ui;
  const filesUi = useFilesUiApi();
  const name = rename.open?.id === rec.id ? rename.open.text : null;
  const onDisk = rec.where === "workspace";
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      ui.toast((e as Error).message, "error", 6000);
    }
    onChanged();
  };
  return (
    <li className={`lg-row ${current ? "current" : ""}`} data-testid="library-item">
      {name !== null ? (
        <form
          className="lg-rename"
          onSubmit={(e) => {
            e.preventDefault();
            rename.close();
            void act(() => session.renameInLibrary(rec.id, name));
          }}
        >
          <input
            className="input"
            value={name}
            onChange={(e) => rename.type(e.target.value)}
            autoFocus
            aria-label="New name"
            data-testid="library-rename-input"
            onKeyDown={(e) => e.key === "Escape" && (e.stopPropagation(), rename.close())}
          />
          <button className="btn small primary" type="submit" disabled={!name.trim()}>
            Rename
          </button>
        </form>
      ) : (
        <div className="lg-row-main">
          {/* A long name gives way with an ellipsis (whole on hover); the "open" tag and the save time never do. */}
          <span className="lg-row-name" data-testid="library-item-name" title={rec.name}>
            <span className="lg-row-text">{rec.name}</span>
            {current && <span className="lg-tag">open</span>}
          </span>
          <span className="lg-row-meta">
            <span
              className={`lg-where ${onDisk ? "disk" : "browser"}`}
              data-testid="library-item-where"
              title={
                onDisk ? `${rec.file}: a file in the workspace folder, shared with git and the command line` : undefined
              }
            >
              {onDisk ? rec.file : "this browser"}
            </span>
            <span className="lg-row-when">
              {onDisk ? "" : ` · ${rec.nodeCount} nodes`} · saved {time(rec.updatedAt)}
            </span>
          </span>
        </div>
      )}
      <div className="lg-row-actions">
        <OpenButton
          testId="library-open"
          label="Open"
          close={() => filesUi.set({ library: false })}
          open={() => session.openLibrary(rec.id)}
          name={rec.name}
          done="Opened"
          failed="Could not open this workflow"
        />
        <button
          className="btn small"
          data-testid="library-rename"
          title={onDisk ? `Rename ${rec.file} in the workspace folder` : undefined}
          onClick={() => rename.start(rec)}
        >
          Rename
        </button>
        <button
          className="btn small"
          data-testid="library-duplicate"
          onClick={() => void act(() => session.library.duplicate(rec.id))}
        >
          Duplicate
        </button>
        <button
          className="btn small danger"
          data-testid="library-delete"
          title={onDisk ? `Delete ${rec.file} from the workspace folder` : "Delete (recoverable from Recover drafts)"}
          onClick={() => {
            // Deleting the entry being renamed gives up the rename: the field would only outlive it.
            if (name !== null) rename.close();
            void act(() => (onDisk ? deleteFile(editor, session, rec) : deleteEntry(editor, session, rec)));
          }}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

async function deleteEntry(editor: Editor, session: Session, rec: WorkflowSummary) {
  await session.deleteFromLibrary(rec.id);
  editor.ui.toast(`Deleted “${rec.name}”; recover it under Recover drafts`, "info", 6000);
}

/**
 * A workspace file is shared with git and the command line: asked first, then kept under
 * Recover drafts, and Undo writes it back (unless a file of that name appeared meanwhile).
 */
async function deleteFile(editor: Editor, session: Session, rec: WorkflowSummary) {
  const answer = await dialogsOf(editor).ask({
    title: `Delete ${rec.file}?`,
    message: `The file goes from the workspace folder (other tabs and git see it gone). This browser keeps a copy under Recover drafts.`,
    actions: [
      { id: "cancel", label: "Cancel" },
      { id: "delete", label: "Delete file", kind: "danger" },
    ],
  });
  if (answer !== "delete") return;
  const gone = await session.deleteFromLibrary(rec.id);
  const api = workspaceOf(editor).get().api;
  if (!gone || !api) return;
  const file = fileOfId(rec.id);
  editor.ui.toast(`Deleted ${rec.file}`, "info", 10000, {
    action: {
      label: "Undo",
      run: () =>
        void api
          .write("pipelines", file, gone.data, { ifNoneMatch: "*" })
          .then((r) =>
            editor.ui.toast(
              r.ok ? `Put ${rec.file} back` : `${rec.file} exists again (made meanwhile); it is under Recover drafts`,
              r.ok ? "success" : "error",
            ),
          )
          .catch((e: unknown) => editor.ui.toast((e as Error).message, "error")),
    },
  });
}

function LibraryDialog() {
  const filesUi = useFilesUiApi();
  const open = useFilesUi((s) => s.library);
  const session = useSession();
  const s = useSessionState();
  const editor = useEditorInstance();
  const [query, setQuery] = useState("");
  const { items, listed, recent, unreadable, refresh, listError, read } = useLibraryLists(open, session, query);
  const rename = useRenameState(open, read);
  const workspaceApi = useWorkspace((w) => w.api);
  if (!open) return null;
  const close = () => filesUi.set({ library: false });
  if (!session) {
    return (
      <Modal title="Library" onClose={close}>
        <p>
          The library needs browser storage (IndexedDB), which is not available here. Use Download (Ctrl+Alt+S) to keep
          your pipeline as a file.
        </p>
      </Modal>
    );
  }
  const currentId = s?.library?.id;
  const onDiskToo = !!workspaceApi;
  return (
    <Modal title="Library" onClose={close} width={720}>
      <div className="lg-library" data-testid="library-dialog">
        <div className="lg-lib-top">
          <input
            className="input"
            placeholder="Search workflows…"
            aria-label="Search workflows"
            data-testid="library-search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button
            className="btn primary"
            data-testid="library-save-current"
            onClick={async () => {
              await saveToLibrary(editor);
              refresh();
            }}
            title={
              currentId ? "Save the open workflow over its library copy" : "Save the current pipeline to the library"
            }
          >
            {currentId ? "Save current" : "Save current as…"}
          </button>
          {currentId && (
            <button
              className="btn"
              data-testid="library-save-as"
              onClick={() => filesUi.set({ nameFor: { initial: `${s?.library?.name ?? "Untitled"} (copy)` } })}
            >
              Save as…
            </button>
          )}
        </div>
        <WhereNote />
        {listError && <div className="callout error">{listError}</div>}
        <ul className="lg-list" data-testid="library-list" aria-busy={!listed}>
          {rename.arrange(items).map((rec) => (
            <LibraryRow
              key={rec.id}
              rec={rec}
              session={session}
              current={rec.id === currentId}
              onChanged={refresh}
              rename={rename}
            />
          ))}
          {!items.length && (
            <li className="lg-empty">
              {!listed
                ? "Reading the library…"
                : query
                  ? "No workflow matches this search."
                  : onDiskToo
                    ? "No saved pipelines yet. Save the current pipeline: it becomes a file in the workspace's pipelines/ folder."
                    : "No saved workflows yet. Save the current pipeline to start your library."}
            </li>
          )}
        </ul>

        {workspaceApi && <LibraryComponents />}
        <RecoverDrafts recent={recent} session={session} close={close} />
        {unreadable.length > 0 && <UnreadableDrafts unreadable={unreadable} session={session} onChanged={refresh} />}
      </div>
    </Modal>
  );
}

/** The workspace's published component versions, each deletable (components/*.json). */
function LibraryComponents() {
  const editor = useEditorInstance();
  const hashes = useWorkspace((w) => w.componentHashes);
  const items = useWorkspace((w) => w.components);
  const keys = Object.keys(hashes).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const titleOf = (id: string) => items.find((i) => i.definition.id === id)?.definition.title ?? id;
  return (
    <>
      <h3 className="lg-h3">Components</h3>
      <ul className="lg-list" data-testid="library-components">
        {keys.map((key) => {
          const at = key.lastIndexOf("@");
          const [id, version] = [key.slice(0, at), key.slice(at + 1)];
          const file = componentFileName({ id, version });
          return (
            <li key={key} className="lg-row" data-testid="library-component">
              <div className="lg-row-main">
                <span className="lg-row-name">
                  {titleOf(id)} <span className="lg-tag">v{version}</span>
                </span>
                <span className="lg-row-meta">
                  <span className="lg-where disk">components/{file}</span>
                </span>
              </div>
              <div className="lg-row-actions">
                <button
                  className="btn small danger"
                  data-testid="library-component-delete"
                  title={`Delete components/${file} from the workspace folder`}
                  onClick={() =>
                    void deleteComponentFile(editor, file).catch((e: unknown) =>
                      editor.ui.toast((e as Error).message, "error", 8000),
                    )
                  }
                >
                  Delete
                </button>
              </div>
            </li>
          );
        })}
        {!keys.length && (
          <li className="lg-empty">No published components. Publish one from its node menu: Publish to library…</li>
        )}
      </ul>
    </>
  );
}

/**
 * Deletes a published version. Pipelines carry copies of what they use, so none breaks; the ones
 * that use it are named and asked about first. Undo writes the file back.
 */
async function deleteComponentFile(editor: Editor, file: string) {
  const api = workspaceOf(editor).get().api;
  const got = api && (await api.read("components", file));
  if (!api || !got) return;
  let r = await api.remove("components", file, { ifMatch: got.etag });
  if (!r.ok && r.usedBy) {
    const answer = await dialogsOf(editor).ask({
      title: `Delete components/${file}?`,
      message: `${r.usedBy.map((u) => `pipelines/${u}`).join(", ")} ${r.usedBy.length > 1 ? "use" : "uses"} this version. ${r.usedBy.length > 1 ? "They keep their" : "It keeps its"} own copy and still open and run, but the library (and the palette) loses it.`,
      actions: [
        { id: "cancel", label: "Keep it" },
        { id: "delete", label: "Delete anyway", kind: "danger" },
      ],
    });
    if (answer !== "delete") return;
    r = await api.remove("components", file, { ifMatch: got.etag, force: true });
  }
  if (!r.ok) throw new Error(`components/${file} changed on disk meanwhile; nothing was deleted.`);
  void refreshComponents(workspaceOf(editor));
  editor.ui.toast(`Deleted components/${file}`, "info", 10000, {
    action: {
      label: "Undo",
      run: () =>
        void api
          .write("components", file, got.text, { ifNoneMatch: "*" })
          .then((w) => {
            void refreshComponents(workspaceOf(editor));
            editor.ui.toast(
              w.ok ? `Put components/${file} back` : `components/${file} was published again meanwhile`,
              w.ok ? "success" : "error",
            );
          })
          .catch((e: unknown) => editor.ui.toast((e as Error).message, "error")),
    },
  });
}

/** Says where saves go, so nobody wonders whether a pipeline is on disk or only in this browser. */
function WhereNote() {
  const api = useWorkspace((w) => w.api);
  return (
    <p className="muted small lg-where-note" data-testid="library-where-note">
      {api
        ? "Saves go to the workspace folder's pipelines/ on this computer, shared with git and the command line. Pipelines marked “this browser” are kept in this browser only."
        : "Served without the lora-graph server, so the library is kept in this browser only. Run npm start to work in a workspace folder."}
    </p>
  );
}

/** A list of the library as read: its entries, and the search they were read with. */
interface LibraryRead {
  items: WorkflowSummary[];
  query: string;
}

/**
 * The library's workflows matching `query`, the recoverable drafts and the unreadable autosaves,
 * read while the dialog is open; `refresh` reads them again.
 */
function useLibraryLists(open: boolean, session: Session | null, query: string) {
  const s = useSessionState();
  const [read, setRead] = useState<LibraryRead | null>(null);
  const [recent, setRecent] = useState<RecentDraftRecord[]>([]);
  const [unreadable, setUnreadable] = useState<DraftRecord[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  // Whether the list was read since the dialog opened. Until it is, the dialog says it is reading
  // rather than showing the last opening's list or "No saved workflows yet" (the dialog stays
  // mounted once loaded, so the list outlives a close).
  const [listed, setListed] = useState(false);
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    setListed(false);
    setRead(null);
  }
  // A change on disk (git, the command line, another tab) lists again.
  const revision = useWorkspace((w) => w.revision);
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    if (!open || !session) return;
    let live = true;
    void (async () => {
      const query = queryRef.current;
      let error = "";
      const [list, rec, slots] = await Promise.all([
        session.library.list(query).then(
          (items): LibraryRead => ({ items, query }),
          (e: unknown) => void (error = (e as Error).message),
        ),
        session.drafts.listRecent(),
        session.drafts.listSlots(),
      ]);
      if (!live) return;
      // A read that failed keeps the rows shown (and a rename open in one): it loses nothing.
      if (list) setRead(list);
      setListError(list ? null : error);
      setListed(true);
      setRecent(rec);
      setUnreadable(slots.filter((x) => x.quarantined));
    })();
    return () => {
      live = false;
    };
    // Also refresh when this tab saves to the library (the name dialog finishes after the click).
  }, [open, session, query, tick, revision, s?.library?.id, s?.library?.updatedAt, s?.library?.etag, s?.library?.name]);

  return { items: read?.items ?? [], read, listed, recent, unreadable, refresh, listError };
}

/**
 * The Library's open rename field: the entry, the search it was listed under, the rows' order
 * when it opened, the text typed.
 */
interface RenameState {
  open: { id: string; query: string; order: string[]; where: string; text: string } | null;
  start(rec: WorkflowSummary): void;
  type(text: string): void;
  close(): void;
  /** The rows to show: in the order they had when the field opened, rows new since first. */
  arrange(items: WorkflowSummary[]): WorkflowSummary[];
}

/**
 * The rename field is the dialog's, keyed by the entry's id (a workspace file's path), not the
 * row's: a list read again (a change on disk, another tab's save: new rows, another order, the
 * entry's own new save time) leaves it open with its text and caret. Meanwhile the rows keep their
 * order: a browser drops the focus of an element it moves, so a row moved under the field would
 * lose the caret (and the dialog's focus trap would take the keys). It closes when a list read
 * with no search, or the one it was listed under, lacks the entry, and says so with the text
 * typed. Closing the dialog gives it up, as Escape does.
 */
function useRenameState(open: boolean, read: LibraryRead | null): RenameState {
  const ui = useEditorInstance().ui;
  const [state, setState] = useState<RenameState["open"]>(null);
  if (!open && state) setState(null);
  useEffect(() => {
    if (!state || !read || (read.query && read.query !== state.query)) return;
    if (read.items.some((r) => r.id === state.id)) return;
    setState(null);
    ui.toast(
      `${state.where} is gone (deleted or renamed elsewhere), so it was not renamed to “${state.text}”`,
      "error",
      10000,
    );
  }, [read, state, ui]);
  return {
    open: state,
    start: (rec) =>
      setState({
        id: rec.id,
        query: read?.query ?? "",
        order: (read?.items ?? []).map((r) => r.id),
        where: rec.where === "workspace" && rec.file ? rec.file : `“${rec.name}”`,
        text: rec.name,
      }),
    type: (text) => setState((s) => s && { ...s, text }),
    close: () => setState(null),
    arrange(items) {
      if (!state) return items;
      const at = new Map(state.order.map((id, i) => [id, i]));
      const kept = items.filter((r) => at.has(r.id)).sort((a, b) => at.get(a.id)! - at.get(b.id)!);
      return [...items.filter((r) => !at.has(r.id)), ...kept];
    },
  };
}

/** Pipelines replaced or deleted, each recoverable or downloadable as raw data. */
function RecoverDrafts({ recent, session, close }: { recent: RecentDraftRecord[]; session: Session; close(): void }) {
  return (
    <>
      <h3 className="lg-h3">Recover drafts</h3>
      <p className="muted small">
        Pipelines replaced by New, Open, a template or the library, and deleted workflows. The last 20 are kept.
      </p>
      <ul className="lg-list" data-testid="recent-drafts">
        {recent.map((r) => (
          <li key={r.id} className="lg-row" data-testid="recent-draft">
            <div className="lg-row-main">
              <span className="lg-row-name">{r.name}</span>
              <span className="lg-row-meta">
                {r.nodeCount} nodes · {time(r.savedAt)} · {r.reason}
              </span>
            </div>
            <div className="lg-row-actions">
              <OpenButton
                testId="recent-recover"
                label="Recover"
                close={close}
                open={() => session.recoverRecent(r.id)}
                name={r.name}
                done="Recovered"
                failed="Could not recover this draft"
              />
              <button
                className="btn small"
                onClick={() => downloadText(r.data, `${r.name.replace(/[^\w.-]+/g, "-")}.draft.json`)}
                title="Download the draft's raw data"
              >
                Download
              </button>
            </div>
          </li>
        ))}
        {!recent.length && <li className="lg-empty">Nothing to recover.</li>}
      </ul>
    </>
  );
}

/** Autosaves that could not be read: their raw data to download, or discard. */
function UnreadableDrafts({
  unreadable,
  session,
  onChanged,
}: {
  unreadable: DraftRecord[];
  session: Session;
  onChanged(): void;
}) {
  return (
    <>
      <h3 className="lg-h3">Unreadable autosaves</h3>
      <ul className="lg-list" data-testid="unreadable-drafts">
        {unreadable.map((d) => (
          <li key={d.slot} className="lg-row">
            <div className="lg-row-main">
              <span className="lg-row-name">{d.name}</span>
              <span className="lg-row-meta">{d.quarantined?.reason}</span>
            </div>
            <div className="lg-row-actions">
              <button
                className="btn small"
                onClick={async () => {
                  const read = await session.drafts.read(d.slot);
                  downloadText(read?.current?.data ?? "", `lora-graph-unreadable-autosave-${d.slot}.json`);
                }}
              >
                Download raw data
              </button>
              <button
                className="btn small danger"
                onClick={async () => (await session.discardCorrupt(d.slot), onChanged())}
              >
                Discard
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function FilesDialogs() {
  return (
    <>
      <LibraryDialog />
      <NameDialog />
      <LoadReport />
    </>
  );
}
