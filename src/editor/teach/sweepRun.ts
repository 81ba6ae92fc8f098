/**
 * Running a sweep: one request per cell, at the sweep's fixed seed, through the same run
 * controller (so every cell is an ordinary run in the history, with its record, resume and image
 * copies), a few at a time. Plain TypeScript over the controller's interface, so it runs headless
 * in tests.
 */
import { instanceRef, serializeWorkflow, type Registry, type WorkflowDocument, type WorkflowNode } from "../../graph";
import { compile } from "../../compiler";
import { expandSweep, type SweepSpec } from "../../teach/sweep";
import { nodeDisplayName } from "../../teach/names";
import type { LoraEndpointId } from "../../fal/runner";
import type { RunController } from "../run/controller";
import type { RunJob, RunRecord } from "../run/types";
import { definePart, type Editor } from "../store/editor";
import { usePart } from "../store/react";
import { createUiStore, useUiStore, type UiStore } from "../store/uiStore";
import { sleep as abortableSleep } from "../../shared/sleep";

/** Requests in flight at once: enough to keep fal busy, few enough for the proxy's submit budget. */
export const DEFAULT_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 3;
/** A submit refused with 429 was never queued, so it is safe to send again, this many times. */
const MAX_RATE_RETRIES = 4;

export interface SweepPlanCell {
  x: number;
  y: number;
  label: { x: string; y?: string };
  /** null when this cell does not compile (see problem). */
  job: RunJob | null;
  problem?: string;
}

export interface SweepPlan {
  spec: SweepSpec;
  cells: SweepPlanCell[];
  /** Requests the run will send (one per compiling cell, for the chosen Sampler). */
  requestCount: number;
  columns: number;
  rows: number;
  /** Why the sweep cannot run; empty when it can. */
  errors: string[];
  notes: string[];
  titles: { x: string; y?: string };
  seed?: number;
  /** The Sampler whose request each cell sends. */
  outputId?: string;
  /** Every Sampler in the workflow, for the picker. */
  outputs: { id: string; label: string }[];
}

/**
 * The nodes a sweep can run: Samplers, and instances of components that hold one (the compiler
 * names an inner Sampler's request by the instance on this canvas).
 */
export function samplerNodes(doc: WorkflowDocument, registry: Registry): WorkflowNode[] {
  const own = doc.nodes.filter((n) => registry.get(n.type)?.isOutput);
  if (!doc.nodes.some((n) => instanceRef(n))) return own;
  const ids = new Set(compile(doc, registry).outputs.map((o) => o.output));
  return doc.nodes.filter((n) => registry.get(n.type)?.isOutput || ids.has(n.id));
}

/**
 * Expands a sweep into one job per cell for one Sampler (the given one, else the first). With
 * `jobs: false` the jobs are left out (cheap enough to run on every keystroke of the dialog).
 */
export function planSweep(
  doc: WorkflowDocument,
  registry: Registry,
  spec: SweepSpec,
  options: { outputId?: string; jobs?: boolean } = {},
): SweepPlan {
  const outputs = samplerNodes(doc, registry).map((n) => ({ id: n.id, label: nodeDisplayName(n, registry) }));
  const outputId = outputs.find((o) => o.id === options.outputId)?.id ?? outputs[0]?.id;
  const r = expandSweep(doc, registry, spec);
  const base = { spec, notes: r.notes, titles: r.titles, seed: r.seed, outputId, outputs };
  // A plan with nothing to run, and why.
  const empty = (errors: string[]): SweepPlan => ({ ...base, cells: [], requestCount: 0, columns: 0, rows: 0, errors });
  if (!outputId) return empty(["The workflow has no Sampler, so there is nothing to run."]);
  const refused = r.errors.filter((e) => e.cell === undefined).map((e) => e.message);
  if (refused.length || r.cells.length === 0) return empty(refused.length ? refused : ["The sweep has no cells."]);

  const title = doc.meta.name || "Untitled pipeline";
  const errors: string[] = [];
  const cells = r.cells.map((cell): SweepPlanCell => {
    const out = cell.compiled.outputs.find((o) => o.output === outputId);
    const name = cell.label.y !== undefined ? `${cell.label.x} / ${cell.label.y}` : cell.label.x;
    if (!out?.ok || !out.input) {
      const first = (out?.diagnostics ?? cell.compiled.diagnostics).find((d) => d.severity === "error");
      const problem = `Cell “${name}” does not compile: ${first?.message ?? "the Sampler has no request"}`;
      errors.push(problem);
      return { x: cell.x, y: cell.y, label: cell.label, job: null, problem };
    }
    const job: RunJob | null =
      options.jobs === false
        ? null
        : {
            endpoint: out.endpoint as LoraEndpointId,
            input: out.input,
            sourceMap: out.sourceMap,
            outputNodeId: out.output,
            graph: serializeWorkflow(cell.document),
            title: `${title} · ${name}`,
            label: cellLabel(r.titles, cell.label),
          };
    return { x: cell.x, y: cell.y, label: cell.label, job };
  });
  const columns = cells.reduce((m, c) => Math.max(m, c.x + 1), 0);
  const rows = cells.reduce((m, c) => Math.max(m, c.y + 1), 0);
  return { ...base, cells, requestCount: cells.length - errors.length, columns, rows, errors };
}

/** “Guidance (CFG) 5 · Steps 20”: each axis's param label (its title without the node) and value. */
function cellLabel(titles: { x: string; y?: string }, label: { x: string; y?: string }): string {
  const param = (t: string) => t.split(" · ").at(-1) ?? t;
  const x = `${param(titles.x)} ${label.x}`;
  return label.y !== undefined && titles.y ? `${x} · ${param(titles.y)} ${label.y}` : x;
}

// ---------------------------------------------------------------------------------------------

export type SweepCellState = "waiting" | "running" | "done" | "skipped";

export interface SweepRunCell {
  x: number;
  y: number;
  label: { x: string; y?: string };
  state: SweepCellState;
  /** The run record of this cell in the history (the last attempt). */
  runId?: string;
  /** Why the cell was skipped. */
  problem?: string;
}

export interface SweepRunState {
  id: number;
  title: string;
  titles: { x: string; y?: string };
  spec: SweepSpec;
  seed?: number;
  columns: number;
  rows: number;
  /** The workflow the sweep was made from (embedded in the contact sheet). */
  graph: string;
  cells: SweepRunCell[];
  concurrency: number;
  finished: boolean;
  cancelled: boolean;
}

type Controller = Pick<RunController, "start" | "findCached" | "useCached" | "cancel" | "remove" | "getState">;

export interface SweepHandle {
  readonly done: Promise<SweepRunState>;
  cancel(): void;
}

/** One editor's sweeps: the last one run (one at a time) and the handle to cancel it. */
export interface Sweeps {
  readonly state: UiStore<{ current: SweepRunState | null }>;
  get(): SweepRunState | null;
  /** Cancels the running sweep's waiting and running cells. */
  cancel(): void;
  /** Forgets the last sweep. */
  reset(): void;
  /** @internal used by runSweep */
  handle: SweepHandle | null;
  /** @internal used by runSweep */
  nextId: number;
}

export function createSweeps(): Sweeps {
  const state = createUiStore<{ current: SweepRunState | null }>({ current: null });
  const sweeps: Sweeps = {
    state,
    get: () => state.get().current,
    cancel: () => sweeps.handle?.cancel(),
    reset() {
      sweeps.handle = null;
      state.set({ current: null });
    },
    handle: null,
    nextId: 1,
  };
  return sweeps;
}

const sweepsPart = definePart("sweeps", createSweeps, (s) => s.cancel());
export const sweepsOf = (editor: Editor): Sweeps => editor.part(sweepsPart);
export const useSweeps = (): Sweeps => usePart(sweepsPart);

export function useSweep<T>(selector: (s: SweepRunState | null) => T): T {
  return useUiStore(useSweeps().state, (s) => selector(s.current));
}

export interface RunSweepOptions {
  concurrency?: number;
  title?: string;
  /** The workflow text embedded in the contact sheet. */
  graph: string;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs a planned sweep: at most `concurrency` cells at once, each through `controller.start`
 * (or `useCached` when an identical fixed-seed request already finished). Only one sweep runs at
 * a time; starting another while one runs throws.
 */
export function runSweep(
  sweeps: Sweeps,
  controller: Controller,
  plan: SweepPlan,
  options: RunSweepOptions,
): SweepHandle {
  const current = sweeps.get();
  if (current && !current.finished) throw new Error("A sweep is already running; cancel it or wait for it to finish.");
  if (plan.errors.length) throw new Error(`This sweep cannot run: ${plan.errors[0]}`);
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)));
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms));
  let state: SweepRunState = {
    id: sweeps.nextId++,
    title: options.title ?? "Sweep",
    titles: plan.titles,
    spec: plan.spec,
    seed: plan.seed,
    columns: plan.columns,
    rows: plan.rows,
    graph: options.graph,
    cells: plan.cells.map((c) => ({
      x: c.x,
      y: c.y,
      label: c.label,
      state: c.job ? "waiting" : "skipped",
      problem: c.problem,
    })),
    concurrency,
    finished: false,
    cancelled: false,
  };
  const publish = (next: SweepRunState) => {
    state = next;
    sweeps.state.set({ current: next });
  };
  const setCell = (i: number, patch: Partial<SweepRunCell>) =>
    publish({ ...state, cells: state.cells.map((c, k) => (k === i ? { ...c, ...patch } : c)) });
  publish(state);

  let next = 0;
  async function runCell(i: number): Promise<void> {
    const job = plan.cells[i].job!;
    setCell(i, { state: "running" });
    const cached = controller.findCached(job.endpoint, job.input);
    if (cached) {
      const rec = await controller.useCached(cached, job);
      setCell(i, { state: "done", runId: rec.id });
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const pending = controller.start(job);
      // The record is in the controller's state as soon as start() is called; find it by its input.
      const early = controller.getState().runs.find((r) => r.input === job.input);
      if (early) setCell(i, { runId: early.id });
      const rec: RunRecord = await pending;
      const rateLimited = rec.status === "failed" && rec.error?.status === 429 && rec.error.step === "submit";
      if (rateLimited && attempt < MAX_RATE_RETRIES && !state.cancelled) {
        // Refused before queueing: nothing ran, so drop the record and send it again after the wait.
        await controller.remove(rec.id);
        await sleep(Math.max(1000, (rec.error?.retryAfterSeconds ?? 3) * 1000));
        if (state.cancelled) {
          setCell(i, { state: "skipped", runId: undefined, problem: "Cancelled" });
          return;
        }
        continue;
      }
      setCell(i, { state: "done", runId: rec.id });
      return;
    }
  }
  async function worker(): Promise<void> {
    for (;;) {
      if (state.cancelled) return;
      while (next < plan.cells.length && !plan.cells[next].job) next++;
      if (next >= plan.cells.length) return;
      const i = next++;
      try {
        await runCell(i);
      } catch (e) {
        setCell(i, { state: "done", problem: `Could not run: ${(e as Error)?.message ?? String(e)}` });
      }
    }
  }

  const done = Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, plan.requestCount)) }, worker)).then(
    () => {
      publish({ ...state, finished: true });
      return state;
    },
  );
  const handle: SweepHandle = {
    done,
    cancel() {
      if (state.finished || state.cancelled) return;
      publish({
        ...state,
        cancelled: true,
        cells: state.cells.map((c) => (c.state === "waiting" ? { ...c, state: "skipped", problem: "Cancelled" } : c)),
      });
      for (const c of state.cells) if (c.state === "running" && c.runId) void controller.cancel(c.runId);
    },
  };
  sweeps.handle = handle;
  return handle;
}
