/**
 * Every failure of a runner call becomes one RunnerError: which step failed, what kind of
 * failure it was, the HTTP status and request id when known, and fal's field errors for a 422.
 */
import { ApiError, ValidationError } from "@fal-ai/client";
import { RunnerError } from "./runnerError.ts";
import type { RunnerStep } from "./types.ts";

export { RunnerError, isRunnerError } from "./runnerError.ts";

/** Wraps any error so the client's retry logic treats it as final (see module comment). */
export class NoRetry extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = "NoRetry";
  }
}

export function unwrap(e: unknown): unknown {
  return e instanceof NoRetry ? e.original : e;
}

/** Mirrors the client's error construction, so ValidationError/ApiError keep their meaning. */
export async function toApiError(res: Response): Promise<ApiError<unknown>> {
  const contentType = res.headers.get("content-type") ?? "";
  const requestId = res.headers.get("x-fal-request-id") ?? undefined;
  const timeoutType = res.headers.get("x-fal-request-timeout-type") ?? undefined;
  let body: unknown;
  if (contentType.includes("application/json")) body = await res.json().catch(() => undefined);
  else await res.body?.cancel().catch(() => {});
  const bodyMessage = extractMessage(body);
  const args = {
    message: bodyMessage ?? `HTTP ${res.status}${res.statusText ? `: ${res.statusText}` : ""}`,
    status: res.status,
    body,
    requestId,
    timeoutType,
  };
  const err = res.status === 422 && body !== undefined ? new ValidationError(args) : new ApiError(args);
  const retryAfter = Number(res.headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter >= 0)
    (err as ApiError<unknown> & { retryAfterSeconds?: number }).retryAfterSeconds = retryAfter;
  return err;
}

function extractMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { message?: unknown; detail?: unknown; error?: { message?: unknown } };
  if (typeof b.message === "string") return b.message;
  if (typeof b.detail === "string") return b.detail;
  if (b.error && typeof b.error.message === "string") return b.error.message;
  return undefined;
}

function isAbort(e: unknown): boolean {
  return (
    typeof e === "object" && e !== null && ((e as Error).name === "AbortError" || (e as Error).name === "TimeoutError")
  );
}

// Gateway/overload answers are worth retrying. A 500 is retried only for status polls (as the
// client does): a result's 500 is the job's own failure and will not change.
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

/** Convert anything thrown during `step` into a RunnerError. */
export function toRunnerError(raw: unknown, step: RunnerStep, requestId?: string): RunnerError {
  const e = unwrap(raw);
  if (e instanceof RunnerError) return e;
  if (e instanceof ApiError) {
    const body = e.body as { error_type?: unknown; error?: { code?: unknown } } | undefined;
    const rid = e.requestId || requestId;
    if (e instanceof ValidationError || e.status === 422) {
      return new RunnerError(
        {
          kind: "validation",
          step,
          status: e.status,
          requestId: rid,
          message: e.message || "fal rejected the request as invalid.",
          fieldErrors: (e as ValidationError).fieldErrors ?? [],
        },
        { cause: e },
      );
    }
    if (body?.error_type === "request_cancelled") {
      return new RunnerError(
        { kind: "cancelled", step, status: e.status, requestId: rid, message: "The request was cancelled." },
        { cause: e },
      );
    }
    const timeout = e.status === 504 || e.status === 408;
    return new RunnerError(
      {
        kind: timeout ? "timeout" : "http",
        step,
        status: e.status,
        requestId: rid,
        message: `${stepLabel(step)} failed (HTTP ${e.status}): ${e.message}`,
      },
      { cause: e },
    );
  }
  if (isAbort(e)) {
    return new RunnerError({ kind: "cancelled", step, requestId, message: `${stepLabel(step)} was aborted.` });
  }
  const detail = e instanceof Error ? e.message : String(e);
  const ambiguous =
    step === "submit" ? " The job may or may not have been queued; it was not resent, to avoid a duplicate." : "";
  return new RunnerError({
    kind: "network",
    step,
    requestId,
    message: `${stepLabel(step)} failed: network error (${detail}).${ambiguous}`,
  });
}

function stepLabel(step: RunnerStep): string {
  return {
    submit: "Submitting",
    status: "Checking status",
    result: "Fetching the result",
    cancel: "Cancelling",
    upload: "Uploading",
  }[step];
}

export function isRetryable(err: RunnerError): boolean {
  if (err.kind === "network") return true;
  if ((err.kind !== "http" && err.kind !== "timeout") || err.status === undefined) return false;
  return RETRYABLE_STATUS.has(err.status) || (err.step === "status" && err.status === 500);
}
