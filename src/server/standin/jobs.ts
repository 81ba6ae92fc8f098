/**
 * The stand-in's job records and their store (EXE-06, docs/server.md#the-job-store).
 *
 * A job keeps its spec (what generation needs), its logs and its serialised result; never the
 * submitted input. The store is capped by count and by retained bytes: to make room, completed
 * jobs whose result was fetched go first (oldest first), then other completed jobs; when every
 * job is still running the submit is refused. Jobs that never complete (a `stuck` fault, a lost
 * timer) are dropped after `stuckMs`, completed ones after `retentionMs` (fal keeps results for
 * an hour).
 */
import type { JobSpec } from "./work.ts";

export type JobState = "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";

export interface RequestLog {
  message: string;
  level: "INFO" | "DEBUG" | "ERROR" | "WARN" | "STDOUT" | "STDERR";
  source: "USER";
  timestamp: string;
}

export interface Outcome {
  status: number;
  /** The result body, serialised once. */
  json: string;
  /** For failures: the message fal puts in `error` on COMPLETED. */
  error?: string;
}

export interface Job {
  id: string;
  spec: JobSpec;
  state: JobState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  logs: RequestLog[];
  stuck: boolean;
  injectedError?: { status: number; detail: string };
  outcome?: Outcome;
  cancelled: boolean;
  /** The result has been fetched at least once. */
  fetched: boolean;
  /** Dropped from the store: open streams end. */
  gone: boolean;
  webhook?: string;
  timer?: NodeJS.Timeout;
  listeners: Set<() => void>;
  /** Retained bytes, as counted against the store's cap. */
  bytes: number;
}

export interface JobLimits {
  /** Jobs kept at once. Default 5,000. */
  maxJobs: number;
  /** Bytes of logs and results kept at once. Default 64 MiB. */
  maxBytes: number;
  /** Completed jobs are forgotten after this. Default 1 h (as fal). */
  retentionMs: number;
  /** Jobs still unfinished after this are dropped. Default 10 min. */
  stuckMs: number;
}

export const DEFAULT_JOB_LIMITS: JobLimits = {
  maxJobs: 5_000,
  maxBytes: 64 * 1024 * 1024,
  retentionMs: 60 * 60 * 1000,
  stuckMs: 10 * 60 * 1000,
};

/** Fixed cost of a job record beyond its logs and result (ids, spec, timestamps, Map entry). */
export const JOB_OVERHEAD_BYTES = 512;
const LOG_OVERHEAD_BYTES = 96;

export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private retained = 0;

  constructor(
    private readonly limits: JobLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.jobs.size;
  }
  get bytes(): number {
    return this.retained;
  }
  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }
  values(): IterableIterator<Job> {
    return this.jobs.values();
  }

  /** Make room for one more job; false when the store is full of unfinished jobs. */
  makeRoom(): boolean {
    this.prune();
    const full = () =>
      this.jobs.size >= this.limits.maxJobs || this.retained + JOB_OVERHEAD_BYTES > this.limits.maxBytes;
    for (const fetchedOnly of [true, false]) {
      for (const job of this.jobs.values()) {
        if (!full()) return true;
        if (job.state === "COMPLETED" && (job.fetched || !fetchedOnly)) this.drop(job);
      }
    }
    return !full();
  }

  add(job: Job): void {
    job.bytes = JOB_OVERHEAD_BYTES + job.spec.modelName.length;
    this.retained += job.bytes;
    this.jobs.set(job.id, job);
  }

  log(job: Job, message: string, level: RequestLog["level"] = "INFO"): void {
    job.logs.push({ message, level, source: "USER", timestamp: new Date(this.now()).toISOString() });
    this.grow(job, message.length + LOG_OVERHEAD_BYTES);
    notify(job);
  }

  complete(job: Job, outcome: Outcome): void {
    job.outcome = outcome;
    job.state = "COMPLETED";
    job.finishedAt = this.now();
    this.grow(job, outcome.json.length + (outcome.error?.length ?? 0));
    notify(job);
  }

  /** Forget completed jobs past retention and unfinished ones past `stuckMs`. */
  prune(): void {
    const t = this.now();
    for (const job of this.jobs.values()) {
      const expired =
        job.state === "COMPLETED"
          ? t - (job.finishedAt ?? t) > this.limits.retentionMs
          : t - job.createdAt > this.limits.stuckMs;
      if (expired) this.drop(job);
    }
  }

  /** Position among queued jobs (0 = next). */
  queuePosition(job: Job): number {
    let pos = 0;
    for (const other of this.jobs.values()) {
      if (other === job) break;
      if (other.state === "IN_QUEUE") pos += 1;
    }
    return pos;
  }

  drop(job: Job): void {
    if (!this.jobs.delete(job.id)) return;
    this.retained -= job.bytes;
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    job.gone = true;
    notify(job);
  }

  clear(): void {
    for (const job of [...this.jobs.values()]) this.drop(job);
  }

  private grow(job: Job, bytes: number): void {
    job.bytes += bytes;
    if (this.jobs.has(job.id)) this.retained += bytes;
  }
}

export function notify(job: Job): void {
  for (const l of [...job.listeners]) l();
}
