/**
 * LOAD-03: many status streams and polling clients against the stand-in, loopback only
 * (docs/reliability-cases.md#cases).
 *
 *   npm run soak                                        # 1,000 SSE streams + 200 pollers, 5 minutes
 *   npm run soak -- --seconds 30                        # a short check
 *   npm run soak -- --streams 100 --pollers 20 --seconds 60 --job-ms 5000
 *
 * Setup: the real server in stand-in mode runs in a child process (load01-proxy.ts) with its
 * default rate limits and a connection cap raised for this many clients; the load generator plays
 * a reverse proxy (TRUST_PROXY=loopback), so each simulated user has its own forwarded address.
 * A stream user submits a job, follows it on the status stream to COMPLETED, fetches the result,
 * and submits the next; a polling user does the same polling status every `pollMs`. Users arrive
 * over the first 2 s. At the end no new job is submitted, and every job under way is followed to
 * its result (bounded by `drainSeconds`).
 *
 * Reported: jobs, requests, p50/p99 added latency (a stream's COMPLETED event minus the job's own
 * time, queue delay plus generation; a poll's answer time minus the p50 of the same poll on the
 * idle server, measured first), the server's RSS over time, its file descriptors before and after,
 * and whether every submitted job's result was fetched exactly once (counted by the clients and by
 * the stand-in). Exit code 1 when a check fails (see `verdicts03`).
 */
import { Agent, request, type IncomingMessage } from "node:http";
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { percentile, startServerChild, type ChildSample } from "./load01.ts";

export interface Load03Options {
  streams: number;
  pollers: number;
  seconds: number;
  /** The stand-in's generation time per job (its queue delay comes on top). */
  jobMs: number;
  queueMs: number;
  pollMs: number;
  /** Longest wait for the jobs under way at the end. */
  drainSeconds: number;
  /** How often the server's memory is sampled. */
  sampleSeconds: number;
  log?: (line: string) => void;
}

export const FULL_OPTIONS: Load03Options = {
  streams: 1000,
  pollers: 200,
  seconds: 300,
  jobMs: 20_000,
  queueMs: 300,
  pollMs: 1000,
  drainSeconds: 60,
  sampleSeconds: 30,
};

/** The CI size: the same machinery, small enough for a busy 2-core machine. */
export const CI_OPTIONS03: Load03Options = {
  streams: 40,
  pollers: 10,
  seconds: 6,
  jobMs: 1000,
  queueMs: 100,
  pollMs: 200,
  drainSeconds: 30,
  sampleSeconds: 2,
};

export interface Load03Report {
  options: Load03Options;
  submitted: number;
  refusedSubmits: Record<string, number>;
  requests: number;
  retried: number;
  lost: string[];
  fetchedTwice: string[];
  errors: string[];
  streamAddedMs: { p50: number; p99: number; max: number; n: number };
  pollAddedMs: { p50: number; p99: number; max: number; n: number; idleP50: number };
  rss: Array<{ s: number; mb: number }>;
  fds: { before: number; peak: number; after: number };
  server: { submit: number; result: number; logLines: number };
  load: number;
}

const QUEUE = "https://queue.fal.run/fal-ai/lora";
const INPUT = JSON.stringify({
  model_name: "stabilityai/stable-diffusion-xl-base-1.0",
  prompt: "soak",
  image_size: { width: 64, height: 64 },
  num_inference_steps: 4,
});

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/**
 * One call through the proxy as the user at `client`; `onData` sees a streamed body as it arrives.
 *
 * A keep-alive socket the server closes for idleness just as the next request goes out fails with
 * ECONNRESET before any answer. Browsers resend such a request on a new connection, and so does
 * this client (once, counted in `retried`), as Node's docs advise via `req.reusedSocket`. Any other
 * failure, or a reset after the answer began, is an error.
 */
function call(
  base: string,
  agent: Agent,
  client: string,
  method: string,
  target: string,
  onData?: (chunk: string) => void,
  retried?: { count: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let answered = false;
    const headers = { "x-fal-target-url": target, "content-type": "application/json", "x-forwarded-for": client };
    const req = request(`${base}/api/fal/proxy`, { method, agent, headers }, (res: IncomingMessage) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (onData ? onData(c) : (body += c)));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
      res.on("error", reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`no answer to ${method} ${target} within 120 s`)));
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (!answered && req.reusedSocket && e.code === "ECONNRESET" && retried) {
        retried.count += 1;
        return void call(base, agent, client, method, target, onData).then(resolve, reject);
      }
      const socket = req.reusedSocket ? "reused" : "new";
      reject(
        new Error(
          `${method} ${target.split("/").pop()} (${socket} socket, answered ${answered}): ${e.code ?? e.message}`,
        ),
      );
    });
    req.end(method === "POST" ? INPUT : undefined);
  });
}

/** Follows a job on its status stream; resolves true once a COMPLETED event arrived. */
async function followStream(
  base: string,
  agent: Agent,
  client: string,
  id: string,
  retried: { count: number },
): Promise<boolean> {
  let buffered = "";
  let completed = false;
  await call(
    base,
    agent,
    client,
    "GET",
    `${QUEUE}/requests/${id}/status/stream?logs=0`,
    (chunk) => {
      buffered += chunk;
      const events = buffered.split("\n\n");
      buffered = events.pop()!;
      for (const e of events)
        if (e.startsWith("data: ") && (JSON.parse(e.slice(6)) as { status: string }).status === "COMPLETED")
          completed = true;
    },
    retried,
  );
  return completed;
}

interface Tally {
  submitted: Set<string>;
  fetched: Map<string, number>;
  refused: Record<string, number>;
  errors: string[];
  requests: number;
  /** Requests resent after a keep-alive race (see `call`). */
  retried: { count: number };
  streamAdded: number[];
  pollMs: number[];
}

/** One simulated user: submit, follow (stream or poll), fetch the result once, again until `until`. */
async function user(base: string, o: Load03Options, i: number, streaming: boolean, until: number, t: Tally) {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const client = `${streaming ? "198.18" : "198.19"}.${Math.floor(i / 250)}.${1 + (i % 250)}`;
  await sleep(Math.random() * 2000);
  try {
    while (Date.now() < until) {
      t.requests += 1;
      const sub = await call(base, agent, client, "POST", QUEUE, undefined, t.retried);
      if (sub.status !== 200) {
        t.refused[sub.status] = (t.refused[sub.status] ?? 0) + 1;
        await sleep(1000);
        continue;
      }
      const id = (JSON.parse(sub.body) as { request_id: string }).request_id;
      t.submitted.add(id);
      const t0 = performance.now();
      t.requests += 1;
      let done = streaming && (await followStream(base, agent, client, id, t.retried));
      if (done) t.streamAdded.push(performance.now() - t0 - o.queueMs - o.jobMs);
      // Polling users, and a stream that ended early, poll until the job is done.
      while (!done) {
        await sleep(o.pollMs);
        t.requests += 1;
        const st = await call(
          base,
          agent,
          client,
          "GET",
          `${QUEUE}/requests/${id}/status?logs=0`,
          undefined,
          t.retried,
        );
        if (!streaming) t.pollMs.push(st.ms);
        done = st.status === 200 && (JSON.parse(st.body) as { status: string }).status === "COMPLETED";
      }
      t.requests += 1;
      const res = await call(base, agent, client, "GET", `${QUEUE}/requests/${id}`, undefined, t.retried);
      if (res.status === 200) t.fetched.set(id, (t.fetched.get(id) ?? 0) + 1);
      else t.errors.push(`result of ${id}: ${res.status} ${res.body.slice(0, 120)}`);
    }
  } catch (e) {
    t.errors.push((e as Error).message);
  } finally {
    agent.destroy();
  }
}

/** Poll answer time on the idle server: what "added" latency is measured against. */
async function idlePollP50(base: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sub = await call(base, agent, "198.20.0.1", "POST", QUEUE);
  const id = (JSON.parse(sub.body) as { request_id: string }).request_id;
  const ms: number[] = [];
  for (let k = 0; k < 40; k++)
    ms.push((await call(base, agent, "198.20.0.1", "GET", `${QUEUE}/requests/${id}/status`)).ms);
  agent.destroy();
  return percentile(
    ms.sort((a, b) => a - b),
    50,
  );
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? 0, n: s.length };
};

export async function runLoad03(o: Load03Options): Promise<Load03Report> {
  const log = o.log ?? (() => {});
  const server = await startServerChild(
    {
      standinOptions: { latencyMs: o.jobMs, queueDelayMs: o.queueMs },
      connections: { maxConnections: 2 * (o.streams + o.pollers) + 256 },
    },
    "LOAD-03",
  );
  const t: Tally = {
    submitted: new Set(),
    fetched: new Map(),
    refused: {},
    errors: [],
    requests: 0,
    retried: { count: 0 },
    streamAdded: [],
    pollMs: [],
  };
  try {
    const idleP50 = await idlePollP50(server.url);
    const before = await server.memory();
    const t0 = Date.now();
    const until = t0 + o.seconds * 1000;
    const rss: Load03Report["rss"] = [];
    let peakFds = before.fds;
    const sample = (m: ChildSample) => {
      rss.push({ s: Math.round((Date.now() - t0) / 1000), mb: m.memory.rss / 2 ** 20 });
      peakFds = Math.max(peakFds, m.fds);
      log(
        `LOAD-03: ${rss.at(-1)!.s} s: rss ${rss.at(-1)!.mb.toFixed(1)} MB, ${m.fds} fds, ${t.submitted.size} jobs, ${t.requests} requests`,
      );
    };
    sample(before);
    const sampler = setInterval(() => void server.memory().then(sample), o.sampleSeconds * 1000);
    const users = [
      ...Array.from({ length: o.streams }, (_, i) => user(server.url, o, i, true, until, t)),
      ...Array.from({ length: o.pollers }, (_, i) => user(server.url, o, i, false, until, t)),
    ];
    const drained = await Promise.race([
      Promise.all(users).then(() => true),
      sleep(o.seconds * 1000 + 2000 + o.drainSeconds * 1000, false, { ref: false }),
    ]);
    clearInterval(sampler);
    if (!drained) t.errors.push(`jobs still under way ${o.drainSeconds} s after the end`);
    sample(await server.memory());
    // The server closes its side of each connection as the clients go: wait for that, boundedly.
    let after = await server.memory();
    for (let k = 0; k < 50 && after.fds > before.fds; k++) after = await sleep(200).then(() => server.memory());
    const lost = [...t.submitted].filter((id) => !t.fetched.has(id));
    const poll = stats(t.pollMs.map((ms) => ms - idleP50));
    return {
      options: o,
      submitted: t.submitted.size,
      refusedSubmits: t.refused,
      requests: t.requests,
      retried: t.retried.count,
      lost,
      fetchedTwice: [...t.fetched].filter(([, n]) => n > 1).map(([id]) => id),
      errors: t.errors,
      streamAddedMs: stats(t.streamAdded),
      pollAddedMs: { ...poll, idleP50 },
      rss,
      fds: { before: before.fds, peak: peakFds, after: after.fds },
      // The idle measurement submitted one job whose result nobody fetches.
      server: {
        submit: (after.standin?.calls.submit ?? 0) - 1,
        result: after.standin?.calls.result ?? 0,
        logLines: after.logLines,
      },
      load: loadavg()[0],
    };
  } finally {
    await server.stop();
  }
}

/** The pass/fail checks of LOAD-03, each with what was measured. Latency is reported, not judged. */
export function verdicts03(r: Load03Report): Array<{ check: string; pass: boolean; actual: string }> {
  const fetchedTotal = r.submitted - r.lost.length + r.fetchedTwice.length;
  return [
    { check: "jobs were run", pass: r.submitted > 0, actual: `${r.submitted} jobs` },
    {
      check: "every submitted job's result fetched exactly once (clients)",
      pass: r.lost.length === 0 && r.fetchedTwice.length === 0,
      actual: `${r.lost.length} never fetched, ${r.fetchedTwice.length} fetched twice`,
    },
    {
      check: "the stand-in counted the same submits and results",
      pass: r.server.submit === r.submitted && r.server.result === fetchedTotal,
      actual: `${r.server.submit} submits, ${r.server.result} results served`,
    },
    {
      check: "no errors",
      pass: r.errors.length === 0,
      actual: `${r.errors.length} ${r.errors.slice(0, 3).join("; ")}`,
    },
    {
      check: "file descriptors back to the start (±5)",
      pass: r.fds.after <= r.fds.before + 5,
      actual: `${r.fds.before} before, ${r.fds.peak} at peak, ${r.fds.after} after`,
    },
  ];
}

export function formatReport03(r: Load03Report): string {
  const o = r.options;
  const f = (n: number) => n.toFixed(1);
  const lines = [
    `LOAD-03: ${o.streams} SSE streams + ${o.pollers} polling clients, ${o.seconds} s, jobs of ${o.queueMs} + ${o.jobMs} ms, polls every ${o.pollMs} ms (load ${f(r.load)})`,
    `  ${r.submitted} jobs, ${r.requests} requests (${r.retried} resent after a keep-alive race), refused submits ${JSON.stringify(r.refusedSubmits)}`,
    `  added latency, stream COMPLETED after the job's own time: p50 ${f(r.streamAddedMs.p50)} / p99 ${f(r.streamAddedMs.p99)} / max ${f(r.streamAddedMs.max)} ms (${r.streamAddedMs.n} jobs)`,
    `  added latency, status poll over the idle server's p50 ${f(r.pollAddedMs.idleP50)} ms: p50 ${f(r.pollAddedMs.p50)} / p99 ${f(r.pollAddedMs.p99)} / max ${f(r.pollAddedMs.max)} ms (${r.pollAddedMs.n} polls)`,
    `  server RSS (MB) over time: ${r.rss.map((x) => `${x.s}s ${x.mb.toFixed(0)}`).join(", ")}`,
  ];
  for (const v of verdicts03(r)) lines.push(`  ${v.pass ? "pass" : "FAIL"}  ${v.check}: ${v.actual}`);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: Object.fromEntries(
      ["streams", "pollers", "seconds", "job-ms", "poll-ms"].map((k) => [k, { type: "string" as const }]),
    ),
  });
  const num = (k: string, d: number) => {
    const v = values[k] === undefined ? d : Number(values[k]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} needs a positive number, got ${values[k]}`);
    return v;
  };
  const seconds = num("seconds", FULL_OPTIONS.seconds);
  const opts: Load03Options = {
    ...FULL_OPTIONS,
    streams: num("streams", FULL_OPTIONS.streams),
    pollers: num("pollers", FULL_OPTIONS.pollers),
    seconds,
    jobMs: num("job-ms", FULL_OPTIONS.jobMs),
    pollMs: num("poll-ms", FULL_OPTIONS.pollMs),
    sampleSeconds: Math.max(2, Math.min(FULL_OPTIONS.sampleSeconds, Math.round(seconds / 10))),
    log: (l) => console.log(l),
  };
  const rep = await runLoad03(opts);
  console.log(formatReport03(rep));
  process.exit(verdicts03(rep).every((v) => v.pass) ? 0 : 1);
}
