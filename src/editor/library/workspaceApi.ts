/**
 * The browser's side of the server's workspace API (docs/components.md#the-workspace-api): list,
 * read and write `pipelines/*.json` and `components/*.json` with ETags, and the live-update
 * stream. Found by asking the server once at boot; served without our server (a static host,
 * `vite preview`) there is no workspace and the library stays in IndexedDB.
 */

import { askServerInfo } from "./workspaceInfo";

export type WorkspaceKind = "pipelines" | "components";

export interface WorkspaceFile {
  name: string;
  etag: string;
  size: number;
  modified: string;
}

export interface WorkspaceListing {
  pipelines: WorkspaceFile[];
  components: WorkspaceFile[];
}

/** A file that changed on disk; `etag: null` when it is gone (`renamedTo`: renamed by the server). */
export interface WorkspaceChange {
  kind: WorkspaceKind;
  name: string;
  etag: string | null;
  renamedTo?: string;
}

/** A delete: done, refused over a changed file (its ETag), or kept because pipelines use it. */
export type RemoveResult =
  | { ok: true }
  | { ok: false; etag: string | null; usedBy?: undefined }
  | { ok: false; usedBy: string[]; message: string };

export type WriteResult = { ok: true; etag: string } | { ok: false; etag: string | null };

export interface WorkspaceApi {
  list(): Promise<WorkspaceListing>;
  /** The file's text and ETag; null when there is no such file. */
  read(kind: WorkspaceKind, name: string): Promise<{ text: string; etag: string } | null>;
  /**
   * Writes the file. `ifMatch`: only over that version; `ifNoneMatch: "*"`: only when there is no
   * such file. A failed precondition is `{ ok: false, etag }` with the file's current ETag.
   */
  write(
    kind: WorkspaceKind,
    name: string,
    text: string,
    pre?: { ifMatch?: string; ifNoneMatch?: "*" },
  ): Promise<WriteResult>;
  /**
   * Deletes the file; with `ifMatch`, only that version. A component file that pipelines use is
   * kept (`usedBy` names them) unless `force`. Other refusals throw with the server's reason.
   */
  remove(kind: WorkspaceKind, name: string, pre?: { ifMatch?: string; force?: boolean }): Promise<RemoveResult>;
  /**
   * Renames a pipeline file; with `ifMatch`, only that version (`{ ok: false, etag }` otherwise).
   * A name taken or refused throws with the server's reason.
   */
  rename(kind: WorkspaceKind, from: string, to: string, pre?: { ifMatch?: string }): Promise<WriteResult>;
  /**
   * Calls `onChange` for each change on disk, and `onResync` after the stream reconnected (changes
   * may have been missed). Returns the stop function.
   */
  watch(onChange: (c: WorkspaceChange) => void, onResync?: () => void): () => void;
  /**
   * Resolves once no write of this page is in flight. A change event can arrive before the
   * answer to the write that caused it; after `idle()`, `wroteHere` tells it apart.
   */
  idle(): Promise<void>;
  /** This page wrote a file with that ETag (its own saves are not changes made elsewhere). */
  wroteHere(etag: string): boolean;
  /** This page deleted or renamed away `kind/name` (and has not written it since). */
  goneHere(kind: WorkspaceKind, name: string): boolean;
}

export const WORKSPACE_API = "/api/workspace";
const KINDS: readonly string[] = ["pipelines", "components"];

type Fetch = typeof fetch;

async function failure(res: Response, what: string): Promise<Error> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // not JSON: the status line says enough
  }
  return new Error(`${what}: ${message}`);
}

const isFile = (v: unknown): v is WorkspaceFile =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as WorkspaceFile).name === "string" &&
  typeof (v as WorkspaceFile).etag === "string";

/** Reads a change event's data; anything else (a foreign or broken line) is ignored. */
export function parseChange(data: string): WorkspaceChange | null {
  try {
    const v = JSON.parse(data) as Partial<WorkspaceChange>;
    if (typeof v.kind !== "string" || !KINDS.includes(v.kind) || typeof v.name !== "string") return null;
    if (v.etag !== null && typeof v.etag !== "string") return null;
    const renamedTo = typeof v.renamedTo === "string" ? { renamedTo: v.renamedTo } : {};
    return { kind: v.kind as WorkspaceKind, name: v.name, etag: v.etag, ...renamedTo };
  } catch {
    return null;
  }
}

/** The current ETag a 412 answer carries, or null. */
async function etagOfRefusal(res: Response): Promise<string | null> {
  const body = (await res.json().catch(() => ({}))) as { etag?: unknown };
  return typeof body.etag === "string" ? body.etag : null;
}

async function removeFile(
  f: Fetch,
  url: string,
  what: string,
  pre: { ifMatch?: string; force?: boolean },
): Promise<RemoveResult> {
  const headers: Record<string, string> = pre.ifMatch ? { "if-match": pre.ifMatch } : {};
  const res = await f(`${url}${pre.force ? "?force=1" : ""}`, { method: "DELETE", headers });
  if (res.status === 412 || res.status === 404) return { ok: false, etag: await etagOfRefusal(res) };
  if (res.status === 409) {
    const body = (await res
      .clone()
      .json()
      .catch(() => ({}))) as { usedBy?: unknown; error?: { message?: unknown } };
    if (Array.isArray(body.usedBy))
      return {
        ok: false,
        usedBy: body.usedBy.filter((u): u is string => typeof u === "string"),
        message: String(body.error?.message ?? ""),
      };
  }
  if (!res.ok) throw await failure(res, `Could not delete ${what}`);
  return { ok: true };
}

async function renameFile(
  f: Fetch,
  url: string,
  what: string,
  to: string,
  pre: { ifMatch?: string },
): Promise<WriteResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (pre.ifMatch) headers["if-match"] = pre.ifMatch;
  const res = await f(url, { method: "POST", headers, body: JSON.stringify({ renameTo: to }) });
  if (res.status === 412 || res.status === 404) return { ok: false, etag: await etagOfRefusal(res) };
  if (!res.ok) throw await failure(res, `Could not rename ${what}`);
  const body = (await res.json()) as { etag?: unknown };
  return { ok: true, etag: typeof body.etag === "string" ? body.etag : "" };
}

export function createWorkspaceApi(
  opts: { base?: string; fetch?: Fetch; eventSource?: (url: string) => EventSource } = {},
): WorkspaceApi {
  const base = opts.base ?? "";
  const f: Fetch = opts.fetch ?? ((...a) => fetch(...a));
  let inFlight: Promise<unknown> = Promise.resolve();
  const written = new Set<string>();
  const gone = new Set<string>();
  const url = (kind: WorkspaceKind, name: string) => `${base}${WORKSPACE_API}/${kind}/${encodeURIComponent(name)}`;
  const put = async (
    kind: WorkspaceKind,
    name: string,
    text: string,
    pre: { ifMatch?: string; ifNoneMatch?: "*" },
  ): Promise<WriteResult> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (pre.ifMatch) headers["if-match"] = pre.ifMatch;
    if (pre.ifNoneMatch) headers["if-none-match"] = pre.ifNoneMatch;
    const res = await f(url(kind, name), { method: "PUT", headers, body: text });
    if (res.status === 412) return { ok: false, etag: await etagOfRefusal(res) };
    if (!res.ok) throw await failure(res, `Could not save ${kind}/${name}`);
    const body = (await res.json()) as { etag?: unknown };
    return { ok: true, etag: typeof body.etag === "string" ? body.etag : (res.headers.get("etag") ?? "") };
  };
  const tracked = <T>(run: Promise<T>) => {
    inFlight = Promise.all([inFlight, run.catch(() => undefined)]);
    return run;
  };
  return {
    remove: (kind, name, pre = {}) =>
      tracked(
        removeFile(f, url(kind, name), `${kind}/${name}`, pre).then((r) => {
          if (r.ok) gone.add(`${kind}/${name}`);
          return r;
        }),
      ),
    rename: (kind, from, to, pre = {}) =>
      tracked(
        renameFile(f, url(kind, from), `${kind}/${from}`, to, pre).then((r) => {
          if (r.ok) {
            gone.add(`${kind}/${from}`);
            gone.delete(`${kind}/${to}`);
          }
          return r;
        }),
      ),
    goneHere: (kind, name) => gone.has(`${kind}/${name}`),
    async list() {
      const res = await f(`${base}${WORKSPACE_API}`, { cache: "no-store" });
      if (!res.ok) throw await failure(res, "Could not list the workspace");
      const body = (await res.json()) as Partial<WorkspaceListing>;
      return {
        pipelines: Array.isArray(body.pipelines) ? body.pipelines.filter(isFile) : [],
        components: Array.isArray(body.components) ? body.components.filter(isFile) : [],
      };
    },
    async read(kind, name) {
      const res = await f(url(kind, name), { cache: "no-store" });
      if (res.status === 404) return null;
      if (!res.ok) throw await failure(res, `Could not read ${kind}/${name}`);
      return { text: await res.text(), etag: res.headers.get("etag") ?? "" };
    },
    write(kind, name, text, pre = {}) {
      return tracked(
        put(kind, name, text, pre).then((r) => {
          if (r.ok) {
            written.add(r.etag);
            gone.delete(`${kind}/${name}`);
          }
          return r;
        }),
      );
    },
    async idle() {
      let seen: Promise<unknown>;
      do {
        seen = inFlight;
        await seen;
      } while (seen !== inFlight);
    },
    wroteHere: (etag) => written.has(etag),
    watch(onChange, onResync) {
      const make = opts.eventSource ?? ((u: string) => new EventSource(u));
      const es = make(`${base}${WORKSPACE_API}/events`);
      let opened = 0;
      es.addEventListener("open", () => {
        if (opened++ > 0) onResync?.();
      });
      es.addEventListener("change", (e) => {
        const c = parseChange(String((e as MessageEvent).data));
        if (c) onChange(c);
      });
      return () => es.close();
    },
  };
}

/** The workspace API when this page is served by our server with a workspace, else null. */
export async function detectWorkspace(
  opts: { base?: string; fetch?: Fetch; timeoutMs?: number } = {},
): Promise<WorkspaceApi | null> {
  return (await askServerInfo(opts))?.workspace === true ? createWorkspaceApi(opts) : null;
}
