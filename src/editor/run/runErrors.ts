import { isRunnerError } from "../../fal/runnerError";
import type { RunError } from "./types";

/** A RunnerError (or anything thrown) as the error kept with a run. */
export function toRunError(e: unknown): RunError {
  if (isRunnerError(e)) {
    const retryAfter = (e.cause as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return {
      kind: e.kind,
      message: e.message,
      step: e.step,
      status: e.status,
      requestId: e.requestId,
      fieldErrors: e.fieldErrors,
      retryAfterSeconds: typeof retryAfter === "number" ? retryAfter : undefined,
    };
  }
  return { kind: "network", message: e instanceof Error ? e.message : String(e) };
}
