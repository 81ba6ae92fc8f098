/**
 * The CLI's side of reading a LoRA header: from disk or standard input, or over https through
 * the shared reader of src/interop/safetensors (the server uses the same one).
 */
import {
  DEFAULT_MAX_HEADER_BYTES,
  readHeader,
  readRemoteHeader as readRemote,
  RemoteHeaderError,
  type HeaderSource,
} from "../interop/safetensors";
import { InputError, type CliIO } from "./io";

const TIMEOUT_MS = 30_000;

export type { HeaderSource };

export const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** A local file or standard input ("-"). */
export function readLocalHeader(
  io: CliIO,
  path: string,
  maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES,
): Promise<HeaderSource> {
  if (!io.readPrefix) throw new InputError("this build of the CLI cannot read part of a file");
  return readHeader((n) => io.readPrefix!(path, n), path, maxHeaderBytes);
}

export async function readRemoteHeader(
  fetchImpl: typeof fetch,
  url: string,
  signal: AbortSignal,
  maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES,
): Promise<HeaderSource> {
  try {
    return await readRemote(fetchImpl, url, {
      signal: () => AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
      timeoutMs: TIMEOUT_MS,
      maxHeaderBytes,
    });
  } catch (e) {
    if (e instanceof RemoteHeaderError) throw new InputError(e.message);
    throw e;
  }
}
