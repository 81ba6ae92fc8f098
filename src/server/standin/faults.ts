/**
 * Fault injection for the stand-in: make the Nth call of an operation fail in a chosen way,
 * or take the whole stand-in "offline" for a while. Used by tests and by `POST /standin/faults`,
 * and only in test mode (docs/server.md#test-mode-and-faults): a stand-in started by `npm start` has none.
 */
import { sleep, untilAborted } from "../../shared/sleep.ts";
import type { Logger } from "../http.ts";
import { dropSignal, json } from "./responses.ts";
export type StandinOp = "submit" | "run" | "status" | "stream" | "result" | "cancel" | "upload" | "uploadPut" | "file";

export const STANDIN_OPS: readonly StandinOp[] = [
  "submit",
  "run",
  "status",
  "stream",
  "result",
  "cancel",
  "upload",
  "uploadPut",
  "file",
];

interface OpFaultBase {
  op: StandinOp;
  /** Which call (1-based, counted from when the fault was added) is hit first. Default 1 = the next call. */
  on?: number;
  /** How many consecutive calls are hit. Default 1. */
  times?: number;
}

export type OpFault =
  /** Answer with this HTTP status and a JSON `{detail}` body (429 also gets Retry-After). */
  | (OpFaultBase & { kind: "http"; status: number; retryAfterSeconds?: number })
  /** Wait before answering normally. */
  | (OpFaultBase & { kind: "delay"; ms: number })
  /** Destroy the client connection without an answer. */
  | (OpFaultBase & { kind: "drop" })
  /** Never answer (until the caller gives up). */
  | (OpFaultBase & { kind: "hang" })
  /** submit only: the job is accepted but never leaves the queue. */
  | (OpFaultBase & { kind: "stuck" })
  /** submit only: the job runs, then fails; result answers `status` with `{detail, error_type}`. */
  | (OpFaultBase & { kind: "jobError"; status?: number; detail?: string });

export type Fault = OpFault | { kind: "offline"; ms: number };

const KINDS = new Set(["http", "delay", "drop", "hang", "stuck", "jobError", "offline"]);

/** Check a fault that arrived as JSON; returns a message naming the problem, or null. */
export function faultProblem(f: unknown): string | null {
  if (typeof f !== "object" || f === null || Array.isArray(f)) return "a fault must be an object";
  const o = f as Record<string, unknown>;
  if (typeof o.kind !== "string" || !KINDS.has(o.kind)) return `fault.kind must be one of ${[...KINDS].join(", ")}`;
  const num = (k: string, min: number, max: number, required: boolean) => {
    if (o[k] === undefined) return required ? `fault.${k} is required for kind ${o.kind}` : null;
    const v = o[k];
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
      ? null
      : `fault.${k} must be an integer in ${min}..${max}`;
  };
  if (o.kind === "offline") return num("ms", 1, 600_000, true);
  if (typeof o.op !== "string" || !(STANDIN_OPS as readonly string[]).includes(o.op)) {
    return `fault.op must be one of ${STANDIN_OPS.join(", ")}`;
  }
  if ((o.kind === "stuck" || o.kind === "jobError") && o.op !== "submit")
    return `fault.kind ${o.kind} only applies to op submit`;
  return (
    num("on", 1, 1_000_000, false) ??
    num("times", 1, 1_000_000, false) ??
    (o.kind === "http" ? (num("status", 400, 599, true) ?? num("retryAfterSeconds", 0, 3600, false)) : null) ??
    (o.kind === "delay" ? num("ms", 0, 600_000, true) : null) ??
    (o.kind === "jobError" ? num("status", 400, 599, false) : null) ??
    (o.kind === "jobError" && o.detail !== undefined && typeof o.detail !== "string"
      ? "fault.detail must be a string"
      : null)
  );
}

export const FAULTS_OFF =
  "Fault injection is off: the stand-in is not in test mode (start the server with STANDIN_TEST_MODE=1).";

export class FaultController {
  private armed: Array<{ fault: OpFault; seen: number }> = [];
  private offlineUntil = 0;
  private readonly offlineListeners = new Set<() => void>();

  /** `enabled` is the stand-in's test mode: without it, arming a fault throws. */
  constructor(
    readonly enabled = true,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called when an offline period starts (the stand-in cuts its open streams, as a real outage would). */
  onOffline(listener: () => void): () => void {
    this.offlineListeners.add(listener);
    return () => this.offlineListeners.delete(listener);
  }

  add(fault: Fault): void {
    if (!this.enabled) throw new TypeError(FAULTS_OFF);
    const problem = faultProblem(fault);
    if (problem) throw new TypeError(`Invalid stand-in fault: ${problem}`);
    if (fault.kind === "offline") {
      this.offlineUntil = this.now() + fault.ms;
      for (const l of [...this.offlineListeners]) l();
      return;
    }
    this.armed.push({ fault, seen: 0 });
  }

  clear(): void {
    this.armed = [];
    this.offlineUntil = 0;
  }

  list(): Fault[] {
    const out: Fault[] = this.armed.map((a) => a.fault);
    const left = this.offlineUntil - this.now();
    if (left > 0) out.push({ kind: "offline", ms: left });
    return out;
  }

  isOffline(): boolean {
    return this.now() < this.offlineUntil;
  }

  /** Count one call of `op` against every armed fault and return the first one that hits it. */
  take(op: StandinOp): OpFault | null {
    let hit: OpFault | null = null;
    for (const a of this.armed) {
      if (a.fault.op !== op) continue;
      a.seen += 1;
      const on = a.fault.on ?? 1;
      const times = a.fault.times ?? 1;
      if (!hit && a.seen >= on && a.seen < on + times) hit = a.fault;
    }
    this.armed = this.armed.filter((a) => a.seen < (a.fault.on ?? 1) + (a.fault.times ?? 1) - 1);
    return hit;
  }
}

/** What an injected fault makes of a call: an answer to send instead, a special submit, or nothing. */
export type FaultOutcome = Response | OpFault | null;

/**
 * Count a call of `op` and apply the fault armed for it, if any: answer with an HTTP error,
 * wait, drop the connection (throws the proxy's drop marker), or hang until `signal` aborts.
 * `stuck` and `jobError` are returned for submit to apply.
 */
export function createFaultInjector(
  controller: FaultController,
  calls: Record<StandinOp, number>,
  logger: Logger,
): (op: StandinOp, signal?: AbortSignal) => Promise<FaultOutcome> {
  return async (op, signal) => {
    calls[op] += 1;
    const fault = controller.take(op);
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
        return fault; // stuck / jobError: applied by submit
    }
  };
}
