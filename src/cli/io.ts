/**
 * The CLI's only contact with the process: injected, so commands run in-process in tests.
 */
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { formatBytes } from "../graph/safeJson";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The bytes of a file, or of stdin for "-"; rejects with an {@link InputError} saying why not. */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
  /**
   * Present only when stderr is an interactive terminal: replaces the line the cursor is on
   * (progress that redraws in place). Commands never write terminal control sequences themselves.
   */
  redrawLine?(text: string): void;
}

/** A problem with what the user gave us (usage, unreadable file): exit code 2, one clear line. */
export class InputError extends Error {}

function displayName(path: string): string {
  return path === "-" ? "standard input" : path;
}

function overLimit(path: string, maxBytes: number): InputError {
  return new InputError(`cannot read ${displayName(path)}: it is larger than the ${formatBytes(maxBytes)} limit`);
}

/**
 * Reads at most `maxBytes`, counting the bytes that actually arrive: a pipe, a FIFO, a device
 * such as /dev/zero or a file still being written all report a size of 0 (or a stale one), so
 * the size a stat gives is no cap. Stops reading (and closes the source) as soon as the cap is
 * passed, so an endless producer costs at most the cap plus one chunk.
 */
async function readCapped(source: Readable, path: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > maxBytes) throw overLimit(path, maxBytes);
      chunks.push(buf);
    }
  } finally {
    source.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

async function readFileCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new InputError(`cannot read ${path}: it is a directory`);
    // A regular file that is too large is refused before a byte is read; every other kind of
    // input is capped while it is read.
    if (stat.isFile() && stat.size > maxBytes)
      throw new InputError(
        `cannot read ${path}: ${formatBytes(stat.size)} is larger than the ${formatBytes(maxBytes)} limit`,
      );
    return await readCapped(handle.createReadStream({ autoClose: false }), path, maxBytes);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : code === "EISDIR"
            ? "it is a directory"
            : (err as Error).message;
    throw new InputError(`cannot read ${displayName(path)}: ${why}`);
  } finally {
    await handle?.close();
  }
}

export const nodeIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  read: (path, maxBytes) => (path === "-" ? readCapped(process.stdin, path, maxBytes) : readFileCapped(path, maxBytes)),
  ...(process.stderr.isTTY ? { redrawLine: (text: string) => void process.stderr.write(`\r\x1b[K${text}`) } : {}),
};
