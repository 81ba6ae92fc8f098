/**
 * What the page's own server says about itself (`/api/info`): whether it has a workspace, and
 * which backend its proxy runs. Its own small module so that start-up can ask without loading the
 * workspace's code (workspaceStart.ts), and the run runtime can take the same answer instead of
 * asking again (docs/codebase.md#the-first-load).
 */
import { definePart, type Editor } from "../store/editor";

/** `/api/info`'s body as the server sent it (`workspace`, `backend`); read by each part that needs it. */
export type ServerInfo = { workspace?: unknown; backend?: unknown };

/**
 * Asked once through `/api/info` (which every server of ours answers, so a page without a
 * workspace logs no failed request), with a short timeout: a static host must not keep the editor
 * waiting. Null on any failure.
 */
export async function askServerInfo(
  opts: { base?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<ServerInfo | null> {
  const f: typeof fetch = opts.fetch ?? ((...a) => fetch(...a));
  try {
    const res = await f(`${opts.base ?? ""}/api/info`, {
      cache: "no-store",
      signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
    });
    if (!res.ok || !(res.headers.get("content-type") ?? "").includes("json")) return null;
    return ((await res.json()) as ServerInfo | null) ?? null;
  } catch {
    return null;
  }
}

/** Start-up's answer from the page's own server (`settled` once it has arrived), held on the editor. */
export type OwnServerInfo = { answer?: Promise<ServerInfo | null>; settled?: [ServerInfo | null] };

const ownServerPart = definePart("ownServerInfo", (): OwnServerInfo => ({}));

/** Start-up's question to the page's own server, for the run runtime's banner (run/runtime.ts); returns its answer. */
export function offerServerInfo(editor: Editor, answer: Promise<ServerInfo | null>): Promise<ServerInfo | null> {
  const own = editor.part(ownServerPart);
  return (own.answer = answer.then((info) => ((own.settled = [info]), info)));
}

export const ownServerInfo = (editor: Editor): OwnServerInfo => editor.part(ownServerPart);
