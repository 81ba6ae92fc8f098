/**
 * The page's batch runner, made on first use. One per page for now, like the run runtime it runs
 * on (src/editor/run/runtime.ts); it moves onto the editor instance together with it.
 */
import type { Registry } from "../../graph";
import { whenControllerLoaded } from "../run/runtime";
import { createBatchRunner, type BatchRunner } from "./batchLoop";
import { localBatchSaver } from "./batchRun";

let runner: BatchRunner | null = null;

export function batchesFor(registry: Registry): BatchRunner {
  runner ??= createBatchRunner({ controller: whenControllerLoaded, saver: localBatchSaver(), registry });
  return runner;
}

/** The runner if one was made (the chip and the gallery filter need no new one). */
export const existingBatches = (): BatchRunner | null => runner;
