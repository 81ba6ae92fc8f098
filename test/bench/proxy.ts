/**
 * Proxy throughput and latency: status polls through our proxy to the stand-in, against the same
 * stand-in served directly over HTTP (no allowlist, no header policy, no rate limiter, no
 * upstream deadline), both on loopback, loaded by autocannon in a child process so it does not
 * share our event loop. Both sides build the same stand-in Response (with an AbortSignal) and
 * read its body; the difference is the proxy's own per-request work. Our heap is sampled after
 * forced GCs throughout a separate long proxy run (60 s full, 10 s quick).
 *
 * Throughput is measured in short runs that alternate direct/proxy (ABBA order), and the budget
 * is judged on the median of the per-pair ratios: on this shared 2-core machine other engineers'
 * benches move req/s by 2× within a minute (one 10 s direct run gave 8,370 req/s, the next
 * 3,340), so two direct runs around one proxy run compared apples with oranges. Server CPU time
 * per request (process.cpuUsage over each run) is printed too, because it is much less disturbed
 * by other processes than req/s.
 */
import { spawn } from "node:child_process";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createApp } from "../../src/server/app.ts";
import type { AllowedTarget } from "../../src/server/allowlist.ts";
import type { Standin } from "../../src/server/standin/index.ts";
import { median, type BenchOptions, type BudgetCheck } from "./harness";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const CONNECTIONS = 10;
const FLAT_MB = 5;

interface Load {
  rps: number;
  /** Server process CPU per answered request (µs), user + system, during the run. */
  cpuUs: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Sequential keep-alive requests timed with a µs clock: autocannon reports whole milliseconds. */
async function sequential(url: string, target: string, n: number): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = request(url, { agent, headers: { "x-fal-target-url": target } }, (res) => {
        res.resume();
        res.on("end", () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
      });
      req.on("error", reject);
      req.end();
    });
  for (let i = 0; i < 200; i++) await once();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await once());
  agent.destroy();
  xs.sort((a, b) => a - b);
  return { p50: xs[Math.floor(n / 2)], p99: xs[Math.floor(n * 0.99)] };
}

const autocannonPath = () => createRequire(import.meta.url).resolve("autocannon");

function toLoad(r: AutocannonResult, cpuMicros: number): Load {
  const answered = Math.max(1, r.requests.total);
  return {
    rps: r.requests.total / r.duration,
    cpuUs: cpuMicros / answered,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

interface AutocannonResult {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** One autocannon run from a child process (it must not share our event loop). */
function autocannon(url: string, target: string, seconds: number): Promise<Load> {
  return alternate([url], target, seconds, 1).then((runs) => runs[0].load);
}

// The child: runs autocannon against each URL in turn, announcing each run before it starts so
// the parent can bracket the run with process.cpuUsage (the server is otherwise idle).
const DRIVER = `
const autocannon = require(process.argv[1]);
const { urls, target, seconds, rounds, connections } = JSON.parse(process.argv[2]);
(async () => {
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? urls.map((_, k) => k) : urls.map((_, k) => k).reverse();
    for (const k of order) {
      process.stdout.write(JSON.stringify({ start: k }) + "\\n");
      const r = await autocannon({ url: urls[k], connections, duration: seconds, headers: { "x-fal-target-url": target } });
      process.stdout.write(JSON.stringify({ done: k, r }) + "\\n");
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

/**
 * Load each URL for `seconds`, `rounds` times, alternating the order every round (ABBA), from one
 * child process so consecutive runs follow each other within milliseconds.
 */
function alternate(
  urls: string[],
  target: string,
  seconds: number,
  rounds: number,
): Promise<Array<{ url: number; load: Load }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-e", DRIVER, autocannonPath(), JSON.stringify({ urls, target, seconds, rounds, connections: CONNECTIONS })],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const runs: Array<{ url: number; load: Load }> = [];
    let c0 = process.cpuUsage();
    let buf = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      buf += text;
      for (let nl = buf.indexOf("\n"); nl !== -1; nl = buf.indexOf("\n")) {
        const msg = JSON.parse(buf.slice(0, nl)) as { start?: number; done?: number; r?: AutocannonResult };
        buf = buf.slice(nl + 1);
        if (msg.start !== undefined) c0 = process.cpuUsage();
        else if (msg.done !== undefined && msg.r) {
          const dc = process.cpuUsage(c0);
          runs.push({ url: msg.done, load: toLoad(msg.r, dc.user + dc.system) });
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(runs) : reject(new Error(`autocannon driver exited with ${code}`)),
    );
  });
}

/**
 * The stand-in with nothing in front of it but node:http: its status, headers and body are
 * written as they are, in one write with a content-length (the cheapest way to serve a small
 * Response; the proxy does the same for small bodies). No target parsing beyond the request id.
 */
function directServer(standin: Standin): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = String(req.headers["x-fal-target-url"] ?? "");
      const id = /\/requests\/([^/?]+)\/status/.exec(url)?.[1];
      const target: AllowedTarget = { ok: true, op: "status", url, method: "GET", requestId: id, logs: false };
      const r = await standin.fetch(url, {
        method: "GET",
        headers: {},
        signal: new AbortController().signal,
        redirect: "manual",
        target,
      });
      const headers: Record<string, string> = {};
      r.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const chunks: Uint8Array[] = [];
      let total = 0;
      const reader = r.body!.getReader();
      for (let c = await reader.read(); !c.done; c = await reader.read()) {
        chunks.push(c.value);
        total += c.value.byteLength;
      }
      headers["content-length"] = String(total);
      res.writeHead(r.status, headers);
      res.end(Buffer.concat(chunks, total));
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }),
    ),
  );
}

type Median = { rps: number; cpuUs: number; p50: number; p99: number };

/** Submits one job through the proxy that never ends, and returns the status URL every poll asks for. */
async function pollTarget(proxyUrl: string): Promise<string> {
  const sub = await fetch(proxyUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-fal-target-url": "https://queue.fal.run/fal-ai/lora" },
    body: JSON.stringify({ model_name: "stabilityai/stable-diffusion-xl-base-1.0", prompt: "bench" }),
  });
  const { request_id: id } = (await sub.json()) as { request_id: string };
  if (!id) throw new Error(`submit through the proxy failed: ${sub.status}`);
  const target = `https://queue.fal.run/fal-ai/lora/requests/${id}/status`;
  const probe = await fetch(proxyUrl, { headers: { "x-fal-target-url": target } });
  if (probe.status !== 202 && probe.status !== 200)
    throw new Error(`status poll through the proxy answered ${probe.status}`);
  return target;
}

/** Unloaded latency, one connection, alternating direct and proxy so drift hits both alike. */
async function unloadedLatency(urls: { direct: string; proxy: string }, target: string, n: number) {
  const sd = [await sequential(urls.direct, target, n)];
  const sp = [await sequential(urls.proxy, target, n)];
  sd.push(await sequential(urls.direct, target, n));
  sp.push(await sequential(urls.proxy, target, n));
  return {
    direct: { p50: median(sd.map((x) => x.p50)), p99: median(sd.map((x) => x.p99)) },
    proxy: { p50: median(sp.map((x) => x.p50)), p99: median(sp.map((x) => x.p99)) },
  };
}

/** Throughput: short runs alternating direct and proxy (ABBA), paired run by run. */
async function pairedThroughput(
  urls: { direct: string; proxy: string },
  target: string,
  seconds: number,
  rounds: number,
) {
  const runs = await alternate([urls.direct, urls.proxy], target, seconds, rounds);
  const pairs: Array<{ d: Load; p: Load }> = [];
  for (let i = 0; i < rounds; i++) {
    const [x, y] = runs.slice(2 * i, 2 * i + 2);
    pairs.push(x.url === 0 ? { d: x.load, p: y.load } : { d: y.load, p: x.load });
  }
  const of = (side: (x: { d: Load; p: Load }) => Load): Median => ({
    rps: median(pairs.map((x) => side(x).rps)),
    cpuUs: median(pairs.map((x) => side(x).cpuUs)),
    p50: median(pairs.map((x) => side(x).p50)),
    p99: median(pairs.map((x) => side(x).p99)),
  });
  return {
    pairs,
    ratio: median(pairs.map((x) => x.p.rps / x.d.rps)),
    d: of((x) => x.d),
    pm: { ...of((x) => x.p), errors: pairs.reduce((n, x) => n + x.p.errors, 0) },
  };
}

/** The long proxy run, with our heap sampled after a GC every 5 s; growth is after warm-up (the first sample). */
async function longRunHeap(proxyUrl: string, target: string, seconds: number) {
  gc();
  const heap: number[] = [process.memoryUsage().heapUsed];
  const sampler = setInterval(() => {
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }, 5000);
  const p = await autocannon(proxyUrl, target, seconds);
  clearInterval(sampler);
  gc();
  heap.push(process.memoryUsage().heapUsed);
  const mb = heap.map((h) => h / 2 ** 20);
  return { p, mb, growth: mb[mb.length - 1] - mb[1 < mb.length ? 1 : 0] };
}

type Throughput = Awaited<ReturnType<typeof pairedThroughput>>;
type Seq = Awaited<ReturnType<typeof unloadedLatency>>;
type LongRun = Awaited<ReturnType<typeof longRunHeap>>;

function printRuns(t: Throughput, seconds: number, long: LongRun, longSeconds: number): void {
  const f0 = (x: number) => x.toFixed(0);
  const { pairs } = t;
  console.log(
    `${pairs.length} × ${seconds} s pairs, req/s direct / proxy (ratio): ${pairs.map((x) => `${f0(x.d.rps)} / ${f0(x.p.rps)} (×${(x.p.rps / x.d.rps).toFixed(2)})`).join(", ")}`,
  );
  console.log(
    `server CPU per request (µs) direct / proxy: ${pairs.map((x) => `${f0(x.d.cpuUs)} / ${f0(x.p.cpuUs)}`).join(", ")}`,
  );
  const { p, mb } = long;
  console.log(
    `long proxy run: ${f0(p.rps)} req/s over ${longSeconds} s, errors ${p.errors}, non-2xx ${p.non2xx} (polls answer 202 while in progress)`,
  );
  console.log(`server heap after GC every 5 s (MB): ${mb.map((x) => x.toFixed(1)).join(" ")}`);
}

function proxyChecks(t: Throughput, seq: Seq, long: LongRun, longSeconds: number): BudgetCheck[] {
  const { d, pm, ratio } = t;
  const { p, mb, growth } = long;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const added = (x: number) => `${x < 0 ? "-" : "+"}${ms(Math.abs(x))}`;
  return [
    {
      label: `throughput (${CONNECTIONS} connections, median of ${t.pairs.length} pairs)`,
      actual: `${pm.rps.toFixed(0)} req/s`,
      baseline: `${d.rps.toFixed(0)} req/s direct`,
      ratio: `×${ratio.toFixed(2)}`,
      budget: "≥ ×0.8",
      pass: ratio >= 0.8 && pm.errors === 0,
    },
    {
      label: "server CPU per request under load",
      actual: `${pm.cpuUs.toFixed(0)} µs`,
      baseline: `${d.cpuUs.toFixed(0)} µs direct`,
      ratio: `×${(pm.cpuUs / d.cpuUs).toFixed(2)}`,
      budget: "reported",
      pass: true,
    },
    {
      label: "latency p50, one connection, µs clock",
      actual: ms(seq.proxy.p50),
      baseline: ms(seq.direct.p50),
      ratio: added(seq.proxy.p50 - seq.direct.p50),
      budget: "≤ +1 ms",
      pass: seq.proxy.p50 - seq.direct.p50 <= 1,
    },
    {
      label: "latency p99, one connection",
      actual: ms(seq.proxy.p99),
      baseline: ms(seq.direct.p99),
      ratio: added(seq.proxy.p99 - seq.direct.p99),
      budget: "reported",
      pass: true,
    },
    {
      label: `latency p50 under load (autocannon, whole ms)`,
      actual: ms(pm.p50),
      baseline: ms(d.p50),
      ratio: added(pm.p50 - d.p50),
      budget: "≤ +1 ms",
      pass: pm.p50 - d.p50 <= 1,
    },
    {
      label: "latency p99 under load",
      actual: ms(pm.p99),
      baseline: ms(d.p99),
      ratio: `×${(pm.p99 / d.p99).toFixed(2)}`,
      budget: "reported",
      pass: true,
    },
    {
      label: `server heap over ${longSeconds} s of load`,
      actual: `${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB (${mb[0].toFixed(1)} → ${mb[mb.length - 1].toFixed(1)})`,
      budget: `≤ +${FLAT_MB} MB after warm-up`,
      pass: growth <= FLAT_MB && p.errors === 0,
    },
  ];
}

export async function proxySection(opts: BenchOptions): Promise<BudgetCheck[]> {
  // A generation that never ends within the bench: every poll sees IN_PROGRESS with its logs.
  // The rate limiter stays on, as in production, with a budget this one client cannot exhaust:
  // its per-request bookkeeping is part of the proxy's cost.
  const unlimited = { capacity: 1e9, refillPerSecond: 1e9 };
  const app = createApp({
    distDir: "/nonexistent",
    logger: quiet,
    standinOptions: { latencyMs: 3_600_000, queueDelayMs: 0 },
    limits: { rateLimit: { submit: unlimited, poll: unlimited } },
  });
  const base = await app.listen(0, "127.0.0.1");
  const proxyUrl = `${base}/api/fal/proxy`;
  const direct = await directServer(app.standin!);
  const urls = { direct: direct.url, proxy: proxyUrl };
  try {
    const target = await pollTarget(proxyUrl);
    const short = opts.quick ? 1 : 2;
    const long = opts.quick ? 10 : 60;
    const seq = await unloadedLatency(urls, target, opts.quick ? 1000 : 3000);
    const throughput = await pairedThroughput(urls, target, short, opts.quick ? 8 : 20);
    const longRun = await longRunHeap(proxyUrl, target, long);
    printRuns(throughput, short, longRun, long);
    return proxyChecks(throughput, seq, longRun, long);
  } finally {
    direct.server.close();
    direct.server.closeAllConnections();
    await app.close();
  }
}
