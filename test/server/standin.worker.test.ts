// The stand-in's worker thread must never keep a process alive (docs/server.md#the-stand-ins-event-loop):
// `npm run bench` hung after its `run` section because the worker's port was re-referenced when
// its message listener was added after unref(). Only a separate process can show "exits by itself".
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const workers = fileURLToPath(new URL("../../src/server/standin/workers.ts", import.meta.url));

// A 1024² render is over the inline limit, so it goes to the worker thread.
const SCRIPT = `(async () => {
const { createWork } = await import(${JSON.stringify(workers)});
const image = await createWork().render({ endpoint: "fal-ai/lora", modelName: "m", steps: 1, seed: 1,
  numImages: 1, format: "png", promptHash: 1, width: 1024, height: 1024 }, 0);
console.log("rendered", image.bytes.byteLength > 0);
})();
`;

describe("the stand-in's worker thread", () => {
  it("lets the process exit once its work is done", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", SCRIPT], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    // The bound only turns a hang into a failure; a healthy child exits in a few seconds.
    const killer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on("exit", (c, s) => resolve([c, s])),
    );
    clearTimeout(killer);
    expect(out).toContain("rendered true");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 60_000);
});
