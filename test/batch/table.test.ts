import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv, parseJsonLines, parseTable, splitCsv } from "../../src/batch/table";

describe("CSV tables", () => {
  it("reads RFC 4180: quoted commas, doubled quotes, newlines inside quotes, CRLF or LF", () => {
    const r = parseCsv('prompt.prompt,sampler.seed\r\n"a castle, at dawn",1\r\n"say ""hi""\r\nthere",2\n');
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

  it("skips a BOM, so the first column keeps its name, and says so", () => {
    const r = parseCsv("\ufeffprompt.prompt\nfox\n");
    expect(r.ok && r.table.columns[0].name).toBe("prompt.prompt");
    expect(r.ok && r.notes).toEqual(["a UTF-8 byte-order mark was skipped"]);
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
    const value = fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r\n", " ", "é") });
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        fc.boolean(),
        (rows, crlf) => {
          const eol = crlf ? "\r\n" : "\n";
          const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
          const text = ["x,y", ...rows.map((r) => r.map(quote).join(","))].join(eol);
          const r = parseCsv(text);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.table.rows.map((row) => [row.cells.x.value, row.cells.y.value])).toEqual(
            rows.map((r) => r.map((v) => v.replaceAll("\r\n", "\n"))),
          );
        },
      ),
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
  it("reads one object per line, keeping types; CRLF and blank lines are fine", () => {
    const r = parseJsonLines('{"prompt.prompt":"fox","sampler.seed":3}\r\n\r\n{"sampler.seed":null}\r\n');
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
  });

  it("is chosen by extension or by a leading {", () => {
    expect(parseTable('{"a":1}').ok && (parseTable('{"a":1}') as { table: { format: string } }).table.format).toBe(
      "jsonl",
    );
    expect((parseTable("a\n1", "rows.csv") as { table: { format: string } }).table.format).toBe("csv");
  });
});
