import type { FieldError, LoraEndpointId, Progress, RequestLog, RunnerErrorKind, RunnerStep } from "../../fal/runner";
import type { SourceMap } from "../../compiler";
import type { BatchStamp } from "../../graph";

/**
 * pending   — record written, submit in flight (no request id yet)
 * queued    — fal holds the job (request id known), waiting in its queue
 * running   — fal is generating
 * completed — result fetched and stored
 * failed / cancelled — terminal
 */
export type RunStatus = "pending" | "queued" | "running" | "completed" | "failed" | "cancelled";

/**
 * Finished runs kept in history (the oldest go at start-up), apart from the newest batch's
 * (history.ts, `prunable`).
 */
export const HISTORY_KEEP_RUNS = 300;

export const TERMINAL: ReadonlySet<RunStatus> = new Set(["completed", "failed", "cancelled"]);

export interface RunImage {
  url: string;
  width?: number;
  height?: number;
  contentType?: string;
  /** Key of a copy of the bytes in IndexedDB (survives CDN expiry); may have been evicted since. */
  storedKey?: string;
}

export interface RunError {
  /** "interrupted": the page closed before fal confirmed the submit. */
  kind: RunnerErrorKind | "interrupted" | "bad-result";
  message: string;
  step?: RunnerStep;
  status?: number;
  requestId?: string;
  fieldErrors?: FieldError[];
  /** From a 429's Retry-After. */
  retryAfterSeconds?: number;
}

/** One run, as kept in IndexedDB. Plain JSON-able data (the graph as workflow file text). */
export interface RunRecord {
  id: string;
  /** fal's request id, stored the moment fal gives it (onEnqueue). */
  requestId?: string;
  endpoint: LoraEndpointId;
  /** The compiled request, as sent. */
  input: Record<string, unknown>;
  /** Stable JSON of {endpoint, input}: equal requests have equal keys (the result cache). */
  cacheKey: string;
  /** The Sampler node this run came from. */
  outputNodeId: string;
  sourceMap: SourceMap;
  /** The workflow at the time of the run (serializeWorkflow text). */
  graph: string;
  /** Pipeline name, for the history list. */
  title: string;
  status: RunStatus;
  createdAt: number;
  submittedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  seed?: number;
  images: RunImage[];
  /** fal's reported inference time, in seconds. */
  inferenceTime?: number;
  error?: RunError;
  /** This record reuses the result of an identical earlier run (nothing was sent). */
  cachedFrom?: string;
  cancelRequested?: boolean;
  /** The batch this run belongs to and the values drawn for it (also in `graph`'s meta). */
  batch?: BatchStamp;
  /** The values a sweep cell swept (RunJob.label). */
  label?: string;
}

/** What is known about a running job but not worth persisting. */
export interface LiveInfo {
  queuePosition?: number;
  logs: RequestLog[];
  progress: Progress | null;
  /** A cancel call is on its way. */
  cancelling?: boolean;
}

/** Everything needed to start one run. */
export interface RunJob {
  endpoint: LoraEndpointId;
  input: Record<string, unknown>;
  sourceMap: SourceMap;
  outputNodeId: string;
  graph: string;
  title: string;
  /** Set for a run of a batch: recorded in the run's history entry. */
  batch?: BatchStamp;
  /** What sets this run apart among its sweep's (“Guidance 5 · Steps 20”): the gallery's label. */
  label?: string;
}
