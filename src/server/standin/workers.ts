/**
 * Where the stand-in's heavy steps run (EXE-07, docs/server.md#the-stand-ins-event-loop).
 *
 * A large body (a 381k-LoRA request) takes hundreds of milliseconds to parse and validate, and
 * a 2048² placeholder as long to encode; on the main thread either stalls every other client.
 * So: small work runs inline, one image per macrotask (the event loop gets a turn between
 * images); large work goes to one worker thread, shared by every stand-in of the process,
 * started on first use and never keeping the process alive.
 */
import { Worker } from "node:worker_threads";
import type { LoraEndpoint } from "../allowlist.ts";
import type { EncodedImage } from "./image.ts";
import { checkSubmission, renderImage, type Checked, type JobSpec, type Validate } from "./work.ts";

export interface WorkLimits {
  /** Bodies up to this size are checked on the main thread. Default 256 KiB (≈15 ms). */
  inlineBodyBytes: number;
  /** Images up to this many pixels are encoded on the main thread. Default 512² (≈20 ms). */
  inlinePixels: number;
}

export const DEFAULT_WORK_LIMITS: WorkLimits = { inlineBodyBytes: 256 * 1024, inlinePixels: 512 * 512 };

export interface Work {
  check(endpoint: LoraEndpoint, body: Uint8Array | undefined, randomSeed: number): Promise<Checked>;
  render(spec: JobSpec, index: number): Promise<EncodedImage>;
}

type Task = { task: "check"; args: Parameters<typeof checkSubmission> } | { task: "render"; args: [JobSpec, number] };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One worker thread and the tasks waiting on it. */
class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  dead = false;

  constructor() {
    // A plain .mjs entry registers tsx inside the worker: workers do not inherit the parent's loaders.
    this.worker = new Worker(new URL("./worker.mjs", import.meta.url));
    this.worker.on("message", (m: { id: number; ok: boolean; result?: unknown; message?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(m.message ?? "stand-in worker failed"));
    });
    const fail = (e: Error) => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`stand-in worker exited with code ${code}`)));
    // Idle, the worker must not keep the process alive; busy, it must, or a process whose only
    // work is a render would exit before the answer. Last: adding a "message" listener refs the
    // worker's port again, undoing an earlier unref() (test/server/standin.worker.test.ts).
    this.worker.unref();
  }

  run<T>(t: Task, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...t }, transfer);
    });
  }
}

let shared: WorkerClient | null = null;

/** The process's stand-in worker (a cache of loaded code: it holds no request state). */
function worker(): WorkerClient {
  if (!shared || shared.dead) shared = new WorkerClient();
  return shared;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * @param validate a custom submit validation (tests); it cannot cross into the worker, so with
 *   one every check runs inline.
 * @example const work = createWork(); const checked = await work.check("fal-ai/lora", body, 42);
 */
export function createWork(limits: WorkLimits = DEFAULT_WORK_LIMITS, validate?: Validate): Work {
  return {
    async check(endpoint, body, randomSeed) {
      if (validate) return checkSubmission(endpoint, body, randomSeed, validate);
      if (!body || body.byteLength <= limits.inlineBodyBytes) return checkSubmission(endpoint, body, randomSeed);
      // A copy the worker can own: the caller's buffer may be a slice of a shared pool.
      const own = new Uint8Array(body);
      return worker().run<Checked>({ task: "check", args: [endpoint, own, randomSeed] }, [own.buffer]);
    },
    async render(spec, index) {
      if (spec.width * spec.height <= limits.inlinePixels) {
        await turn();
        return renderImage(spec, index);
      }
      const out = await worker().run<EncodedImage & { bytes: Uint8Array }>({ task: "render", args: [spec, index] });
      return { ...out, bytes: Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength) };
    },
  };
}
