// CMP-04: fal's 422 `loc` paths map back to the node and field that produced the value.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { activeRunDiagnostics, describeRunError, mapFieldErrors } from "../../src/editor/run/runDiagnostics";
import { toRunError } from "../../src/editor/run/controller";
import { RunnerError } from "../../src/fal/runner";
import { cacheKeyOf } from "../../src/editor/run/cacheKey";
import type { RunRecord } from "../../src/editor/run/types";
import type { WorkflowDocument } from "../../src/graph";

// The editor loads the compiler after its first paint; these views need its results at once.

const twoLoras = examples.find((e) => e.id === "sdxl-two-loras")!.document as WorkflowDocument;

function failedRun(
  doc: WorkflowDocument,
  fieldErrors: { loc: (string | number)[]; msg: string; type: string }[],
  requestId = "req-9",
): RunRecord {
  const out = compile(doc, registry).outputs[0];
  expect(out.ok).toBe(true);
  return {
    id: "r1",
    requestId,
    endpoint: out.endpoint,
    input: out.input!,
    cacheKey: cacheKeyOf(out.endpoint, out.input!),
    outputNodeId: out.output,
    sourceMap: out.sourceMap,
    graph: "{}",
    title: "t",
    status: "failed",
    createdAt: 1,
    images: [],
    error: toRunError(
      new RunnerError({
        kind: "validation",
        status: 422,
        step: "submit",
        requestId,
        message: "Unprocessable",
        fieldErrors,
      }),
    ),
  };
}

describe("CMP-04 server 422 mapping", () => {
  it("maps loc paths to the node and field", () => {
    const run = failedRun(twoLoras, [
      { loc: ["body", "loras", 1, "scale"], msg: "must be at most 4", type: "less_than_equal" },
      { loc: ["body", "guidance_scale"], msg: "too high", type: "value_error" },
    ]);
    const lora2 = compile(twoLoras, registry).outputs[0].sourceMap["loras.1.scale"];
    const diags = mapFieldErrors(run);
    expect(diags[0]).toMatchObject({ severity: "error", nodeId: lora2.nodeId, field: "scale", path: "loras.1.scale" });
    expect(diags[0].message).toContain("must be at most 4");
    expect(diags[1]).toMatchObject({ nodeId: "sampler", field: "guidance_scale" });
  });

  it("a whole-object loc falls back to the nearest mapped parent", () => {
    const run = failedRun(twoLoras, [{ loc: ["body", "loras", 0, "path", "extra"], msg: "bad", type: "x" }]);
    expect(mapFieldErrors(run)[0]).toMatchObject({ field: "path", path: "loras.0.path.extra" });
  });

  it("unknown loc and string detail: a generic message on the Sampler with the request id", () => {
    const unknown = mapFieldErrors(failedRun(twoLoras, [{ loc: ["body", "no_such_field"], msg: "extra", type: "x" }]));
    expect(unknown[0].nodeId).toBe("sampler");
    expect(unknown[0].field).toBeUndefined();
    expect(unknown[0].message).toMatch(/no_such_field.*request req-9/);
    const stringDetail = mapFieldErrors(
      failedRun(twoLoras, [
        { loc: ["body"], msg: "Only one embedding is supported at the moment.", type: "value_error" },
      ]),
    );
    expect(stringDetail[0].message).toBe(
      "fal rejected the request: Only one embedding is supported at the moment. (request req-9)",
    );
  });

  it("hostile field errors (non-array loc, missing msg) do not throw", () => {
    const run = failedRun(twoLoras, [
      { loc: null as unknown as string[], msg: undefined as unknown as string, type: "x" },
    ]);
    expect(mapFieldErrors(run)[0]).toMatchObject({
      nodeId: "sampler",
      message: expect.stringContaining("invalid value"),
    });
  });

  it("the highlight goes away once the user changes that value, and stays while it is unchanged", () => {
    const run = failedRun(twoLoras, [{ loc: ["body", "loras", 1, "scale"], msg: "nope", type: "x" }]);
    const nodeId = run.sourceMap["loras.1.scale"].nodeId;
    expect(activeRunDiagnostics([run], compile(twoLoras, registry))).toHaveLength(1);
    const edited: WorkflowDocument = {
      ...twoLoras,
      nodes: twoLoras.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, scale: 0.25 } } : n)),
    };
    expect(activeRunDiagnostics([run], compile(edited, registry))).toHaveLength(0);
    // A newer run of the same Sampler hides the old errors.
    const newer: RunRecord = { ...run, id: "r2", status: "running", error: undefined };
    expect(activeRunDiagnostics([newer, run], compile(twoLoras, registry))).toHaveLength(0);
  });
});

describe("other failures explain the next step", () => {
  it("429 says rate limited, with the wait", () => {
    const e = toRunError(
      new RunnerError(
        { kind: "http", status: 429, step: "submit", message: "Submitting failed (HTTP 429): slow down" },
        { cause: Object.assign(new Error("x"), { retryAfterSeconds: 12 }) },
      ),
    );
    const d = describeRunError(e);
    expect(d.title).toBe("Rate limited");
    expect(d.next).toContain("12 s");
  });

  it("network and server errors name the step and request id", () => {
    const d = describeRunError(
      toRunError(
        new RunnerError({
          kind: "http",
          status: 500,
          step: "result",
          requestId: "abc",
          message: "Fetching the result failed (HTTP 500)",
        }),
      ),
    );
    expect(d.detail).toContain("during result, request abc");
    expect(d.title).toBe("fal failed");
  });
});

describe("toRunError knows a runner failure by its class", () => {
  it("keeps a RunnerError's kind, step and request id", () => {
    const e = toRunError(
      new RunnerError({ kind: "validation", status: 422, step: "submit", requestId: "q", message: "m" }),
    );
    expect(e).toMatchObject({ kind: "validation", status: 422, step: "submit", requestId: "q" });
  });

  it("treats an error that only calls itself RunnerError as a plain failure", () => {
    const impostor = Object.assign(new Error("boom"), { name: "RunnerError", kind: "validation", status: 422 });
    expect(toRunError(impostor)).toEqual({ kind: "network", message: "boom" });
  });
});
