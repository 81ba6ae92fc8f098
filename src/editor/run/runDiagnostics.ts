/**
 * Turns a failed run into what the editor shows: fal's 422 field errors become diagnostics on
 * the node and field that produced the value (through the compile's sourceMap), and every other
 * failure becomes a plain explanation with the request id, the step, and what to do next.
 */
import type { CompileResult } from "../../compiler";
import { lookupSource } from "../engine";
import type { Diagnostic } from "../../graph";
import { stableStringify } from "./cacheKey";
import type { RunError, RunRecord } from "./types";

/** Request path of a fal `loc` (drops the leading "body"). */
export function locPath(loc: readonly (string | number)[]): string {
  return (loc[0] === "body" ? loc.slice(1) : loc).join(".");
}

/**
 * Diagnostics for a run that fal refused with 422 (CMP-04). Field errors whose `loc` maps to a
 * node land on that node and field; the rest land on the run's Sampler, with the request id.
 * @example
 * mapFieldErrors(run)
 * // [{ severity: "error", code: "request-invalid", nodeId: "lora-2", field: "scale",
 * //    path: "loras.1.scale", message: "fal rejected loras.1.scale: …" }]
 */
export function mapFieldErrors(
  run: Pick<RunRecord, "error" | "sourceMap" | "outputNodeId" | "requestId">,
): Diagnostic[] {
  const err = run.error;
  if (!err || err.kind !== "validation") return [];
  const rid = err.requestId ?? run.requestId;
  const list = err.fieldErrors?.length ? err.fieldErrors : [{ loc: ["body"], msg: err.message, type: "value_error" }];
  return list.map((fe): Diagnostic => {
    const loc = Array.isArray(fe.loc) ? fe.loc.filter((p) => typeof p === "string" || typeof p === "number") : [];
    const path = locPath(loc);
    const msg = typeof fe.msg === "string" && fe.msg ? fe.msg : "invalid value";
    const src = path ? lookupSource(run.sourceMap ?? {}, loc) : undefined;
    if (src) {
      return {
        severity: "error",
        code: "request-invalid",
        message: `fal rejected ${path}: ${msg}`,
        nodeId: src.nodeId,
        field: src.field,
        path,
        // From inside a component: the editor can show it on the inner field too.
        ...(src.inner ? { inner: src.inner } : {}),
      };
    }
    return {
      severity: "error",
      code: "request-invalid",
      message: `fal rejected the request${path ? ` at ${path}` : ""}: ${msg}${rid ? ` (request ${rid})` : ""}`,
      nodeId: run.outputNodeId,
      path: path || undefined,
    };
  });
}

function valueAt(input: unknown, path: string): unknown {
  let cur = input;
  for (const part of path ? path.split(".") : []) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * The run diagnostics still worth showing: for each Sampler, its latest finished run's 422
 * errors, minus those whose value the user has changed since (the compiled request now holds a
 * different value at that path).
 */
export function activeRunDiagnostics(runs: readonly RunRecord[], current: CompileResult): Diagnostic[] {
  const latest = new Map<string, RunRecord>();
  for (const r of runs) {
    // runs are newest first; a run still in flight hides the errors of the one before it.
    if (!latest.has(r.outputNodeId)) latest.set(r.outputNodeId, r);
  }
  const out: Diagnostic[] = [];
  for (const run of latest.values()) {
    if (run.status !== "failed" || run.error?.kind !== "validation") continue;
    const now = current.outputs.find((o) => o.output === run.outputNodeId);
    if (!now) continue; // the Sampler is gone
    for (const d of mapFieldErrors(run)) {
      if (
        now.input &&
        d.path !== undefined &&
        stableStringify(valueAt(now.input, d.path)) !== stableStringify(valueAt(run.input, d.path))
      )
        continue;
      if (now.input && d.path === undefined && stableStringify(now.input) !== stableStringify(run.input)) continue;
      out.push(d);
    }
  }
  return out;
}

/** A one-paragraph explanation of a failed run: what happened, where, and what to do next. */
export function describeRunError(err: RunError): { title: string; detail: string; next: string } {
  const where = [err.step ? `during ${err.step}` : "", err.requestId ? `request ${err.requestId}` : ""]
    .filter(Boolean)
    .join(", ");
  const detail = `${err.message}${where ? ` (${where})` : ""}`;
  if (err.status === 429) {
    const wait = err.retryAfterSeconds ? ` Try again in ${err.retryAfterSeconds} s.` : " Wait a little and try again.";
    return { title: "Rate limited", detail, next: `Too many requests went through the proxy in a short time.${wait}` };
  }
  switch (err.kind) {
    case "validation":
      return {
        title: "fal refused the request",
        detail,
        next: "The highlighted fields were rejected: change them and run again.",
      };
    case "network":
      return {
        title: "Network error",
        detail,
        next:
          err.step === "submit"
            ? "Check the connection and the proxy URL in Settings. The job was not resent, so it may or may not have been queued."
            : "Check the connection; the run can be resumed by reloading the page while fal still keeps the result.",
      };
    case "timeout":
      return { title: "Timed out", detail, next: "fal or the proxy took too long. Run again, or try later." };
    case "cancelled":
      return { title: "Cancelled", detail, next: "Run again when you are ready." };
    case "interrupted":
      return {
        title: "Interrupted",
        detail,
        next: "Run again if no result arrives; check the fal dashboard to avoid paying twice.",
      };
    case "bad-result":
      return {
        title: "Unexpected result",
        detail,
        next: "fal answered without images. Run again; if it persists, report it with the request id.",
      };
    default:
      if (err.status === 401 || err.status === 403)
        return {
          title: "Not authorised",
          detail,
          next: "The proxy has no valid FAL_KEY, or refused this page's origin. Check the server's configuration.",
        };
      if (err.status !== undefined && err.status >= 500)
        return {
          title: "fal failed",
          detail,
          next: "The job failed on fal's side. Run again; if it keeps failing, change the settings or report the request id.",
        };
      return { title: "Run failed", detail, next: "Run again; if it keeps failing, check the proxy URL in Settings." };
  }
}
