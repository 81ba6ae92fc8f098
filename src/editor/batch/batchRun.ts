/**
 * Running a batch in the editor (docs/batches.md#the-editor): the src/batch plan, one request per
 * run for one Sampler, through the same run controller as single runs and sweeps (so every run is
 * an ordinary history entry with its record, resume and image copies), a few at a time.
 *
 * A batch survives a reload: its setup and which run went to which history record are saved as it
 * goes. On the next start the plan is rebuilt from the setup (it is deterministic), finished runs
 * are left alone, runs in flight are waited for (the controller resumes them by request id), and
 * the rest are sent. Plain TypeScript over the controller's interface, so it runs headless in tests.
 */
import { compile } from "../../compiler";
import {
  planBatch,
  parseTable,
  type BatchError,
  type BatchPlan,
  type BatchSpec,
  type DrawMode,
  type SeedPolicy,
  type Table,
  type TableError,
} from "../../batch";
import { serializeWorkflow, type BatchStamp, type Registry, type WorkflowDocument } from "../../graph";
import { nodeDisplayName } from "../../teach/names";
import type { LoraEndpointId } from "../../fal/runner";
import type { RunController } from "../run/controller";
import { createUiStore, type UiStore } from "../store/uiStore";
import { TERMINAL, type RunJob, type RunRecord } from "../run/types";
import { previewGrid, type GridRun, type PreviewGrid } from "./previewGrid";
import { BATCH_STORAGE_KEY } from "./state";

export const DEFAULT_BATCH_CONCURRENCY = 2;
export const MAX_BATCH_CONCURRENCY = 4;
/** Preview rows drawn; the rest are counted. */
export const PREVIEW_ROWS = 200;

/** What the user chose: everything needed to plan the same batch again after a reload. */
export interface BatchSetup {
  id: string;
  title: string;
  /** The workflow the batch was made from (serializeWorkflow text). */
  graph: string;
  table?: { name: string; text: string };
  lists: Record<string, string>;
  count: number;
  concurrency: number;
  seed: number;
  seedPolicy: SeedPolicy;
  mode: DrawMode;
  /** The Sampler whose request each run sends. */
  outputId?: string;
}

export interface PreparedRun extends GridRun {
  label: string;
  job: RunJob | null;
}

export interface PreparedBatch {
  setup: BatchSetup;
  /** Every run, when the batch can run; empty when anything is wrong (the grid says what). */
  runs: PreparedRun[];
  /** Requests the batch sends: one per run that compiles. */
  requestCount: number;
  /** Why it cannot run at all (a bad table, a wildcard matching nothing, no Sampler). */
  errors: string[];
  /** The table was refused only for a BOM or CRLF, which `toPlainText` fixes. */
  convertible?: boolean;
  /** Every row, with what is wrong with it, before anything is sent. */
  grid: PreviewGrid;
  outputs: { id: string; label: string }[];
}

function tableErrorText(name: string, e: TableError): string {
  return `${name} line ${e.line}, column ${e.column}: ${e.message}`;
}

function runLabel(values: Record<string, unknown>, row: number | undefined, index: number): string {
  const text = Object.entries(values)
    .filter(([k]) => !k.endsWith(".seed"))
    .map(([, v]) => (typeof v === "string" ? v : JSON.stringify(v)))
    .join(" · ");
  return `${row !== undefined ? `#${row}` : `#${index + 1}`}${text ? ` ${text}` : ""}`;
}

function planErrorText(e: BatchError, tableName = "table"): string {
  const where =
    e.row === undefined && e.line !== undefined && !e.nodeId
      ? `${tableName} line ${e.line}, column ${e.column}: `
      : e.row !== undefined
        ? `row ${e.row} (line ${e.line}, column ${e.column}): `
        : `${e.nodeId}.${e.field}${e.list ? ` (list __${e.list}__, line ${e.line})` : ` line ${e.line}, column ${e.column}`}: `;
  return `${where}${e.message}`;
}

/** Plans a batch: every run compiled, every problem found, nothing sent. */
export function prepareBatch(registry: Registry, doc: WorkflowDocument, setup: BatchSetup): PreparedBatch {
  const outputs = doc.nodes
    .filter((n) => registry.get(n.type)?.isOutput)
    .map((n) => ({ id: n.id, label: nodeDisplayName(n, registry) }));
  const outputId = outputs.find((o) => o.id === setup.outputId)?.id ?? outputs[0]?.id;
  const base = {
    setup: { ...setup, outputId },
    outputs,
    runs: [],
    requestCount: 0,
    grid: { columns: [], badColumns: {}, rows: [] },
  };
  if (!outputId) return { ...base, errors: ["The workflow has no Sampler, so there is nothing to run."] };
  let table: Table | undefined;
  if (setup.table) {
    const t = parseTable(setup.table.text, setup.table.name);
    if (!t.ok)
      return {
        ...base,
        errors: t.errors.map((e) => tableErrorText(setup.table!.name, e)),
        convertible: t.errors.every((e) => e.encoding),
      };
    table = t.table;
  }
  const spec: BatchSpec = {
    doc,
    registry,
    table,
    lists: setup.lists,
    count: setup.count,
    seed: setup.seed,
    mode: setup.mode,
    seedPolicy: setup.seedPolicy,
  };
  const plan = planBatch(spec);
  if (plan.ok) {
    const compiled = compileRuns(registry, setup, plan, outputId);
    const grid = previewGrid(table, [], compiled.runs);
    return compiled.errors.length ? { ...base, errors: compiled.errors, grid } : { ...base, ...compiled, grid };
  }
  const errors = plan.errors.map((e) => planErrorText(e, setup.table?.name));
  // Rows at fault are marked; the others are still compiled, so every problem shows at once.
  let others: PreparedRun[] = [];
  if (table && plan.errors.every((e) => e.row !== undefined)) {
    const rest = planBatch({
      ...spec,
      table: { ...table, rows: table.rows.filter((r) => !plan.rowErrors.has(r.row)) },
    });
    if (rest.ok) {
      const compiled = compileRuns(registry, setup, rest, outputId);
      others = compiled.runs;
      errors.push(...compiled.errors);
    }
  }
  return { ...base, errors, grid: previewGrid(table, plan.errors, others) };
}

function compileRuns(
  registry: Registry,
  setup: BatchSetup,
  plan: BatchPlan,
  outputId: string,
): { runs: PreparedRun[]; requestCount: number; errors: string[] } {
  const runs: PreparedRun[] = [];
  const errors: string[] = [];
  for (let index = 0; index < plan.total; index++) {
    const run = plan.run(index);
    const label = runLabel(run.values, run.row, index);
    const stamp: BatchStamp = { id: setup.id, index, seed: setup.seed, values: run.values, picks: run.picks };
    if (run.row !== undefined) stamp.row = run.row;
    const doc: WorkflowDocument = { ...run.document, meta: { ...run.document.meta, batch: stamp } };
    const out = compile(run.document, registry).outputs.find((o) => o.output === outputId);
    if (!out?.ok || !out.input) {
      const first = out?.diagnostics.find((d) => d.severity === "error");
      const problem = first?.message ?? "the Sampler has no request";
      const problemAt = first?.nodeId && first.field ? `${first.nodeId}.${first.field}` : undefined;
      errors.push(`${label.split(" ")[0]} does not compile: ${problem}`);
      runs.push({ index, row: run.row, label, values: run.values, job: null, problem, problemAt });
      continue;
    }
    const job: RunJob = {
      endpoint: out.endpoint as LoraEndpointId,
      input: out.input,
      sourceMap: out.sourceMap,
      outputNodeId: out.output,
      graph: serializeWorkflow(doc),
      title: `${setup.title} · ${label.split(" ")[0]}`,
      batch: stamp,
    };
    runs.push({ index, row: run.row, label, values: run.values, job });
  }
  return { runs, requestCount: runs.length - errors.length, errors };
}

/** Seconds a batch should take, from the median of recent finished runs; undefined without any. */
export function estimateSeconds(runs: readonly RunRecord[], requests: number, concurrency: number): number | undefined {
  const took = runs
    .filter((r) => r.status === "completed" && !r.cachedFrom && r.finishedAt && r.createdAt)
    .slice(0, 20)
    .map((r) => (r.finishedAt! - r.createdAt) / 1000)
    .sort((a, b) => a - b);
  if (took.length === 0) return undefined;
  const median = took[Math.floor(took.length / 2)];
  return Math.ceil(requests / Math.max(1, concurrency)) * median;
}

// ---------------------------------------------------------------------------------------------

export type BatchItemState = "waiting" | "running" | "done" | "failed" | "skipped";

export interface BatchItem {
  index: number;
  row?: number;
  label: string;
  state: BatchItemState;
  runId?: string;
  problem?: string;
}

export interface BatchRunState {
  setup: BatchSetup;
  items: BatchItem[];
  paused: boolean;
  cancelled: boolean;
  finished: boolean;
}

/** What is saved so a reload can pick the batch up. */
export interface SavedBatch {
  setup: BatchSetup;
  /** Run index → history record id, written the moment the run starts. */
  runIds: Record<number, string>;
  paused: boolean;
  cancelled: boolean;
  finished: boolean;
}

/** Where the running batch is saved; localStorage in the app, memory in tests. */
export interface BatchSaver {
  load(): SavedBatch | null;
  save(batch: SavedBatch | null): void;
}

export { BATCH_STORAGE_KEY };

export function localBatchSaver(storage: Storage = localStorage): BatchSaver {
  return {
    load() {
      try {
        const raw = storage.getItem(BATCH_STORAGE_KEY);
        return raw ? (JSON.parse(raw) as SavedBatch) : null;
      } catch {
        return null;
      }
    },
    save(batch) {
      try {
        if (batch) storage.setItem(BATCH_STORAGE_KEY, JSON.stringify(batch));
        else storage.removeItem(BATCH_STORAGE_KEY);
      } catch {
        // Storage full or blocked: the batch goes on, it just cannot resume after a reload.
      }
    },
  };
}

type Controller = Pick<RunController, "start" | "cancel" | "remove" | "getState" | "subscribe">;

/** One editor's batch: the last one run (one at a time), with pause, resume and cancel. */
export interface Batches {
  readonly state: UiStore<{ current: BatchRunState | null }>;
  get(): BatchRunState | null;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** Resolves when the current batch has finished (or at once without one). */
  done(): Promise<void>;
}

export function createBatchState(): UiStore<{ current: BatchRunState | null }> {
  return createUiStore<{ current: BatchRunState | null }>({ current: null });
}

export function isTerminal(r: RunRecord | undefined): boolean {
  return !!r && TERMINAL.has(r.status);
}

export type { Controller as BatchController };
