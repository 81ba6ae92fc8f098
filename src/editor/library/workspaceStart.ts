/**
 * Following the workspace (docs/components.md#the-workspace-api): asking whether the page is
 * served by our server with a workspace, its pipelines beside the browser's, and its changes on
 * disk; else this browser's component library. Start-up loads this module beside the database
 * open, so it is not in the first load's script (docs/benchmarks.md#the-first-load); the state the
 * views read is in workspace.ts.
 */
import type { Editor } from "../store/editor";
import { getSession } from "../persistence/boot";
import { filesUiOf } from "./files";
import type { WorkspaceApi, WorkspaceChange } from "./workspaceApi";
import { combineLibraries, createWorkspaceLibrary, fileOfId, isWorkspaceId, workspaceId } from "./workspaceLibrary";
import { createLibrary, type WorkflowLibrary, type WorkflowSummary } from "../persistence/library";
import { openDatabase, type Database } from "../persistence/db";
import { browserComponents, workspaceComponents } from "./libraryComponents";
import { workspaceOf, workspacePartOf } from "./workspace";
import { refreshComponents } from "./workspaceActions";

export { createWorkspaceApi } from "./workspaceApi";

/** The library of a page served by our server: the workspace's pipelines beside the browser's. */
export const workspaceLibrary = (db: Database, api: WorkspaceApi): WorkflowLibrary =>
  combineLibraries(createLibrary(db), createWorkspaceLibrary(api));

/** Starts following the workspace on disk; stops with the editor. */
export function attachWorkspace(editor: Editor, api: WorkspaceApi): void {
  const part = workspacePartOf(editor);
  const ws = part.state;
  ws.set({ api, library: workspaceComponents(api) });
  // One change at a time, so two quick writes never ask two questions at once.
  let queue = Promise.resolve();
  const handle = (c: WorkspaceChange) => {
    ws.set({ revision: ws.get().revision + 1 });
    if (c.kind === "components") void refreshComponents(ws);
    if (c.kind !== "pipelines") return;
    const next = c.renamedTo
      ? () => openFileRenamed(editor, api, c.name, c.renamedTo!)
      : () => openFileChanged(editor, api, c.name, c.etag);
    queue = queue.then(next).catch(() => {});
  };
  const resync = () => {
    ws.set({ revision: ws.get().revision + 1 });
    void refreshComponents(ws);
    queue = queue
      .then(async () => {
        const id = getSession(editor)?.state().library?.id;
        if (!isWorkspaceId(id)) return;
        const name = fileOfId(id!);
        const file = (await api.list()).pipelines.find((f) => f.name === name);
        await openFileChanged(editor, api, name, file?.etag ?? null);
      })
      .catch(() => {});
  };
  part.stop = api.watch(handle, resync);
  void refreshComponents(ws);
}

const CHANNEL = "lora-graph-components";

/**
 * Served without our server: components are published to this browser's IndexedDB, and other
 * tabs of this browser hear of it.
 */
export function attachBrowserComponents(editor: Editor): void {
  const part = workspacePartOf(editor);
  const ws = part.state;
  const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
  const library = browserComponents(
    () => openDatabase(),
    () => channel?.postMessage("published"),
  );
  ws.set({ library });
  if (channel) {
    channel.onmessage = () => void refreshComponents(ws);
    part.stop = () => channel.close();
  }
  void refreshComponents(ws);
}

/** The open pipeline's file changed on disk: offer a reload, or ask when there are unsaved edits. */
async function openFileChanged(editor: Editor, api: WorkspaceApi, name: string, etag: string | null) {
  const session = getSession(editor);
  const lib = session?.state().library;
  if (!session || lib?.id !== workspaceId(name)) return;
  // Our own save's echo: wait for its answer, which tells it apart.
  await api.idle();
  const now = session.state().library;
  if (now?.id !== lib.id || now.etag === etag || (etag && api.wroteHere(etag))) return;
  if (etag === null && api.goneHere("pipelines", name)) return; // deleted here
  const ws = workspaceOf(editor);
  if (!editor.store.getState().dirty && etag) {
    ws.set({ offer: { file: lib.file ?? `pipelines/${name}`, etag } });
    return;
  }
  ws.set({ offer: null });
  const r = await session.libraryChanged(etag);
  if (r === "reloaded") editor.ui.toast(`Reloaded ${lib.file}; your version is under Recover drafts`, "info", 6000);
  else if (r === "saved") editor.ui.toast(`Saved your version to ${session.state().library?.file}`, "success");
  else if (r === "save-as") openSaveAs(editor, `${lib.name} (mine)`);
}

/** The open pipeline's file was renamed elsewhere (another tab): follow it to its new name. */
async function openFileRenamed(editor: Editor, api: WorkspaceApi, name: string, to: string) {
  const session = getSession(editor);
  if (!session || session.state().library?.id !== workspaceId(name)) return;
  await api.idle();
  if (api.goneHere("pipelines", name)) return; // renamed here: the session has followed already
  const got = await session.library.get(workspaceId(to));
  if (!got) return openFileChanged(editor, api, name, null);
  const { data: _data, ...rec } = got as typeof got & WorkflowSummary;
  if (await session.followLibrary(workspaceId(name), rec))
    editor.ui.toast(`pipelines/${name} was renamed to ${to}; this tab follows it`, "info", 6000);
}

const openSaveAs = (editor: Editor, initial: string) => filesUiOf(editor).set({ nameFor: { initial } });
