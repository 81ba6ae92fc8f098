/**
 * The workspace API behind the router and its gate (docs/components.md#the-workspace-api):
 * list, read and write `pipelines/*.json` and `components/*.json`, and a stream of changes made
 * on disk. Every refusal is answered as JSON and logged.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRegistry, DEFAULT_LOAD_LIMITS, instanceType, loadWorkflow, parseJsonSafely } from "../../graph/index.ts";
import { componentFileName, loadComponentFile } from "../../graph/componentFile.ts";
import { answerBodyError, readBody, type BodyRules } from "../body.ts";
import { sendJson, sendJsonError, type Logger } from "../http.ts";
import type { Router } from "../router.ts";
import { etagOf, KINDS, nameProblem, parseFilePath, WorkspaceError, WorkspaceStore, type Kind } from "./store.ts";

export const WORKSPACE_PATH = "/api/workspace";
export const TOKEN_HEADER = "x-lora-graph-token";

export interface WorkspaceOptions {
  dir: string;
  /** LORA_GRAPH_TOKEN: needed for writes when the server listens beyond loopback. */
  token?: string;
  logger: Logger;
  /** Largest file read or written; default the loader's cap (20 MB). */
  maxBytes?: number;
  /** Most live-update streams at once; default 64. */
  maxStreams?: number;
  /** How long a file on disk must be quiet before its change is told; default 40 ms (see changeStream). */
  settleMs?: number;
}

export interface Workspace {
  dir: string;
  register(router: Router, body: Omit<BodyRules, "maxBytes">): void;
  /** Whether writes need the token: set once the listen address is known. */
  setRemote(remote: boolean): void;
  close(): void;
}

/** No node types: the loader still checks a pipeline's structure, wires and components. */
const NO_TYPES = createRegistry([]);

type Refuse = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) => void;

/**
 * The stream of changes made on disk (server-sent events): each file's new ETag, or null when it
 * is gone, told once per change to every open stream.
 */
function changeStream(root: string, maxStreams: number, settleMs: number, refuse: Refuse) {
  const streams = new Set<ServerResponse>();
  const lastSent = new Map<string, string | null>();
  // Files this server renamed, old name to new, for a while: a viewer of the old file follows it.
  const renamed = new Map<string, string>();
  const movedTo = (kind: Kind, from: string, to: string | undefined) => {
    if (to === undefined) return void renamed.delete(`${kind}/${from}`);
    renamed.set(`${kind}/${from}`, to);
    setTimeout(() => renamed.get(`${kind}/${from}`) === to && renamed.delete(`${kind}/${from}`), 10_000).unref();
  };
  const tell = async (kind: Kind, name: string) => {
    let etag: string | null = null;
    try {
      etag = etagOf(await readFile(join(root, kind, name)));
    } catch {
      // Gone: sent as null, so a viewer knows the file was removed or renamed.
    }
    if (lastSent.get(`${kind}/${name}`) === etag) return;
    lastSent.set(`${kind}/${name}`, etag);
    const renamedTo = etag === null ? renamed.get(`${kind}/${name}`) : undefined;
    const line = `event: change\ndata: ${JSON.stringify({ kind, name, etag, ...(renamedTo ? { renamedTo } : {}) })}\n\n`;
    for (const res of streams) res.write(line);
  };
  // One file's reads run one after another, so the last ETag told is the file's latest: two reads
  // at once could finish out of order and leave a viewer with an older version's ETag.
  const reading = new Map<string, Promise<void>>();
  const broadcast = (kind: Kind, name: string): Promise<void> => {
    const key = `${kind}/${name}`;
    const next = (reading.get(key) ?? Promise.resolve()).then(() => tell(kind, name)).catch(() => undefined);
    reading.set(key, next);
    void next.then(() => reading.get(key) === next && reading.delete(key));
    return next;
  };
  // Another program's write can reach the watcher as several events (writeFile truncates, then
  // writes): the file is read once it has been quiet for `settleMs`, so one write is told once and
  // never as the empty file between the two (docs/components.md#the-workspace-api). Our own writes
  // are told at once by their routes.
  const settling = new Map<string, ReturnType<typeof setTimeout>>();
  const settleThenBroadcast = (kind: Kind, name: string) => {
    const key = `${kind}/${name}`;
    clearTimeout(settling.get(key));
    const timer = setTimeout(() => {
      settling.delete(key);
      void broadcast(kind, name);
    }, settleMs);
    timer.unref();
    settling.set(key, timer);
  };
  const watchers: FSWatcher[] = KINDS.map((kind) =>
    watch(join(root, kind), (_event, filename) => {
      const name = filename?.toString();
      if (!name) return;
      try {
        parseFilePath(`${kind}/${encodeURIComponent(name)}`);
      } catch {
        return; // temporary files and foreign names are not announced
      }
      settleThenBroadcast(kind, name);
    }),
  );
  const events = (req: IncomingMessage, res: ServerResponse) => {
    if (streams.size >= maxStreams)
      return refuse(req, res, 503, "too_many_streams", "Too many live-update streams are open.");
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.write(": watching the workspace\n\n");
    streams.add(res);
    res.on("close", () => streams.delete(res));
  };
  const close = () => {
    for (const w of watchers) w.close();
    for (const t of settling.values()) clearTimeout(t);
    for (const res of streams) res.end();
    streams.clear();
  };
  return { broadcast, movedTo, events, close };
}

export async function createWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const store = new WorkspaceStore(options.dir);
  await store.open();
  const maxBytes = options.maxBytes ?? DEFAULT_LOAD_LIMITS.maxBytes;
  const { logger } = options;
  let remote = false;

  const refuse: Refuse = (req, res, status, code, message) => {
    logger.warn(`workspace: refused ${req.method} ${JSON.stringify((req.url ?? "").slice(0, 200))}: ${status} ${code}`);
    sendJsonError(res, status, code, message);
  };
  const fail = (req: IncomingMessage, res: ServerResponse, e: unknown) => {
    if (!(e instanceof WorkspaceError)) throw e;
    if (e.status !== 412) return refuse(req, res, e.status, e.code, e.message);
    // The file's current ETag goes with the refusal, so the editor can offer to act on that version.
    const current = (e as WorkspaceError & { current?: string }).current;
    logger.warn(`workspace: refused ${req.method} ${JSON.stringify((req.url ?? "").slice(0, 200))}: 412 ${e.code}`);
    sendJson(res, 412, { error: { code: e.code, message: e.message }, etag: current ?? null });
  };
  const { broadcast, movedTo, events, close } = changeStream(
    store.root,
    options.maxStreams ?? 64,
    options.settleMs ?? 40,
    refuse,
  );

  const list = async (_req: IncomingMessage, res: ServerResponse) => {
    sendJson(res, 200, {
      pipelines: await store.list("pipelines"),
      components: await store.list("components"),
      wildcards: await store.list("wildcards"),
    });
  };

  const file = async (req: IncomingMessage, res: ServerResponse, path: string, body: Omit<BodyRules, "maxBytes">) => {
    try {
      const { kind, name } = parseFilePath(path.slice(WORKSPACE_PATH.length + 1));
      if (req.method === "PUT") return await put(req, res, kind, name, body);
      if (req.method === "DELETE") return await remove(req, res, kind, name);
      if (req.method === "POST") return await renameFile(req, res, kind, name, body);
      const { bytes, etag } = await store.read(kind, name, maxBytes);
      if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, {
        "content-type": kind === "wildcards" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
        "content-length": String(bytes.length),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        etag,
      });
      res.end(req.method === "HEAD" ? undefined : bytes);
    } catch (e) {
      fail(req, res, e);
    }
  };

  const put: FileWrite = async (req, res, kind, name, body) => {
    const gate = { denied: tokenProblem(req, remote, options.token), refuse, logger };
    const bytes = await writeBody(
      req,
      res,
      gate,
      { ...body, maxBytes },
      `PUT ${JSON.stringify(`${kind}/${name}`)}`,
      "file",
    );
    if (!bytes) return;
    const problem = kind === "wildcards" ? listProblem(bytes) : contentProblem(kind, name, bytes);
    if (problem) return refuse(req, res, problem.status, problem.code, problem.message);
    try {
      const etag = await store.write(kind, name, bytes, {
        ifMatch: header(req, "if-match"),
        ifNoneMatch: header(req, "if-none-match"),
      });
      void broadcast(kind, name);
      sendJson(res, 200, { kind, name, etag }, { etag });
    } catch (e) {
      fail(req, res, e);
    }
  };

  const { remove, renameFile } = fileMoves({
    store,
    maxBytes,
    logger,
    refuse,
    broadcast,
    movedTo,
    writable: (req) => tokenProblem(req, remote, options.token),
  });

  return {
    dir: store.root,
    register(router, body) {
      router.add(["GET", "HEAD"], WORKSPACE_PATH, list);
      router.add("GET", `${WORKSPACE_PATH}/events`, events);
      router.add(["GET", "HEAD", "PUT", "POST", "DELETE"], `${WORKSPACE_PATH}/*`, (req, res, ctx) =>
        file(req, res, ctx.path, body),
      );
    },
    setRemote(value) {
      remote = value;
    },
    close,
  };
}

interface MoveDeps {
  store: WorkspaceStore;
  maxBytes: number;
  logger: Logger;
  refuse: Refuse;
  broadcast: (kind: Kind, name: string) => Promise<void>;
  movedTo: (kind: Kind, from: string, to: string | undefined) => void;
  /** Why this request may not write (the token), or undefined. */
  writable: (req: IncomingMessage) => string | undefined;
}

/** A write of one workspace file: PUT its content, or POST `{ renameTo }`. */
type FileWrite = (
  req: IncomingMessage,
  res: ServerResponse,
  kind: Kind,
  name: string,
  body: Omit<BodyRules, "maxBytes">,
) => Promise<void>;

/**
 * A write's body, or undefined once a refusal has been sent and logged: no token where one is
 * needed (`denied` says why), or a body too big, too slow or aborted.
 */
async function writeBody(
  req: IncomingMessage,
  res: ServerResponse,
  gate: { denied: string | undefined; refuse: Refuse; logger: { warn(message: string): void } },
  rules: BodyRules,
  what: string,
  noun: Parameters<typeof answerBodyError>[2],
): Promise<Buffer | undefined> {
  const { denied, refuse, logger } = gate;
  if (denied) {
    refuse(req, res, 401, "token_required", denied);
    return undefined;
  }
  try {
    return await readBody(req, res, rules);
  } catch (e) {
    logger.warn(`workspace: refused ${what}: body ${(e as Error).message}`);
    answerBodyError(res, e, noun);
    return undefined;
  }
}

/** DELETE and rename (POST `{ renameTo }`) of one workspace file. */
function fileMoves({ store, maxBytes, logger, refuse, broadcast, movedTo, writable }: MoveDeps) {
  const remove = async (req: IncomingMessage, res: ServerResponse, kind: Kind, name: string) => {
    const denied = writable(req);
    if (denied) return refuse(req, res, 401, "token_required", denied);
    if (kind === "components" && !/[?&]force=1(&|$)/.test(req.url ?? "")) {
      const users = await pipelinesUsing(store, name, maxBytes);
      if (users.length) {
        logger.warn(`workspace: refused DELETE ${JSON.stringify(`${kind}/${name}`)}: 409 in_use`);
        const message = `${users.map((u) => `pipelines/${u}`).join(", ")} still ${users.length > 1 ? "use" : "uses"} components/${name}; they keep their own copies. Send force=1 to delete it anyway.`;
        return sendJson(res, 409, { error: { code: "in_use", message }, usedBy: users });
      }
    }
    await store.remove(kind, name, { ifMatch: header(req, "if-match") });
    void broadcast(kind, name);
    logger.info(`workspace: deleted ${kind}/${name}`);
    sendJson(res, 200, { kind, name, deleted: true });
  };

  const renameFile: FileWrite = async (req, res, kind, name, body) => {
    const gate = { denied: writable(req), refuse, logger };
    const what = `POST ${JSON.stringify(`${kind}/${name}`)}`;
    const bytes = await writeBody(req, res, gate, { ...body, maxBytes: 4096 }, what, "rename");
    if (!bytes) return;
    const json = parseJsonSafely(bytes);
    const to = json.ok ? (json.value as { renameTo?: unknown } | null)?.renameTo : undefined;
    if (typeof to !== "string")
      return refuse(req, res, 400, "bad_request", 'Send JSON { "renameTo": "<new name>" } to rename a file.');
    if (kind === "components")
      return refuse(
        req,
        res,
        422,
        "cannot_rename",
        "A component file is named by its id and version: publish it under a new id instead.",
      );
    const problem = nameProblem(kind, to);
    if (problem) return refuse(req, res, 400, "bad_name", problem);
    movedTo(kind, name, to);
    let etag: string;
    try {
      const change = kind === "pipelines" ? (b: Buffer) => withPipelineName(b, to.replace(/\.json$/, "")) : undefined;
      etag = await store.rename(kind, name, to, { ifMatch: header(req, "if-match") }, change);
    } catch (e) {
      movedTo(kind, name, undefined);
      throw e;
    }
    void broadcast(kind, name).then(() => broadcast(kind, to));
    logger.info(`workspace: renamed ${kind}/${name} to ${to}`);
    sendJson(res, 200, { kind, name: to, from: name, etag }, { etag });
  };

  return { remove, renameFile };
}

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return typeof v === "string" ? v : undefined;
};

/** Beyond loopback a write needs the token, as a header (never a cookie a page could ride on). */
function tokenProblem(req: IncomingMessage, remote: boolean, token: string | undefined): string | undefined {
  if (!remote) return undefined;
  if (!token) return "Writes are off: this server listens beyond this machine and LORA_GRAPH_TOKEN is not set.";
  const sent = header(req, TOKEN_HEADER);
  const digest = (s: string) => createHash("sha256").update(s).digest();
  if (sent !== undefined && timingSafeEqual(digest(sent), digest(token))) return undefined;
  return `Writes need the workspace token in the ${TOKEN_HEADER} header.`;
}

/** Larger than any list a person keeps; a batch reads every list it uses whole. */
export const MAX_LIST_BYTES = 1024 * 1024;

/** A wildcard list is UTF-8 text, one option a line: no NUL or other control characters but tabs. */
function listProblem(bytes: Uint8Array): { status: number; code: string; message: string } | undefined {
  if (bytes.length > MAX_LIST_BYTES)
    return { status: 413, code: "too_large", message: `A wildcard list is at most ${MAX_LIST_BYTES} bytes.` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { status: 400, code: "not_text", message: "A wildcard list must be UTF-8 text." };
  }
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (bad) {
    const line = text.slice(0, bad.index).split("\n").length;
    return {
      status: 422,
      code: "not_text",
      message: `Line ${line} holds a control character (U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}).`,
    };
  }
  return undefined;
}

/** The body must be what the folder holds: a pipeline, or a component file under its own name. */
function contentProblem(
  kind: Exclude<Kind, "wildcards">,
  name: string,
  bytes: Uint8Array,
): { status: number; code: string; message: string } | undefined {
  const json = parseJsonSafely(bytes);
  if (!json.ok) return { status: 400, code: "not_json", message: `Not JSON: ${json.errors[0].message}` };
  if (kind === "pipelines") {
    const r = loadWorkflow(json.value, NO_TYPES);
    if (!r.ok) return { status: 422, code: "not_a_pipeline", message: r.errors[0].message };
    return undefined;
  }
  const r = loadComponentFile(bytes);
  if (!r.ok) return { status: 422, code: "not_a_component", message: r.errors[0].message };
  const expected = componentFileName(r.file.definition);
  if (name !== expected)
    return { status: 422, code: "wrong_name", message: `This component is saved as ${expected}, not ${name}.` };
  return undefined;
}

/**
 * The workspace pipelines whose nodes (or embedded components) are instances of the version in
 * component file `name`. The type string is searched as text: every copy of the instance is one,
 * and a pipeline over the cap or unreadable is not opened.
 */
async function pipelinesUsing(store: WorkspaceStore, name: string, maxBytes: number): Promise<string[]> {
  let type: string;
  try {
    const r = loadComponentFile((await store.read("components", name, maxBytes)).bytes);
    if (!r.ok) return [];
    type = JSON.stringify(instanceType(r.file.definition.id, r.file.definition.version));
  } catch {
    return [];
  }
  const users: string[] = [];
  for (const f of await store.list("pipelines")) {
    const got = await store.read("pipelines", f.name, maxBytes).catch(() => null);
    if (got?.bytes.includes(type)) users.push(f.name);
  }
  return users;
}

/**
 * A pipeline's bytes with `meta.name` set to its new file name (one name: a workspace pipeline
 * is called what its file is); bytes that are not a JSON object are moved as they are.
 */
function withPipelineName(bytes: Buffer, name: string): Uint8Array {
  const json = parseJsonSafely(bytes);
  if (!json.ok || typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) return bytes;
  const value = json.value as { meta?: Record<string, unknown> };
  return Buffer.from(`${JSON.stringify({ ...value, meta: { ...(value.meta ?? {}), name } }, null, 2)}\n`);
}
