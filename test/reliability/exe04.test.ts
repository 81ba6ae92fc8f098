// EXE-04 (node side): an outage while a job is followed over the status stream. The stand-in's
// offline fault (the 30 s of the spec, scaled down) cuts open streams like a real network loss;
// the runner falls back to polling, retries through the outage, and gets exactly one result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunner, type QueueUpdate } from "../../src/fal/runner.ts";
import { startServer, type StartedServer } from "../harness/server.ts";

const OFFLINE_MS = Number(process.env.RELIABILITY_OFFLINE_MS ?? 400);
const INPUT = {
  model_name: "stabilityai/stable-diffusion-xl-base-1.0",
  prompt: "a lighthouse",
  num_inference_steps: 3,
};
let srv: StartedServer;

beforeAll(async () => {
  srv = await startServer({ standinOptions: { latencyMs: 300 + OFFLINE_MS, queueDelayMs: 20, keepaliveMs: 60_000 } });
});
afterAll(() => srv.close());

describe("EXE-04 offline while following a run", () => {
  it("EXE-04 an outage cuts the status stream; polling resumes after it, with one submit and one result", async () => {
    const runner = createRunner({
      proxyUrl: srv.proxyUrl,
      mode: "streaming",
      pollIntervalMs: 20,
      retry: { baseDelayMs: 20, maxDelayMs: 100, budgetMs: OFFLINE_MS + 5000 },
    });
    srv.standin!.resetStats();
    const id = await runner.submit("fal-ai/lora", INPUT);
    const updates: QueueUpdate[] = [];
    const following = runner.follow<{ images: unknown[] }>("fal-ai/lora", id, { onUpdate: (u) => updates.push(u) });
    // Wait until the stream is open and has said something, then take the network away.
    while (updates.length === 0) await new Promise((r) => setTimeout(r, 10));
    const cutAt = Date.now();
    srv.standin!.faults.add({ kind: "offline", ms: OFFLINE_MS });
    const res = await following;
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(OFFLINE_MS - 50);
    expect(res.requestId).toBe(id);
    expect(res.data.images).toHaveLength(1);
    const calls = srv.standin!.stats().calls;
    expect(calls.submit).toBe(1);
    expect(calls.result).toBe(1);
    expect(calls.stream).toBe(1);
    // The outage was bridged by polling, not by the (cut) stream.
    expect(calls.status).toBeGreaterThanOrEqual(1);
    expect(srv.logs.some((l) => /stream broke/.test(l))).toBe(true);
  });
});
