// Runs `src/server/main.ts` as `npm start` does (minus the build) in a child process.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hangGuard } from "./slowdown";

const children: ChildProcess[] = [];

/** Stops every process started by `startMain` (call it in afterEach). */
export function stopMains(): void {
  for (const c of children.splice(0)) c.kill("SIGTERM");
}

export interface MainRun {
  /** Set once the server says where it listens. */
  url?: string;
  /** Set when the process exited before listening. */
  code?: number | null;
  /** Everything printed so far, on stdout and stderr. */
  output(): string;
}

/**
 * Starts the server with `env` over a clean base (no key, stand-in not forced, a free port) and
 * resolves when it listens, or when it exits first (then `code` is set instead of `url`).
 */
export function startMain(env: Record<string, string>): Promise<MainRun> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: {
      ...process.env,
      FAL_KEY: "",
      FAL_STANDIN: "",
      PORT: "0",
      STANDIN_LATENCY_MS: "20",
      STANDIN_QUEUE_MS: "0",
      // Not ./workspace: a test run must leave the checkout as it found it.
      LORA_GRAPH_WORKSPACE: mkdtempSync(join(tmpdir(), "lora-graph-main-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const output = () => out;
  return new Promise((resolve, reject) => {
    // ~1 s alone (tsx compiles the server as it loads).
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), hangGuard(2000));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /proxy at (http:\/\/[^\s)]+)\/api\/fal\/proxy/.exec(out);
      if (m && /backend = /.test(out)) {
        clearTimeout(timer);
        resolve({ url: m[1], output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
