/**
 * Batch tables: CSV (RFC 4180) and JSON lines, one run per row (docs/batches.md#tables).
 *
 * The CSV reader is hand-written: the well-kept parsers (papaparse, csv-parse) report a row number
 * or a character offset for some errors but not where each value starts, and every error here
 * (a value that fails its param's schema included) must name its line and column.
 */
import { lineColumn, locateJsonError, toSafeTree } from "../graph/safeJson";

/** A problem in a table, at a 1-based line and column of the file. */
export interface TableError {
  message: string;
  line: number;
  column: number;
  /** A BOM or CRLF: `toPlainText` fixes it. */
  encoding?: true;
}

export interface Cell {
  /** Text for CSV; any JSON value for JSON lines. */
  value: unknown;
  line: number;
  column: number;
}

export interface TableRow {
  /** 1-based row number among the data rows (the header is not a row). */
  row: number;
  line: number;
  cells: Record<string, Cell>;
}

export interface Table {
  format: "csv" | "jsonl";
  columns: { name: string; line: number; column: number }[];
  rows: TableRow[];
}

export type TableResult = { ok: true; table: Table } | { ok: false; errors: TableError[] };

/** More errors than this are summarised: a wrong file gives one per line. */
const MAX_ERRORS = 20;

/**
 * A byte-order mark (Excel's "CSV UTF-8" writes one) and CRLF line endings are refused, as the
 * batch format says, rather than silently read: the table's text is part of a batch's identity
 * (the CLI's state file), and a table must read the same everywhere it is used. Each is named at
 * its line and column; `toPlainText` is the one-step fix the editor offers and the CLI describes.
 */
export function encodingErrors(text: string): TableError[] {
  const errors: TableError[] = [];
  if (text.charCodeAt(0) === 0xfeff)
    errors.push({
      message: "the file starts with a byte-order mark (BOM); save it as plain UTF-8 without one",
      line: 1,
      column: 1,
      encoding: true,
    });
  const crlf = text.indexOf("\r\n");
  if (crlf >= 0)
    errors.push({
      message: "this line ends with CRLF (Windows line endings); save the file with LF line endings",
      ...lineColumn(text, crlf),
      encoding: true,
    });
  return errors;
}

/** The table's text as plain UTF-8 with LF line endings: no BOM, every CRLF made LF. */
export function toPlainText(text: string): string {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replaceAll("\r\n", "\n");
}

type Field = { text: string; line: number; column: number };

/** Splits CSV text into records of fields with their positions. LF ends a record; a CR is an error. */
export function splitCsv(text: string): { records: Field[][]; errors: TableError[] } {
  const records: Field[][] = [];
  const errors: TableError[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = (at: number) => at - lineStart + 1;
  const newline = () => {
    line++;
    lineStart = i;
  };
  while (i < text.length && errors.length < MAX_ERRORS) {
    const record: Field[] = [];
    for (;;) {
      const field: Field = { text: "", line, column: col(i) };
      if (text[i] === '"') {
        const open = { line, column: col(i) };
        i++;
        let closed = false;
        while (i < text.length) {
          const c = text[i];
          if (c === '"' && text[i + 1] === '"') {
            field.text += '"';
            i += 2;
          } else if (c === '"') {
            closed = true;
            i++;
            break;
          } else {
            field.text += c;
            i++;
            if (c === "\n") newline();
          }
        }
        if (!closed) {
          errors.push({ message: "this quote is never closed (a quoted value must end with a quote)", ...open });
          return { records, errors };
        }
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          errors.push({
            message: 'text after a closing quote; inside a quoted value write a quote as ""',
            line,
            column: col(i),
          });
          while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") i++;
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"')
            errors.push({
              message: 'a quote inside an unquoted value; quote the whole value and double the quote ("5"" tall")',
              line,
              column: col(i),
            });
          field.text += text[i++];
        }
      }
      record.push(field);
      if (text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === "\r") {
      errors.push({
        message:
          text[i + 1] === "\n"
            ? "this line ends with CRLF (Windows line endings); save the file with LF line endings"
            : "a carriage return (CR) without a line feed; lines end with LF",
        line,
        column: col(i),
      });
      i++;
    }
    if (text[i] === "\n") i++;
    newline();
    // A blank line is not a row of one empty value.
    if (!(record.length === 1 && record[0].text === "")) records.push(record);
  }
  return { records, errors };
}

function headerOf(fields: readonly Field[]): { columns: Table["columns"]; errors: TableError[] } {
  const errors: TableError[] = [];
  const seen = new Set<string>();
  const columns = fields.map((f) => ({ name: f.text.trim(), line: f.line, column: f.column }));
  for (const c of columns) {
    if (c.name === "") errors.push({ message: "a column with no name in the header", line: c.line, column: c.column });
    else if (seen.has(c.name))
      errors.push({ message: `the column "${c.name}" appears twice`, line: c.line, column: c.column });
    seen.add(c.name);
  }
  return { columns, errors };
}

/** Reads a CSV table: a header row of column names, then one row per run. */
export function parseCsv(text: string): TableResult {
  const encoding = encodingErrors(text);
  if (encoding.length) return { ok: false, errors: encoding };
  const { records, errors } = splitCsv(text);
  if (errors.length) return { ok: false, errors };
  if (records.length === 0) return { ok: false, errors: [{ message: "the table is empty", line: 1, column: 1 }] };
  const header = headerOf(records[0]);
  const rows: TableRow[] = [];
  for (const [k, rec] of records.slice(1).entries()) {
    if (rec.length !== header.columns.length) {
      const at = rec[Math.min(rec.length, header.columns.length) - (rec.length > header.columns.length ? 0 : 1)];
      header.errors.push({
        message: `${rec.length} values where the header has ${header.columns.length} columns`,
        line: at.line,
        column: rec.length > header.columns.length ? at.column : at.column + at.text.length,
      });
      continue;
    }
    const cells: Record<string, Cell> = {};
    rec.forEach((f, c) => (cells[header.columns[c].name] = { value: f.text, line: f.line, column: f.column }));
    rows.push({ row: k + 1, line: rec[0].line, cells });
  }
  if (header.errors.length) return { ok: false, errors: header.errors.slice(0, MAX_ERRORS) };
  return { ok: true, table: { format: "csv", columns: header.columns, rows } };
}

/** Reads JSON lines: one object per line, its keys the columns. Blank lines are skipped. */
export function parseJsonLines(text: string): TableResult {
  const encoding = encodingErrors(text);
  if (encoding.length) return { ok: false, errors: encoding };
  const errors: TableError[] = [];
  const rows: TableRow[] = [];
  const columns = new Map<string, Table["columns"][number]>();
  const lines = text.split("\n");
  for (const [k, lineText] of lines.entries()) {
    if (lineText.trim() === "" || errors.length >= MAX_ERRORS) continue;
    const line = k + 1;
    const bad = locateJsonError(lineText);
    if (bad) {
      errors.push({ message: `not JSON: ${bad.reason}`, line, column: lineColumn(lineText, bad.offset).column });
      continue;
    }
    const safe = toSafeTree(JSON.parse(lineText));
    if (!safe.ok) {
      errors.push({ message: safe.errors[0].message, line, column: 1 });
      continue;
    }
    const value = safe.value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors.push({
        message: 'each line must be one JSON object, e.g. {"prompt.prompt": "a castle"}',
        line,
        column: 1,
      });
      continue;
    }
    const cells: Record<string, Cell> = {};
    for (const [name, v] of Object.entries(value)) {
      // Where the key is written; good enough to point at, since keys are unique in a line.
      const at = Math.max(0, lineText.indexOf(JSON.stringify(name)));
      cells[name] = { value: v, line, column: at + 1 };
      if (!columns.has(name)) columns.set(name, { name, line, column: at + 1 });
    }
    rows.push({ row: rows.length + 1, line, cells });
  }
  if (errors.length) return { ok: false, errors };
  if (rows.length === 0) return { ok: false, errors: [{ message: "the table has no rows", line: 1, column: 1 }] };
  return { ok: true, table: { format: "jsonl", columns: [...columns.values()], rows } };
}

/** CSV or JSON lines, told apart by the file name, else by the first character. */
export function parseTable(text: string, fileName = ""): TableResult {
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return parseJsonLines(text);
  if (/\.csv$/i.test(fileName)) return parseCsv(text);
  return text
    .replace(/^\ufeff/, "")
    .trimStart()
    .startsWith("{")
    ? parseJsonLines(text)
    : parseCsv(text);
}
