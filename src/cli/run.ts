/**
 * `lora-graph run FILE`: compile a workflow, send each output to fal (through a proxy, or
 * directly with FAL_KEY), show progress, and save the images.
 *
 * Nothing is sent unless the whole pipeline compiles. A request, once submitted, is never
 * resent (a replay could bill twice); on Ctrl-C every request that was queued is cancelled.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compile, lookupSource, type CompiledOutput } from "../compiler";
import { componentRegistry, serializeWorkflow, type WorkflowDocument } from "../graph";
import { embedRecipe, labelsFromSourceMap, type Recipe } from "../interop/recipe";
import { createRunner, RunnerError, type QueueUpdate, type Runner, type RunnerErrorInfo } from "../fal/runner";
import { EXIT, oneFile, readWorkflow, WORKSPACE_OPTION, type Command, type CommandContext } from "./context";
import { DEFAULT_BATCH_CAP, resolveParamPath, valueFromText } from "../batch";
import { BatchRefused, batchOptions, DEFAULT_BATCH_CONCURRENCY, runBatch, type BatchJob } from "./batch";
import { InputError } from "./io";
import { inline } from "./terminal";
import { formatDiagnostic, fromDiagnostic, hasError, type CliDiagnostic } from "./report";

/** Shell convention for "ended by SIGINT". */
export const EXIT_INTERRUPTED = 130;

/** One downloaded image may not exceed this; fal's largest outputs are a few MB. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 120_000;
/** How long Ctrl-C waits for fal to acknowledge the cancels before exiting anyway. */
const CANCEL_TIMEOUT_MS = 10_000;

export const runCommand: Command = {
  summary: "Run a workflow on fal and save the images",
  usage: "FILE",
  details: [
    "Compiles FILE (nothing is sent if it has errors), submits one request per Sampler output,",
    "shows progress on stderr, saves the images as DIR/<output>-<index>.<ext> (index from 0, as in",
    "result.images; each carries the workflow, the request and A1111's parameters text, which A1111",
    "and Civitai read) and prints [{ output, endpoint, requestId, result, files }] on stdout.",
    "Talks to fal through --proxy URL (e.g. http://127.0.0.1:8787/api/fal/proxy from npm start),",
    "or directly with the FAL_KEY environment variable. Status is polled; --stream follows it over",
    "server-sent events instead (falling back to polling if the stream breaks).",
    "--set node.param=value overrides a param before compiling (repeatable). The value is read as",
    'JSON when it parses (42, true, {"width":512,"height":512}), else as text; null removes the param.',
    "With --json, stdout holds { outputs, diagnostics }; outputs carry ok and result or error.",
    "Batches (--batch FILE and/or --count N): one JSON line per result on stdout ({ ok, index, row,",
    "values, picks, input, requestId, files }), progress on stderr, a state file written as it goes.",
    "Ctrl-C cancels what is running; SIGTERM stops sending and leaves the running ones; --resume",
    "continues either without resending a finished or running request (docs/batches.md).",
    "Exit 0 when every output ran, 1 when the pipeline has errors or a run failed, 2 on a usage",
    "error or unreadable FILE, 130 when interrupted (queued requests are cancelled first).",
  ].join("\n"),
  options: {
    proxy: { type: "string", description: "Send requests through this proxy URL instead of using FAL_KEY" },
    out: { type: "string", short: "o", description: "Directory for the images (default: the current directory)" },
    set: { type: "string", multiple: true, description: "node.param=value: override a param (repeatable)" },
    stream: { type: "boolean", description: "Follow status over server-sent events instead of polling" },
    ...WORKSPACE_OPTION,
    batch: { type: "string", description: "rows.csv|rows.jsonl: one run per row (columns node.param or a wildcard)" },
    count: { type: "string", description: "Runs per row; without --batch, N runs with fresh wildcard draws" },
    concurrency: {
      type: "string",
      description: `Batch requests in flight at once (default ${DEFAULT_BATCH_CONCURRENCY})`,
    },
    seed: { type: "string", description: "Batch seed for wildcard draws (default: random, printed)" },
    combinatorial: { type: "boolean", description: "Every wildcard combination (times --count) instead of draws" },
    wildcards: { type: "string", description: "DIR of wildcard lists: DIR/colors.txt is __colors__" },
    resume: { type: "boolean", description: "Continue the batch in the state file where it stopped" },
    state: { type: "string", description: "The batch state file (default: OUT/batch-state.jsonl)" },
    cap: { type: "string", description: `Most requests a batch sends without --yes (default ${DEFAULT_BATCH_CAP})` },
    yes: { type: "boolean", description: "Send a batch larger than the cap" },
  },
  run: runWorkflow,
};

interface Override {
  nodeId: string;
  param: string;
  /** undefined removes the param. */
  value: unknown;
}

/** `sampler.num_images=2` → { nodeId: "sampler", param: "num_images", value: 2 }, checked against the document. */
export function parseOverride(raw: string, doc: WorkflowDocument, ctx: Pick<CommandContext, "registry">): Override {
  const eq = raw.indexOf("=");
  if (eq <= 0)
    throw new InputError(`--set ${JSON.stringify(raw)}: expected node.param=value, e.g. --set sampler.seed=42`);
  const key = raw.slice(0, eq);
  // An instance's exposed params are set like any node's: `--set style-stack.lora-2.scale=0.5`.
  const path = resolveParamPath(key, doc, componentRegistry(ctx.registry, doc.components));
  if (!path.ok)
    throw new InputError(
      `--set ${key}: ${path.message.startsWith("expected") ? "expected node.param=value, e.g. --set sampler.seed=42" : path.message}`,
    );
  return { nodeId: path.nodeId, param: path.param, value: valueFromText(raw.slice(eq + 1), path.spec) };
}

function applyOverrides(doc: WorkflowDocument, overrides: readonly Override[]): WorkflowDocument {
  const copy = structuredClone(doc) as WorkflowDocument;
  for (const o of overrides) {
    const node = copy.nodes.find((n) => n.id === o.nodeId)!;
    const params = { ...(node.params as Record<string, unknown>) };
    if (o.value === undefined) delete params[o.param];
    else params[o.param] = o.value;
    (node as { params: Record<string, unknown> }).params = params;
  }
  return copy;
}

/** Where requests go: validated before anything is read or sent. */
function connection(ctx: CommandContext): { proxyUrl: string } | { credentials: string } {
  const proxy = ctx.values.proxy;
  if (typeof proxy === "string") {
    let url: URL;
    try {
      url = new URL(proxy);
    } catch {
      throw new InputError(
        `--proxy ${JSON.stringify(proxy)} is not a URL; expected e.g. http://127.0.0.1:8787/api/fal/proxy`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new InputError(`--proxy must be an http or https URL, not ${url.protocol}`);
    return { proxyUrl: url.href };
  }
  const key = ctx.env.FAL_KEY?.trim();
  if (!key) {
    throw new InputError(
      "run needs somewhere to send the requests: set FAL_KEY to your fal key, or give --proxy URL (e.g. the one npm start prints)",
    );
  }
  return { credentials: key };
}

/** A runner error, or the result arrived but its images could not be saved. */
export type OutcomeError = RunnerErrorInfo | { kind: "save"; message: string; requestId?: string };

interface Outcome {
  output: CompiledOutput;
  requestId?: string;
  result?: unknown;
  files?: string[];
  error?: OutcomeError;
  /** Follow finished (the job is COMPLETED at fal): nothing to cancel. */
  done: boolean;
}

async function runWorkflow(ctx: CommandContext): Promise<number> {
  const path = oneFile(ctx, "run");
  const target = connection(ctx);
  const outDir = typeof ctx.values.out === "string" ? ctx.values.out : ".";
  const sets = (ctx.values.set ?? []) as string[];

  const loaded = await readWorkflow(ctx, path);
  if (!loaded.ok) {
    report(ctx, [], loaded.diagnostics);
    return EXIT.input;
  }
  const doc = applyOverrides(
    loaded.document,
    sets.map((s) => parseOverride(s, loaded.document, ctx)),
  );
  const batch = await batchOptions(ctx, outDir);
  if (batch) return runBatchWorkflow(ctx, doc, batch, target, outDir, loaded.diagnostics);
  const compiled = compile(doc, ctx.registry);
  const workflow = serializeWorkflow(doc);
  const diagnostics = [...loaded.diagnostics, ...compiled.diagnostics.map((d) => fromDiagnostic(d, doc))];
  const ok = compiled.outputs.length > 0 && compiled.outputs.every((o) => o.ok) && !hasError(diagnostics);
  if (!ok) {
    report(ctx, [], diagnostics);
    return EXIT.problems;
  }
  // Warnings are worth reading while the job runs, not after; JSON keeps them all for the end.
  if (!ctx.json) for (const d of diagnostics.splice(0)) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  // Before paying for anything: a directory we cannot write to would lose the images.
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new InputError(`cannot create --out directory ${outDir}: ${(err as Error).message}`);
  }

  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort(new DOMException("interrupted", "AbortError"));
  if (ctx.signal.aborted) return EXIT_INTERRUPTED;
  ctx.signal.addEventListener("abort", onInterrupt, { once: true });
  try {
    const runner = createRunner({ ...target, mode: ctx.values.stream === true ? "streaming" : "polling" });
    const progress = new ProgressPrinter(ctx);
    const outcomes = await Promise.all(
      compiled.outputs.map((o) => runOutput(runner, o, { outDir, doc, workflow }, interrupt.signal, progress)),
    );
    progress.end();

    if (interrupt.signal.aborted) {
      diagnostics.push(...(await cancelAll(runner, outcomes, doc)));
      report(ctx, outcomes, diagnostics);
      return EXIT_INTERRUPTED;
    }
    for (const o of outcomes) {
      if (o.error) diagnostics.push(...errorDiagnostics(o, doc));
      else if (!ctx.json) ctx.io.stderr(`${inline(o.output.output)}: ${describeFiles(o.files ?? [])}\n`);
    }
    report(ctx, outcomes, diagnostics);
    return outcomes.every((o) => !o.error) ? EXIT.ok : EXIT.problems;
  } finally {
    ctx.signal.removeEventListener("abort", onInterrupt);
  }
}

async function runBatchWorkflow(
  ctx: CommandContext,
  doc: WorkflowDocument,
  batch: NonNullable<Awaited<ReturnType<typeof batchOptions>>>,
  target: ReturnType<typeof connection>,
  outDir: string,
  warnings: readonly CliDiagnostic[],
): Promise<number> {
  for (const d of warnings) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new InputError(`cannot create --out directory ${outDir}: ${(err as Error).message}`);
  }
  const runner = createRunner({ ...target, mode: ctx.values.stream === true ? "streaming" : "polling" });
  const width = String(batch.count * Math.max(1, batch.table ? batch.table.text.split("\n").length : 1)).length;
  const save = (job: BatchJob, data: unknown, requestId: string, signal: AbortSignal) => {
    const recipe: Recipe = {
      workflow: job.workflow,
      endpoint: job.output.endpoint,
      input: job.output.input!,
      labels: labelsFromSourceMap(job.run.document, job.output.sourceMap),
    };
    const stem = `${job.output.output}-${String(job.run.index + 1).padStart(width, "0")}`;
    return saveImages(data, stem, outDir, signal, requestId, recipe);
  };
  try {
    return await runBatch(ctx, doc, batch, { runner, save });
  } catch (err) {
    if (!(err instanceof BatchRefused)) throw err;
    for (const line of err.lines) ctx.io.stderr(`error ${inline(line)}\n`);
    ctx.io.stderr("batch refused: nothing was sent\n");
    return EXIT.problems;
  }
}

/** Where images go, and the workflow they were made from (embedded in each). */
interface SaveTarget {
  outDir: string;
  doc: WorkflowDocument;
  workflow: string;
}

async function runOutput(
  runner: Runner,
  output: CompiledOutput,
  target: SaveTarget,
  interrupt: AbortSignal,
  progress: ProgressPrinter,
): Promise<Outcome> {
  const outcome: Outcome = { output, done: false };
  const started = Date.now();
  try {
    // Submit is not aborted by Ctrl-C: cut short, the job might be queued (and billed) without
    // us knowing its id. It is quick; once it returns, the job is cancelled by id.
    outcome.requestId = await runner.submit(output.endpoint, output.input!, {
      onEnqueue: () => progress.update(output.output, started, { status: "IN_QUEUE" }),
    });
    if (interrupt.aborted) return outcome;
    const res = await runner.follow(output.endpoint, outcome.requestId, {
      signal: interrupt,
      onUpdate: (u) => progress.update(output.output, started, u),
    });
    outcome.done = true;
    outcome.result = res.data;
    outcome.requestId = res.requestId;
    const recipe: Recipe = {
      workflow: target.workflow,
      endpoint: output.endpoint,
      input: output.input!,
      labels: labelsFromSourceMap(target.doc, output.sourceMap),
    };
    outcome.files = await saveImages(res.data, output.output, target.outDir, interrupt, res.requestId, recipe);
  } catch (err) {
    if (interrupt.aborted) return outcome;
    if (err instanceof RunnerError) outcome.error = err.toJSON();
    else if (err instanceof SaveError)
      outcome.error = { kind: "save", message: err.message, requestId: outcome.requestId };
    else throw err;
  }
  return outcome;
}

/** An error while saving the images; the result itself arrived and is still printed. */
class SaveError extends Error {}

async function saveImages(
  data: unknown,
  output: string,
  outDir: string,
  signal: AbortSignal,
  requestId: string,
  recipe: Recipe,
): Promise<string[]> {
  const images = (data as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) throw new SaveError(`fal answered without an images list (request ${requestId})`);
  const stem = output.replace(/[^\w.-]+/g, "_").replace(/^\.+/, "_") || "output";
  const files: string[] = [];
  for (const [index, image] of images.entries()) {
    const url = (image as { url?: unknown } | null)?.url;
    if (typeof url !== "string") throw new SaveError(`result.images[${index}] has no url (request ${requestId})`);
    let bytes: Uint8Array;
    try {
      bytes = await download(url, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      throw new SaveError(
        `could not download result.images[${index}] from ${shortUrl(url)}: ${(err as Error).message} (request ${requestId}; the URL is in the result)`,
      );
    }
    // Like the editor's downloads: the workflow, the request and A1111's parameters inside.
    bytes = embedRecipe(bytes, recipe).bytes;
    const ext = extensionFor(bytes, (image as { content_type?: unknown }).content_type);
    const file = join(outDir, `${stem}-${index}.${ext}`);
    // Written aside then renamed, so an interrupted run never leaves half an image under the real name.
    const part = join(outDir, `.${stem}-${index}.${ext}.part`);
    try {
      await writeFile(part, bytes);
      await rename(part, file);
    } catch (err) {
      await rm(part, { force: true }).catch(() => {});
      throw new SaveError(`could not write ${file}: ${(err as Error).message}`);
    }
    files.push(file);
  }
  return files;
}

/** The bytes at `url`, refusing more than `maxBytes` whatever Content-Length says. */
export async function download(url: string, signal: AbortSignal, maxBytes = MAX_IMAGE_BYTES): Promise<Uint8Array> {
  const res = await globalThis.fetch(url, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]),
  });
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length"));
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      // Content-Length can be absent or wrong: the cap is enforced on what actually arrives.
      if (size > maxBytes) throw new Error(`over the ${maxBytes}-byte limit`);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

/** From the bytes first (a CDN may say octet-stream), then the declared type. */
export function extensionFor(bytes: Uint8Array, contentType: unknown): string {
  const at = (i: number, ...b: number[]) => b.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (at(0, 0xff, 0xd8, 0xff)) return "jpg";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "webp";
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return "gif";
  const sub =
    typeof contentType === "string" ? /^image\/([a-z0-9.+-]+)/i.exec(contentType)?.[1]?.toLowerCase() : undefined;
  if (sub === "jpeg") return "jpg";
  return sub && /^[a-z0-9]{1,5}$/.test(sub) ? sub : "bin";
}

function shortUrl(url: string): string {
  return url.startsWith("data:") ? "a data: URI" : url.length > 100 ? `${url.slice(0, 97)}…` : url;
}

function describeFiles(files: readonly string[]): string {
  if (files.length === 0) return "no images";
  return `${files.length} image${files.length === 1 ? "" : "s"} saved: ${files.map(inline).join(", ")}`;
}

/** Cancels every queued request that has not finished; says what became of each. */
async function cancelAll(
  runner: Runner,
  outcomes: readonly Outcome[],
  doc: WorkflowDocument,
): Promise<CliDiagnostic[]> {
  const giveUp = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
  return Promise.all(
    outcomes.map(async (o): Promise<CliDiagnostic> => {
      const where = { nodeId: o.output.output, nodeType: nodeType(doc, o.output.output) };
      if (o.done)
        return {
          severity: "warning",
          code: "interrupted",
          ...where,
          message: `interrupted after request ${o.requestId} finished; nothing to cancel`,
        };
      if (!o.requestId)
        return {
          severity: "warning",
          code: "interrupted",
          ...where,
          message: "interrupted before the request was queued",
        };
      try {
        const outcome = await runner.cancel(o.output.endpoint, o.requestId, { signal: giveUp });
        const what =
          outcome === "CANCELLATION_REQUESTED"
            ? "cancelled"
            : outcome === "ALREADY_COMPLETED"
              ? "it had already completed; not cancelled"
              : "fal no longer knows it";
        return {
          severity: "warning",
          code: "interrupted",
          ...where,
          message: `interrupted: request ${o.requestId} ${what}`,
        };
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return {
          severity: "error",
          code: "cancel-failed",
          ...where,
          message: `interrupted, but cancelling request ${o.requestId} failed (${why}); it may still run and be billed`,
        };
      }
    }),
  );
}

function nodeType(doc: WorkflowDocument, id: string | undefined): string | undefined {
  return id === undefined ? undefined : doc.nodes.find((n) => n.id === id)?.type;
}

/** A failed run as diagnostics: 422 field errors land on the node and param that set the value. */
export function errorDiagnostics(
  o: Pick<Outcome, "output" | "error" | "requestId">,
  doc: WorkflowDocument,
): CliDiagnostic[] {
  const err = o.error!;
  const rid = err.requestId ?? o.requestId;
  const output = o.output.output;
  if (err.kind === "save") {
    const d: CliDiagnostic = { severity: "error", code: "save-failed", message: err.message, nodeId: output };
    const type = nodeType(doc, output);
    if (type) d.nodeType = type;
    return [d];
  }
  const tail = `(step ${err.step}${rid ? `, request ${rid}` : ""})`;
  if (err.kind === "validation" && err.fieldErrors?.length) {
    return err.fieldErrors.map((fe) => {
      const loc = Array.isArray(fe.loc) ? fe.loc.filter((p) => typeof p === "string" || typeof p === "number") : [];
      const path = (loc[0] === "body" ? loc.slice(1) : loc).join(".");
      const src = path ? lookupSource(o.output.sourceMap, loc) : undefined;
      const nodeId = src?.nodeId ?? output;
      const d: CliDiagnostic = {
        severity: "error",
        code: "request-invalid",
        message: `fal rejected ${path || "the request"}: ${fe.msg} ${tail}`,
        nodeId,
        path: path || undefined,
      };
      const type = nodeType(doc, nodeId);
      if (type) d.nodeType = type;
      if (src?.field) d.field = src.field;
      if (!d.path) delete d.path;
      return d;
    });
  }
  const d: CliDiagnostic = {
    severity: "error",
    code: err.kind === "validation" ? "request-invalid" : "run-failed",
    message: `${err.message} ${tail}`,
    nodeId: output,
  };
  const type = nodeType(doc, output);
  if (type) d.nodeType = type;
  return [d];
}

function report(ctx: CommandContext, outcomes: readonly Outcome[], diagnostics: readonly CliDiagnostic[]): void {
  if (ctx.json) {
    const outputs = outcomes.map((o) => ({
      output: o.output.output,
      endpoint: o.output.endpoint,
      ok: !o.error && o.result !== undefined,
      ...(o.requestId ? { requestId: o.requestId } : {}),
      ...(o.result !== undefined ? { result: o.result } : {}),
      ...(o.files ? { files: o.files } : {}),
      ...(o.error ? { error: o.error } : {}),
    }));
    ctx.io.stdout(`${JSON.stringify({ outputs, diagnostics }, null, 2)}\n`);
    return;
  }
  for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  // A result that arrived is printed even if saving its images failed: the URLs are in it.
  const done = outcomes.filter((o) => o.result !== undefined);
  if (done.length > 0) {
    const out = done.map((o) => ({
      output: o.output.output,
      endpoint: o.output.endpoint,
      requestId: o.requestId,
      result: o.result,
      files: o.files ?? [],
    }));
    ctx.io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  }
}

/**
 * Progress on stderr. On a terminal one line is redrawn in place; otherwise (a log, a test) a
 * line is written when the status or queue position changes, and at most once a second for steps.
 */
class ProgressPrinter {
  /** Set when stderr is a terminal: the one line being shown is rewritten in place. */
  private readonly redraw: ((text: string) => void) | undefined;
  private readonly last = new Map<string, { key: string; at: number; step?: number }>();
  private drawn = false;
  /** Terminal only: the line being shown, redrawn every second so the elapsed time keeps moving in a long queue. */
  private shown: { output: string; started: number; state: string } | null = null;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: CommandContext) {
    this.redraw = ctx.io.redrawLine;
    if (this.redraw) this.ticker = setInterval(() => this.draw(), 1000).unref();
  }

  private draw(): void {
    if (!this.shown) return;
    const { output, started, state } = this.shown;
    this.redraw?.(`${inline(output)}: ${state} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    this.drawn = true;
  }

  update(output: string, started: number, u: Pick<QueueUpdate, "status"> & Partial<QueueUpdate>): void {
    const elapsed = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    let state: string;
    let key: string;
    if (u.status === "IN_QUEUE") {
      state = u.queuePosition !== undefined ? `in queue, position ${u.queuePosition}` : "in queue";
      key = state;
    } else if (u.status === "IN_PROGRESS") {
      state = u.progress ? `step ${u.progress.step}/${u.progress.total}` : "running";
      key = u.progress ? `step` : "running";
    } else {
      // Polling can miss the steps of a quick job; the final logs still say how far it got.
      state = u.progress
        ? `done after ${u.progress.step}/${u.progress.total} steps, fetching the result`
        : "done, fetching the result";
      key = "done";
    }
    if (this.redraw) {
      this.shown = { output, started, state };
      this.draw();
      return;
    }
    const line = `${inline(output)}: ${state} (${elapsed})`;
    const prev = this.last.get(output);
    const now = Date.now();
    if (prev?.key === key) {
      if (!u.progress || prev.step === u.progress.step) return;
      // The last step is always shown, so a log ends on "step 30/30".
      if (u.progress.step !== u.progress.total && now - prev.at < 1000) return;
    }
    this.last.set(output, { key, at: now, step: u.progress?.step });
    this.ctx.io.stderr(`${line}\n`);
  }

  end(): void {
    clearInterval(this.ticker);
    this.shown = null;
    if (this.drawn) this.ctx.io.stderr("\n");
    this.drawn = false;
  }
}
