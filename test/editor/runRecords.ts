// A run controller's fresh record for a job, for fakes of the controller in editor tests.
import type { RunJob, RunRecord } from "../../src/editor/run/types";

export function pendingRecord(job: RunJob, id: string, createdAt: number): RunRecord {
  return {
    id,
    endpoint: job.endpoint,
    input: job.input,
    cacheKey: "",
    outputNodeId: job.outputNodeId,
    sourceMap: job.sourceMap,
    graph: job.graph,
    title: job.title,
    status: "pending",
    createdAt,
    images: [],
    batch: job.batch,
  };
}

/** A finished run's record with empty input and no images; `over` sets what a test looks at. */
export function completedRecord(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: "r1",
    endpoint: "fal-ai/lora",
    input: {},
    cacheKey: "",
    outputNodeId: "sampler",
    sourceMap: {},
    graph: "",
    title: "r1",
    status: "completed",
    createdAt: 0,
    images: [],
    ...over,
  };
}
