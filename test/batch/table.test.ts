import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodingErrors,
  parseCsv,
  parseJsonLines,
  parseTable,
  splitCsv,
  toPlainText,
  type Table,
} from "../../src/batch/table";

const lfValue = fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", " ", "é") });
const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
const csvOf = (rows: string[][]) => ["x,y", ...rows.map((r) => r.map(quote).join(","))].join("\n") + "\n";
const jsonlOf = (rows: string[][]) => rows.map(([x, y]) => JSON.stringify({ x, y })).join("\n") + "\n";

/** A table's rows and columns without where they were written: what a run gets from it. */
const contentOf = (t: Table) => ({
  columns: t.columns.map((c) => c.name),
  rows: t.rows.map((r) => Object.fromEntries(Object.entries(r.cells).map(([k, c]) => [k, c.value]))),
});

describe("a BOM or CRLF", () => {
  it("property: a table with a BOM or any CRLF is refused where it is; converting it reads as the LF table", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(lfValue, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(csvOf, jsonlOf),
        fc.boolean(),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (rows, write, bom, crlfAt) => {
          const lf = write(rows);
          // Some line feeds (of records or inside quoted values) become CRLF.
          let n = 0;
          const crlf = lf.replace(/\n/g, () => (crlfAt[n++] ? "\r\n" : "\n"));
          fc.pre(bom || crlf !== lf);
          const text = (bom ? "\ufeff" : "") + crlf;
          const r = parseTable(text, write === csvOf ? "t.csv" : "t.jsonl");
          expect(r.ok).toBe(false);
          if (r.ok) return;
          expect(r.errors.every((e) => e.encoding)).toBe(true);
          if (bom) expect(r.errors[0]).toMatchObject({ line: 1, column: 1 });
          const first = text.indexOf("\r\n");
          if (first >= 0) {
            const before = text.slice(0, first).split("\n");
            expect(r.errors.at(-1)).toMatchObject({ line: before.length, column: before.at(-1)!.length + 1 });
          }
          const fixed = parseTable(toPlainText(text), write === csvOf ? "t.csv" : "t.jsonl");
          const plain = parseTable(lf, write === csvOf ? "t.csv" : "t.jsonl");
          expect(fixed.ok && plain.ok).toBe(true);
          if (!fixed.ok || !plain.ok) return;
          expect(contentOf(fixed.table)).toEqual(contentOf(plain.table));
          expect(encodingErrors(toPlainText(text))).toEqual([]);
        },
      ),
    );
  });
});

describe("CSV tables", () => {
  it("reads RFC 4180: quoted commas, doubled quotes, newlines inside quotes", () => {
    const r = parseCsv('prompt.prompt,sampler.seed\n"a castle, at dawn",1\n"say ""hi""\nthere",2\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.table.columns.map((c) => c.name)).toEqual(["prompt.prompt", "sampler.seed"]);
    expect(r.table.rows.map((row) => row.cells["prompt.prompt"].value)).toEqual([
      "a castle, at dawn",
      'say "hi"\nthere',
    ]);
    expect(r.table.rows.map((row) => [row.row, row.line])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(r.table.rows[1].cells["sampler.seed"]).toMatchObject({ value: "2", line: 4, column: 8 });
  });

  it("refuses a BOM at line 1, column 1 and CRLF at the first line's CR, each marked as fixable", () => {
    expect(parseCsv("\ufeffprompt.prompt\nfox\n")).toEqual({
      ok: false,
      errors: [{ message: expect.stringMatching(/byte-order mark/), line: 1, column: 1, encoding: true }],
    });
    // The first CRLF is on line 2 (line 1 ends with LF); its CR is after "fox,1".
    expect(parseCsv("prompt.prompt,sampler.seed\nfox,1\r\nowl,2\r\n")).toEqual({
      ok: false,
      errors: [{ message: expect.stringMatching(/CRLF/), line: 2, column: 6, encoding: true }],
    });
    // Inside a quoted value too: a CRLF there is a line that ends with CRLF.
    expect(parseCsv('a\n"x\r\ny"\n')).toMatchObject({ ok: false, errors: [{ line: 2, column: 3 }] });
    // Both at once: both named.
    expect(parseCsv("\ufeffa\r\n1\r\n")).toMatchObject({
      ok: false,
      errors: [
        { line: 1, column: 1 },
        { line: 1, column: 3 },
      ],
    });
    expect(toPlainText("\ufeffa\r\n1\r\n")).toBe("a\n1\n");
  });

  it("refuses an unbalanced quote at its line and column", () => {
    const r = parseCsv('a,b\n1,2\n3,"open\n4,5\n');
    expect(r).toEqual({
      ok: false,
      errors: [{ message: "this quote is never closed (a quoted value must end with a quote)", line: 3, column: 3 }],
    });
    const q = parseCsv('a\n5" tall\n');
    expect(!q.ok && q.errors[0]).toMatchObject({ line: 2, column: 2 });
    const after = parseCsv('a,b\n"x"y,2\n');
    expect(!after.ok && after.errors[0]).toMatchObject({ line: 2, column: 4 });
  });

  it("refuses a lone CR, a row of the wrong width, a duplicate or empty column name", () => {
    expect(parseCsv("a\rb\n")).toMatchObject({ ok: false, errors: [{ line: 1, column: 2 }] });
    expect(parseCsv("a,b\n1,2,3\n")).toMatchObject({
      ok: false,
      errors: [{ line: 2, column: 5, message: "3 values where the header has 2 columns" }],
    });
    expect(parseCsv("a,b\n1\n")).toMatchObject({ ok: false, errors: [{ line: 2, column: 2 }] });
    expect(parseCsv("a,a\n1,2\n")).toMatchObject({ ok: false, errors: [{ line: 1, column: 3 }] });
    expect(parseCsv("a,\n1,2\n")).toMatchObject({ ok: false, errors: [{ line: 1, column: 3 }] });
  });

  it("property: quoting any values and reading them back gives the values", () => {
    fc.assert(
      fc.property(fc.array(fc.array(lfValue, { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const r = parseCsv(csvOf(rows));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.table.rows.map((row) => [row.cells.x.value, row.cells.y.value])).toEqual(rows);
      }),
    );
  });

  it("property: any text is read without throwing", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", "\ufeff") }), (t) => {
        splitCsv(t);
        parseTable(t);
      }),
    );
  });
});

describe("JSON-lines tables", () => {
  it("reads one object per line, keeping types; blank lines are fine", () => {
    const r = parseJsonLines('{"prompt.prompt":"fox","sampler.seed":3}\n\n{"sampler.seed":null}\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.table.rows.map((x) => [x.line, x.cells["sampler.seed"].value])).toEqual([
      [1, 3],
      [3, null],
    ]);
    expect(r.table.rows[0].cells["sampler.seed"].column).toBe(24);
  });

  it("refuses a bad line at its line and column, and a line that is not an object", () => {
    expect(parseJsonLines('{"a":1}\n{"a":}\n')).toMatchObject({ ok: false, errors: [{ line: 2, column: 6 }] });
    expect(parseJsonLines("[1]\n")).toMatchObject({ ok: false, errors: [{ line: 1, column: 1 }] });
    expect(parseJsonLines('{"a":1}\n{"a":2}\r\n')).toMatchObject({
      ok: false,
      errors: [{ line: 2, column: 8, encoding: true }],
    });
    expect(parseJsonLines('\ufeff{"a":1}\n')).toMatchObject({ ok: false, errors: [{ line: 1, column: 1 }] });
  });

  it("is chosen by extension or by a leading {", () => {
    expect(parseTable('{"a":1}').ok && (parseTable('{"a":1}') as { table: { format: string } }).table.format).toBe(
      "jsonl",
    );
    expect((parseTable("a\n1", "rows.csv") as { table: { format: string } }).table.format).toBe("csv");
  });
});
