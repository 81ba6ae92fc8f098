/**
 * `lora-graph run FILE --batch rows.csv|rows.jsonl --count N`: a batch, headless
 * (docs/batches.md#the-command-line). The plan comes from src/batch; this sends it a few requests
 * at a time, prints one JSON line per result, and writes a state file as it goes so `--resume`
 * continues an interrupted batch without sending any finished or in-flight run again.
 */
import { createHash, randomInt } from "node:crypto";
import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { DEFAULT_BATCH_CAP, parseTable, planBatch, type BatchRun, type BatchSpec, type Table } from "../batch";
import { compile, type CompiledOutput } from "../compiler";
import { serializeWorkflow, type WorkflowDocument } from "../graph";
import { RunnerError, type Runner, type RunnerErrorInfo } from "../fal/runner";
import { sleep } from "../shared/sleep";
import { EXIT, type CommandContext } from "./context";
import { InputError } from "./io";
import { inline } from "./terminal";
import { workspaceDir } from "./workspace";

export const DEFAULT_BATCH_CONCURRENCY = 2;
export const MAX_BATCH_CONCURRENCY = 16;
/** Backoff for a submit refused with 429: it was never queued, so it waits and goes again, never dropped. */
const RATE_BACKOFF = { firstMs: 1000, maxMs: 30_000 };

export interface BatchOptions {
  table?: { path: string; text: string };
  lists: Record<string, string>;
  count: number;
  concurrency: number;
  seed: number;
  mode: BatchSpec["mode"];
  resume: boolean;
  statePath: string;
  cap: number;
  yes: boolean;
}

function intOption(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`--${name} ${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
  return n;
}

/**
 * Every `*.txt` under DIR is a list named by its path without the extension (`colors`,
 * `styles/ink`). `missingOk`: a folder that does not exist is no lists (a workspace without any).
 */
async function readLists(dir: string, what: string, missingOk = false): Promise<Record<string, string>> {
  const lists: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === "ENOENT") return lists;
    throw new InputError(`cannot read ${what} ${dir}: ${(err as Error).message}`);
  }
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith(".txt")) continue;
    const path = join(e.parentPath, e.name);
    const name = relative(dir, path).slice(0, -4).split(/[\\/]/).join("/");
    lists[name] = await readFile(path, "utf8");
  }
  return lists;
}

/**
 * The lists a batch sees: the workspace's `wildcards/` (what the editor shows as the workspace's
 * lists), then `--wildcards DIR`, whose lists win where both have one name.
 */
async function batchLists(ctx: CommandContext): Promise<Record<string, string>> {
  const ws = workspaceDir(ctx);
  const fromWorkspace = ws ? await readLists(join(ws, "wildcards"), "the workspace's lists", true) : {};
  const given = typeof ctx.values.wildcards === "string" ? await readLists(ctx.values.wildcards, "--wildcards") : {};
  return { ...fromWorkspace, ...given };
}

/** The batch options from the command line, or undefined when this is a single run. */
export async function batchOptions(ctx: CommandContext, outDir: string): Promise<BatchOptions | undefined> {
  const batchPath = typeof ctx.values.batch === "string" ? ctx.values.batch : undefined;
  const count = intOption(ctx, "count", 1, 100_000);
  if (!batchPath && count === undefined) {
    for (const flag of ["concurrency", "seed", "resume", "yes", "wildcards", "combinatorial", "state", "cap"])
      if (ctx.values[flag] !== undefined)
        throw new InputError(`--${flag} is for batches: add --batch FILE or --count N`);
    return undefined;
  }
  if (ctx.json) throw new InputError("--json does not apply to batches: each result is already one JSON line");
  // ignoreBOM keeps a byte-order mark in the text, where the table reader refuses it by name.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const text = batchPath ? decoder.decode(await ctx.io.read(batchPath, 20 * 1024 * 1024)) : undefined;
  return {
    table: batchPath ? { path: batchPath, text: text! } : undefined,
    lists: await batchLists(ctx),
    count: count ?? 1,
    concurrency: intOption(ctx, "concurrency", 1, MAX_BATCH_CONCURRENCY) ?? DEFAULT_BATCH_CONCURRENCY,
    seed: intOption(ctx, "seed", 0, 2 ** 32 - 1) ?? (ctx.values.resume === true ? -1 : randomInt(2 ** 32 - 1)),
    mode: ctx.values.combinatorial === true ? "combinatorial" : "random",
    resume: ctx.values.resume === true,
    statePath: typeof ctx.values.state === "string" ? ctx.values.state : join(outDir, "batch-state.jsonl"),
    cap: intOption(ctx, "cap", 1, 1_000_000) ?? DEFAULT_BATCH_CAP,
    yes: ctx.values.yes === true,
  };
}

/** One request of the batch: a run and one of its Sampler outputs. */
interface Job {
  key: string;
  run: BatchRun;
  output: CompiledOutput;
  workflow: string;
}

/** What the state file remembers about a job. */
interface JobState {
  requestId?: string;
  /**
   * A submit went out and its request id was not written yet: fal may have queued it. fal's queue
   * has no idempotency key, so a resumed batch can only send it again and say it may run twice.
   */
  sending?: boolean;
  /** The result line was printed; the job is never sent again. */
  done?: boolean;
}

type StateLine = { batch: string; total: number; seed: number } | ({ key: string; cancelled?: boolean } & JobState);

async function stateHeader(path: string): Promise<{ seed: number }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputError(`--resume: cannot read the state file ${path}: ${(err as Error).message}`);
  }
  try {
    const head = JSON.parse(text.slice(0, text.indexOf("\n"))) as { seed?: unknown };
    if (typeof head.seed === "number") return { seed: head.seed };
  } catch {
    // reported below
  }
  throw new InputError(`--resume: ${path} is not a batch state file`);
}

/** Reads the state file written so far; a last line cut short by a crash is ignored. */
async function readState(path: string, batchId: string): Promise<Map<string, JobState>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputError(`--resume: cannot read the state file ${path}: ${(err as Error).message}`);
  }
  const jobs = new Map<string, JobState>();
  const lines = text.split("\n").filter(Boolean);
  for (const [i, line] of lines.entries()) {
    let v: StateLine;
    try {
      v = JSON.parse(line) as StateLine;
    } catch {
      if (i === lines.length - 1) break;
      throw new InputError(`--resume: ${path} line ${i + 1} is not JSON; it is not a batch state file`);
    }
    if (i === 0) {
      if (!("batch" in v)) throw new InputError(`--resume: ${path} is not a batch state file`);
      if (v.batch !== batchId)
        throw new InputError(
          `--resume: ${path} is the state of another batch (the workflow, table, lists, seed or count differ)`,
        );
      continue;
    }
    if (!("key" in v)) continue;
    // A cancelled request is gone at fal: its run is sent again.
    if (v.cancelled) jobs.delete(v.key);
    else
      jobs.set(v.key, {
        ...jobs.get(v.key),
        ...(v.requestId ? { requestId: v.requestId, sending: false } : {}),
        ...(typeof v.sending === "boolean" && !v.requestId ? { sending: v.sending } : {}),
        ...(v.done ? { done: true } : {}),
      });
  }
  return jobs;
}

/** Everything that makes a batch what it is: a state file is only resumed by the same batch. */
function batchIdentity(doc: WorkflowDocument, o: BatchOptions): string {
  const h = createHash("sha256");
  h.update(serializeWorkflow(doc));
  h.update(`\0${o.table?.text ?? ""}\0${JSON.stringify(Object.entries(o.lists).sort())}`);
  h.update(`\0${o.seed}\0${o.count}\0${o.mode}`);
  return h.digest("hex").slice(0, 16);
}

function tableOf(o: BatchOptions): Table | undefined {
  if (!o.table) return undefined;
  const r = parseTable(o.table.text, o.table.path);
  if (!r.ok) {
    const lines = r.errors.map((e) => `${o.table!.path}:${e.line}:${e.column}: ${e.message}`);
    if (r.errors.some((e) => e.encoding)) lines.push(...convertHint(o.table.path));
    throw new InputError(lines[0], lines.slice(1));
  }
  return r.table;
}

/**
 * How to make a table plain UTF-8 with LF line endings. Node runs this CLI, so a Node one-liner
 * works on every system it does (sed -i and PowerShell differ); it does what toPlainText does.
 */
export function convertHint(path: string): string[] {
  const arg = /^[\w./\\:-]+$/.test(path) ? path : JSON.stringify(path);
  const script =
    "const fs=require('fs'),f=process.argv[1];" +
    "fs.writeFileSync(f,fs.readFileSync(f,'utf8').replace(/^\\uFEFF/,'').replace(/\\r\\n/g,'\\n'))";
  return ["To convert it to plain UTF-8 with LF line endings, run:", `  node -e "${script}" ${arg}`];
}

/** Plans and compiles every run; refuses the batch, sending nothing, if any of it is wrong. */
export function planJobs(ctx: CommandContext, doc: WorkflowDocument, o: BatchOptions): { jobs: Job[]; id: string } {
  const id = batchIdentity(doc, o);
  const plan = planBatch({
    doc,
    registry: ctx.registry,
    lists: o.lists,
    table: tableOf(o),
    count: o.count,
    seed: o.seed,
    mode: o.mode,
  });
  if (!plan.ok) {
    const where = (e: (typeof plan.errors)[number]) =>
      e.nodeId && e.line === undefined
        ? `node ${e.nodeId} field ${e.field}${e.list ? ` (list __${e.list}__)` : ""}`
        : e.line !== undefined && !e.nodeId
          ? `${o.table?.path ?? ""}:${e.line}:${e.column}`
          : e.list
            ? `list __${e.list}__ line ${e.line}`
            : o.table && e.row !== undefined
              ? `${o.table.path}:${e.line}:${e.column}`
              : `node ${e.nodeId} field ${e.field} line ${e.line}, column ${e.column}`;
    throw new BatchRefused(plan.errors.map((e) => `${where(e)}: ${e.message}`));
  }
  if (plan.total > o.cap && !o.yes)
    throw new InputError(`this batch makes ${plan.total} runs, over the cap of ${o.cap}; add --yes to send them all`);
  const jobs: Job[] = [];
  const problems: string[] = [];
  for (let i = 0; i < plan.total; i++) {
    const run = plan.run(i);
    const stamped: WorkflowDocument = {
      ...run.document,
      meta: {
        ...run.document.meta,
        batch: { id, index: i, row: run.row, seed: o.seed, values: run.values, picks: run.picks },
      },
    };
    const compiled = compile(run.document, ctx.registry);
    const bad = compiled.outputs.find((out) => !out.ok) ?? (compiled.outputs.length ? undefined : null);
    if (bad !== undefined) {
      const first = (bad?.diagnostics ?? compiled.diagnostics).find((d) => d.severity === "error");
      problems.push(`${run.row ? `row ${run.row}` : `run ${i + 1}`}: ${first?.message ?? "nothing to run"}`);
      continue;
    }
    for (const output of compiled.outputs)
      jobs.push({ key: `${i}:${output.output}`, run, output, workflow: serializeWorkflow(stamped) });
  }
  if (problems.length) throw new BatchRefused(problems.map((p) => `${p} (does not compile)`));
  if (jobs.length > o.cap && !o.yes)
    throw new InputError(
      `this batch sends ${jobs.length} requests, over the cap of ${o.cap}; add --yes to send them all`,
    );
  return { jobs, id };
}

/** The batch is refused before anything is sent; each line says where and why. */
export class BatchRefused extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0]);
  }
}

export interface BatchDeps {
  runner: Runner;
  /** Saves one result's images; returns the file names. */
  save(job: Job, data: unknown, requestId: string, signal: AbortSignal): Promise<string[]>;
}

/** Runs the batch; returns the exit code. */
export async function runBatch(
  ctx: CommandContext,
  doc: WorkflowDocument,
  o: BatchOptions,
  deps: BatchDeps,
): Promise<number> {
  // --resume without --seed takes the seed the batch started with.
  if (o.seed < 0) o = { ...o, seed: (await stateHeader(o.statePath)).seed };
  const { jobs, id } = planJobs(ctx, doc, o);
  const state = o.resume ? await readState(o.statePath, id) : await freshState(o.statePath, id, jobs.length, o.seed);
  // One write at a time, in the order asked: runs are then submitted in their order too.
  let written: Promise<void> = Promise.resolve();
  const record = (line: StateLine) =>
    (written = written.catch(() => undefined).then(() => appendFile(o.statePath, `${JSON.stringify(line)}\n`)));
  const todo = jobs.filter((j) => !state.get(j.key)?.done);
  ctx.io.stderr(
    `batch ${id}: ${jobs.length} requests, seed ${o.seed}${o.resume ? `, resuming: ${jobs.length - todo.length} already done` : ""}\n`,
  );
  const progress = { done: jobs.length - todo.length, failed: 0, running: 0 };
  const show = () =>
    ctx.io.stderr(
      `batch: ${progress.done}/${jobs.length} done, ${progress.running} running, ${progress.failed} failed\n`,
    );

  // Ctrl-C (ctx.signal) cancels what is queued; a stop (SIGTERM) only stops sending, for --resume.
  const interrupt = ctx.signal;
  const stop = ctx.stop;
  const halt = stop ? AbortSignal.any([interrupt, stop]) : interrupt;
  const halted = () => halt.aborted;
  // Listening tells bin.mjs that SIGTERM is handled here rather than by exiting at once.
  const onStop = () => ctx.io.stderr("batch: stopping; the running requests are left for --resume\n");
  stop?.addEventListener("abort", onStop, { once: true });
  const inFlight = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (!halted() && next < todo.length) {
      const job = todo[next++];
      progress.running++;
      try {
        const was = state.get(job.key);
        if (was?.sending && !was.requestId)
          ctx.io.stderr(
            `batch: run ${job.run.index + 1}: the batch stopped while its submit was out, before fal's request id was saved; sending it again, so it may run (and be billed) twice\n`,
          );
        const line = await runJob(job, was, { deps, record, halt, inFlight });
        if (line) {
          ctx.io.stdout(`${JSON.stringify(line)}\n`);
          await record({ key: job.key, done: true });
          progress.done++;
          if (!line.ok) progress.failed++;
        }
      } finally {
        progress.running--;
      }
      show();
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, Math.max(1, todo.length)) }, worker));
  stop?.removeEventListener("abort", onStop);
  if (interrupt.aborted) {
    await cancelInFlight(ctx, deps.runner, jobs, inFlight, record);
    ctx.io.stderr(`batch: interrupted; ${progress.done}/${jobs.length} done. --resume sends the rest\n`);
    return 130;
  }
  if (stop?.aborted) {
    ctx.io.stderr(
      `batch: stopped; ${progress.done}/${jobs.length} done. --resume follows the running ones and sends the rest\n`,
    );
    return 143;
  }
  return progress.failed ? EXIT.problems : EXIT.ok;
}

async function freshState(path: string, batch: string, total: number, seed: number): Promise<Map<string, JobState>> {
  try {
    await writeFile(path, `${JSON.stringify({ batch, total, seed } satisfies StateLine)}\n`, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      throw new InputError(
        `a batch state file already exists at ${path}: add --resume to continue that batch, or delete it`,
      );
    throw new InputError(`cannot write the state file ${path}: ${(err as Error).message}`);
  }
  return new Map();
}

interface JobContext {
  deps: BatchDeps;
  record: (line: StateLine) => Promise<void>;
  /** Ctrl-C or a stop: follow no further. */
  halt: AbortSignal;
  inFlight: Map<string, string>;
}

/** The line printed for a result. */
interface ResultLine {
  ok: boolean;
  index: number;
  row?: number;
  repeat: number;
  output: string;
  values: Record<string, unknown>;
  picks: BatchRun["picks"];
  endpoint: string;
  requestId?: string;
  input: Record<string, unknown>;
  files: string[];
  error?: RunnerErrorInfo | { kind: "save"; message: string };
  /** Sent again by --resume after a stop during its submit: the first send may have run too. */
  maybeTwice?: true;
}

/** Submits (or, resumed, follows by id) one job; undefined when interrupted before it finished. */
async function runJob(job: Job, was: JobState | undefined, c: JobContext): Promise<ResultLine | undefined> {
  const { run, output } = job;
  const base = {
    ...(was?.sending && !was.requestId ? { maybeTwice: true as const } : {}),
    index: run.index,
    ...(run.row !== undefined ? { row: run.row } : {}),
    repeat: run.repeat,
    output: output.output,
    values: run.values,
    picks: run.picks,
    endpoint: output.endpoint,
    input: output.input!,
  };
  let requestId = was?.requestId;
  try {
    if (!requestId) {
      requestId = await submitPolitely(c.deps.runner, output, c.halt, (sending) => c.record({ key: job.key, sending }));
      if (requestId === undefined) return undefined;
      // Written before following: a crash from here on resumes this request rather than resending it.
      await c.record({ key: job.key, requestId });
    }
    c.inFlight.set(job.key, requestId);
    const res = await c.deps.runner.follow(output.endpoint, requestId, { signal: c.halt });
    c.inFlight.delete(job.key);
    const files = await c.deps.save(job, res.data, res.requestId, c.halt);
    return { ok: true, ...base, requestId: res.requestId, files };
  } catch (err) {
    if (c.halt.aborted) return undefined;
    c.inFlight.delete(job.key);
    const error =
      err instanceof RunnerError ? err.toJSON() : { kind: "save" as const, message: (err as Error).message };
    return { ok: false, ...base, ...(requestId ? { requestId } : {}), files: [], error };
  }
}

/**
 * Submits, waiting and trying again while the proxy or fal answers 429: such a submit was refused
 * before it was queued, so sending it again cannot run it twice. Undefined when interrupted.
 */
async function submitPolitely(
  runner: Runner,
  output: CompiledOutput,
  interrupt: AbortSignal,
  sending: (out: boolean) => Promise<void>,
): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    if (interrupt.aborted) return undefined;
    // In the state file before the request leaves: a crash before its id is written is then known.
    await sending(true);
    try {
      return await runner.submit(output.endpoint, output.input!);
    } catch (err) {
      if (!(err instanceof RunnerError) || err.status !== 429) throw err;
      await sending(false); // refused before it was queued
      const retryAfter = (err.cause as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 0;
      const wait = Math.min(RATE_BACKOFF.maxMs, Math.max(retryAfter * 1000, RATE_BACKOFF.firstMs * 2 ** attempt));
      await sleep(wait * (0.8 + Math.random() * 0.4), interrupt).catch(() => {});
    }
  }
}

async function cancelInFlight(
  ctx: CommandContext,
  runner: Runner,
  jobs: readonly Job[],
  inFlight: Map<string, string>,
  record: (line: StateLine) => Promise<void>,
) {
  const giveUp = AbortSignal.timeout(10_000);
  await Promise.all(
    [...inFlight].map(async ([key, requestId]) => {
      const job = jobs.find((j) => j.key === key)!;
      try {
        const outcome = await runner.cancel(job.output.endpoint, requestId, { signal: giveUp });
        if (outcome !== "ALREADY_COMPLETED") await record({ key, cancelled: true });
        ctx.io.stderr(
          `batch: run ${job.run.index + 1} (${inline(job.output.output)}): request ${requestId} cancelled\n`,
        );
      } catch (err) {
        ctx.io.stderr(
          `batch: run ${job.run.index + 1}: cancelling request ${requestId} failed (${(err as Error).message}); it may still run and be billed\n`,
        );
      }
    }),
  );
}

export type { Job as BatchJob };
