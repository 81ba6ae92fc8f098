/**
 * Web Worker that reads and validates a workflow file off the main thread: a file at the node
 * cap takes a few hundred milliseconds to parse and check, which would freeze the editor
 * (IMP-05: the UI is never blocked for more than 200 ms while loading). The job itself is
 * loadJob.ts.
 */
import { answer, type LoadRequest } from "./loadJob";
import { inParts } from "./parts";

export type { LoadReply, LoadRequest } from "./loadJob";

self.onmessage = async (e: MessageEvent<LoadRequest>) => {
  for (const m of inParts(await answer(e.data))) (self as unknown as Worker).postMessage(m);
};
