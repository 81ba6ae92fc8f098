// The real `lora-graph` executable, for the few tests that need a process of its own (signals).
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
export const QUEEN = fileURLToPath(new URL("../../src/examples/medieval-queen.json", import.meta.url));

/** When to stop the process: `signal`, as soon as `when` holds for all it has written to `stream`. */
export interface Stop {
  stream: "stdout" | "stderr";
  when(text: string): boolean;
  signal: NodeJS.Signals;
}

/**
 * Runs `lora-graph args…` (in the temp dir) and stops it as a user's Ctrl-C or kill would.
 * Resolves once it has exited, with its exit code and everything it wrote.
 */
export async function runAndStop(args: string[], stop: Stop, env?: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: tmpdir(),
    ...(env ? { env } : {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const seen = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"] as const)
    child[stream].on("data", (d) => {
      seen[stream] += d;
      if (stream === stop.stream && stop.when(seen[stream]) && !child.killed) child.kill(stop.signal);
    });
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { code, ...seen };
}
