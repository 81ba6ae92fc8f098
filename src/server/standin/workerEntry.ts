/** The stand-in worker's message loop: runs one task of work.ts per message, in order. */
import { parentPort } from "node:worker_threads";
import { checkSubmission, renderImage } from "./work.ts";

parentPort!.on("message", (m: { id: number; task: "check" | "render"; args: unknown[] }) => {
  try {
    if (m.task === "check") {
      const [endpoint, body, seed] = m.args as Parameters<typeof checkSubmission>;
      parentPort!.postMessage({ id: m.id, ok: true, result: checkSubmission(endpoint, body, seed) });
      return;
    }
    const [spec, index] = m.args as Parameters<typeof renderImage>;
    const image = renderImage(spec, index);
    // Hand the bytes over without a copy; a Buffer may share its memory, so own it first.
    const bytes = new Uint8Array(image.bytes);
    parentPort!.postMessage({ id: m.id, ok: true, result: { ...image, bytes } }, [bytes.buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ok: false, message: (e as Error).message });
  }
});
