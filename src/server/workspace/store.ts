/**
 * The workspace folder on disk (docs/components.md#the-workspace-api): names checked before any
 * path is built, reads and writes that cannot leave the folder (symlinks included), atomic
 * writes with an ETag check serialised per file.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
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
/**
 * Names Windows keeps for devices (CON, NUL, COM1…): a folder shared through git must open
 * there too, and `NUL.json` is no file on Windows whatever its extension.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
export const isFileName = (kind: Kind, name: string): boolean => NAMES[kind].re.test(name) && !RESERVED.test(name);

/** Why `name` cannot name a file in `kind/`, in words; undefined when it can. */
export function nameProblem(kind: Kind, name: string): string | undefined {
  if (RESERVED.test(name)) return `${JSON.stringify(name.slice(0, 60))} is a device name on Windows: choose another`;
  if (!NAMES[kind].re.test(name))
    return `${JSON.stringify(name.slice(0, 60))} is not a file name for ${kind}/: use ${NAMES[kind].rule} (at most 200 characters)`;
  // Windows drops a stem's trailing dots and spaces: "a .json" and "a.json" would be one file.
  if (/[. ]\.[a-z]+$/.test(name))
    return `${JSON.stringify(name.slice(0, 60))} ends its name in a dot or space: remove it`;
  return undefined;
}

/** Names that one case-insensitive file system (macOS, Windows) would take for the same file. */
export const foldName = (name: string) => name.toLowerCase();

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
    throw new WorkspaceError(400, "bad_name", nameProblem(kind as Kind, name) ?? `${kind}/ has no such file name.`);
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
    return this.#queued([`${kind}/${name}`], () => this.#write(kind, name, bytes, pre));
  }

  /** Runs `task` after every earlier task on any of `keys` (one file, or both names of a rename). */
  #queued<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const before = keys.map((k) => (this.#queues.get(k) ?? Promise.resolve()).catch(() => {}));
    const run = Promise.all(before).then(task);
    for (const key of keys) {
      this.#queues.set(key, run);
      void run
        .finally(() => {
          if (this.#queues.get(key) === run) this.#queues.delete(key);
        })
        .catch(() => {});
    }
    return run;
  }

  /** The file's current ETag, or undefined when there is none. */
  async #etag(path: string): Promise<string | undefined> {
    try {
      return etagOf(await readFile(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** 412 unless the file still has the ETag the caller read it at (any, without `ifMatch`). */
  #precondition(kind: Kind, name: string, current: string | undefined, ifMatch: string | undefined) {
    if (current === undefined) throw new WorkspaceError(404, "not_found", `There is no ${kind}/${name}.`);
    if (ifMatch !== undefined && ifMatch !== "*" && !matches(ifMatch, current))
      throw Object.assign(
        new WorkspaceError(412, "changed_on_disk", `${kind}/${name} changed on disk since it was opened.`),
        { current },
      );
  }

  /** A file about to be made must have a name every system takes, and no twin by case. */
  async #newName(kind: Kind, name: string, except?: string) {
    const problem = nameProblem(kind, name);
    if (problem) throw new WorkspaceError(400, "bad_name", problem);
    const taken = (await readdir(join(this.#root, kind))).find((n) => n !== except && foldName(n) === foldName(name));
    if (taken)
      throw new WorkspaceError(
        409,
        "name_taken",
        taken === name
          ? `${kind}/${name} already exists: choose another name, or delete that file first.`
          : `${kind}/${taken} already exists, and differs from ${name} only in case (one file on macOS and Windows): choose another name.`,
      );
  }

  /**
   * Removes the file (a symlink inside the workspace is removed itself, never what it leads
   * to). With `ifMatch`, only the version the caller read. Returns the bytes removed.
   */
  remove(kind: Kind, name: string, pre: { ifMatch?: string }): Promise<Buffer> {
    return this.#queued([`${kind}/${name}`], async () => {
      const path = await this.#inside(kind, name);
      const bytes = await readFile(path).catch(() => undefined);
      this.#precondition(kind, name, bytes && etagOf(bytes), pre.ifMatch);
      await unlink(join(this.#root, kind, name));
      return bytes!;
    });
  }

  /**
   * Renames `from` to `to` in one folder, the bytes passed through `change` (a pipeline's name
   * inside it follows), written to a temporary file first so the new name never holds half a
   * file. Refused when another file already has that name, also when it differs only in case
   * (one file on macOS and Windows, where the rename would replace it). Returns the new ETag.
   */
  rename(
    kind: Kind,
    from: string,
    to: string,
    pre: { ifMatch?: string },
    change: (bytes: Buffer) => Uint8Array = (b) => b,
  ): Promise<string> {
    return this.#queued([`${kind}/${from}`, `${kind}/${to}`], async () => {
      const source = join(this.#root, kind, from);
      const st = await lstat(source).catch(() => undefined);
      if (st?.isSymbolicLink())
        throw new WorkspaceError(400, "not_a_file", `${kind}/${from} is a link: rename it in the folder itself.`);
      const bytes = await readFile(await this.#inside(kind, from)).catch(() => undefined);
      this.#precondition(kind, from, bytes && etagOf(bytes), pre.ifMatch);
      await this.#newName(kind, to, from);
      const target = await this.#inside(kind, to);
      const next = change(bytes!);
      const tmp = join(this.#root, kind, `.${to}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await writeFile(tmp, next, { flag: "wx" });
        // A change of case alone: on macOS and Windows the target is the source itself.
        if (foldName(from) === foldName(to)) await unlink(source);
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      if (from !== to && foldName(from) !== foldName(to)) await unlink(source);
      return etagOf(next);
    });
  }

  async #write(kind: Kind, name: string, bytes: Uint8Array, pre: { ifMatch?: string; ifNoneMatch?: string }) {
    const path = await this.#inside(kind, name);
    const current = await this.#etag(path);
    if (current === undefined) await this.#newName(kind, name);
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
