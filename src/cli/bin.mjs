#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so there is no build step to forget.
import { getEventListeners } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const fail = (err) => {
  // Never a stack trace: one line saying what went wrong.
  process.stderr.write(`lora-graph: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
};
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
// `lora-graph compile x | head` closes the pipe early; that is not an error.
process.stdout.on("error", (err) => {
  if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
});

try {
  const { register } = await import("tsx/esm/api");
  const tsconfig = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
  // An explicit tsconfig: run from another directory, tsx would otherwise look for one there.
  register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });
  const { run } = await import("./main.ts");
  // Ctrl-C: a command listening on its signal (run cancels its job) gets to stop cleanly and a
  // second Ctrl-C forces the exit; a command that is not listening just ends at once.
  const interrupt = new AbortController();
  process.once("SIGINT", () => {
    if (getEventListeners(interrupt.signal, "abort").length === 0) process.exit(130);
    interrupt.abort();
    process.once("SIGINT", () => process.exit(130));
  });
  // SIGTERM (kill): a batch stops sending and records what is running, for --resume; anything
  // else ends at once, as it would without a handler.
  const stop = new AbortController();
  process.once("SIGTERM", () => {
    if (getEventListeners(stop.signal, "abort").length === 0) process.exit(143);
    stop.abort();
    process.once("SIGTERM", () => process.exit(143));
  });
  process.exitCode = await run(process.argv.slice(2), { signal: interrupt.signal, stop: stop.signal });
} catch (err) {
  fail(err);
}
