/**
 * fal's queue protocol, answered in-process (docs/server.md#the-stand-in): submit, status,
 * status stream, result, cancel, and the direct `fal.run`. Each job waits `queueDelayMs` in
 * IN_QUEUE, then logs `Step i/N` over `latencyMs` while its placeholder images are encoded, and
 * completes with fal-ai/lora's output (docs/fal-wire.md#the-response) or an injected error.
 */
import { randomUUID } from "node:crypto";
import type { AllowedTarget } from "../allowlist.ts";
import type { Logger } from "../http.ts";
import type { UpstreamInit } from "../proxy/index.ts";
import { sleep } from "../../shared/sleep.ts";
import type { OpFault } from "./faults.ts";
import { statusStream } from "./events.ts";
import { JobStore, type Job, type Outcome } from "./jobs.ts";
import { json, jsonText } from "./responses.ts";
import type { Storage } from "./storage.ts";
import { sendWebhook, type WebhookFetch } from "./webhooks.ts";
import type { Work } from "./workers.ts";
import type { JobSpec } from "./work.ts";

const QUEUE_HOST = "https://queue.fal.run/fal-ai/lora";

export interface QueueDeps {
  store: JobStore;
  work: Work;
  storage: Storage;
  logger: Logger;
  latencyMs: number;
  queueDelayMs: number;
  keepaliveMs: number;
  webhookFetch: WebhookFetch;
  /** Register a stream's clean end (server close) and its break (offline); returns an untrack. */
  trackStream(end: () => void, cut: () => void): () => void;
}

function urls(id: string) {
  return {
    request_id: id,
    response_url: `${QUEUE_HOST}/requests/${id}`,
    status_url: `${QUEUE_HOST}/requests/${id}/status`,
    cancel_url: `${QUEUE_HOST}/requests/${id}/cancel`,
  };
}

const withId = (id: string) => ({ "x-fal-request-id": id });

function statusBody(store: JobStore, job: Job, logs: Job["logs"] | null) {
  const base = { status: job.state, ...urls(job.id) };
  if (job.state === "IN_QUEUE") return { ...base, queue_position: store.queuePosition(job) };
  if (job.state === "IN_PROGRESS") return { ...base, logs };
  const { startedAt, finishedAt, outcome } = job;
  return {
    ...base,
    logs,
    metrics: { inference_time: startedAt && finishedAt ? (finishedAt - startedAt) / 1000 : null },
    // The Python client reads these on COMPLETED; the JS client ignores them.
    ...(outcome && outcome.status >= 400
      ? { error: outcome.error, error_type: job.cancelled ? "request_cancelled" : "runner_error" }
      : {}),
  };
}

/**
 * fal-ai/lora's output (docs/fal-wire.md#the-response): placeholder images put in storage. Stops
 * early if the job ends meanwhile.
 */
async function output(deps: QueueDeps, spec: JobSpec, job?: Job): Promise<Outcome> {
  try {
    const images = [];
    for (let index = 0; index < spec.numImages; index++) {
      if (job && (job.state === "COMPLETED" || job.gone)) break;
      const img = await deps.work.render(spec, index);
      const key = `${randomUUID()}.${spec.format === "jpeg" ? "jpg" : "png"}`;
      deps.storage.put(key, { bytes: img.bytes, contentType: img.contentType, fileName: key });
      const { contentType, width, height } = img;
      images.push({
        url: deps.storage.url(key),
        content_type: contentType,
        file_name: key,
        file_size: img.bytes.length,
        width,
        height,
      });
    }
    const body = { images, seed: spec.seed, has_nsfw_concepts: images.map(() => false) };
    return { status: 200, json: JSON.stringify({ ...body, debug_latents: null, debug_per_pass_latents: null }) };
  } catch (e) {
    deps.logger.error(`stand-in: generation failed: ${(e as Error).message}`);
    return failure(500, "Stand-in image generation failed.", "internal_error");
  }
}

function failure(status: number, detail: string, errorType: string): Outcome {
  return { status, json: JSON.stringify({ detail, error_type: errorType }), error: detail };
}

/** IN_QUEUE → IN_PROGRESS: log the steps over the configured latency, then `finish`. */
function start(deps: QueueDeps, job: Job, finish: (job: Job, outcome: Outcome) => void): void {
  const { store } = deps;
  job.state = "IN_PROGRESS";
  job.startedAt = Date.now();
  const steps = job.spec.steps;
  store.log(job, `Loading ${job.spec.modelName} (stand-in)`);
  // The configured latency is the whole simulated generation: the images are encoded during
  // the steps, not after them, and steps are timed against the start (10 ms timers drift late
  // on a busy machine; 30 of them added 150 ms).
  const injected = job.injectedError;
  const result = injected
    ? Promise.resolve(failure(injected.status, injected.detail, "runner_error"))
    : output(deps, job.spec, job);
  const interval = deps.latencyMs / steps;
  const t0 = job.startedAt;
  let step = 0;
  const tick = () => {
    step += 1;
    store.log(job, `Step ${step}/${steps}`);
    if (step < steps) {
      // One step per timer, even when late: polls queued behind a slow step are answered between steps.
      job.timer = setTimeout(tick, Math.max(0, t0 + (step + 1) * interval - Date.now()));
      return;
    }
    job.timer = undefined;
    void result.then((outcome) => {
      if (outcome.status >= 400 && injected) store.log(job, `Error: ${injected.detail}`, "ERROR");
      finish(job, outcome);
    });
  };
  job.timer = setTimeout(tick, interval);
}

export function createQueue(deps: QueueDeps) {
  const { store, logger } = deps;

  function finish(job: Job, outcome: Outcome): void {
    if (job.state === "COMPLETED") return;
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    store.complete(job, outcome);
    if (job.webhook) {
      const delivery = { url: job.webhook, requestId: job.id, ok: outcome.status < 400, payloadJson: outcome.json };
      void sendWebhook({ ...delivery, error: outcome.error ?? null }, deps.webhookFetch, logger);
    }
  }

  async function submit(target: AllowedTarget, init: UpstreamInit, special: OpFault | null): Promise<Response> {
    const checked = await deps.work.check(target.endpoint!, init.body, Math.floor(Math.random() * 2 ** 31));
    if (!checked.ok) return json(422, { detail: checked.detail });
    if (!store.makeRoom()) {
      logger.warn(`stand-in: job store full (${store.size} jobs, ${store.bytes} bytes); submit refused`);
      return json(
        503,
        { detail: "The stand-in is holding too many unfinished jobs; retry later." },
        { "retry-after": "5" },
      );
    }
    const job: Job = {
      id: randomUUID(),
      spec: checked.spec,
      state: "IN_QUEUE",
      createdAt: Date.now(),
      logs: [],
      stuck: special?.kind === "stuck",
      injectedError:
        special?.kind === "jobError"
          ? { status: special.status ?? 500, detail: special.detail ?? "Injected failure from the stand-in." }
          : undefined,
      cancelled: false,
      fetched: false,
      gone: false,
      webhook: target.webhook,
      listeners: new Set(),
      bytes: 0,
    };
    store.add(job);
    if (!job.stuck) job.timer = setTimeout(() => start(deps, job, finish), deps.queueDelayMs);
    return json(200, { status: "IN_QUEUE", ...urls(job.id), queue_position: store.queuePosition(job) }, withId(job.id));
  }

  const notFound = (id: string) => json(404, { detail: `Request ${id} not found.` }, withId(id));

  function status(target: AllowedTarget): Response {
    const job = store.get(target.requestId!);
    if (!job) return notFound(target.requestId!);
    return json(
      job.state === "COMPLETED" ? 200 : 202,
      statusBody(store, job, target.logs ? job.logs : null),
      withId(job.id),
    );
  }

  function stream(target: AllowedTarget, signal: AbortSignal): Response {
    const job = store.get(target.requestId!);
    if (!job) return notFound(target.requestId!);
    const hooks = {
      keepaliveMs: deps.keepaliveMs,
      statusBody: (j: Job, logs: Job["logs"] | null) => statusBody(store, j, logs),
      track: deps.trackStream,
    };
    return new Response(statusStream(job, target.logs === true, signal, hooks), {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...withId(job.id) },
    });
  }

  function result(target: AllowedTarget): Response {
    const job = store.get(target.requestId!);
    if (!job) return notFound(target.requestId!);
    if (job.state !== "COMPLETED" || !job.outcome) {
      return json(400, { detail: "Request is still in progress." }, withId(job.id));
    }
    job.fetched = true;
    return jsonText(job.outcome.status, job.outcome.json, withId(job.id));
  }

  function cancel(target: AllowedTarget): Response {
    const job = store.get(target.requestId!);
    if (!job) return json(404, { status: "NOT_FOUND" }, withId(target.requestId!));
    if (job.state === "COMPLETED") return json(400, { status: "ALREADY_COMPLETED" }, withId(job.id));
    job.cancelled = true;
    store.log(job, "Cancellation requested", "WARN");
    // fal's poller only stops on COMPLETED, so a cancelled job completes (with an error result).
    finish(job, failure(400, "Request was cancelled.", "request_cancelled"));
    return json(202, { status: "CANCELLATION_REQUESTED" }, withId(job.id));
  }

  /** `fal.run`: no queue, the output in one answer after the generation time. */
  async function run(target: AllowedTarget, init: UpstreamInit): Promise<Response> {
    const checked = await deps.work.check(target.endpoint!, init.body, Math.floor(Math.random() * 2 ** 31));
    if (!checked.ok) return json(422, { detail: checked.detail });
    const [outcome] = await Promise.all([output(deps, checked.spec), sleep(deps.latencyMs, init.signal)]);
    return jsonText(outcome.status, outcome.json);
  }

  /** Start every job a `stuck` fault holds; tests use it to end a run once its faults have landed. */
  function releaseStuck(): number {
    let released = 0;
    for (const job of store.values()) {
      if (!job.stuck || job.state !== "IN_QUEUE" || job.cancelled) continue;
      job.stuck = false;
      job.timer = setTimeout(() => start(deps, job, finish), 0);
      released += 1;
    }
    return released;
  }

  return { submit, status, stream, result, cancel, run, releaseStuck };
}

export type Queue = ReturnType<typeof createQueue>;
