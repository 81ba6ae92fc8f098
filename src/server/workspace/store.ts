/**
 * The workspace folder on disk (docs/components.md#the-workspace-api): names checked before any
 * path is built, reads and writes that cannot leave the folder (symlinks included), atomic
 * writes with an ETag check serialised per file.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";

export const KINDS = ["pipelines", "components", "wildcards"] as const;
export type Kind = (typeof KINDS)[number];

/**
 * The file names each folder accepts: JSON documents named with the character set (no
 * leading dot), and plain-text wildcard lists named as `__name__` writes them (no spaces).
 */
const NAMES: Record<Kind, { re: RegExp; rule: string }> = {
  pipelines: {
    re: /^[A-Za-z0-9_ -][A-Za-z0-9._ -]{0,194}\.json$/,
    rule: 'letters, digits, ".", "_", " " and "-", ending in .json',
  },
  components: {
    re: /^[A-Za-z0-9_ -][A-Za-z0-9._ -]{0,194}\.json$/,
    rule: 'letters, digits, ".", "_", " " and "-", ending in .json',
  },
  wildcards: {
    re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,194}\.txt$/,
    rule: 'a letter or digit, then letters, digits, ".", "_" and "-", ending in .txt',
  },
};
export const isFileName = (kind: Kind, name: string): boolean => NAMES[kind].re.test(name);

export class WorkspaceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The kind and file name in a request path below `/api/workspace/`, as sent (still
 * percent-encoded). Refuses anything but `kind/name.json`: traversal in any spelling (`..`,
 * `%2e%2e`, `%2f`, `\`, `%5c`, double encoding) fails the name check after one decoding.
 */
export function parseFilePath(rest: string): { kind: Kind; name: string } {
  const slash = rest.indexOf("/");
  const kind = slash < 0 ? rest : rest.slice(0, slash);
  if (!(KINDS as readonly string[]).includes(kind))
    throw new WorkspaceError(404, "not_found", `No workspace folder ${JSON.stringify(kind.slice(0, 40))}.`);
  const raw = slash < 0 ? "" : rest.slice(slash + 1);
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new WorkspaceError(400, "bad_name", "The file name is not valid percent-encoding.");
  }
  if (!isFileName(kind as Kind, name))
    throw new WorkspaceError(
      400,
      "bad_name",
      `${JSON.stringify(name.slice(0, 60))} is not a file name for ${kind}/: use ${NAMES[kind as Kind].rule}`,
    );
  return { kind: kind as Kind, name };
}

/** A strong ETag of the file's bytes. */
export const etagOf = (bytes: Uint8Array) => `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`;

export interface FileInfo {
  name: string;
  etag: string;
  size: number;
  modified: string;
}

export class WorkspaceStore {
  #root = "";
  /** Writes per file, one after another, so an ETag check and its rename cannot interleave. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  /** Creates the folders; resolves the root once, so later checks compare real paths. */
  async open(): Promise<void> {
    for (const kind of KINDS) await mkdir(join(this.dir, kind), { recursive: true });
    this.#root = await realpath(this.dir);
  }

  get root(): string {
    return this.#root;
  }

  /** The real path of `kind/name`, refused when it (or its folder) is a symlink leading outside. */
  async #inside(kind: Kind, name: string): Promise<string> {
    const folder = await realpath(join(this.#root, kind));
    if (!folder.startsWith(this.#root + sep)) throw escape(`${kind}/`);
    const path = join(folder, name);
    try {
      const st = await lstat(path);
      if (st.isSymbolicLink()) {
        const target = await realpath(path);
        if (!target.startsWith(this.#root + sep)) throw escape(`${kind}/${name}`);
        return target;
      }
      if (!st.isFile()) throw new WorkspaceError(400, "not_a_file", `${kind}/${name} is not a file.`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return path;
      throw e;
    }
    return path;
  }

  async list(kind: Kind): Promise<FileInfo[]> {
    const names = (await readdir(join(this.#root, kind))).filter((n) => isFileName(kind, n)).sort();
    const out: FileInfo[] = [];
    for (const name of names) {
      try {
        const path = await this.#inside(kind, name);
        const [bytes, st] = [await readFile(path), await stat(path)];
        out.push({ name, etag: etagOf(bytes), size: st.size, modified: st.mtime.toISOString() });
      } catch {
        // A file that escapes, vanished or cannot be read is simply not listed.
      }
    }
    return out;
  }

  /** The file's bytes and ETag; 404 when it does not exist; refuses files over `maxBytes`. */
  async read(kind: Kind, name: string, maxBytes: number): Promise<{ bytes: Buffer; etag: string }> {
    const path = await this.#inside(kind, name);
    let st;
    try {
      st = await stat(path);
    } catch {
      throw new WorkspaceError(404, "not_found", `There is no ${kind}/${name}.`);
    }
    if (st.size > maxBytes)
      throw new WorkspaceError(413, "too_large", `${kind}/${name} is over the ${maxBytes}-byte limit.`);
    const bytes = await readFile(path);
    return { bytes, etag: etagOf(bytes) };
  }

  /**
   * Writes atomically (a temporary file in the same folder, renamed over the target). With
   * `ifMatch`, the file must still have that ETag; with `ifMatch: "*"` it must exist; with
   * `ifNoneMatch: "*"` it must not (412 otherwise). Returns the new ETag.
   */
  write(kind: Kind, name: string, bytes: Uint8Array, pre: { ifMatch?: string; ifNoneMatch?: string }): Promise<string> {
    const key = `${kind}/${name}`;
    const run = (this.#queues.get(key) ?? Promise.resolve())
      .catch(() => {})
      .then(() => this.#write(kind, name, bytes, pre));
    this.#queues.set(key, run);
    void run
      .finally(() => {
        if (this.#queues.get(key) === run) this.#queues.delete(key);
      })
      .catch(() => {});
    return run;
  }

  async #write(kind: Kind, name: string, bytes: Uint8Array, pre: { ifMatch?: string; ifNoneMatch?: string }) {
    const path = await this.#inside(kind, name);
    let current: string | undefined;
    try {
      current = etagOf(await readFile(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    const mismatch =
      (pre.ifNoneMatch === "*" && current !== undefined) ||
      (pre.ifMatch !== undefined && (current === undefined || (pre.ifMatch !== "*" && !matches(pre.ifMatch, current))));
    if (mismatch)
      throw Object.assign(
        new WorkspaceError(412, "changed_on_disk", `${kind}/${name} changed on disk since it was opened.`),
        { current },
      );
    const tmp = join(path, "..", `.${name}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(tmp, bytes, { flag: "wx" });
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return etagOf(bytes);
  }
}

const escape = (what: string) => new WorkspaceError(403, "outside_workspace", `${what} leads outside the workspace.`);

/** If-Match may list several tags, and may mark them weak (W/); ours are strong. */
function matches(header: string, etag: string): boolean {
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
