/**
 * Workflow files as untrusted input (IMP-01 … IMP-05, IMP-07 in docs/reliability-cases.md#cases).
 */
import "./workflowFilePoisoningBaseline";
import { assertNoPoisoning, restoreGlobals } from "@fast-check/poisoning";
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { PNG } from "pngjs";
import { LOAD_ISSUE_CODES, loadWorkflow, serializeWorkflow, type LoadIssue, type LoadResult } from "../../src/graph";
import { locateJsonError, parseJsonSafely } from "../../src/graph/safeJson";
import { capsWorkflowTexts, registry, sampleDocument } from "./workflowFileTestRegistry";
import { timed } from "../harness/slowdown";
import { propertyRuns } from "../harness/runs";

const sampleText = () => serializeWorkflow(sampleDocument());

function rejectedWith(r: LoadResult): LoadIssue[] {
  if (r.ok)
    throw new Error(`expected the file to be refused, but it loaded with warnings ${JSON.stringify(r.warnings)}`);
  return r.errors;
}
function loadedWith(r: LoadResult) {
  if (!r.ok) throw new Error(`expected the file to load, got ${JSON.stringify(r.errors, null, 2)}`);
  return r;
}
/** The result is well-formed whatever happened: known codes, JSON paths, strings for messages. */
function checkShape(r: LoadResult): void {
  const issues = r.ok ? r.warnings : r.errors;
  if (!r.ok) expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) {
    expect(Object.keys(LOAD_ISSUE_CODES)).toContain(i.code);
    expect(i.path).toMatch(/^\$/);
    expect(typeof i.message).toBe("string");
    expect(i.message.length).toBeGreaterThan(0);
  }
}

describe("IMP-01 malformed files", () => {
  const cases: [string, string | Uint8Array, string, RegExp][] = [
    ["empty", "", "empty-file", /^Not a valid pipeline file: the file is empty$/],
    ["whitespace only", " \n\t ", "empty-file", /the file is empty/],
    [
      "truncated",
      sampleText().slice(0, 200),
      "json-syntax",
      /^Not a valid pipeline file \(JSON error at line \d+, column \d+: unexpected end of file/,
    ],
    [
      "trailing comma",
      '{\n  "format": "lora-graph/workflow",\n  "nodes": [1, 2,]\n}',
      "json-syntax",
      /^Not a valid pipeline file \(JSON error at line 3, column 18: trailing comma\)$/,
    ],
    ["trailing comma in an object", '{"a": 1,\n}', "json-syntax", /line 2, column 1: trailing comma/],
    ["garbage", "hello", "json-syntax", /line 1, column 1: unexpected character 'h'/],
    ["single quotes", "{'format': 1}", "json-syntax", /line 1, column 2: expected a double-quoted property name/],
    [
      "text after the data",
      '{"a":1}\n{"b":2}',
      "json-syntax",
      /line 2, column 1: unexpected character '\{' after the end of the data/,
    ],
    [
      "PNG read as text (UTF-8)",
      "\uFFFDPNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR",
      "png-file",
      /this is a PNG image; drop it on the editor to read its embedded workflow/,
    ],
    ["PNG read as text (latin1)", "\u0089PNG\r\n\u001a\n\u0000\u0000", "png-file", /this is a PNG image/],
    [
      "UTF-16LE read as UTF-8",
      new TextDecoder().decode(new Uint8Array([0xff, 0xfe, ...Buffer.from('{"format":1}', "utf16le")])),
      "utf16-file",
      /UTF-16/,
    ],
    [
      "UTF-16LE without BOM read as UTF-8",
      Buffer.from('{"format": "lora-graph/workflow"}', "utf16le").toString("utf8"),
      "utf16-file",
      /UTF-16/,
    ],
    [
      "UTF-16LE bytes with BOM",
      new Uint8Array([0xff, 0xfe, ...Buffer.from("{}", "utf16le")]),
      "utf16-file",
      /save it as UTF-8/,
    ],
    ["UTF-16BE bytes with BOM", new Uint8Array([0xfe, 0xff, 0, 0x7b, 0, 0x7d]), "utf16-file", /UTF-16/],
    [
      "binary bytes",
      new Uint8Array([0x7b, 0x00, 0x13, 0x37, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7d]),
      "utf16-file",
      /Not a valid pipeline file/,
    ],
    [
      "NUL inside text",
      '{"a": "x\u0000y", "padding": "....................................."}',
      "binary-file",
      /binary data/,
    ],
  ];
  for (const [name, input, code, message] of cases) {
    it(`IMP-01 ${name} → one clear error`, () => {
      const errors = rejectedWith(loadWorkflow(input, registry));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code, path: "$" });
      expect(errors[0].message).toMatch(message);
    });
  }

  it("IMP-01 a real PNG file's bytes are recognised", () => {
    const png = new PNG({ width: 2, height: 2 });
    const bytes = PNG.sync.write(png);
    expect(rejectedWith(loadWorkflow(new Uint8Array(bytes), registry))[0].code).toBe("png-file");
    expect(rejectedWith(loadWorkflow(bytes.toString("utf8"), registry))[0].code).toBe("png-file");
  });

  it("IMP-01 a UTF-8 BOM is accepted, in text and in bytes", () => {
    const text = `\uFEFF${sampleText()}`;
    expect(loadedWith(loadWorkflow(text, registry)).document).toEqual(sampleDocument());
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(sampleText())]);
    expect(loadedWith(loadWorkflow(bytes, registry)).document).toEqual(sampleDocument());
  });

  it("IMP-01 the reported line and column point at the problem in a pretty-printed file", () => {
    const lines = sampleText().split("\n");
    const at = lines.findIndex((l) => l.includes('"scale"'));
    lines[at] = lines[at].replace('"scale": 0.8', '"scale": .8');
    const col = lines[at].indexOf(".8") + 1;
    expect(rejectedWith(loadWorkflow(lines.join("\n"), registry))[0].message).toBe(
      `Not a valid pipeline file (JSON error at line ${at + 1}, column ${col}: unexpected character '.')`,
    );
  });

  it("IMP-01 property: the syntax locator agrees with JSON.parse on valid, cut and corrupted JSON", () => {
    const corrupt = fc
      .tuple(
        fc.json({ maxDepth: 4 }),
        fc.nat(),
        fc.constantFrom("", ",", "}", "]", '"', ":", "x", "\\", "\n", "0", " "),
      )
      .map(([j, n, ch]) => {
        const at = n % (j.length + 1);
        return j.slice(0, at) + ch + j.slice(at + (n % 2));
      });
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), corrupt), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const located = locateJsonError(text);
        expect(located === undefined).toBe(valid);
        if (located) expect(located.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("IMP-02 schema violations with paths", () => {
  const withNode = (i: number, patch: Record<string, unknown>) => {
    const doc = JSON.parse(sampleText());
    Object.assign(doc.nodes[i], patch);
    return doc;
  };

  it("IMP-02 a field of the wrong type names the node, the field and the path", () => {
    const errors = rejectedWith(loadWorkflow(withNode(1, { typeVersion: "3" }), registry));
    expect(errors).toEqual([
      {
        code: "invalid-structure",
        path: "$.nodes[1].typeVersion",
        nodeId: "l1",
        field: "typeVersion",
        message: 'node "l1" › typeVersion: expected number, received string',
      },
    ]);
  });

  it("IMP-02 missing required fields are listed, each with its path", () => {
    const doc = JSON.parse(sampleText());
    delete doc.nodes[0].params;
    delete doc.nodes[2].type;
    delete doc.meta;
    const errors = rejectedWith(loadWorkflow(doc, registry));
    expect(errors.map((e) => [e.path, e.nodeId ?? null, e.message])).toEqual([
      ["$.meta", null, "meta: is missing (expected object)"],
      ["$.nodes[0].params", "m", 'node "m" › params: is missing (expected record)'],
      ["$.nodes[2].type", "p", 'node "p" › type: is missing (expected string)'],
    ]);
  });

  it("IMP-02 a node without a usable id is named by its index", () => {
    const errors = rejectedWith(loadWorkflow(withNode(3, { id: 42 }), registry));
    expect(errors[0]).toMatchObject({
      path: "$.nodes[3].id",
      message: "nodes[3] › id: expected string, received number",
    });
    expect(errors[0].nodeId).toBeUndefined();
  });

  it("IMP-02 nodes and edges that are not arrays are refused", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes = { m: {} };
    doc.edges = "none";
    expect(rejectedWith(loadWorkflow(doc, registry)).map((e) => e.path)).toEqual(["$.nodes", "$.edges"]);
  });

  it("IMP-02 duplicate node ids are refused, naming both places", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes[3].id = "m";
    const errors = rejectedWith(loadWorkflow(doc, registry));
    expect(errors).toEqual([
      expect.objectContaining({
        code: "duplicate-node-id",
        path: "$.nodes[3].id",
        nodeId: "m",
        message: 'Two nodes have the id "m" ($.nodes[0] and $.nodes[3]); node ids must be unique',
      }),
    ]);
  });

  it("IMP-02 unknown node types are kept, with their params and wires, and a warning", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes[1].type = "lora-xl";
    const r = loadedWith(loadWorkflow(doc, registry));
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: "unknown-node-type", path: "$.nodes[1].type", nodeId: "l1", field: "type" }),
    ]);
    expect(r.document.nodes[1]).toEqual({ ...sampleDocument().nodes[1], type: "lora-xl" });
    expect(r.document.edges.map((e) => e.id)).toEqual(["e1", "e2", "e3", "e4"]);
  });

  it("IMP-02 a wire from an unknown node to a missing port of a known node is dropped", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes[1].type = "lora-xl";
    doc.edges[1].targetHandle = "modle";
    const r = loadedWith(loadWorkflow(doc, registry));
    expect(r.warnings.map((w) => [w.code, w.path])).toEqual([
      ["unknown-node-type", "$.nodes[1].type"],
      ["invalid-edge", "$.edges[1].targetHandle"],
    ]);
    expect(r.warnings[1].message).toContain('Sampler has no input "modle"');
  });

  it("IMP-02 params that fail the node's param schema are kept for the compiler to report", () => {
    const r = loadedWith(loadWorkflow(withNode(1, { params: { scale: "strong", extra: [1] } }), registry));
    expect(r.warnings).toEqual([]);
    expect(r.document.nodes[1].params).toEqual({ scale: "strong", extra: [1] });
  });

  it("IMP-02 edges to missing nodes and ports, with wrong types, duplicates and loops are dropped with a reason each", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes.push({ id: "l2", type: "lora", typeVersion: 3, position: { x: 0, y: 0 }, params: {} });
    doc.edges.push(
      { id: "to-ghost", source: "m", sourceHandle: "model", target: "ghost", targetHandle: "model" },
      { id: "bad-port", source: "m", sourceHandle: "modle", target: "l2", targetHandle: "model" },
      { id: "mismatch", source: "img", sourceHandle: "image", target: "l2", targetHandle: "model" },
      { id: "second", source: "m", sourceHandle: "model", target: "s", targetHandle: "model" },
      { id: "e1", source: "m", sourceHandle: "model", target: "l2", targetHandle: "model" },
      { id: "fine", source: "s", sourceHandle: "nope", target: "m", targetHandle: "x" },
      { id: "loop-a", source: "l1", sourceHandle: "model", target: "l2", targetHandle: "model" },
      { id: "loop-b", source: "l2", sourceHandle: "model", target: "l1", targetHandle: "model" },
      { id: "self", source: "l2", sourceHandle: "model", target: "l2", targetHandle: "model" },
      { id: "refs-1", source: "img", sourceHandle: "image", target: "s", targetHandle: "refs" },
      { id: "refs-2", source: "img", sourceHandle: "image", target: "s", targetHandle: "refs" },
      { id: 7, source: "m" },
    );
    const r = loadedWith(loadWorkflow(doc, registry));
    const dropped = r.warnings.map((w) => [w.edgeId ?? null, w.code, w.path]);
    expect(dropped).toEqual([
      [null, "invalid-edge", "$.edges[15].id"],
      ["to-ghost", "invalid-edge", "$.edges[4].target"],
      ["bad-port", "invalid-edge", "$.edges[5].sourceHandle"],
      ["mismatch", "invalid-edge", "$.edges[6]"],
      ["second", "invalid-edge", "$.edges[7]"],
      ["e1", "duplicate-edge-id", "$.edges[8].id"],
      ["fine", "invalid-edge", "$.edges[9].sourceHandle"],
      ["loop-b", "invalid-edge", "$.edges[11]"],
      ["self", "invalid-edge", "$.edges[12]"],
      ["refs-2", "invalid-edge", "$.edges[14]"],
    ]);
    const byId = Object.fromEntries(r.warnings.map((w) => [w.edgeId, w.message]));
    expect(byId["to-ghost"]).toBe('Removed wire "to-ghost" (m.model → ghost.model): there is no node "ghost"');
    expect(byId["bad-port"]).toContain('has no output "modle"');
    expect(byId["mismatch"]).toContain("LoRA expects a model, not an image");
    expect(byId["second"]).toContain("already has a wire");
    expect(byId["loop-b"]).toContain("loop");
    expect(byId["self"]).toContain("cannot be wired to itself");
    expect(byId["refs-2"]).toContain("already wired");
    expect(r.warnings[0].message).toBe("Removed wire edges[15]: id expected string, received number");
    expect(r.document.edges.map((e) => e.id)).toEqual(["e1", "e2", "e3", "e4", "loop-a", "refs-1"]);
  });

  it("IMP-02 positions that are not finite numbers are reset to 0 with a warning", () => {
    const doc = sampleDocument() as unknown as { nodes: { position: unknown }[] };
    doc.nodes[0].position = { x: Number.NaN, y: 5 };
    doc.nodes[1].position = { x: Infinity, y: -Infinity };
    doc.nodes[2].position = "top-left";
    const r = loadedWith(loadWorkflow(doc, registry));
    expect(r.document.nodes.slice(0, 3).map((n) => n.position)).toEqual([
      { x: 0, y: 5 },
      { x: 0, y: 0 },
      { x: 0, y: 0 },
    ]);
    expect(r.warnings.map((w) => [w.code, w.path, w.nodeId, w.field])).toEqual([
      ["invalid-position", "$.nodes[0].position", "m", "position"],
      ["invalid-position", "$.nodes[1].position", "l1", "position"],
      ["invalid-position", "$.nodes[2].position", "p", "position"],
    ]);
  });

  it("IMP-02 unknown fields are ignored with a warning; a broken viewport is dropped", () => {
    const doc = JSON.parse(sampleText());
    doc.theme = "dark";
    doc.meta.author = "me";
    doc.nodes[1].color = "red";
    doc.edges[0].animated = true;
    doc.viewport.zoom = 0;
    const r = loadedWith(loadWorkflow(doc, registry));
    expect(r.warnings.map((w) => [w.code, w.path])).toEqual([
      ["invalid-viewport", "$.viewport"],
      ["unknown-field", "$.theme"],
      ["unknown-field", "$.meta.author"],
      ["unknown-field", "$.nodes[1].color"],
      ["unknown-field", "$.edges[0].animated"],
    ]);
    expect(r.warnings[3].nodeId).toBe("l1");
    expect(r.document).toEqual({ ...sampleDocument(), viewport: undefined });
    expect("theme" in r.document).toBe(false);
  });

  it("IMP-02 a fal request, a ComfyUI workflow and other JSON are told apart", () => {
    const fal = rejectedWith(loadWorkflow({ model_name: "sd15", prompt: "a cat", loras: [] }, registry));
    expect(fal).toEqual([
      {
        code: "fal-request",
        path: "$",
        message: "Not a lora-graph workflow: this looks like a fal-ai/lora request; use Import request",
      },
    ]);
    expect(rejectedWith(loadWorkflow({ last_node_id: 9, nodes: [], links: [] }, registry))[0].message).toContain(
      "ComfyUI",
    );
    expect(rejectedWith(loadWorkflow({ format: "other/thing", version: 1 }, registry))[0]).toMatchObject({
      code: "not-a-workflow",
      path: "$.format",
      message: 'Not a lora-graph workflow: its format is "other/thing", not "lora-graph/workflow"',
    });
    expect(rejectedWith(loadWorkflow("[1,2]", registry))[0].message).toBe(
      "Not a lora-graph workflow: the file holds an array, not an object",
    );
    expect(rejectedWith(loadWorkflow("null", registry))[0].code).toBe("not-a-workflow");
    expect(rejectedWith(loadWorkflow(undefined, registry))[0].code).toBe("not-a-workflow");
  });

  it("IMP-02 a node whose migration is missing or fails refuses the file, naming the node", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes.push({ id: "g", type: "gap", typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    doc.nodes.push({ id: "t", type: "thrower", typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    const errors = rejectedWith(loadWorkflow(doc, registry));
    expect(errors.map((e) => [e.code, e.nodeId, e.path])).toEqual([
      ["migration-missing", "g", "$.nodes[5].typeVersion"],
      ["migration-failed", "t", "$.nodes[6].typeVersion"],
    ]);
  });

  it("IMP-02 a node newer than the catalogue loads with a warning and unchanged params", () => {
    const r = loadedWith(loadWorkflow(withNode(1, { typeVersion: 4, params: { strength: 2 } }), registry));
    expect(r.warnings).toEqual([expect.objectContaining({ code: "newer-node-version", nodeId: "l1" })]);
    expect(r.warnings[0].message).toContain('made with a newer version of node "LoRA"');
    expect(r.document.nodes[1]).toMatchObject({ typeVersion: 4, params: { strength: 2 } });
  });

  it("IMP-02 names from the file are escaped and cut short in messages", () => {
    const doc = JSON.parse(sampleText());
    doc.nodes[1].type = `evil"\n${"x".repeat(1_000_000)}`;
    const r = loadedWith(loadWorkflow(doc, registry));
    expect(r.warnings[0].message.length).toBeLessThan(250);
    expect(r.warnings[0].message).toContain('unknown type "evil\\"\\nxxx');
    expect(r.document.nodes[1].type).toBe(doc.nodes[1].type);
  });

  it("IMP-02 the number of issues listed is capped", () => {
    const doc = JSON.parse(sampleText());
    for (let i = 0; i < 500; i++)
      doc.edges.push({ id: `x${i}`, source: "ghost", sourceHandle: "a", target: "s", targetHandle: "model" });
    const r = loadedWith(loadWorkflow(doc, registry, { maxIssues: 20 }));
    expect(r.warnings).toHaveLength(21);
    expect(r.warnings[20]).toMatchObject({ code: "too-many-issues", message: "…and 480 more problems not listed" });
  });
});

describe("IMP-03 prototype pollution", () => {
  afterEach(() => {
    // Leave the worker clean for the next test even if an assertion failed.
    restoreGlobals({ ignoredRootRegex: /^__vitest|^__VITEST|^_/ });
  });
  const noPoisoning = () => assertNoPoisoning({ ignoredRootRegex: /^__vitest|^__VITEST|^_/ });

  const unsafeEverywhere = `{
    "__proto__": { "polluted": "top" },
    "constructor": { "prototype": { "polluted": "ctor" } },
    "format": "lora-graph/workflow",
    "version": 2,
    "meta": { "name": "x", "__proto__": { "polluted": "meta" }, "prototype": 1 },
    "nodes": [
      { "id": "m", "type": "model", "typeVersion": 1, "position": { "x": 0, "y": 0, "__proto__": { "polluted": "pos" } },
        "params": { "model_name": "sd15", "__proto__": { "polluted": "params" }, "constructor": { "prototype": { "polluted": 1 } },
                    "toString": "kept", "hasOwnProperty": "kept", "nested": [{ "__proto__": { "polluted": "deep" }, "ok": 1 }] },
        "__proto__": { "polluted": "node" } }
    ],
    "edges": [{ "__proto__": { "polluted": "edge" }, "id": "e", "source": "m", "sourceHandle": "model", "target": "m", "targetHandle": "model" }]
  }`;

  it("IMP-03 __proto__, constructor and prototype keys at every level are dropped with a warning naming the path", () => {
    const r = loadedWith(loadWorkflow(unsafeEverywhere, registry));
    noPoisoning();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.warnings.filter((w) => w.code === "unsafe-key").map((w) => w.path)).toEqual([
      "$.__proto__",
      "$.constructor",
      "$.meta.__proto__",
      "$.meta.prototype",
      // An object's own unsafe keys are reported when it is visited, before its children.
      "$.nodes[0].__proto__",
      "$.nodes[0].position.__proto__",
      "$.nodes[0].params.__proto__",
      "$.nodes[0].params.constructor",
      "$.nodes[0].params.nested[0].__proto__",
      "$.edges[0].__proto__",
    ]);
    const params = r.document.nodes[0].params;
    expect(Object.keys(params)).toEqual(["model_name", "toString", "hasOwnProperty", "nested"]);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((params.nested as object[])[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(r.document.meta)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(params, "__proto__")).toBe(false);
  });

  it("IMP-03 the same holds for an object input with own __proto__ properties", () => {
    const r = loadedWith(loadWorkflow(JSON.parse(unsafeEverywhere), registry));
    noPoisoning();
    expect(r.warnings.filter((w) => w.code === "unsafe-key")).toHaveLength(10);
    // Spreading or Object.assign-ing the loaded params must not change a prototype.
    const merged = Object.assign({}, r.document.nodes[0].params);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it("IMP-03 property: any value (fc.anything) is answered without throwing or poisoning", () => {
    // 2,000 values in `npm test`; the 10,000 of the case's first runs in `npm run test:deep`
    // (test/harness/runs.ts): past a few thousand, fc.anything mostly repeats shapes already seen.
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withObjectString: true,
        }),
        (v) => {
          checkShape(loadWorkflow(v, registry));
        },
      ),
      { numRuns: propertyRuns(2000, 10_000) },
    );
    noPoisoning();
  });

  it("IMP-03 property: any JSON text is answered without throwing or poisoning", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 5 }), (text) => {
        checkShape(loadWorkflow(text, registry));
      }),
      { numRuns: 3000 },
    );
    noPoisoning();
  });

  it("IMP-03 property: near-valid documents with arbitrary values in every slot load or fail cleanly", () => {
    const slot = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(undefined, Number.NaN, Infinity, -0));
    const key = fc.oneof(
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"),
      fc.string({ maxLength: 6 }),
    );
    const nodeArb = fc.record(
      {
        id: fc.oneof(fc.constantFrom("m", "l1", "s", "__proto__", "constructor"), slot),
        type: fc.oneof(fc.constantFrom("model", "lora", "sampler", "gap", "thrower", "toString", "__proto__"), slot),
        typeVersion: fc.oneof(fc.integer({ min: 0, max: 5 }), slot),
        position: fc.oneof(fc.record({ x: slot, y: slot }), slot),
        params: fc.oneof(fc.dictionary(key, slot), slot),
        label: slot,
      },
      { requiredKeys: [] },
    );
    const edgeArb = fc.record(
      {
        id: fc.oneof(fc.string({ maxLength: 3 }), slot),
        source: fc.oneof(fc.constantFrom("m", "l1", "s", "__proto__", "toString"), slot),
        sourceHandle: fc.oneof(fc.constantFrom("model", "image", "toString"), slot),
        target: fc.oneof(fc.constantFrom("m", "l1", "s", "constructor"), slot),
        targetHandle: fc.oneof(fc.constantFrom("model", "refs", "__proto__"), slot),
        from: fc.string(),
        to: fc.string(),
      },
      { requiredKeys: [] },
    );
    const docArb = fc.record(
      {
        format: fc.oneof(fc.constant("lora-graph/workflow"), slot),
        version: fc.oneof(fc.constantFrom(1, 2, 3), slot),
        meta: fc.oneof(fc.dictionary(key, slot), slot),
        nodes: fc.array(nodeArb, { maxLength: 6 }),
        edges: fc.array(edgeArb, { maxLength: 8 }),
        viewport: slot,
        name: slot,
      },
      { requiredKeys: ["format", "version", "nodes", "edges"] },
    );
    fc.assert(
      fc.property(docArb, fc.boolean(), (doc, asText) => {
        const r = loadWorkflow(asText ? JSON.stringify(doc) : doc, registry);
        checkShape(r);
        if (r.ok) {
          // Whatever loaded is a valid current document and survives a save/load cycle unchanged,
          // as far as JSON can say: -0 has no JSON form, so a file keeps it as 0 (seed 1709796051).
          const again = loadedWith(loadWorkflow(serializeWorkflow(r.document), registry));
          expect(again.document).toEqual(positiveZero(r.document));
          expect(
            again.warnings.filter((w) => w.code !== "unknown-node-type" && w.code !== "newer-node-version"),
          ).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
    noPoisoning();
  });

  it("IMP-03 a throwing getter or Proxy in an object input becomes an error, not an exception", () => {
    const evil = {
      format: "lora-graph/workflow",
      version: 2,
      get meta() {
        throw new Error("gotcha");
      },
      nodes: [],
      edges: [],
    };
    expect(rejectedWith(loadWorkflow(evil, registry))[0]).toMatchObject({
      code: "internal-error",
      message: expect.stringContaining("gotcha"),
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(rejectedWith(loadWorkflow(proxy, registry))[0].code).toBe("internal-error");
  });
});

describe("IMP-04 deep nesting", () => {
  const deepArrayText = (n: number) => "[".repeat(n) + "]".repeat(n);
  const deepObjectText = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
  const deepArray = (n: number) => {
    let v: unknown = [];
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  const deepObject = (n: number) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };

  for (const n of [1e4, 1e5, 1e6]) {
    const label = `1e${Math.log10(n)}`;
    it(`IMP-04 rejects ${label}-deep arrays and objects given as text before parsing`, () => {
      for (const text of [deepArrayText(n), deepObjectText(n)]) {
        // Generous: this guards against hangs and full parses, not speed.
        const t = timed(2000, () => rejectedWith(loadWorkflow(text, registry)));
        expect(t.took, t.note).toBeLessThan(t.bound);
        const errors = t.value;
        expect(errors).toEqual([expect.objectContaining({ code: "too-deep" })]);
        expect(errors[0].message).toMatch(
          /^Not a valid pipeline file: the file is nested too deeply \(more than 64 levels, at line 1, column \d+\)$/,
        );
      }
    });
    it(`IMP-04 rejects ${label}-deep arrays and objects given as objects without a RangeError`, () => {
      for (const value of [deepArray(n), deepObject(n)]) {
        // Generous: this guards against hangs and full parses, not speed.
        const t = timed(2000, () => rejectedWith(loadWorkflow(value, registry)));
        expect(t.took, t.note).toBeLessThan(t.bound);
        const errors = t.value;
        expect(errors[0].code).toBe("too-deep");
        expect(errors[0].message).toContain("file is nested too deeply (more than 64 levels)");
      }
    });
  }

  it("IMP-04 a deep value inside a node's params is refused with its path; the limit is exact", () => {
    const nestParams = (levels: number) => {
      const doc = sampleDocument();
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = [v];
      doc.nodes[1].params = { deep: v };
      return doc;
    };
    // $ (1) › nodes (2) › node (3) › params (4) › deep arrays (5…): 60 arrays reach level 64.
    expect(loadWorkflow(nestParams(60), registry).ok).toBe(true);
    expect(loadWorkflow(serializeWorkflow(nestParams(60)), registry).ok).toBe(true);
    const asObject = rejectedWith(loadWorkflow(nestParams(61), registry));
    expect(asObject[0]).toMatchObject({ code: "too-deep" });
    expect(asObject[0].path.startsWith("$.nodes[1].params.deep[0][0]")).toBe(true);
    expect(rejectedWith(loadWorkflow(serializeWorkflow(nestParams(61)), registry))[0].code).toBe("too-deep");
  });

  it("IMP-04 brackets inside strings do not count, escaped quotes included", () => {
    const doc = sampleDocument();
    doc.nodes[2].params = { prompt: `${"[{".repeat(500)} \\" " ${"]}".repeat(10)}` };
    expect(loadedWith(loadWorkflow(serializeWorkflow(doc), registry)).document.nodes[2].params).toEqual(
      doc.nodes[2].params,
    );
  });

  it("IMP-04 cyclic object inputs are refused as too deep", () => {
    const doc = sampleDocument() as unknown as Record<string, any>;
    doc.nodes[0].params.self = doc.nodes[0].params;
    expect(rejectedWith(loadWorkflow(doc, registry))[0].code).toBe("too-deep");
  });

  it("IMP-04 maxDepth is an option", () => {
    expect(rejectedWith(loadWorkflow(sampleText(), registry, { maxDepth: 3 }))[0].message).toContain(
      "more than 3 levels",
    );
  });
});

describe("IMP-05 huge files", () => {
  it("IMP-05 a string over the size cap is refused at once with the limit in the message", () => {
    const doc = sampleDocument();
    doc.nodes[3].params = { url: `data:image/png;base64,${"A".repeat(21 * 1024 * 1024)}` };
    const text = serializeWorkflow(doc);
    // Refused by its length, without reading it: well under a second.
    const t = timed(1000, () => rejectedWith(loadWorkflow(text, registry)));
    expect(t.took, t.note).toBeLessThan(t.bound);
    const errors = t.value;
    expect(errors).toEqual([
      {
        code: "too-large",
        path: "$",
        message: "Not a valid pipeline file: the file is too large (at least 21 MB; the limit is 20 MB)",
      },
    ]);
  });

  it("IMP-05 the size cap counts UTF-8 bytes, not characters", () => {
    const text = JSON.stringify({ format: "lora-graph/workflow", note: "€".repeat(40) });
    expect(text.length).toBeLessThan(100);
    expect(rejectedWith(loadWorkflow(text, registry, { maxBytes: 100 }))[0].code).toBe("too-large");
    const bytes = new TextEncoder().encode(text);
    expect(rejectedWith(loadWorkflow(bytes, registry, { maxBytes: 100 }))[0].message).toContain(
      `(${bytes.length} bytes; the limit is 100 bytes)`,
    );
  });

  it("IMP-05 an object input over the size cap is refused", () => {
    const doc = sampleDocument();
    doc.nodes[3].params = { url: "x".repeat(5000) };
    expect(rejectedWith(loadWorkflow(doc, registry, { maxBytes: 4096 }))[0].code).toBe("too-large");
    expect(loadWorkflow(doc, registry, { maxBytes: 8192 }).ok).toBe(true);
  });

  it("IMP-05 100k nodes are refused by the node cap, as text and as an object", () => {
    const doc = {
      format: "lora-graph/workflow",
      version: 2,
      meta: {},
      edges: [],
      nodes: Array.from({ length: 100_000 }, (_, i) => ({
        id: `n${i}`,
        type: "prompt",
        typeVersion: 1,
        position: { x: 0, y: 0 },
        params: {},
      })),
    };
    for (const input of [doc, JSON.stringify(doc)]) {
      const errors = rejectedWith(loadWorkflow(input, registry));
      expect(errors).toEqual([
        { code: "too-many-nodes", path: "$.nodes", message: "The workflow has 100000 nodes; the limit is 5000" },
      ]);
    }
  });

  it("IMP-05 edge count is capped too, and the caps are options", () => {
    const doc = JSON.parse(sampleText());
    expect(rejectedWith(loadWorkflow(doc, registry, { maxEdges: 3, maxNodes: 4 })).map((e) => e.code)).toEqual([
      "too-many-nodes",
      "too-many-edges",
    ]);
  });

  it("IMP-05 a workflow at the node and edge caps loads in reasonable time", () => {
    // Wires in file order and reversed (the loop check then walks long downstream chains).
    for (const text of capsWorkflowTexts()) {
      // A hang or quadratic-walk guard (0.2-0.5 s alone); its speed is a budget of `npm run bench -- files`.
      const t = timed(4000, () => loadedWith(loadWorkflow(text, registry)));
      expect(t.value.document.nodes).toHaveLength(5000);
      expect(t.value.document.edges).toHaveLength(4998);
      expect(t.took, t.note).toBeLessThan(t.bound);
    }
  });
});

describe("IMP-07 versions", () => {
  it("IMP-07 a newer file version is refused with both versions named", () => {
    const doc = JSON.parse(sampleText());
    doc.version = 5;
    expect(rejectedWith(loadWorkflow(doc, registry))).toEqual([
      {
        code: "newer-version",
        path: "$.version",
        field: "version",
        message: "This file was made with a newer version of lora-graph (file version 5, this app reads up to 4)",
      },
    ]);
  });

  it("IMP-07 missing, fractional, string and unknown versions are refused", () => {
    for (const version of [undefined, 1.5, "2", 0, -1]) {
      const doc = JSON.parse(sampleText());
      doc.version = version;
      const errors = rejectedWith(loadWorkflow(doc, registry));
      expect(errors[0]).toMatchObject({ code: "bad-version", path: "$.version" });
    }
  });

  it("IMP-07 a v1 file with v2-only fields gets v1 paths in its errors", () => {
    const v1 = {
      format: "lora-graph/workflow",
      version: 1,
      nodes: [{ id: "m", type: "model", position: { x: 0, y: 0 }, params: {} }],
      edges: [],
    };
    const r = rejectedWith(loadWorkflow(v1, registry));
    expect(r).toEqual([
      expect.objectContaining({
        path: "$.nodes[0].data",
        nodeId: "m",
        message: 'node "m" › data: is missing (expected record)',
      }),
    ]);
  });

  it("IMP-07 parsing the text twice is not needed: the result is safe to serialize and reload", () => {
    const r = loadedWith(loadWorkflow(sampleText(), registry));
    expect(parseJsonSafely(serializeWorkflow(r.document))).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("IMP-03 values a file cannot hold", () => {
  it("IMP-03 Infinity/NaN in params (object input, or 1e309 in text) are cleared with a warning, so a save/load cycle changes nothing", () => {
    const doc = sampleDocument() as unknown as { nodes: { id: string; params: Record<string, unknown> }[] };
    doc.nodes[1].params = { ...doc.nodes[1].params, scale: Infinity, list: [1, Number.NaN] };
    const r = loadedWith(loadWorkflow(doc, registry));
    const params = r.document.nodes[1].params;
    expect([params.scale, params.list]).toEqual([null, [1, null]]);
    expect(r.warnings.filter((w) => w.code === "non-finite-number").map((w) => [w.nodeId, w.field])).toEqual([
      [doc.nodes[1].id, "scale"],
      [doc.nodes[1].id, "list"],
    ]);
    expect(loadedWith(loadWorkflow(serializeWorkflow(r.document), registry)).document).toEqual(r.document);
    const fromText = loadedWith(
      loadWorkflow(serializeWorkflow(r.document).replace('"scale": null', '"scale": 1e309'), registry),
    );
    expect(fromText.warnings.map((w) => w.code)).toContain("non-finite-number");
  });
});

/** `v` with every -0 made 0: what a JSON save of it can give back. */
function positiveZero<T>(v: T): T {
  if (Object.is(v, -0)) return 0 as T;
  if (Array.isArray(v)) return v.map(positiveZero) as T;
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, positiveZero(x)])) as T;
  return v;
}
