/**
 * The CLI's only contact with the process: injected, so commands run in-process in tests.
 */
import { open } from "node:fs/promises";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The bytes of a file, or of stdin for "-"; rejects with an {@link InputError} saying why not. */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
}

/** A problem with what the user gave us (usage, unreadable file): exit code 2, one clear line. */
export class InputError extends Error {}

function displayName(path: string): string {
  return path === "-" ? "standard input" : path;
}

async function readStdin(maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw new InputError(`standard input is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function readFileCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new InputError(`cannot read ${path}: it is a directory`);
    // Checked before reading a byte, so a huge file costs nothing.
    if (stat.size > maxBytes)
      throw new InputError(`cannot read ${path}: ${stat.size} bytes is over the ${maxBytes}-byte limit`);
    return new Uint8Array(await handle.readFile());
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
  read: (path, maxBytes) => (path === "-" ? readStdin(maxBytes) : readFileCapped(path, maxBytes)),
};
