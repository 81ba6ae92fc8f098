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
  /**
   * The first `bytes` bytes of a file (or of stdin for "-") and, when known, its whole size: for
   * files of which only the start matters, such as a LoRA's header.
   */
  readPrefix?(path: string, bytes: number): Promise<{ bytes: Uint8Array; size?: number }>;
}

/**
 * A problem with what the user gave us (usage, unreadable file): exit code 2, one clear line,
 * then any `more` lines (each escaped on its own, so none can forge another).
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly more: readonly string[] = [],
  ) {
    super(message);
  }
}

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
    throw unreadable(path, err);
  } finally {
    await handle?.close();
  }
}

function unreadable(path: string, err: unknown): InputError {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "EISDIR"
          ? "it is a directory"
          : (err as Error).message;
  return new InputError(`cannot read ${displayName(path)}: ${why}`);
}

/** Up to `want` bytes from the start of a stream; its size too when it ends sooner. */
async function readStart(source: Readable, want: number): Promise<{ bytes: Uint8Array; size?: number }> {
  const out = new Uint8Array(want);
  let got = 0;
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      const take = Math.min(buf.length, want - got);
      out.set(buf.subarray(0, take), got);
      got += take;
      if (got >= want) return { bytes: out };
    }
  } finally {
    source.destroy();
  }
  return { bytes: out.subarray(0, got), size: got };
}

async function readFilePrefix(path: string, want: number): Promise<{ bytes: Uint8Array; size?: number }> {
  let handle;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new InputError(`cannot read ${path}: it is a directory`);
    if (!stat.isFile()) return await readStart(handle.createReadStream({ autoClose: false }), want);
    const buffer = new Uint8Array(Math.min(want, stat.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { bytes: buffer.subarray(0, bytesRead), size: stat.size };
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    await handle?.close();
  }
}

export const nodeIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  read: (path, maxBytes) => (path === "-" ? readCapped(process.stdin, path, maxBytes) : readFileCapped(path, maxBytes)),
  readPrefix: (path, bytes) => (path === "-" ? readStart(process.stdin, bytes) : readFilePrefix(path, bytes)),
  ...(process.stderr.isTTY ? { redrawLine: (text: string) => void process.stderr.write(`\r\x1b[K${text}`) } : {}),
};
