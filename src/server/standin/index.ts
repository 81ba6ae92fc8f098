/**
 * An offline, in-process stand-in for fal's queue and storage APIs
 * (docs/fal-protocol.md#the-stand-in).
 *
 * It plugs into the proxy as its upstream `fetch`, so the same allowlist and header policy
 * apply whether requests go to fal or here. Storage PUTs and file downloads are served on
 * `/standin/*` routes of the same server, as fal's CDN would serve them.
 */
import { randomUUID } from "node:crypto";
import { sleep, untilAborted } from "../../shared/sleep.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AllowedTarget, LoraEndpoint } from "../allowlist.ts";
import { BodyTooLargeError, type Logger, consoleLogger, readBody, sendJson } from "../http.ts";
import type { UpstreamFetch, UpstreamInit } from "../proxy.ts";
import { FaultController, STANDIN_OPS, faultProblem, type Fault, type OpFault, type StandinOp } from "./faults.ts";
import { encodePlaceholder, type ImageFormat } from "./image.ts";
import { PRESETS, validateInput, type FalFieldError } from "./validate.ts";

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
  /** Largest accepted storage upload. Default 32 MiB. */
  maxUploadBytes?: number;
  /** File store bounds; oldest files are evicted first. */
  maxFiles?: number;
  maxStoredBytes?: number;
  logger?: Logger;
  /** Validation of submit input; default: the shared fal-ai/lora request schema. */
  validate?: (endpoint: LoraEndpoint, input: unknown) => FalFieldError[];
  /** Used to POST webhooks. Default global fetch. */
  webhookFetch?: typeof fetch;
  /** Faults armed at start (e.g. from env STANDIN_FAULTS). */
  faults?: Fault[];
}

type JobState = "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";

interface RequestLog {
  message: string;
  level: "INFO" | "DEBUG" | "ERROR" | "WARN" | "STDOUT" | "STDERR";
  source: "USER";
  timestamp: string;
}

interface Job {
  id: string;
  endpoint: LoraEndpoint;
  input: Record<string, unknown>;
  state: JobState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  logs: RequestLog[];
  stuck: boolean;
  injectedError?: { status: number; detail: string };
  outcome?: { status: number; body: unknown };
  cancelled: boolean;
  webhook?: string;
  timer?: NodeJS.Timeout;
  listeners: Set<() => void>;
}

interface StoredFile {
  bytes: Buffer;
  contentType: string;
  fileName: string;
  at: number;
}

export interface StandinStats {
  calls: Record<StandinOp, number>;
  jobs: { total: number; queued: number; running: number; completed: number };
  files: number;
}

export interface Standin {
  /** Upstream for the proxy: answers allowlisted fal targets in-process. */
  fetch: UpstreamFetch;
  /** Serve `/standin/*` routes. Returns false when the path is not one of them. */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** True while an injected "offline" fault lasts: the server then drops every fal-facing connection. */
  isOffline(): boolean;
  faults: FaultController;
  stats(): StandinStats;
  resetStats(): void;
  setBaseUrl(url: string): void;
  /** Stop all timers and end open streams. */
  close(): void;
}

const QUEUE_HOST = "https://queue.fal.run/fal-ai/lora";
// fal keeps results for an hour; so does the stand-in, then forgets the job.
const JOB_RETENTION_MS = 60 * 60 * 1000;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Drop the client connection (the proxy recognises this marker). */
function dropSignal(): Error & { dropClientConnection: true } {
  return Object.assign(new Error("stand-in: injected dropped connection"), { dropClientConnection: true as const });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function isLoopbackUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") return false;
    return u.hostname === "127.0.0.1" || u.hostname === "[::1]" || u.hostname === "localhost";
  } catch {
    return false;
  }
}

/**
 * Create a stand-in.
 * @example
 * const standin = createStandin({ latencyMs: 100 });
 * const proxy = createProxy({ fetch: standin.fetch });
 * standin.faults.add({ op: "status", kind: "http", status: 502 });
 */
export function createStandin(options: StandinOptions = {}): Standin {
  const logger = options.logger ?? consoleLogger;
  const latencyMs = options.latencyMs ?? envNumber("STANDIN_LATENCY_MS") ?? 1500;
  const queueDelayMs = options.queueDelayMs ?? envNumber("STANDIN_QUEUE_MS") ?? 300;
  const keepaliveMs = options.keepaliveMs ?? 15_000;
  const maxUploadBytes = options.maxUploadBytes ?? 32 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 1000;
  const maxStoredBytes = options.maxStoredBytes ?? 512 * 1024 * 1024;
  const validate = options.validate ?? validateInput;
  const webhookFetch = options.webhookFetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  let baseUrl = options.baseUrl ?? "http://127.0.0.1:8787";

  const faults = new FaultController();
  for (const f of options.faults ?? []) faults.add(f);
  const jobs = new Map<string, Job>();
  const files = new Map<string, StoredFile>();
  const pendingUploads = new Map<string, { contentType: string; fileName: string }>();
  let storedBytes = 0;
  const calls = Object.fromEntries(STANDIN_OPS.map((op) => [op, 0])) as Record<StandinOp, number>;
  const openStreams = new Set<() => void>();
  const liveStreams = new Set<() => void>();
  faults.onOffline(() => {
    for (const cut of [...liveStreams]) cut();
  });

  // ---------- file store ----------

  function putFile(key: string, file: Omit<StoredFile, "at">): void {
    const old = files.get(key);
    if (old) storedBytes -= old.bytes.length;
    files.set(key, { ...file, at: Date.now() });
    storedBytes += file.bytes.length;
    // Map iteration order is insertion order: evict oldest first.
    for (const [k, f] of files) {
      if (files.size <= maxFiles && storedBytes <= maxStoredBytes) break;
      if (k === key) continue;
      files.delete(k);
      storedBytes -= f.bytes.length;
    }
  }

  const fileUrl = (key: string) => `${baseUrl}/standin/files/${key}`;

  // ---------- jobs ----------

  function urls(id: string) {
    return {
      request_id: id,
      response_url: `${QUEUE_HOST}/requests/${id}`,
      status_url: `${QUEUE_HOST}/requests/${id}/status`,
      cancel_url: `${QUEUE_HOST}/requests/${id}/cancel`,
    };
  }

  function queuePosition(job: Job): number {
    let pos = 0;
    for (const other of jobs.values()) {
      if (other === job) break;
      if (other.state === "IN_QUEUE") pos += 1;
    }
    return pos;
  }

  function statusBody(job: Job, logs: RequestLog[] | null) {
    const base = { status: job.state, ...urls(job.id) };
    if (job.state === "IN_QUEUE") return { ...base, queue_position: queuePosition(job) };
    if (job.state === "IN_PROGRESS") return { ...base, logs };
    return {
      ...base,
      logs,
      metrics: { inference_time: job.startedAt && job.finishedAt ? (job.finishedAt - job.startedAt) / 1000 : null },
      // The Python client reads these on COMPLETED; the JS client ignores them.
      ...(job.outcome && job.outcome.status >= 400
        ? { error: describeOutcome(job.outcome.body), error_type: job.cancelled ? "request_cancelled" : "runner_error" }
        : {}),
    };
  }

  function describeOutcome(body: unknown): string {
    const d = (body as { detail?: unknown })?.detail;
    return typeof d === "string" ? d : JSON.stringify(d ?? body);
  }

  function notify(job: Job): void {
    for (const l of [...job.listeners]) l();
  }

  function log(job: Job, message: string, level: RequestLog["level"] = "INFO"): void {
    job.logs.push({ message, level, source: "USER", timestamp: new Date().toISOString() });
    notify(job);
  }

  function pruneJobs(): void {
    const cutoff = Date.now() - JOB_RETENTION_MS;
    for (const [id, job] of jobs) {
      if (job.state === "COMPLETED" && (job.finishedAt ?? 0) < cutoff) jobs.delete(id);
    }
  }

  function requestedSize(job: Job): { width: number; height: number } {
    if (job.endpoint !== "fal-ai/lora") return { width: 768, height: 768 };
    const s = job.input.image_size;
    if (typeof s === "string" && PRESETS[s]) return PRESETS[s];
    if (s && typeof s === "object") {
      const o = s as { width?: number; height?: number };
      return { width: o.width ?? 512, height: o.height ?? 512 };
    }
    return PRESETS.square_hd;
  }

  /** Produce fal-ai/lora's output (docs/fal-protocol.md#the-response): placeholder images stored in the file store. */
  function generate(
    endpoint: LoraEndpoint,
    input: Record<string, unknown>,
    sizeFor: { width: number; height: number },
  ) {
    const seed = typeof input.seed === "number" ? input.seed : Math.floor(Math.random() * 2 ** 31);
    const count = typeof input.num_images === "number" ? input.num_images : 1;
    const format: ImageFormat = input.image_format === "jpeg" ? "jpeg" : "png";
    const prompt = typeof input.prompt === "string" ? input.prompt : "";
    // Keep memory and time bounded for huge custom sizes: never render more than 4 MP.
    const area = sizeFor.width * sizeFor.height;
    const shrink = area > 4_194_304 ? Math.sqrt(4_194_304 / area) : 1;
    const width = Math.max(8, Math.floor((sizeFor.width * shrink) / 8) * 8);
    const height = Math.max(8, Math.floor((sizeFor.height * shrink) / 8) * 8);
    const images = [];
    for (let index = 0; index < count; index++) {
      const img = encodePlaceholder({ width, height, seed, prompt, index, format });
      const key = `${randomUUID()}.${format === "jpeg" ? "jpg" : "png"}`;
      putFile(key, { bytes: img.bytes, contentType: img.contentType, fileName: key });
      images.push({
        url: fileUrl(key),
        content_type: img.contentType,
        file_name: key,
        file_size: img.bytes.length,
        width: img.width,
        height: img.height,
      });
    }
    void endpoint;
    return {
      images,
      seed,
      has_nsfw_concepts: images.map(() => false),
      debug_latents: null,
      debug_per_pass_latents: null,
    };
  }

  function finish(job: Job, outcome: { status: number; body: unknown }): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    job.outcome = outcome;
    job.state = "COMPLETED";
    job.finishedAt = Date.now();
    notify(job);
    if (job.webhook) void sendWebhook(job);
  }

  async function sendWebhook(job: Job): Promise<void> {
    const target = job.webhook!;
    if (!isLoopbackUrl(target)) {
      logger.warn(`stand-in: webhook to non-loopback ${new URL(target).host} skipped`);
      return;
    }
    const ok = job.outcome!.status < 400;
    const body = {
      request_id: job.id,
      gateway_request_id: job.id,
      status: ok ? "OK" : "ERROR",
      payload: job.outcome!.body,
      error: ok ? null : describeOutcome(job.outcome!.body),
    };
    try {
      await webhookFetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(5000),
      });
    } catch (e) {
      logger.warn(`stand-in: webhook for ${job.id} failed: ${(e as Error).message}`);
    }
  }

  function start(job: Job): void {
    job.state = "IN_PROGRESS";
    job.startedAt = Date.now();
    const steps = typeof job.input.num_inference_steps === "number" ? job.input.num_inference_steps : 30;
    log(job, `Loading ${String(job.input.model_name)} (stand-in)`);
    let step = 0;
    const interval = latencyMs / steps;
    // The configured latency is the whole simulated generation: steps are timed against the start
    // (10 ms timers drift late on a busy machine, 30 of them added 150 ms) and the placeholder
    // is encoded during the wait rather than after it (a 1024² PNG takes tens of ms).
    const t0 = job.startedAt!;
    let outcome: { status: number; body: unknown } | undefined;
    const produce = (): { status: number; body: unknown } => {
      if (job.injectedError)
        return {
          status: job.injectedError.status,
          body: { detail: job.injectedError.detail, error_type: "runner_error" },
        };
      try {
        return { status: 200, body: generate(job.endpoint, job.input, requestedSize(job)) };
      } catch (e) {
        logger.error(`stand-in: generation failed: ${(e as Error).message}`);
        return { status: 500, body: { detail: "Stand-in image generation failed.", error_type: "internal_error" } };
      }
    };
    const tick = () => {
      step += 1;
      log(job, `Step ${step}/${steps}`);
      if (step < steps) {
        // One step per timer, even when late: polls queued behind a slow step are answered between steps.
        job.timer = setTimeout(tick, Math.max(0, t0 + (step + 1) * interval - Date.now()));
        outcome ??= produce();
        return;
      }
      outcome ??= produce();
      if (outcome.status >= 400 && job.injectedError) log(job, `Error: ${job.injectedError.detail}`, "ERROR");
      finish(job, outcome);
    };
    job.timer = setTimeout(tick, interval);
  }

  // ---------- operations behind the proxy ----------

  async function applyFault(op: StandinOp, signal?: AbortSignal): Promise<Response | OpFault | null> {
    calls[op] += 1;
    const fault = faults.take(op);
    if (!fault) return null;
    logger.info(`stand-in: injecting ${fault.kind} fault into ${op} call #${calls[op]}`);
    switch (fault.kind) {
      case "http": {
        const headers: Record<string, string> = {};
        if (fault.status === 429) headers["retry-after"] = String(fault.retryAfterSeconds ?? 1);
        return json(fault.status, { detail: `Injected ${fault.status} by the stand-in.` }, headers);
      }
      case "delay":
        await sleep(fault.ms, signal);
        return null;
      case "drop":
        throw dropSignal();
      case "hang":
        return untilAborted(signal);
      default:
        return fault; // stuck / jobError: handled by submit
    }
  }

  function parseJsonBody(body: Uint8Array | undefined): { ok: true; value: unknown } | { ok: false } {
    try {
      const text = body && body.length > 0 ? Buffer.from(body).toString("utf8") : "";
      return { ok: true, value: text === "" ? undefined : JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  }

  async function submit(target: AllowedTarget, init: UpstreamInit, special: OpFault | null): Promise<Response> {
    const parsed = parseJsonBody(init.body);
    if (!parsed.ok) return json(422, { detail: [{ loc: ["body"], msg: "JSON decode error", type: "json_invalid" }] });
    const endpoint = target.endpoint!;
    const detail = validate(endpoint, parsed.value);
    if (detail.length > 0) return json(422, { detail });
    pruneJobs();
    const id = randomUUID();
    const job: Job = {
      id,
      endpoint,
      input: parsed.value as Record<string, unknown>,
      state: "IN_QUEUE",
      createdAt: Date.now(),
      logs: [],
      stuck: special?.kind === "stuck",
      injectedError:
        special?.kind === "jobError"
          ? { status: special.status ?? 500, detail: special.detail ?? "Injected failure from the stand-in." }
          : undefined,
      cancelled: false,
      webhook: target.webhook,
      listeners: new Set(),
    };
    jobs.set(id, job);
    if (!job.stuck) job.timer = setTimeout(() => start(job), queueDelayMs);
    return json(
      200,
      { status: "IN_QUEUE", ...urls(id), queue_position: queuePosition(job) },
      { "x-fal-request-id": id },
    );
  }

  function notFound(id: string): Response {
    return json(404, { detail: `Request ${id} not found.` }, { "x-fal-request-id": id });
  }

  function status(target: AllowedTarget): Response {
    const job = jobs.get(target.requestId!);
    if (!job) return notFound(target.requestId!);
    const code = job.state === "COMPLETED" ? 200 : 202;
    return json(code, statusBody(job, target.logs ? job.logs : null), { "x-fal-request-id": job.id });
  }

  function stream(target: AllowedTarget, signal: AbortSignal): Response {
    const job = jobs.get(target.requestId!);
    if (!job) return notFound(target.requestId!);
    const encoder = new TextEncoder();
    let sentLogs = 0;
    let lastSent = "";
    let cleanup = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = () => {
          // Each event carries only logs not sent before: the client accumulates them.
          const fresh = job.logs.slice(sentLogs);
          const payload = statusBody(job, target.logs ? fresh : null);
          const text = JSON.stringify(payload);
          if (text === lastSent && job.state !== "COMPLETED") return;
          lastSent = text;
          sentLogs = job.logs.length;
          controller.enqueue(encoder.encode(`data: ${text}\n\n`));
          if (job.state === "COMPLETED") {
            cleanup();
            controller.close();
          }
        };
        const keepalive = setInterval(() => controller.enqueue(encoder.encode(": keepalive\n\n")), keepaliveMs);
        const end = () => {
          cleanup();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        };
        // An injected outage breaks the connection mid-stream (the client sees a network error).
        const cut = () => {
          cleanup();
          try {
            controller.error(new Error("stand-in: offline"));
          } catch {
            /* already closed */
          }
        };
        cleanup = () => {
          clearInterval(keepalive);
          job.listeners.delete(send);
          openStreams.delete(end);
          liveStreams.delete(cut);
          signal.removeEventListener("abort", end);
        };
        job.listeners.add(send);
        openStreams.add(end);
        liveStreams.add(cut);
        signal.addEventListener("abort", end, { once: true });
        send();
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-fal-request-id": job.id },
    });
  }

  function result(target: AllowedTarget): Response {
    const job = jobs.get(target.requestId!);
    if (!job) return notFound(target.requestId!);
    if (job.state !== "COMPLETED" || !job.outcome) {
      return json(400, { detail: "Request is still in progress." }, { "x-fal-request-id": job.id });
    }
    return json(job.outcome.status, job.outcome.body, { "x-fal-request-id": job.id });
  }

  function cancel(target: AllowedTarget): Response {
    const job = jobs.get(target.requestId!);
    if (!job) return json(404, { status: "NOT_FOUND" }, { "x-fal-request-id": target.requestId! });
    if (job.state === "COMPLETED") return json(400, { status: "ALREADY_COMPLETED" }, { "x-fal-request-id": job.id });
    job.cancelled = true;
    log(job, "Cancellation requested", "WARN");
    // fal's poller only stops on COMPLETED, so a cancelled job completes (with an error result).
    finish(job, { status: 400, body: { detail: "Request was cancelled.", error_type: "request_cancelled" } });
    return json(202, { status: "CANCELLATION_REQUESTED" }, { "x-fal-request-id": job.id });
  }

  function initiateUpload(init: UpstreamInit): Response {
    const parsed = parseJsonBody(init.body);
    const body = parsed.ok ? (parsed.value as { content_type?: unknown; file_name?: unknown } | undefined) : undefined;
    if (!body || typeof body.content_type !== "string" || typeof body.file_name !== "string") {
      return json(422, {
        detail: [{ loc: ["body"], msg: "content_type and file_name (strings) are required", type: "value_error" }],
      });
    }
    const ext = /\.([a-z0-9]{1,5})$/i.exec(body.file_name)?.[1]?.toLowerCase() ?? "bin";
    const key = `${randomUUID()}.${ext}`;
    pendingUploads.set(key, { contentType: body.content_type, fileName: body.file_name });
    if (pendingUploads.size > 10_000) pendingUploads.delete(pendingUploads.keys().next().value!);
    return json(200, { upload_url: `${baseUrl}/standin/upload/${key}`, file_url: fileUrl(key) });
  }

  async function run(target: AllowedTarget, init: UpstreamInit): Promise<Response> {
    const parsed = parseJsonBody(init.body);
    if (!parsed.ok) return json(422, { detail: [{ loc: ["body"], msg: "JSON decode error", type: "json_invalid" }] });
    const detail = validate(target.endpoint!, parsed.value);
    if (detail.length > 0) return json(422, { detail });
    await sleep(latencyMs, init.signal);
    const input = parsed.value as Record<string, unknown>;
    const fake = { endpoint: target.endpoint!, input } as Job;
    return json(200, generate(target.endpoint!, input, requestedSize(fake)));
  }

  const upstreamFetch: UpstreamFetch = async (_url, init) => {
    const target = init.target;
    const op: StandinOp =
      target.op === "uploadMultipart" || target.op === "completeMultipart" ? "upload" : (target.op as StandinOp);
    const faulted = await applyFault(op, init.signal);
    if (faulted instanceof Response) return faulted;
    switch (target.op) {
      case "submit":
        return submit(target, init, faulted);
      case "run":
        return run(target, init);
      case "status":
        return status(target);
      case "stream":
        return stream(target, init.signal);
      case "result":
        return result(target);
      case "cancel":
        return cancel(target);
      case "upload":
        return initiateUpload(init);
      case "uploadMultipart":
      case "completeMultipart":
        return json(501, { detail: "Multipart upload (files over 90 MiB) is not supported by the stand-in." });
    }
  };

  // ---------- /standin/* routes ----------

  const STORAGE_CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, PUT, OPTIONS",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
  };
  const SAFE_INLINE = new Set(["image/png", "image/jpeg", "image/webp", "image/gif"]);

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://standin.local");
    const path = url.pathname;
    if (!path.startsWith("/standin/")) return false;
    const method = req.method ?? "GET";

    if (path === "/standin/stats" && method === "GET") {
      sendJson(res, 200, stats());
      return true;
    }
    if (path === "/standin/stats" && method === "DELETE") {
      resetStats();
      sendJson(res, 200, stats());
      return true;
    }
    if (path === "/standin/faults") {
      if (method === "GET") {
        sendJson(res, 200, { faults: faults.list() });
      } else if (method === "DELETE") {
        faults.clear();
        sendJson(res, 200, { faults: [] });
      } else if (method === "POST") {
        let body: unknown;
        try {
          body = JSON.parse((await readBody(req, 64 * 1024)).toString("utf8"));
        } catch {
          sendJson(res, 400, { error: { code: "bad_json", message: "Body must be a JSON fault or {faults:[…]}." } });
          return true;
        }
        const list = Array.isArray((body as { faults?: unknown })?.faults)
          ? (body as { faults: unknown[] }).faults
          : [body];
        const problems = list.map((f, i) => [i, faultProblem(f)] as const).filter(([, p]) => p !== null);
        if (problems.length > 0) {
          sendJson(res, 400, {
            error: { code: "bad_fault", message: problems.map(([i, p]) => `faults[${i}]: ${p}`).join("; ") },
          });
          return true;
        }
        for (const f of list) faults.add(f as Fault);
        sendJson(res, 200, { faults: faults.list() });
      } else {
        sendJson(
          res,
          405,
          { error: { code: "method_not_allowed", message: "Use GET, POST or DELETE." } },
          { allow: "GET, POST, DELETE" },
        );
      }
      return true;
    }

    const uploadMatch = /^\/standin\/upload\/([A-Za-z0-9-]+\.[a-z0-9]{1,5})$/.exec(path);
    const fileMatch = /^\/standin\/files\/([A-Za-z0-9-]+\.[a-z0-9]{1,5})$/.exec(path);
    if ((uploadMatch || fileMatch) && method === "OPTIONS") {
      res.writeHead(204, STORAGE_CORS);
      res.end();
      return true;
    }
    if (uploadMatch) {
      if (method !== "PUT") {
        sendJson(
          res,
          405,
          { error: { code: "method_not_allowed", message: "Upload with PUT." } },
          { ...STORAGE_CORS, allow: "PUT, OPTIONS" },
        );
        return true;
      }
      if (!(await directFault("uploadPut", req, res))) return true;
      const key = uploadMatch[1];
      const pending = pendingUploads.get(key);
      if (!pending) {
        sendJson(res, 404, { detail: "Unknown or already used upload URL." }, STORAGE_CORS);
        return true;
      }
      let bytes: Buffer;
      try {
        bytes = await readBody(req, maxUploadBytes);
      } catch (e) {
        if (e instanceof BodyTooLargeError) {
          sendJson(
            res,
            413,
            { detail: `Upload exceeds ${maxUploadBytes} bytes.` },
            { ...STORAGE_CORS, connection: "close" },
          );
        } else res.destroy();
        return true;
      }
      pendingUploads.delete(key);
      const contentType = (req.headers["content-type"] ?? pending.contentType).split(";")[0].trim().toLowerCase();
      putFile(key, { bytes, contentType, fileName: pending.fileName });
      sendJson(res, 200, {}, STORAGE_CORS);
      return true;
    }
    if (fileMatch) {
      if (method !== "GET" && method !== "HEAD") {
        sendJson(
          res,
          405,
          { error: { code: "method_not_allowed", message: "Files are read with GET." } },
          { ...STORAGE_CORS, allow: "GET, HEAD" },
        );
        return true;
      }
      if (!(await directFault("file", req, res))) return true;
      const file = files.get(fileMatch[1]);
      if (!file) {
        sendJson(res, 404, { detail: "File not found." }, STORAGE_CORS);
        return true;
      }
      const inline = SAFE_INLINE.has(file.contentType);
      res.writeHead(200, {
        ...STORAGE_CORS,
        // Uploaded bytes are attacker-controlled: only known image types render inline, and
        // nothing served here may run script on our origin.
        "content-type": inline ? file.contentType : "application/octet-stream",
        "content-length": String(file.bytes.length),
        "content-disposition": inline ? "inline" : `attachment; filename="${fileMatch[1]}"`,
        "content-security-policy": "default-src 'none'; sandbox",
        "x-content-type-options": "nosniff",
        "cache-control": "public, max-age=3600, immutable",
      });
      res.end(method === "HEAD" ? undefined : file.bytes);
      return true;
    }
    sendJson(res, 404, { error: { code: "not_found", message: `No stand-in route ${path}.` } });
    return true;
  }

  /** Faults for the routes served directly (not via the proxy). Returns false if it answered. */
  async function directFault(op: StandinOp, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    try {
      const r = await applyFault(op, ac.signal);
      if (r instanceof Response) {
        const headers: Record<string, string> = { ...STORAGE_CORS };
        r.headers.forEach((v, k) => (headers[k] = v));
        res.writeHead(r.status, headers);
        res.end(Buffer.from(await r.arrayBuffer()));
        return false;
      }
      return true;
    } catch {
      req.socket.destroy();
      return false;
    }
  }

  function stats(): StandinStats {
    let queued = 0;
    let running = 0;
    let completed = 0;
    for (const j of jobs.values()) {
      if (j.state === "IN_QUEUE") queued++;
      else if (j.state === "IN_PROGRESS") running++;
      else completed++;
    }
    return { calls: { ...calls }, jobs: { total: jobs.size, queued, running, completed }, files: files.size };
  }

  function resetStats(): void {
    for (const op of STANDIN_OPS) calls[op] = 0;
  }

  return {
    fetch: upstreamFetch,
    handleHttp,
    isOffline: () => faults.isOffline(),
    faults,
    stats,
    resetStats,
    setBaseUrl(url: string) {
      baseUrl = url.replace(/\/+$/, "");
    },
    close() {
      for (const job of jobs.values()) if (job.timer) clearTimeout(job.timer);
      for (const end of [...openStreams]) end();
    },
  };
}
