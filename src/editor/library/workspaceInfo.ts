/**
 * Whether this page is served by our server with a workspace. Its own small module so that
 * start-up can ask without loading the workspace's code (workspaceStart.ts).
 */

/**
 * Asked once through `/api/info` (which every server of ours answers, so a page without a
 * workspace logs no failed request), with a short timeout: a static host must not keep the editor
 * waiting. Any failure means no workspace.
 */
export async function servedWithWorkspace(
  opts: { base?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<boolean> {
  const f: typeof fetch = opts.fetch ?? ((...a) => fetch(...a));
  try {
    const res = await f(`${opts.base ?? ""}/api/info`, {
      cache: "no-store",
      signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
    });
    if (!res.ok || !(res.headers.get("content-type") ?? "").includes("json")) return false;
    const body = (await res.json()) as { workspace?: unknown };
    return body.workspace === true;
  } catch {
    return false;
  }
}
