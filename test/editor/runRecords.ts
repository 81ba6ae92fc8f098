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
