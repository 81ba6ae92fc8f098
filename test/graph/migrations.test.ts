import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DOCUMENT_MIGRATIONS,
  WORKFLOW_VERSION,
  applyNodeMigration,
  migrateDocument,
  migrateNodeParams,
  migrateNodes,
  migrateV1ToV2,
  migrateWorkflow,
  workflowDocumentSchema,
  workflowV1Schema,
  type WorkflowV1,
} from "../../src/graph";
import { gap, lora, registry, sampleDocument, thrower } from "./workflowFileTestRegistry";

const v1Doc = (): WorkflowV1 => ({
  format: "lora-graph/workflow",
  version: 1,
  name: "draft",
  nodes: [
    { id: "m", type: "model", position: { x: 1, y: 2 }, data: { model_name: "sd15" } },
    { id: "l", type: "lora", position: { x: 3, y: 4 }, data: { weight: 0.5 }, label: "Mine", bypass: true },
  ],
  edges: [{ from: "m:model", to: "l:model" }],
  viewport: { x: 5, y: 6, zoom: 2 },
});

describe("document migration v1 → v2", () => {
  it("IMP-07 turns data into params, adds typeVersion 1, builds edge ids and moves name into meta", () => {
    expect(migrateV1ToV2.up(v1Doc())).toEqual({
      format: "lora-graph/workflow",
      version: 2,
      meta: { name: "draft" },
      nodes: [
        { id: "m", type: "model", typeVersion: 1, position: { x: 1, y: 2 }, params: { model_name: "sd15" } },
        {
          id: "l",
          type: "lora",
          typeVersion: 1,
          position: { x: 3, y: 4 },
          params: { weight: 0.5 },
          label: "Mine",
          bypass: true,
        },
      ],
      edges: [{ id: "e:m.model->l.model", source: "m", sourceHandle: "model", target: "l", targetHandle: "model" }],
      viewport: { x: 5, y: 6, zoom: 2 },
    });
  });

  it("IMP-07 splits a port ref at its last colon, so node ids may contain colons", () => {
    const doc = { ...v1Doc(), edges: [{ from: "ns:m:model", to: "l:model" }] };
    doc.nodes[0].id = "ns:m";
    const out = migrateV1ToV2.up(doc);
    expect(out.edges[0]).toMatchObject({ source: "ns:m", sourceHandle: "model", target: "l", targetHandle: "model" });
  });

  it("IMP-07 omits meta.name, label, bypass and viewport when v1 had none", () => {
    const out = migrateV1ToV2.up({
      format: "lora-graph/workflow",
      version: 1,
      nodes: [{ id: "a", type: "t", position: { x: 0, y: 0 }, data: {} }],
      edges: [],
    });
    expect(out.meta).toEqual({});
    expect(Object.keys(out.nodes[0]).sort()).toEqual(["id", "params", "position", "type", "typeVersion"]);
    expect("viewport" in out).toBe(false);
  });

  it("IMP-07 does not modify its input", () => {
    const input = v1Doc();
    const before = structuredClone(input);
    const out = migrateV1ToV2.up(input);
    out.nodes[0].params.model_name = "changed";
    expect(input).toEqual(before);
  });

  it("IMP-07 document migrations are append-only: consecutive from 1, unique names, ending at the current version", () => {
    expect(DOCUMENT_MIGRATIONS.map((m) => m.from)).toEqual(
      Array.from({ length: WORKFLOW_VERSION - 1 }, (_, i) => i + 1),
    );
    expect(new Set(DOCUMENT_MIGRATIONS.map((m) => m.name)).size).toBe(DOCUMENT_MIGRATIONS.length);
  });

  it("IMP-07 migrateDocument leaves a current document as it is", () => {
    const doc = sampleDocument();
    const r = migrateDocument(doc);
    expect(r.applied).toEqual([]);
    expect(r.document).toEqual(sampleDocument());
  });
});

describe("node migrations", () => {
  it("IMP-07 each lora step works on its own", () => {
    const [toScale, toPath] = lora.migrations!;
    expect(applyNodeMigration(toScale, { weight: 0.5, lora_url: "u" })).toEqual({ scale: 0.5, lora_url: "u" });
    expect(applyNodeMigration(toScale, { lora_url: "u" })).toEqual({ lora_url: "u" });
    expect(applyNodeMigration(toPath, { scale: 0.5, lora_url: "u" })).toEqual({ scale: 0.5, path: "u" });
  });

  it("IMP-07 applyNodeMigration hands the step a copy and refuses non-object results", () => {
    const params = { a: 1 };
    applyNodeMigration({ from: 1, name: "mutate", up: (p) => ((p.a = 2), p) }, params);
    expect(params).toEqual({ a: 1 });
    expect(() =>
      applyNodeMigration({ from: 1, name: "bad", up: () => [] as unknown as Record<string, unknown> }, {}),
    ).toThrow(/an array instead of params/);
  });

  it("IMP-07 runs every step from the node's typeVersion up to the definition's version, in order", () => {
    const r = migrateNodeParams({ id: "l", typeVersion: 1, params: { weight: 0.3, lora_url: "u" } }, lora);
    expect(r).toEqual({
      ok: true,
      params: { scale: 0.3, path: "u" },
      typeVersion: 3,
      applied: ["rename-weight-to-scale", "rename-lora_url-to-path"],
      newer: false,
    });
    const fromTwo = migrateNodeParams({ id: "l", typeVersion: 2, params: { weight: 0.3, lora_url: "u" } }, lora);
    // Step 1 is skipped for a version-2 node: its `weight` is not renamed.
    expect(fromTwo).toMatchObject({
      ok: true,
      params: { weight: 0.3, path: "u" },
      applied: ["rename-lora_url-to-path"],
    });
  });

  it("IMP-07 a node newer than its definition keeps its params and is flagged", () => {
    const params = { scale: 9, future: true };
    expect(migrateNodeParams({ id: "l", typeVersion: 7, params }, lora)).toEqual({
      ok: true,
      params,
      typeVersion: 7,
      applied: [],
      newer: true,
    });
  });

  it("IMP-07 a missing step is an error naming the node and the versions", () => {
    const r = migrateNodeParams({ id: "g-1", typeVersion: 1, params: {} }, gap);
    expect(r).toMatchObject({ ok: false, code: "migration-missing", atVersion: 1 });
    expect(!r.ok && r.message).toBe(
      'node "g-1" (Gap) is version 1, but the "gap" node type has no migration from version 1 to 2',
    );
  });

  it("IMP-07 a throwing step is an error naming the node, the step and the cause", () => {
    const r = migrateNodeParams({ id: "t", typeVersion: 1, params: {} }, thrower);
    expect(r).toMatchObject({ ok: false, code: "migration-failed" });
    expect(!r.ok && r.message).toBe('node "t" (Thrower): migration "explode" (version 1 → 2) failed: boom');
  });

  it("IMP-07 migrateNodes reports paths and node ids, warns about newer nodes and skips unknown types", () => {
    const doc = sampleDocument();
    doc.nodes[1] = { ...doc.nodes[1], typeVersion: 9 };
    doc.nodes.push({ id: "g", type: "gap", typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    doc.nodes.push({ id: "u", type: "nope", typeVersion: 4, position: { x: 0, y: 0 }, params: { k: 1 } });
    const r = migrateNodes(doc, registry);
    expect(r.errors).toEqual([
      expect.objectContaining({
        code: "migration-missing",
        path: "$.nodes[5].typeVersion",
        nodeId: "g",
        field: "typeVersion",
      }),
    ]);
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: "newer-node-version", path: "$.nodes[1].typeVersion", nodeId: "l1" }),
    ]);
    expect(r.warnings[0].message).toContain('made with a newer version of node "LoRA"');
    expect(r.document.nodes[6]).toEqual(doc.nodes[6]);
  });
});

// Valid v1 documents over the fake catalogue (and a few unknown types), with lora nodes carrying v1 params.
const idArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const v1Arb: fc.Arbitrary<WorkflowV1> = fc
  .uniqueArray(
    fc.record({
      id: idArb,
      type: fc.constantFrom("model", "lora", "prompt", "image", "sampler", "mystery"),
      position: fc.record({ x: fc.integer({ min: -1e4, max: 1e4 }), y: fc.integer({ min: -1e4, max: 1e4 }) }),
      data: fc.dictionary(fc.constantFrom("weight", "lora_url", "prompt", "seed", "x"), fc.jsonValue({ maxDepth: 2 })),
      label: fc.option(fc.string(), { nil: undefined }),
      bypass: fc.option(fc.boolean(), { nil: undefined }),
    }),
    { selector: (n) => n.id, maxLength: 8 },
  )
  .chain((nodes) =>
    fc.record({
      format: fc.constant("lora-graph/workflow" as const),
      version: fc.constant(1 as const),
      name: fc.option(fc.string(), { nil: undefined }),
      nodes: fc.constant(
        nodes.map((n) =>
          Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined)),
        ) as WorkflowV1["nodes"],
      ),
      edges: fc.array(
        fc.record({
          from: fc
            .tuple(
              nodes.length ? fc.constantFrom(...nodes.map((n) => n.id)) : idArb,
              fc.constantFrom("model", "image", "x"),
            )
            .map(([a, b]) => `${a}:${b}`),
          to: fc
            .tuple(
              nodes.length ? fc.constantFrom(...nodes.map((n) => n.id)) : idArb,
              fc.constantFrom("model", "conditioning", "refs"),
            )
            .map(([a, b]) => `${a}:${b}`),
        }),
        { maxLength: 10 },
      ),
    }),
  )
  .map((d) => (d.name === undefined ? (({ name: _n, ...rest }) => rest)(d) : d) as WorkflowV1);

describe("migration properties", () => {
  it("IMP-07 every valid v1 document migrates to a valid current document", () => {
    fc.assert(
      fc.property(v1Arb, (doc) => {
        expect(workflowV1Schema.safeParse(doc).success).toBe(true);
        const r = migrateWorkflow(doc, registry);
        expect(r.errors).toEqual([]);
        expect(workflowDocumentSchema.safeParse(r.document).success).toBe(true);
        for (const n of r.document.nodes) expect(n.typeVersion).toBe(registry.get(n.type)?.version ?? 1);
      }),
      { numRuns: 200 },
    );
  });

  it("IMP-07 migrate(migrate(x)) ≡ migrate(x)", () => {
    fc.assert(
      fc.property(v1Arb, (doc) => {
        const once = migrateWorkflow(doc, registry).document;
        const twice = migrateWorkflow(once, registry);
        expect(twice.document).toEqual(once);
        expect(twice.errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
