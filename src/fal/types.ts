/** The runner's public types (see runner.ts). */

export type LoraEndpointId = "fal-ai/lora" | "fal-ai/lora/image-to-image" | "fal-ai/lora/inpaint";

export type RunnerStep = "submit" | "status" | "result" | "cancel" | "upload";
export type RunnerErrorKind = "validation" | "http" | "network" | "cancelled" | "timeout";

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The normalised error shape every runner method rejects with. */
export interface RunnerErrorInfo {
  kind: RunnerErrorKind;
  message: string;
  step: RunnerStep;
  status?: number;
  requestId?: string;
  fieldErrors?: FieldError[];
}

export interface RequestLog {
  message: string;
  level?: string;
  source?: string;
  timestamp?: string;
}

export interface Progress {
  step: number;
  total: number;
}

export interface QueueUpdate {
  status: "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";
  requestId: string;
  queuePosition?: number;
  /** All logs received so far for this request. */
  logs: RequestLog[];
  /** Latest "Step i/N" found in the logs. */
  progress: Progress | null;
}

export interface RunResult<T = unknown> {
  data: T;
  requestId: string;
}

export interface RetryPolicy {
  /** First backoff delay. Default 500 ms. */
  baseDelayMs: number;
  /** Backoff cap. Default 5 s. */
  maxDelayMs: number;
  /** Give up after failing continuously this long. Default 60 s. */
  budgetMs: number;
}

export interface RunnerOptions {
  /** Proxy route, absolute (Node) or relative (browser), e.g. "/api/fal/proxy". Give this or `credentials`. */
  proxyUrl?: string;
  /**
   * A fal key, to talk to fal directly instead of through a proxy. Node only (the CLI): in a
   * browser the key would be readable by every script on the page.
   */
  credentials?: string;
  /** Status via SSE (falls back to polling if the stream fails) or plain polling. Default "streaming". */
  mode?: "streaming" | "polling";
  fetch?: typeof fetch;
  /** Delay between status polls. Default 500 ms (the client's default). */
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
  /** The wait between polls and retries. Default: src/shared/sleep.ts; tests pass one they can observe. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SubmitOptions {
  /** Called with the request id as soon as fal has queued the job (persist it here). */
  onEnqueue?: (requestId: string) => void;
  webhookUrl?: string;
  signal?: AbortSignal;
}

export interface FollowOptions {
  onUpdate?: (update: QueueUpdate) => void;
  /** Stops following (does not cancel the job at fal; call cancel for that). */
  signal?: AbortSignal;
  /** Give up following after this long (kind "timeout"). Default: no deadline. */
  timeoutMs?: number;
}

export type CancelOutcome = "CANCELLATION_REQUESTED" | "ALREADY_COMPLETED" | "NOT_FOUND";

export interface Runner {
  submit(endpoint: LoraEndpointId, input: Record<string, unknown>, options?: SubmitOptions): Promise<string>;
  follow<T = unknown>(endpoint: LoraEndpointId, requestId: string, options?: FollowOptions): Promise<RunResult<T>>;
  /** `signal` gives up on the cancel call (and its retries), e.g. when a CLI must exit now. */
  cancel(endpoint: LoraEndpointId, requestId: string, options?: { signal?: AbortSignal }): Promise<CancelOutcome>;
  /**
   * Uploads to fal storage and returns the file's URL; files over 90 MiB take the client's
   * multipart path. `signal` stops it, retries included (progress comes from the runner's fetch).
   */
  upload(blob: Blob, options?: { signal?: AbortSignal }): Promise<string>;
  run<T = unknown>(
    endpoint: LoraEndpointId,
    input: Record<string, unknown>,
    options?: SubmitOptions & FollowOptions,
  ): Promise<RunResult<T>>;
}
