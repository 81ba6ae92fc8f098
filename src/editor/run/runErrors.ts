import type { RunnerError } from "../../fal/runner";
import type { RunError } from "./types";

/** By name, not instanceof: a value import of the runner would pull @fal-ai/client into the first load (see lazyRunner). */
const isRunnerError = (e: unknown): e is RunnerError => e instanceof Error && e.name === "RunnerError";

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
