/**
 * The error every runner call fails with. Its own module, free of @fal-ai/client, so the editor
 * can recognise it with `instanceof` without pulling the client into its first load (the runner
 * itself loads on demand: src/editor/run/lazyRunner.ts).
 */
import type { RunnerErrorInfo, RunnerErrorKind, RunnerStep, FieldError } from "./types.ts";

export class RunnerError extends Error implements RunnerErrorInfo {
  readonly kind: RunnerErrorKind;
  readonly step: RunnerStep;
  readonly status?: number;
  readonly requestId?: string;
  readonly fieldErrors?: FieldError[];
  constructor(info: RunnerErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = "RunnerError";
    this.kind = info.kind;
    this.step = info.step;
    this.status = info.status;
    this.requestId = info.requestId;
    this.fieldErrors = info.fieldErrors;
  }
  toJSON(): RunnerErrorInfo {
    const { kind, message, step, status, requestId, fieldErrors } = this;
    return { kind, message, step, status, requestId, fieldErrors };
  }
}

export function isRunnerError(e: unknown): e is RunnerError {
  return e instanceof RunnerError;
}
