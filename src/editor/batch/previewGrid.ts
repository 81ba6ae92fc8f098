/**
 * The batch window's preview grid: one line per table row (per run without a table), its cells as
 * written, and what is wrong with it, by column where one cell is to blame (a value its param
 * refuses, a wildcard that matches nothing, a field the compiler refuses), else for the whole row.
 */
import type { BatchError, Table } from "../../batch";

export interface PreviewRow {
  /** 1-based table row; without a table, the run's number. */
  n: number;
  /** Runs this row makes (0 when it fails before compiling). */
  runs: number;
  /** Column → the cell's text as written. */
  cells: Record<string, string>;
  /** Column → why its cell is refused. */
  bad: Record<string, string>;
  /** Why the row fails where no one cell is to blame. */
  problems: string[];
  /** What its first run drew (wildcards expanded), where it differs from the cells. */
  drawn: string;
}

export interface PreviewGrid {
  columns: string[];
  /** Column → why the column itself is refused (a name that is neither a param nor a list). */
  badColumns: Record<string, string>;
  rows: PreviewRow[];
}

/** What the grid needs of a planned run. */
export interface GridRun {
  index: number;
  row?: number;
  values: Record<string, unknown>;
  problem?: string;
  /** `node.param` the compiler blamed, when it named one. */
  problemAt?: string;
}

const text = (v: unknown): string =>
  v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);

function drawnText(values: Record<string, unknown>, cells: Record<string, string>): string {
  return Object.entries(values)
    .filter(([k, v]) => !k.endsWith(".seed") && !(Object.hasOwn(cells, k) && cells[k] === text(v)))
    .filter(([k]) => !/^__.+__$/.test(k))
    .map(([, v]) => text(v))
    .join(" · ");
}

function mark(bad: Record<string, string>, column: string, why: string) {
  bad[column] = bad[column] ? `${bad[column]}; ${why}` : why;
}

export function previewGrid(
  table: Table | undefined,
  errors: readonly BatchError[],
  runs: readonly GridRun[],
): PreviewGrid {
  const badColumns: Record<string, string> = {};
  const rowErrors = new Map<number, BatchError[]>();
  for (const e of errors) {
    if (e.row !== undefined) rowErrors.set(e.row, [...(rowErrors.get(e.row) ?? []), e]);
    else if (e.tableColumn) mark(badColumns, e.tableColumn, e.message);
  }
  if (!table)
    return {
      columns: [],
      badColumns,
      rows: runs.map((r) => ({
        n: r.index + 1,
        runs: 1,
        cells: {},
        bad: {},
        problems: r.problem ? [`does not compile: ${r.problem}`] : [],
        drawn: drawnText(r.values, {}),
      })),
    };
  const columns = table.columns.map((c) => c.name);
  const byRow = new Map<number, GridRun[]>();
  for (const r of runs) if (r.row !== undefined) byRow.set(r.row, [...(byRow.get(r.row) ?? []), r]);
  const rows = table.rows.map((tr): PreviewRow => {
    const cells = Object.fromEntries(columns.map((c) => [c, text(tr.cells[c]?.value)]));
    const bad: Record<string, string> = {};
    const problems: string[] = [];
    for (const e of rowErrors.get(tr.row) ?? []) {
      if (e.tableColumn) mark(bad, e.tableColumn, e.message);
      else problems.push(e.nodeId ? `${e.nodeId}.${e.field}: ${e.message}` : e.message);
    }
    const mine = byRow.get(tr.row) ?? [];
    for (const r of mine) {
      if (!r.problem) continue;
      const why = `does not compile: ${r.problem}`;
      if (r.problemAt && columns.includes(r.problemAt)) {
        if (!bad[r.problemAt]?.includes(why)) mark(bad, r.problemAt, why);
      } else if (!problems.includes(why)) problems.push(why);
    }
    return {
      n: tr.row,
      runs: mine.length,
      cells,
      bad,
      problems,
      drawn: mine[0] ? drawnText(mine[0].values, cells) : "",
    };
  });
  return { columns, badColumns, rows };
}

/** The row's faults as the status cell says them: each with its column first. */
export function rowFaults(row: PreviewRow): string[] {
  return [
    ...Object.entries(row.bad).map(([c, why]) => (why.startsWith(`${c}:`) ? why : `${c}: ${why}`)),
    ...row.problems,
  ];
}
