// Version 4 of the workflow file: groups, reroute points and collapsed nodes. All visual: the
// loader checks them like any untrusted input, and what a pipeline compiles to never changes.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_LOAD_LIMITS,
  loadWorkflow,
  migrateV3ToV4,
  serializeWorkflow,
  workflowV3Schema,
  type WorkflowDocument,
} from "../../src/graph";
import { compile } from "../../src/compiler";
import { registry as catalogue } from "../../nodes";
import starter from "../../src/examples/medieval-queen.json";
import { registry } from "./workflowFileTestRegistry";

const loaded = (r: ReturnType<typeof loadWorkflow>) => {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};

const base = () => ({
  format: "lora-graph/workflow",
  version: 4,
  meta: {},
  nodes: [
    { id: "m", type: "model", typeVersion: 1, position: { x: 0, y: 0 }, params: {} },
    { id: "l", type: "lora", typeVersion: 3, position: { x: 300, y: 0 }, params: {} },
  ],
  edges: [{ id: "w", source: "m", sourceHandle: "model", target: "l", targetHandle: "model" }] as Record<
    string,
    unknown
  >[],
});

describe("document migration v3 → v4", () => {
  it("only changes the version: a v3 file has no groups, reroutes or collapsed nodes", () => {
    const v3 = workflowV3Schema.parse({ ...base(), version: 3 });
    expect(migrateV3ToV4.up(v3)).toEqual({ ...v3, version: 4 });
  });

  it("a v3 file holding v4 fields keeps none of them, and says so", () => {
    const v3 = { ...base(), version: 3, groups: [] as unknown[] };
    (v3.nodes[0] as Record<string, unknown>).collapsed = true;
    v3.edges[0].reroutes = [{ x: 1, y: 2 }];
    const r = loaded(loadWorkflow(v3, registry));
    expect(r.document.groups).toBeUndefined();
    expect(r.document.nodes[0].collapsed).toBeUndefined();
    expect(r.document.edges[0].reroutes).toBeUndefined();
    expect(r.warnings.map((w) => w.path).sort()).toEqual(["$.edges[0].reroutes", "$.groups", "$.nodes[0].collapsed"]);
  });
});

describe("loading groups and reroute points", () => {
  it("malformed reroute points are dropped with the JSON path, and the wire is kept", () => {
    const doc = base();
    doc.edges[0].reroutes = [
      { x: 1, y: 2 },
      { x: "3", y: 4 },
    ];
    const r = loaded(loadWorkflow(doc, registry));
    expect(r.document.edges).toHaveLength(1);
    expect(r.document.edges[0].reroutes).toBeUndefined();
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: "invalid-reroutes", path: "$.edges[0].reroutes[1].x", edgeId: "w" }),
    ]);
    expect(r.warnings[0].message).toMatch(/^Wire "w" › reroutes\[1\]\.x: expected number/);
  });

  it("more than 64 points on one wire are refused for that wire, not the file", () => {
    const doc = base();
    doc.edges[0].reroutes = Array.from({ length: 65 }, (_, i) => ({ x: i, y: 0 }));
    const r = loaded(loadWorkflow(doc, registry));
    expect(r.document.edges[0].reroutes).toBeUndefined();
    expect(r.warnings[0]).toMatchObject({ code: "invalid-reroutes", path: "$.edges[0].reroutes" });
  });

  it("a malformed or repeated group is dropped with its path; the nodes stay", () => {
    const good = { id: "g", title: "Style", color: "#3b82f6", bounds: { x: 0, y: 0, width: 100, height: 80 } };
    const doc = {
      ...base(),
      groups: [
        good,
        { ...good, id: "h", color: "blue" },
        { ...good, id: "i", bounds: { ...good.bounds, width: -1 } },
        { ...good, title: "again" },
        "nope",
      ],
    };
    const r = loaded(loadWorkflow(doc, registry));
    expect(r.document.groups).toEqual([good]);
    expect(r.document.nodes).toHaveLength(2);
    expect(r.warnings.map((w) => [w.code, w.path])).toEqual([
      ["invalid-group", "$.groups[1].color"],
      ["invalid-group", "$.groups[2].bounds.width"],
      ["invalid-group", "$.groups[3].id"],
      ["invalid-group", "$.groups[4]"],
    ]);
    expect(r.warnings[0].message).toMatch(/^Group "h" › color: must be a colour/);
  });

  it("a file with more groups than the limit is refused, naming the limit", () => {
    const group = (i: number) => ({
      id: `g${i}`,
      title: "",
      color: "#000000",
      bounds: { x: 0, y: 0, width: 1, height: 1 },
    });
    const doc = { ...base(), groups: Array.from({ length: 3 }, (_, i) => group(i)) };
    const r = loadWorkflow(doc, registry, { maxGroups: 2 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: "too-many-groups", path: "$.groups" });
    expect(DEFAULT_LOAD_LIMITS.maxGroups).toBe(1000);
  });
});

describe("visual fields never change the request", () => {
  it("property: any groups, reroutes and collapsed nodes compile to the same request, and round-trip", () => {
    const doc0 = loaded(loadWorkflow(starter, catalogue)).document;
    const plain = compile(doc0, catalogue).outputs.map((o) => [o.endpoint, o.input]);
    expect(plain[0][1]).toHaveProperty("prompt");
    const xy = fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }) });
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: doc0.nodes.length, maxLength: doc0.nodes.length }),
        fc.array(fc.array(xy, { maxLength: 5 }), { minLength: doc0.edges.length, maxLength: doc0.edges.length }),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), xy), { maxLength: 4 }),
        (collapsed, reroutes, groups) => {
          const doc: WorkflowDocument = {
            ...doc0,
            nodes: doc0.nodes.map((n, i) => (collapsed[i] ? { ...n, collapsed: true } : n)),
            edges: doc0.edges.map((e, i) => (reroutes[i].length ? { ...e, reroutes: reroutes[i] } : e)),
            groups: groups.map(([title, p], i) => ({
              id: `g${i}`,
              title,
              color: "#22c55e",
              bounds: { ...p, width: 300, height: 200 },
            })),
          };
          expect(compile(doc, catalogue).outputs.map((o) => [o.endpoint, o.input])).toEqual(plain);
          const again = loaded(loadWorkflow(serializeWorkflow(doc), catalogue));
          expect(again.warnings).toEqual([]);
          expect(again.document).toEqual(groups.length ? doc : { ...doc, groups: undefined });
        },
      ),
      { numRuns: 60 },
    );
  });
});
