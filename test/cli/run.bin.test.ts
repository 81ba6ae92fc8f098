/**
 * The real executable's Ctrl-C: SIGINT while a request is queued cancels it at fal, then exits 130.
 * One spawn (tsx start-up costs about half a second); the rest of run is tested in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type StartedServer } from "../harness/server";
import { QUEEN, runAndStop } from "./helpers";

let srv: StartedServer;
beforeAll(async () => {
  srv = await startServer({ standinOptions: { latencyMs: 30, queueDelayMs: 10 } });
});
afterAll(() => srv.close());

describe("lora-graph run, spawned", () => {
  it("Ctrl-C cancels the queued request and exits 130", async () => {
    srv.standin!.faults.add({ op: "submit", kind: "stuck" });
    const out = await mkdtemp(join(tmpdir(), "lora-graph-run-bin-"));
    try {
      const { code, stdout, stderr } = await runAndStop(
        ["run", QUEEN, "--proxy", srv.proxyUrl, "--out", out],
        { stream: "stderr", when: (text) => text.includes("in queue, position"), signal: "SIGINT" },
        { ...process.env, FAL_KEY: "" },
      );
      expect(code, stderr).toBe(130);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^warning interrupted node sampler \(sampler\): interrupted: request \S+ cancelled$/m);
      expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(srv.standin!.stats().calls).toMatchObject({ submit: 1, cancel: 1 });
      expect(await readdir(out)).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
