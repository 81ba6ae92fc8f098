/**
 * The status stream (`GET …/requests/{id}/status/stream`): one `data: <status>` event per change,
 * each carrying only the log lines not sent before (the client accumulates them), `: keepalive`
 * comments meanwhile, closed after COMPLETED. An injected outage breaks it mid-stream, as a real
 * network failure would.
 */
import type { Job } from "./jobs.ts";

export interface StreamHooks {
  keepaliveMs: number;
  statusBody(job: Job, logs: Job["logs"] | null): unknown;
  /** Register a way to end the stream cleanly (server close) and one to break it (offline). */
  track(end: () => void, cut: () => void): () => void;
}

export function statusStream(job: Job, withLogs: boolean, signal: AbortSignal, hooks: StreamHooks) {
  const encoder = new TextEncoder();
  let sentLogs = 0;
  let lastSent = "";
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      const send = () => {
        if (job.gone) return close();
        const fresh = job.logs.slice(sentLogs);
        const text = JSON.stringify(hooks.statusBody(job, withLogs ? fresh : null));
        if (text === lastSent && job.state !== "COMPLETED") return;
        lastSent = text;
        sentLogs = job.logs.length;
        controller.enqueue(encoder.encode(`data: ${text}\n\n`));
        if (job.state === "COMPLETED") close();
      };
      const keepalive = setInterval(() => controller.enqueue(encoder.encode(": keepalive\n\n")), hooks.keepaliveMs);
      const cut = () => {
        cleanup();
        try {
          controller.error(new Error("stand-in: offline"));
        } catch {
          /* already closed */
        }
      };
      const untrack = hooks.track(close, cut);
      cleanup = () => {
        clearInterval(keepalive);
        job.listeners.delete(send);
        untrack();
        signal.removeEventListener("abort", close);
      };
      job.listeners.add(send);
      signal.addEventListener("abort", close, { once: true });
      send();
    },
    cancel() {
      cleanup();
    },
  });
}
