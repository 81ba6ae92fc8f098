// A draft's text is built from the kept text of each node and wire (snapshot.ts documentJson), so
// an autosave after a drop re-writes only the moved nodes. It must be exactly what stringifying the
// whole draft gives, for any document, before and after any edit made the store's way (immer).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { produce } from "immer";
import { documentJson, DRAFT_KIND, DRAFT_VERSION, encodeDraft } from "../../src/editor/persistence/snapshot";
import type { WorkflowDocument } from "../../src/graph";
import { generatePipeline } from "../bench/compile";

/** Any JSON-shaped value, and odd ones JSON.stringify drops or turns into null. */
const value = fc.oneof(
  fc.jsonValue(),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.double(), // NaN and ±Infinity become null
);
const part = fc.dictionary(fc.string(), value);
const doc = fc.record(
  {
    format: fc.constant("lora-graph/workflow"),
    version: fc.constant(4),
    meta: part,
    nodes: fc.array(fc.oneof(part, value), { maxLength: 6 }),
    edges: fc.array(fc.oneof(part, value), { maxLength: 6 }),
    viewport: fc.option(fc.record({ x: fc.double(), y: fc.double(), zoom: fc.double() }), { nil: undefined }),
    groups: fc.option(fc.array(part), { nil: undefined }),
    components: fc.option(fc.array(part), { nil: undefined }),
  },
  { requiredKeys: ["format", "version", "meta", "nodes", "edges"] },
) as unknown as fc.Arbitrary<WorkflowDocument>;

/** The draft as encodeDraft wrote it before it kept texts: one JSON.stringify of the whole. */
const whole = (p: Parameters<typeof encodeDraft>[0], savedAt: number) =>
  JSON.stringify({
    kind: DRAFT_KIND,
    version: DRAFT_VERSION,
    savedAt,
    document: p.document,
    viewport: { x: p.viewport.x, y: p.viewport.y, zoom: p.viewport.zoom },
    selection: { nodes: [...p.selection.nodes], edges: [...p.selection.edges] },
    dirty: p.dirty,
    libraryId: p.libraryId,
    libraryUpdatedAt: p.libraryUpdatedAt,
    libraryEtag: p.libraryEtag,
  });

describe("a draft's text", () => {
  it("is JSON.stringify of the document, for any document", () => {
    fc.assert(
      fc.property(doc, (d) => {
        expect(documentJson(d)).toBe(JSON.stringify(d));
      }),
    );
  });

  it("is the whole draft stringified, with or without the library fields", () => {
    const payload = fc.record({
      document: doc,
      viewport: fc.record({ x: fc.double(), y: fc.double(), zoom: fc.double() }),
      selection: fc.record({ nodes: fc.array(fc.string()), edges: fc.array(fc.string()) }),
      dirty: fc.boolean(),
      libraryId: fc.option(fc.string(), { nil: undefined }),
      libraryUpdatedAt: fc.option(fc.integer(), { nil: undefined }),
      libraryEtag: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(payload, fc.integer(), (p, at) => {
        const text = encodeDraft(p, at);
        expect(text).toBe(whole(p, at));
        // Written twice (the texts kept the first time): the same.
        expect(encodeDraft(p, at)).toBe(text);
      }),
    );
  });

  it("follows each edit made the store's way, the unchanged parts' texts kept", () => {
    const edits = fc.array(
      fc.oneof(
        fc.tuple(fc.constant("move" as const), fc.nat(), fc.integer()),
        fc.tuple(fc.constant("param" as const), fc.nat(), fc.string()),
        fc.tuple(fc.constant("drop" as const), fc.nat(), fc.constant("")),
        fc.tuple(fc.constant("unwire" as const), fc.nat(), fc.constant("")),
      ),
      { minLength: 1, maxLength: 10 },
    );
    fc.assert(
      fc.property(edits, (list) => {
        let d = generatePipeline(40);
        documentJson(d);
        for (const [kind, i, v] of list) {
          d = produce(d, (x) => {
            const n = x.nodes[i % x.nodes.length];
            if (kind === "move") n.position = { x: Number(v), y: 1 };
            else if (kind === "param") n.params.prompt = v;
            else if (kind === "drop") x.nodes.splice(i % x.nodes.length, 1);
            else x.edges.splice(i % Math.max(1, x.edges.length), 1);
          });
          expect(documentJson(d)).toBe(JSON.stringify(d));
        }
      }),
    );
  });
});
