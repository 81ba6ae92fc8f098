/**
 * The stand-in under hostile sizes: its job store is capped and sheds stuck jobs (EXE-06), and
 * no single request blocks its event loop for long or gets a size fal would refuse (EXE-07).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { JobStore, type Job } from "../../src/server/standin/jobs.ts";
import { encodePlaceholder } from "../../src/server/standin/image.ts";
import { startServer, type StartedServer } from "../harness/server.ts";
import { httpRequest, until } from "./helpers.ts";

const MODEL = "stabilityai/stable-diffusion-xl-base-1.0";
const QUEUE = "https://queue.fal.run/fal-ai/lora";
const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function boot(options: Parameters<typeof startServer>[0] = {}): Promise<StartedServer> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}

async function submit(s: StartedServer, input: Record<string, unknown>) {
  const res = await httpRequest(s.proxyUrl, {
    method: "POST",
    headers: { "x-fal-target-url": QUEUE, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: JSON.parse(res.body) as { request_id?: string; detail?: unknown } };
}

const get = async (s: StartedServer, target: string) =>
  (await httpRequest(s.proxyUrl, { headers: { "x-fal-target-url": target } })).status;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe("EXE-06 stand-in job store caps", () => {
  it("EXE-06 a job keeps no copy of its input: 30 jobs with 1 MB prompts leave the heap flat", async () => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0 } });
    s.standin!.faults.add({ op: "submit", kind: "stuck", times: 30 });
    const prompt = "p".repeat(1024 * 1024);
    await submit(s, { model_name: MODEL, prompt: "warm-up" }); // first worker start and JIT are not the point
    const before = heapAfterGc();
    for (let i = 0; i < 30; i++) expect((await submit(s, { model_name: MODEL, prompt: prompt + i })).status).toBe(200);
    const grown = heapAfterGc() - before;
    expect(s.standin!.stats().jobs.total).toBe(31);
    // 30 MB of prompts went in; what stays is a few hundred bytes per job.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(s.standin!.stats().jobs.bytes).toBeLessThan(31 * 2048);
  });

  it("EXE-06 past the count cap, fetched results go first, then other finished jobs; unfinished ones never", async () => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0, jobs: { maxJobs: 3 } } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await submit(s, { model_name: MODEL, prompt: `p${i}`, num_inference_steps: 1 })).body.request_id!);
    await until("all three completed", () => s.standin!.stats().jobs.completed === 3);
    expect(await get(s, `${QUEUE}/requests/${ids[1]}`)).toBe(200); // fetched
    const fourth = await submit(s, { model_name: MODEL, prompt: "p3", num_inference_steps: 1 });
    expect(fourth.status).toBe(200);
    await until("the fourth completed", () => s.standin!.stats().jobs.completed === 3);
    expect(await get(s, `${QUEUE}/requests/${ids[1]}/status`)).toBe(404);
    expect(await get(s, `${QUEUE}/requests/${ids[0]}/status`)).toBe(200);
    // Three unfinished jobs fill the store: a submit is refused rather than dropping one.
    s.standin!.faults.add({ op: "submit", kind: "stuck", times: 10 });
    for (let i = 0; i < 3; i++) expect((await submit(s, { model_name: MODEL, prompt: "stuck" })).status).toBe(200);
    const refused = await submit(s, { model_name: MODEL, prompt: "one too many" });
    expect(refused.status).toBe(503);
    expect(String(refused.body.detail)).toMatch(/too many unfinished jobs/);
    expect(s.standin!.stats().jobs).toMatchObject({ total: 3, queued: 3 });
  });

  it("EXE-06 the byte cap holds whatever the count: logs and results are counted", async () => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0, jobs: { maxBytes: 64 * 1024 } } });
    s.standin!.faults.add({ op: "submit", kind: "stuck", times: 1000 });
    let accepted = 0;
    for (;;) {
      const r = await submit(s, { model_name: MODEL, prompt: "stuck" });
      if (r.status !== 200) {
        expect(r.status).toBe(503);
        break;
      }
      accepted += 1;
      expect(accepted).toBeLessThan(1000);
    }
    expect(s.standin!.stats().jobs.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(accepted).toBeGreaterThan(50);
  });

  it("EXE-06 stuck jobs are pruned after stuckMs, and their open status streams end", async () => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0, jobs: { stuckMs: 300 } } });
    s.standin!.faults.add({ op: "submit", kind: "stuck" });
    const { body } = await submit(s, { model_name: MODEL, prompt: "forever" });
    const stream = await fetch(s.proxyUrl, {
      headers: { "x-fal-target-url": `${QUEUE}/requests/${body.request_id}/status/stream` },
    });
    const text = stream.text();
    // Waiting past stuckMs is a lower bound, not a window: a slow machine only waits longer.
    await new Promise((r) => setTimeout(r, 350));
    expect((await submit(s, { model_name: MODEL, prompt: "next", num_inference_steps: 1 })).status).toBe(200);
    expect(await get(s, `${QUEUE}/requests/${body.request_id}/status`)).toBe(404);
    expect(await text).toContain('"status":"IN_QUEUE"');
  });

  it("EXE-06 the store prunes by its own clock (unit)", () => {
    let t = 0;
    const store = new JobStore({ maxJobs: 10, maxBytes: 1 << 20, retentionMs: 1000, stuckMs: 500 }, () => t);
    const job = (id: string): Job =>
      ({ id, spec: { modelName: "m" }, state: "IN_QUEUE", createdAt: t, logs: [], listeners: new Set() }) as never;
    const stuck = job("stuck");
    let ended = false;
    stuck.listeners.add(() => (ended = stuck.gone));
    store.add(stuck);
    const done = job("done");
    store.add(done);
    t = 499;
    store.complete(done, { status: 200, json: "{}" });
    store.prune();
    expect(store.size).toBe(2);
    t = 501;
    store.prune();
    expect([store.get("stuck"), ended]).toEqual([undefined, true]);
    t = 1499;
    store.prune();
    expect(store.size).toBe(1);
    t = 1500;
    store.prune();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });
});

/** The longest event-loop block (ms) while `work` runs. */
async function longestBlock(work: () => Promise<void>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
  }
  return h.max / 1e6;
}

/**
 * The least of up to three runs' longest blocks, stopping at the first under `limit`. The delay
 * monitor also counts the time the OS gives the process no core, so on a busy machine one run can
 * show a block no code made (0.87 of the limit was seen at load ~15); a block the code makes,
 * such as a parse on this thread, is in every run and still fails (docs/reliability-cases.md#cases, EXE-07).
 */
async function leastBlock(limit: number, work: () => Promise<void>): Promise<number> {
  let least = Infinity;
  for (let run = 0; run < 3 && least >= limit; run++) least = Math.min(least, await longestBlock(work));
  return least;
}

describe("EXE-07 one request never blocks the stand-in for long", () => {
  it("EXE-07 8 images at 2048²: the loop is never blocked as long as encoding one image takes", async () => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0 } });
    // Baseline from this run: one 2048² placeholder encoded on this thread.
    const t0 = performance.now();
    encodePlaceholder({ width: 2048, height: 2048, seed: 1, promptHash: 0, index: 0, format: "png" });
    const oneImage = performance.now() - t0;
    await submit(s, {
      model_name: MODEL,
      prompt: "warm-up",
      num_inference_steps: 1,
      image_size: { width: 1024, height: 1024 },
    });
    let id = "";
    const block = await leastBlock(oneImage, async () => {
      const r = await submit(s, {
        model_name: MODEL,
        prompt: "big",
        num_images: 8,
        num_inference_steps: 1,
        image_size: { width: 2048, height: 2048 },
      });
      id = r.body.request_id!;
      await until("the job completed", async () => (await get(s, `${QUEUE}/requests/${id}/status`)) === 200, 60_000);
    });
    const result = await httpRequest(s.proxyUrl, { headers: { "x-fal-target-url": `${QUEUE}/requests/${id}` } });
    const images = (JSON.parse(result.body) as { images: { width: number; height: number }[] }).images;
    expect(images.map((i) => [i.width, i.height])).toEqual(Array(8).fill([2048, 2048]));
    console.log(
      `EXE-07: longest block ${block.toFixed(0)} ms while encoding 8 × 2048²; one image alone ${oneImage.toFixed(0)} ms`,
    );
    expect(block).toBeLessThan(oneImage);
  });

  it("EXE-07 a 7 MB body of 280,000 LoRAs: the loop is never blocked as long as parsing it takes", async () => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0 } });
    const loras = Array.from({ length: 280_000 }, (_, i) => ({ path: `u/l${i % 1000}`, scale: 0.5 }));
    const body = JSON.stringify({ model_name: MODEL, prompt: "many", num_inference_steps: 1, loras });
    const t0 = performance.now();
    JSON.parse(body);
    const parseAlone = performance.now() - t0;
    await submit(s, { model_name: MODEL, prompt: "warm-up", loras: loras.slice(0, 20_000) });
    let status = 0;
    const block = await leastBlock(parseAlone, async () => {
      const res = await httpRequest(s.proxyUrl, {
        method: "POST",
        headers: { "x-fal-target-url": QUEUE, "content-type": "application/json" },
        body,
      });
      status = res.status;
    });
    expect(status).toBe(200);
    console.log(
      `EXE-07: longest block ${block.toFixed(0)} ms for a ${(body.length / 1e6).toFixed(1)} MB body; JSON.parse alone ${parseAlone.toFixed(0)} ms`,
    );
    expect(block).toBeLessThan(parseAlone);
  });

  it.each([
    [{ image_size: { width: 14144, height: 512 } }, ["body", "image_size", "width"]],
    [{ image_size: { width: 1000, height: 1004 } }, ["body", "image_size", "height"]],
    [{ num_images: 9 }, ["body", "num_images"]],
    [{ num_inference_steps: 151 }, ["body", "num_inference_steps"]],
  ])("EXE-07 refuses sizes fal would refuse: %j → 422 at %j", async (extra, loc) => {
    const s = await boot({ standinOptions: { latencyMs: 5, queueDelayMs: 0 } });
    const r = await submit(s, { model_name: MODEL, prompt: "p", ...extra });
    expect(r.status).toBe(422);
    expect((r.body.detail as { loc: unknown[] }[]).map((d) => d.loc)).toContainEqual(loc);
    expect(s.standin!.stats().jobs.total).toBe(0);
  });
});
