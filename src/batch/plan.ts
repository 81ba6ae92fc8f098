/**
 * A batch plan: a workflow, an optional table and wildcard lists become numbered runs, each a
 * document with its values drawn (docs/batches.md). Run `i` is computed on its own from the plan,
 * so a resumed or parallel batch gets exactly the runs an uninterrupted one would.
 */
import type { ParamSpec, Registry, WorkflowDocument } from "../graph";
import { resolveParamPath, valueFromText, valueProblem, withParams } from "./paramPath";
import { createRandom, runSeed } from "./random";
import type { Table } from "./table";
import {
  ListSource,
  checkTemplate,
  countTemplate,
  drawTemplate,
  hasWildcards,
  nthExpansion,
  parseTemplate,
  type ListPick,
  type Part,
  type WildcardLists,
} from "./wildcards";

/** Above this many requests a batch needs an explicit yes (`--yes` on the command line). */
export const DEFAULT_BATCH_CAP = 500;

export type DrawMode = "random" | "combinatorial";
/** What the Sampler's seed does across runs: kept, counted up from it, or drawn from the batch seed. */
export type SeedPolicy = "fixed" | "increment" | "random";
export const SEED_POLICIES: readonly SeedPolicy[] = ["fixed", "increment", "random"];

export interface BatchSpec {
  doc: WorkflowDocument;
  registry: Registry;
  lists?: WildcardLists;
  table?: Table;
  /** Runs per row (per combination in combinatorial mode); without a table, the number of runs. Default 1. */
  count?: number;
  mode?: DrawMode;
  /** Seeds every draw; the same seed gives the same values. */
  seed: number;
  seedPolicy?: SeedPolicy;
}

/** A problem that stops the batch, with where it is: a table line and column, or a node's field. */
export interface BatchError {
  message: string;
  line?: number;
  column?: number;
  /** 1-based table row, for problems of one row. */
  row?: number;
  nodeId?: string;
  field?: string;
  /** The wildcard list the problem is in. */
  list?: string;
  /** The name of the table column whose cell is at fault, for a preview that marks the cell. */
  tableColumn?: string;
}

/** One run of a batch: its document and the values that made it. */
export interface BatchRun {
  index: number;
  /** 1-based table row; absent without a table. */
  row?: number;
  /** Which of the `count` runs of its row (or combination) this is, from 0. */
  repeat: number;
  /** `node.param` → the value sent (table values, expanded text fields, the seed), and wildcard columns. */
  values: Record<string, unknown>;
  /** Each line drawn from a wildcard list, in order. */
  picks: ListPick[];
  document: WorkflowDocument;
}

interface Field {
  key: string;
  nodeId: string;
  param: string;
  parts: Part[];
}

/** One row made ready: its param values, its fixed wildcards and its text fields parsed. */
interface PreparedRow {
  row?: number;
  sets: { nodeId: string; param: string; value: unknown; key: string }[];
  fixed: Record<string, string>;
  fields: Field[];
  source: ListSource;
  /** Combinations of this row's fields (1 in random mode). */
  combinations: number;
}

export interface BatchPlan {
  ok: boolean;
  errors: BatchError[];
  /** Total runs (= requests per output). */
  total: number;
  /** Errors by 1-based table row, for a preview that marks the rows at fault. */
  rowErrors: Map<number, BatchError[]>;
  run(index: number): BatchRun;
}

/** Text fields a wildcard may be written in; URLs and data are left alone, `__` is common in file names. */
function isWildcardField(spec: ParamSpec, value: unknown): value is string {
  if (spec.widget !== "text" && spec.widget !== "textarea") return false;
  return typeof value === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(value) && hasWildcards(value);
}

function textFields(doc: WorkflowDocument, registry: Registry, errors: BatchError[], row?: number): Field[] {
  const fields: Field[] = [];
  for (const node of doc.nodes) {
    const def = registry.get(node.type);
    if (!def || node.bypass) continue;
    for (const [param, value] of Object.entries(node.params)) {
      const spec = Object.hasOwn(def.params, param) ? def.params[param] : undefined;
      if (!spec || !isWildcardField(spec, value)) continue;
      const parsed = parseTemplate(value);
      for (const e of parsed.errors) errors.push({ ...e, nodeId: node.id, field: param, row });
      fields.push({ key: `${node.id}.${param}`, nodeId: node.id, param, parts: parsed.parts });
    }
  }
  return fields;
}

/** What each column of the table means: a param, or a wildcard list's fixed value. */
type Binding = { kind: "param"; nodeId: string; param: string; spec: ParamSpec } | { kind: "wildcard"; name: string };

function bindColumns(spec: BatchSpec, listNames: ReadonlySet<string>, errors: BatchError[]): Map<string, Binding> {
  const out = new Map<string, Binding>();
  for (const col of spec.table?.columns ?? []) {
    const name = /^__(.+)__$/.exec(col.name)?.[1] ?? col.name;
    const path = resolveParamPath(col.name, spec.doc, spec.registry);
    if (path.ok) out.set(col.name, { kind: "param", nodeId: path.nodeId, param: path.param, spec: path.spec });
    else if (listNames.has(name)) out.set(col.name, { kind: "wildcard", name });
    else
      errors.push({
        message: `unknown column "${col.name}": not a node.param (${path.message}) nor a wildcard list`,
        line: col.line,
        column: col.column,
        tableColumn: col.name,
      });
  }
  return out;
}

function prepareRow(
  spec: BatchSpec,
  bindings: Map<string, Binding>,
  tableRow: Table["rows"][number] | undefined,
  errors: BatchError[],
): PreparedRow {
  const sets: PreparedRow["sets"] = [];
  const fixed: Record<string, string> = {};
  const row = tableRow?.row;
  for (const [column, cell] of Object.entries(tableRow?.cells ?? {})) {
    const b = bindings.get(column);
    if (!b) continue;
    const where = { line: cell.line, column: cell.column, row, tableColumn: column };
    if (b.kind === "wildcard") {
      if (cell.value === "" || cell.value === null) continue;
      if (typeof cell.value !== "string" && typeof cell.value !== "number")
        errors.push({ message: `column "${column}" (a wildcard) needs text`, ...where });
      else fixed[b.name] = String(cell.value);
      continue;
    }
    // An empty CSV cell keeps the workflow's value; JSON null removes the param.
    if (cell.value === "") continue;
    const value = typeof cell.value === "string" ? valueFromText(cell.value, b.spec) : (cell.value ?? undefined);
    const problem = valueProblem(value, b.spec);
    if (problem) errors.push({ message: `${column}: ${problem}`, ...where, nodeId: b.nodeId, field: b.param });
    else sets.push({ nodeId: b.nodeId, param: b.param, value, key: column });
  }
  const doc = withParams(spec.doc, sets);
  const fieldErrors: BatchError[] = [];
  const fields = textFields(doc, spec.registry, fieldErrors, row);
  const source = new ListSource(spec.lists ?? {}, fixed);
  for (const f of fields) {
    for (const e of checkTemplate(f.parts, source).errors)
      fieldErrors.push({ ...e, nodeId: f.nodeId, field: f.param, row });
  }
  // A row's own cell is where its text came from: point there rather than at the node.
  for (const e of fieldErrors) {
    const at = tableRow && Object.entries(tableRow.cells).find(([c]) => c === `${e.nodeId}.${e.field}`);
    errors.push(at && !e.list ? { ...e, line: at[1].line, column: at[1].column, tableColumn: at[0] } : e);
  }
  const combinations =
    spec.mode === "combinatorial"
      ? fields.reduce((n, f) => Math.min(n * countTemplate(f.parts, source), Number.MAX_SAFE_INTEGER), 1)
      : 1;
  return { row, sets, fixed, fields, source, combinations };
}

/** Every list name the batch can see: the library's and those its fields write as `__name__`. */
function knownListNames(spec: BatchSpec): Set<string> {
  const lists = spec.lists ?? {};
  const names = new Set(lists instanceof Map ? lists.keys() : Object.keys(lists));
  for (const f of textFields(spec.doc, spec.registry, [])) {
    const walk = (parts: readonly Part[]): void => {
      for (const p of parts) {
        if (p.kind === "list") names.add(p.name);
        else if (p.kind === "choice") p.options.forEach(walk);
      }
    };
    walk(f.parts);
  }
  return names;
}

/** Builds the plan, checking everything before a single request could be sent. */
export function planBatch(spec: BatchSpec): BatchPlan {
  const errors: BatchError[] = [];
  const count = Math.max(1, Math.floor(spec.count ?? 1));
  const bindings = bindColumns(spec, knownListNames(spec), errors);
  const rows: PreparedRow[] = [];
  const rowErrors = new Map<number, BatchError[]>();
  for (const tableRow of spec.table?.rows ?? [undefined]) {
    const mine: BatchError[] = [];
    rows.push(prepareRow(spec, bindings, tableRow, mine));
    if (mine.length && tableRow) rowErrors.set(tableRow.row, mine);
    errors.push(...mine);
  }
  // Start index of each row's runs, so run(i) finds its row by binary search.
  const starts: number[] = [];
  let total = 0;
  for (const r of rows) {
    starts.push(total);
    total = Math.min(total + r.combinations * count, Number.MAX_SAFE_INTEGER);
  }
  return {
    ok: errors.length === 0,
    errors,
    total: errors.length ? 0 : total,
    rowErrors,
    run: (index) => buildRun(spec, rows, starts, count, index),
  };
}

function rowAt(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** fal's seeds are unsigned 32-bit; the Sampler's schema says the same. */
const SEED_RANGE = 2 ** 32;

function buildRun(
  spec: BatchSpec,
  rows: readonly PreparedRow[],
  starts: readonly number[],
  count: number,
  index: number,
): BatchRun {
  const r = rows[rowAt(starts, index)];
  const within = index - starts[rowAt(starts, index)];
  const repeat = within % count;
  const combination = Math.floor(within / count);
  const values: Record<string, unknown> = {};
  for (const s of r.sets) values[s.key] = s.value ?? null;
  for (const [name, v] of Object.entries(r.fixed)) values[`__${name}__`] = v;
  const picks: ListPick[] = [];
  const random = createRandom(runSeed(spec.seed, index));
  const sets: { nodeId: string; param: string; value: unknown }[] = [...r.sets];
  // In combinatorial mode the fields' combinations are one mixed-radix number, last field fastest.
  let rest = combination;
  const texts = new Map<string, string>();
  for (let k = r.fields.length - 1; k >= 0; k--) {
    const f = r.fields[k];
    if (spec.mode === "combinatorial") {
      const n = countTemplate(f.parts, r.source);
      texts.set(f.key, nthExpansion(f.parts, r.source, rest % n, picks));
      rest = Math.floor(rest / n);
    }
  }
  for (const f of r.fields) {
    const text = texts.get(f.key) ?? drawTemplate(f.parts, r.source, random, picks);
    values[f.key] = text;
    sets.push({ nodeId: f.nodeId, param: f.param, value: text });
  }
  const seedSets = seedValues(spec, index, random, new Set(r.sets.map((s) => s.key)));
  for (const s of seedSets) values[`${s.nodeId}.${s.param}`] = s.value;
  return { index, row: r.row, repeat, values, picks, document: withParams(spec.doc, [...sets, ...seedSets]) };
}

/** The seed params the policy changes (a table column naming a seed wins over the policy). */
function seedValues(
  spec: BatchSpec,
  index: number,
  random: ReturnType<typeof createRandom>,
  fromTable: ReadonlySet<string>,
): { nodeId: string; param: string; value: number }[] {
  const policy = spec.seedPolicy ?? "fixed";
  if (policy === "fixed") return [];
  const out: { nodeId: string; param: string; value: number }[] = [];
  for (const node of spec.doc.nodes) {
    const def = spec.registry.get(node.type);
    for (const [param, p] of Object.entries(def?.params ?? {})) {
      if (p.widget !== "seed" || fromTable.has(`${node.id}.${param}`)) continue;
      const base = typeof node.params[param] === "number" ? (node.params[param] as number) : spec.seed >>> 0;
      const value = policy === "increment" ? (base + index) % SEED_RANGE : random.int(SEED_RANGE);
      out.push({ nodeId: node.id, param, value });
    }
  }
  return out;
}
