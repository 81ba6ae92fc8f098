/**
 * IMP-09: bytes that are not UTF-8 are not turned into U+FFFD silently. The loader (which the
 * editor and the CLI both use) warns naming the JSON path, the node and field, the bad byte and
 * its line and column; outside a string, the JSON error names the byte.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadWorkflow, serializeWorkflow, type LoadResult } from "../../src/graph";
import { jsonPath } from "../../src/graph/loadIssues";
import { findInvalidUtf8, jsonPathsAt } from "../../src/graph/utf8";
import { registry, sampleDocument } from "./workflowFileTestRegistry";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The sample workflow's text with each `marker` replaced by `bytes` (e.g. a lone Latin-1 0xE9). */
function sampleWith(marker: string, bytes: number[], edit: (text: string) => string): Uint8Array {
  const parts = edit(serializeWorkflow(sampleDocument())).split(marker);
  expect(parts.length, `marker ${marker} placed`).toBeGreaterThan(1);
  return new Uint8Array(parts.flatMap((p, i) => [...(i > 0 ? bytes : []), ...utf8(p)]));
}

function loaded(r: LoadResult) {
  if (!r.ok) throw new Error(`expected the file to load, got ${JSON.stringify(r.errors)}`);
  return r;
}

describe("IMP-09 invalid UTF-8 in a workflow file", () => {
  it("a Latin-1 byte in a prompt loads with a warning naming the path, node, field, byte and place", () => {
    const bytes = sampleWith("@@", [0xe9], (t) => t.replace('"a cat"', '"a caf@@ cat"'));
    const r = loaded(loadWorkflow(bytes, registry));
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf("\uFFFD");
    const line = text.slice(0, at).split("\n").length;
    const column = at - text.lastIndexOf("\n", at - 1);
    expect(r.warnings).toEqual([
      {
        code: "invalid-utf8",
        path: "$.nodes[2].params.prompt",
        nodeId: "p",
        field: "prompt",
        message: expect.stringContaining(`has a byte that is not UTF-8 (0xE9 at line ${line}, column ${column})`),
      },
    ]);
    expect(r.warnings[0].message).toMatch(/save the file as UTF-8/);
    // Still loaded, with the same replacement every decoder makes: nothing else is lost.
    expect(r.document.nodes.find((n) => n.id === "p")?.params).toEqual({ prompt: "a caf\uFFFD cat" });
  });

  it("counts the bad bytes per value: one warning for a label with three, one for a key", () => {
    const bytes = sampleWith("@@", [0xff], (t) =>
      t
        .replace('"Style"', '"S@@t@@y@@"')
        .replace('"tags"', '"ta@@gs"')
        .replace(/"model_name": "sd15"/, '"model_name": "sd15"'),
    );
    const r = loaded(loadWorkflow(bytes.slice(), registry));
    const utf = r.warnings.filter((w) => w.code === "invalid-utf8");
    expect(utf.map((w) => [w.path, w.nodeId, w.field])).toEqual([
      ['$.meta["ta\uFFFDgs"]', undefined, undefined],
      ["$.nodes[1].label", "l1", "label"],
    ]);
    expect(utf[1].message).toMatch(/has 3 bytes that are not UTF-8 \(0xFF at line \d+, column \d+\)/);
  });

  it("a truncated sequence and an overlong encoding are caught, after a BOM too", () => {
    for (const bad of [
      [0xe2, 0x82],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const body = sampleWith("@@", bad, (t) => t.replace('"sd15"', '"sd@@15"'));
      const r = loaded(loadWorkflow(new Uint8Array([0xef, 0xbb, 0xbf, ...body]), registry));
      expect(
        r.warnings.map((w) => w.path),
        String(bad),
      ).toEqual(["$.nodes[0].params.model_name"]);
      expect(r.warnings[0].message).toContain(`(0x${bad[0].toString(16).toUpperCase()} at line `);
    }
  });

  it("a bad byte outside any string is a JSON error that names the byte", () => {
    const bytes = sampleWith("@@", [0x92], (t) => t.replace('"nodes"', '@@"nodes"'));
    const r = loadWorkflow(bytes, registry);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0].message).toMatch(
        /^Not a valid pipeline file \(JSON error at line \d+, column 3: byte 0x92 is not UTF-8; save the file as UTF-8/,
      );
  });

  it("valid UTF-8, including a real U+FFFD and four-byte characters, gives no warning", () => {
    const text = serializeWorkflow(sampleDocument()).replace('"a cat"', '"a \uFFFD cat 🐈 ∑"');
    expect(loaded(loadWorkflow(utf8(text), registry)).warnings).toEqual([]);
  });
});

/** Byte strings that mix valid UTF-8 with the sequences decoders disagree on when done wrong. */
const mixedBytes = fc
  .array(
    fc.oneof(
      fc.string({ unit: "binary", maxLength: 4 }).map((s) => [...utf8(s)]),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
      fc.constantFrom(
        [0xe0, 0x80],
        [0xed, 0xa0],
        [0xf0, 0x8f],
        [0xf4, 0x90],
        [0xc0],
        [0xc2],
        [0xf0, 0x9f, 0x98],
        [0xef, 0xbb, 0xbf],
      ),
    ),
    { maxLength: 12 },
  )
  .map((parts) => new Uint8Array(parts.flat()));

describe("IMP-09 the pieces, against references", () => {
  it("findInvalidUtf8 reports exactly the U+FFFD that TextDecoder makes (property)", () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        // Bytes EF BF BD are a real U+FFFD, not an error; the example test above covers them.
        fc.pre(!hasRealFffd(bytes));
        const decoded = new TextDecoder("utf-8").decode(bytes);
        const positions: number[] = [];
        for (let i = 0; i < decoded.length; i++) if (decoded[i] === "\uFFFD") positions.push(i);
        expect(findInvalidUtf8(bytes).map((b) => b.textOffset)).toEqual(positions);
      }),
      { numRuns: 2000 },
    );
  });

  it("jsonPathsAt finds the path of every key and string value, at any indentation (property)", () => {
    const clean = (s: string) => s.replaceAll("\uFFFD", "");
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, "\t"), (value, indent) => {
        // Mark every key and string with a U+FFFD, then ask where each mark is.
        const marked = JSON.parse(JSON.stringify(value), (_k, v) =>
          typeof v === "string"
            ? `${clean(v)}\uFFFD`
            : Array.isArray(v) || v === null || typeof v !== "object"
              ? v
              : Object.fromEntries(Object.entries(v).map(([k, x]) => [`${clean(k)}\uFFFD`, x])),
        );
        const text = JSON.stringify(marked, null, indent);
        const offsets: number[] = [];
        for (let i = 0; i < text.length; i++) if (text[i] === "\uFFFD") offsets.push(i);
        const expected: string[] = [];
        const walk = (v: unknown, path: (string | number)[]) => {
          if (typeof v === "string") expected.push(jsonPath(path));
          else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
          else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) {
              expected.push(jsonPath([...path, k]));
              walk(x, [...path, k]);
            }
        };
        walk(JSON.parse(text), []);
        expect(jsonPathsAt(text, offsets).map((p) => p && jsonPath(p))).toEqual(expected);
      }),
    );
  });
});

function hasRealFffd(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++)
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return true;
  return false;
}
