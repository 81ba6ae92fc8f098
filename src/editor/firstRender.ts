/**
 * What the editor's first render waits for (main.tsx): the tab's draft; the node views when the
 * draft has nodes or groups, so that each is drawn with its body from the start; and the page's own
 * server's answer (`/api/info`, asked as the entry evaluates), for the stand-in banner: rendered
 * without it, the banner came one commit later and the canvas, shorter by its height, was drawn
 * again before the first frame (docs/benchmarks.md#the-first-load). That answer is usually in
 * before the draft; a server that is slow to answer holds the first render back by at most
 * `infoCapMs` after the draft, and the banner then comes when the answer does, as before.
 */
import type { Editor } from "./store/editor";
import { ownServerInfo } from "./library/workspaceInfo";

export const INFO_CAP_MS = 250;

export async function firstRenderWaits(
  editor: Editor,
  opts: { restoring: Promise<unknown>; nodeViews: Promise<unknown>; infoCapMs?: number },
): Promise<void> {
  await opts.restoring.catch(() => undefined);
  const { nodes, groups } = editor.store.getState().document;
  const answer = ownServerInfo(editor).answer;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const capped =
    answer &&
    Promise.race([
      answer.catch(() => undefined),
      new Promise<void>((r) => (timer = setTimeout(r, opts.infoCapMs ?? INFO_CAP_MS))),
    ]);
  await Promise.all([nodes.length || groups?.length ? opts.nodeViews.catch(() => undefined) : undefined, capped]);
  clearTimeout(timer);
}
