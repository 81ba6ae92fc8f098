// The CLI run against in-memory files, with what it prints captured: the tests' one way in.
import { run, type CliIO } from "../../src/cli/main";
import { InputError, nodeIO } from "../../src/cli/io";

export interface MemoryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `files` are readable by name and "-" reads `stdin`. A `tty` redraws progress lines. */
export async function memoryCli(
  argv: string[],
  files: Record<string, string | Uint8Array> = {},
  options: { stdin?: string; tty?: boolean } = {},
): Promise<MemoryRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    async read(path) {
      const content = path === "-" ? options.stdin : files[path];
      if (content === undefined) throw new InputError(`cannot read ${path}: no such file`);
      return typeof content === "string" ? new TextEncoder().encode(content) : content;
    },
    ...(options.tty ? { redrawLine: (s: string) => void (stderr += s) } : {}),
  };
  const code = await run(argv, { io });
  return { code, stdout, stderr };
}

/** Runs the CLI on real files (a workspace folder, the files an editor saved), with what it prints captured. */
export async function diskCli(argv: string[], env: Record<string, string> = {}): Promise<MemoryRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), read: nodeIO.read };
  const code = await run(argv, { io, env });
  return { code, stdout, stderr };
}
