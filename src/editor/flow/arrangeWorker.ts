/**
 * Web Worker that runs ELK's layered layout off the main thread: the editor's Arrange on a
 * 5,000-node graph takes ELK seconds, which in the page froze the canvas and its progress line.
 * It gets ELK's input as plain data (layoutDocument builds it) and answers with the laid-out graph.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";

export type ArrangeReply = { graph: ElkNode } | { failure: string };

const elk = new ELK();

// Set after the imports ran: ELK's bundle, evaluated in a worker, claims `onmessage` for its own protocol.
self.onmessage = async (e: MessageEvent<ElkNode>) => {
  let reply: ArrangeReply;
  try {
    reply = { graph: await elk.layout(e.data) };
  } catch (err) {
    reply = { failure: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
