/**
 * An offline, in-process stand-in for fal's queue and storage APIs (docs/server.md#the-stand-in).
 *
 * It plugs into the proxy as its upstream `fetch`, so the same allowlist and header policy
 * apply whether requests go to fal or here. Storage PUTs and file downloads are served on
 * `/standin/*` routes of the same server, as fal's CDN would serve them. The parts:
 * queue.ts (jobs and their protocol), jobs.ts (the capped job store), storage.ts (files),
 * webhooks.ts, faults.ts (test mode only), workers.ts (heavy work off the main loop),
 * routes.ts (the HTTP routes).
 */
import type { BodyRules } from "../body.ts";
import { type Logger, consoleLogger } from "../http.ts";
import type { UpstreamFetch } from "../proxy/index.ts";
import type { Router } from "../router.ts";
import type { LoraEndpoint } from "../allowlist.ts";
import { FaultController, STANDIN_OPS, createFaultInjector, type Fault, type StandinOp } from "./faults.ts";
import { DEFAULT_JOB_LIMITS, JobStore, type JobLimits } from "./jobs.ts";
import { createQueue } from "./queue.ts";
import { json } from "./responses.ts";
import { registerStandinRoutes } from "./routes.ts";
import { DEFAULT_STORAGE_LIMITS, createStorage, type StorageLimits } from "./storage.ts";
import { DEFAULT_MULTIPART_LIMITS, createMultipart, type MultipartLimits } from "./multipart.ts";
import type { FalFieldError } from "./validate.ts";
import type { WebhookFetch } from "./webhooks.ts";
import { DEFAULT_WORK_LIMITS, createWork, type WorkLimits } from "./workers.ts";

export type { Fault, OpFault, StandinOp } from "./faults.ts";

export interface StandinOptions {
  /** Public base URL of this server (upload/file URLs point here). Can be set later with setBaseUrl. */
  baseUrl?: string;
  /** Total simulated generation time. Default: env STANDIN_LATENCY_MS or 1500. */
  latencyMs?: number;
  /** Time a job spends IN_QUEUE before it starts. Default: env STANDIN_QUEUE_MS or 300. */
  queueDelayMs?: number;
  /** Interval of SSE keep-alive comments. Default 15 s (as fal). */
  keepaliveMs?: number;
  /** Fault injection (routes and API) is on only in test mode. Default false. */
  testMode?: boolean;
  /** Faults armed at start (test mode only). */
  faults?: Fault[];
  storage?: Partial<StorageLimits>;
  multipart?: Partial<MultipartLimits>;
  jobs?: Partial<JobLimits>;
  work?: Partial<WorkLimits>;
  logger?: Logger;
  /** Validation of submit input; default: the shared fal-ai/lora request schema. */
  validate?: (endpoint: LoraEndpoint, input: unknown) => FalFieldError[];
  /** Used to POST webhooks. Default global fetch. */
  webhookFetch?: WebhookFetch;
}

export interface StandinStats {
  calls: Record<StandinOp, number>;
  jobs: { total: number; queued: number; running: number; completed: number; bytes: number };
  files: number;
}

export interface Standin {
  /** Upstream for the proxy: answers allowlisted fal targets in-process. */
  fetch: UpstreamFetch;
  /** Register the `/standin/*` routes on the server's router. */
  register(router: Router, body: Omit<BodyRules, "maxBytes">): void;
  /** True while an injected "offline" fault lasts: the server then drops every fal-facing connection. */
  isOffline(): boolean;
  faults: FaultController;
  /**
   * Start the jobs a `stuck` fault holds (test mode). A test that needs its faults to land while a
   * job runs holds the job until they have, instead of betting on the job's latency.
   */
  releaseStuck(): number;
  stats(): StandinStats;
  resetStats(): void;
  setBaseUrl(url: string): void;
  /** Stop all timers and end open streams. */
  close(): void;
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** How often stuck and expired jobs are pruned even when nobody submits. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Create a stand-in.
 * @example
 * const standin = createStandin({ latencyMs: 100, testMode: true });
 * const proxy = createProxy({ fetch: standin.fetch, body });
 * standin.faults.add({ op: "status", kind: "http", status: 502 });
 */
export function createStandin(options: StandinOptions = {}): Standin {
  const logger = options.logger ?? consoleLogger;
  let baseUrl = options.baseUrl ?? "http://127.0.0.1:8787";
  const faults = new FaultController(options.testMode === true);
  for (const f of options.faults ?? []) faults.add(f);
  const calls = Object.fromEntries(STANDIN_OPS.map((op) => [op, 0])) as Record<StandinOp, number>;
  const injectFault = createFaultInjector(faults, calls, logger);
  const store = new JobStore({ ...DEFAULT_JOB_LIMITS, ...options.jobs });
  const pruner = setInterval(() => store.prune(), PRUNE_EVERY_MS);
  pruner.unref();
  const storage = createStorage({ ...DEFAULT_STORAGE_LIMITS, ...options.storage }, () => baseUrl);
  const multipart = createMultipart({ ...DEFAULT_MULTIPART_LIMITS, ...options.multipart }, storage, () => baseUrl);
  const streams = new Map<() => void, () => void>(); // end → cut
  faults.onOffline(() => {
    for (const cut of [...streams.values()]) cut();
  });
  const queue = createQueue({
    store,
    work: createWork({ ...DEFAULT_WORK_LIMITS, ...options.work }, options.validate),
    storage,
    logger,
    latencyMs: options.latencyMs ?? envNumber("STANDIN_LATENCY_MS") ?? 1500,
    queueDelayMs: options.queueDelayMs ?? envNumber("STANDIN_QUEUE_MS") ?? 300,
    keepaliveMs: options.keepaliveMs ?? 15_000,
    webhookFetch: options.webhookFetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a)),
    trackStream(end, cut) {
      streams.set(end, cut);
      return () => streams.delete(end);
    },
  });

  const upstreamFetch: UpstreamFetch = async (_url, init) => {
    const target = init.target;
    const op: StandinOp =
      target.op === "uploadMultipart" || target.op === "completeMultipart" ? "upload" : (target.op as StandinOp);
    const faulted = await injectFault(op, init.signal);
    if (faulted instanceof Response) return faulted;
    switch (target.op) {
      case "submit":
        return queue.submit(target, init, faulted);
      case "run":
        return queue.run(target, init);
      case "status":
        return queue.status(target);
      case "stream":
        return queue.stream(target, init.signal);
      case "result":
        return queue.result(target);
      case "cancel":
        return queue.cancel(target);
      case "upload":
        return storage.initiate(init);
      case "uploadMultipart":
        return multipart.initiate(init);
      case "completeMultipart":
        // The client completes at <upload_url>/complete, straight to this server (multipart.ts).
        return json(404, { detail: "Complete a multipart upload with POST <upload_url>/complete." });
    }
  };

  function stats(): StandinStats {
    const jobs = { total: store.size, queued: 0, running: 0, completed: 0, bytes: store.bytes };
    for (const j of store.values()) {
      if (j.state === "IN_QUEUE") jobs.queued++;
      else if (j.state === "IN_PROGRESS") jobs.running++;
      else jobs.completed++;
    }
    return { calls: { ...calls }, jobs, files: storage.count() };
  }

  function resetStats(): void {
    for (const op of STANDIN_OPS) calls[op] = 0;
  }

  return {
    fetch: upstreamFetch,
    register(router, body) {
      const testMode = options.testMode === true;
      registerStandinRoutes(router, {
        testMode,
        faults,
        injectFault,
        storage,
        multipart,
        body,
        stats,
        resetStats,
      });
    },
    isOffline: () => faults.isOffline(),
    faults,
    releaseStuck: () => queue.releaseStuck(),
    stats,
    resetStats,
    setBaseUrl(url: string) {
      baseUrl = url.replace(/\/+$/, "");
    },
    close() {
      clearInterval(pruner);
      for (const end of [...streams.keys()]) end();
      store.clear();
    },
  };
}
