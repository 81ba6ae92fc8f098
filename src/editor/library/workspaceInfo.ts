/**
 * What the page's own server says about itself (`/api/info`): whether it has a workspace, and
 * which backend its proxy runs. Its own small module so that start-up can ask without loading the
 * workspace's code (workspaceStart.ts), and the run runtime can take the same answer instead of
 * asking again (docs/codebase.md#the-first-load).
 */
import { definePart, type Editor } from "../store/editor";

export interface ServerInfo {
  workspace: boolean;
  /** "unknown" when the server does not say (another fal proxy, an older server). */
  backend: "standin" | "fal" | "unknown";
}

/** Reads `/api/info`'s body; anything else a server might answer says nothing. */
export function readServerInfo(body: unknown): ServerInfo {
  const b = (body ?? {}) as { workspace?: unknown; backend?: unknown };
  return {
    workspace: b.workspace === true,
    backend: b.backend === "standin" || b.backend === "fal" ? b.backend : "unknown",
  };
}

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
    return readServerInfo(await res.json());
  } catch {
    return null;
  }
}

/** Whether this page is served by our server with a workspace. Any failure means no workspace. */
export async function servedWithWorkspace(
  opts: { base?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<boolean> {
  return (await askServerInfo(opts))?.workspace === true;
}

/** Start-up's answer from the page's own server, held on the editor for the parts that need it. */
export interface OwnServerInfo {
  /** Null until start-up asked. */
  answer: Promise<ServerInfo | null> | null;
  /** The answer once it has arrived (null: no answer), so the first render can use it at once. */
  settled: { info: ServerInfo | null } | null;
}

const ownServerPart = definePart("ownServerInfo", (): OwnServerInfo => ({ answer: null, settled: null }));

/** Start-up's question to the page's own server, for the run runtime's banner (run/runtime.ts). */
export function offerServerInfo(editor: Editor, answer: Promise<ServerInfo | null>): void {
  const own = editor.part(ownServerPart);
  own.answer = answer.catch(() => null);
  void own.answer.then((info) => (own.settled = { info }));
}

export const ownServerInfo = (editor: Editor): OwnServerInfo => editor.part(ownServerPart);
