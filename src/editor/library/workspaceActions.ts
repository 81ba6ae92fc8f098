/**
 * What acts on this editor's workspace (workspace.ts): reading the library's components again, the
 * banner's Reload. Apart from workspace.ts, which the first paint's views read, since only parts
 * that load on demand call these (docs/codebase.md#the-first-load).
 */
import type { Editor } from "../store/editor";
import type { UiStore } from "../store/uiStore";
import { getSession } from "../persistence/boot";
import { workspaceOf, type WorkspaceState } from "./workspace";

/** Reads the library's components again (after a publish, or a change elsewhere). */
export async function refreshComponents(ws: UiStore<WorkspaceState>) {
  const library = ws.get().library;
  if (!library) return;
  try {
    const { items, skipped, hashes } = await library.read();
    ws.set({ components: items, componentProblems: skipped, componentHashes: hashes });
  } catch {
    // The list stays as it was; the next change on disk reads it again.
  }
}

/** The banner's Reload: opens the disk version; this tab's goes to the recent drafts. */
export async function acceptReloadOffer(editor: Editor): Promise<void> {
  workspaceOf(editor).set({ offer: null });
  const session = getSession(editor);
  if (session && (await session.reloadLibrary()))
    editor.ui.toast(`Reloaded ${session.state().library?.file} from disk`, "success");
}
