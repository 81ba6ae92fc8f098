// Opening and selecting in big graphs: the loader's reply in parts, and the rectangle selection
// read from the layout rather than from the nodes xyflow holds.
import { afterEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { inParts, joinParts, PART_SIZE } from "../../src/editor/load/parts";
import type { LoadReply } from "../../src/editor/load/loadWorker";
import { answer, type LoadRequest } from "../../src/editor/load/loadJob";
import { detectIncomingOffThread, loadWorkflowFile, warmLoader } from "../../src/editor/load/loadOffThread";
import { loadWorkflowBlob, serializeWorkflow } from "../../src/graph";
import { registry } from "../../nodes";
import { stubRegistry } from "./stubRegistry";
import { createEditor, counterIds } from "../../src/editor/store";
import { importInto } from "../../src/editor/import/door";
import { selectedByRect } from "../../src/editor/flow/rectSelect";
import { bareGeometry, chainWires } from "./farGeometry.helpers";
import { generatePipeline } from "../bench/compile";
import { detectIncoming } from "../../src/interop/incoming";
import { propertyRuns } from "../harness/runs";

/** The reply as the main thread receives it: each message cloned apart, as postMessage does. */
function sent(reply: LoadReply): LoadReply {
  const messages = inParts(reply).map((m) => structuredClone(m));
  const parts = messages.flatMap((m) => ("part" in m ? [m.part] : []));
  const last = messages[messages.length - 1];
  expect("part" in last).toBe(false);
  return joinParts(parts, last);
}

describe("the loader's reply in parts", () => {
  it("a document of any size arrives whole, in order, and a big one in several messages", () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 1600 }), (size) => {
        const document = generatePipeline(size);
        const reply: LoadReply = { result: { ok: true, document, warnings: [], fromVersion: 4 } };
        expect(sent(reply)).toEqual(reply);
        const messages = inParts(reply).length;
        const biggest = Math.max(document.nodes.length, document.edges.length);
        expect(messages).toBe(biggest > PART_SIZE ? Math.ceil(biggest / PART_SIZE) + 1 : 1);
      }),
      { numRuns: 15 },
    );
  });

  it("a workflow told apart and read in one job arrives whole, with what it was told to be", () => {
    const document = generatePipeline(1200);
    const reply: LoadReply = {
      incoming: { kind: "workflow", warnings: [] },
      result: { ok: true, document, warnings: [], fromVersion: 4 },
    };
    expect(inParts(reply).length).toBe(4);
    expect(sent(reply)).toEqual(reply);
  });

  it("refusals and other replies go as they are", () => {
    const refused: LoadReply = { result: { ok: false, errors: [{ code: "x", path: "$", message: "no" }] as never } };
    expect(inParts(refused)).toEqual([refused]);
    expect(inParts({ failure: "boom" })).toEqual([{ failure: "boom" }]);
  });
});

/** The loader worker, run in this process: each one started is counted. */
class CountedWorker {
  static started = 0;
  onmessage: ((e: { data: LoadReply }) => void) | null = null;
  onerror: unknown = null;
  constructor() {
    CountedWorker.started++;
  }
  postMessage(job: LoadRequest) {
    void answer(job).then((r) => {
      for (const m of inParts(r)) this.onmessage?.({ data: structuredClone(m) });
    });
  }
  terminate() {}
}

describe("a workflow dropped through the import door", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is told apart, read and checked in one worker job; the open that follows starts none", async () => {
    vi.stubGlobal("Worker", CountedWorker);
    CountedWorker.started = 0;
    const file = new File([serializeWorkflow(generatePipeline(700))], "big.lora-graph.json");
    const found = await detectIncomingOffThread(file, true);
    expect(found.kind).toBe("workflow");
    const opened = await loadWorkflowFile(file, registry, found.read);
    expect(CountedWorker.started).toBe(1);
    expect(opened).toEqual(await loadWorkflowBlob(file, registry));
    // Nothing is kept between the calls: opening the same file without the read reads it again.
    await loadWorkflowFile(file, registry);
    expect(CountedWorker.started).toBe(2);
    // Without `open` (telling alone), there is no read to hand on: the open has a worker of its own.
    const told = await detectIncomingOffThread(file);
    expect(told.read).toBeUndefined();
    await loadWorkflowFile(file, registry, told.read);
    expect(CountedWorker.started).toBe(4);
    // A read made with the catalogue does not answer for another registry: that one reads it itself.
    const other = await loadWorkflowFile(file, stubRegistry, found.read);
    expect(other).not.toBe(found.read);
    expect(other).toEqual(await loadWorkflowBlob(file, stubRegistry));
  });

  it("dropped through the import door, it opens from that one job", async () => {
    vi.stubGlobal("Worker", CountedWorker);
    CountedWorker.started = 0;
    const editor = createEditor({ registry, makeId: counterIds() });
    const doc = generatePipeline(300);
    const r = await importInto(editor, { file: new File([serializeWorkflow(doc)], "big.lora-graph.json") });
    expect(r.ok).toBe(true);
    expect(CountedWorker.started).toBe(1);
    expect(editor.store.getState().document.nodes.map((n) => n.id)).toEqual(doc.nodes.map((n) => n.id));
  });

  it("a loader warmed ahead serves the next job: the drop starts no worker; one that failed is replaced", async () => {
    vi.stubGlobal("Worker", CountedWorker);
    CountedWorker.started = 0;
    warmLoader();
    warmLoader();
    expect(CountedWorker.started).toBe(1);
    const file = new File([serializeWorkflow(generatePipeline(60))], "big.lora-graph.json");
    const found = await detectIncomingOffThread(file, true);
    expect(found.kind).toBe("workflow");
    expect((await loadWorkflowFile(file, registry, found.read)).ok).toBe(true);
    expect(CountedWorker.started).toBe(1);

    // A spare whose script did not load (a policy, a redeploy) is not used: the job gets a new one.
    class FailingWorker extends CountedWorker {
      constructor() {
        super();
        queueMicrotask(() =>
          (this.onerror as ((e: { preventDefault(): void }) => void) | null)?.({ preventDefault() {} }),
        );
      }
    }
    vi.stubGlobal("Worker", FailingWorker);
    warmLoader();
    await Promise.resolve();
    vi.stubGlobal("Worker", CountedWorker);
    expect((await detectIncomingOffThread(file, true)).kind).toBe("workflow");
    expect(CountedWorker.started).toBe(3);
  });
});

describe("a dropped workflow told apart and read in one job", () => {
  afterEach(() => vi.restoreAllMocks());

  /** A generated workflow, perhaps broken in one of the ways a file can be. */
  const file = fc
    .record({
      size: fc.integer({ min: 12, max: 60 }),
      at: fc.nat(),
      doc: fc.constantFrom(
        "as is",
        "other format",
        "newer version",
        "unknown type",
        "bad place",
        "lost end",
        "same id",
      ),
      bytes: fc.constantFrom("as is", "not UTF-8", "BOM", "spaces", "cut short"),
    })
    .map(({ size, at, doc, bytes }) => {
      const d = JSON.parse(serializeWorkflow(generatePipeline(size)));
      const n = d.nodes[at % d.nodes.length];
      if (doc === "other format") d.format = "someone-else/workflow";
      if (doc === "newer version") d.version = 99;
      if (doc === "unknown type") n.type = "nobody/knows";
      if (doc === "bad place") n.position = { x: "left" };
      if (doc === "lost end") d.edges[at % d.edges.length].target = "gone";
      if (doc === "same id") n.id = d.nodes[(at + 1) % d.nodes.length].id;
      let b = new TextEncoder().encode(JSON.stringify(d));
      if (bytes === "not UTF-8") b[new TextDecoder().decode(b).indexOf('"id":"') + 7] = 0xe9;
      if (bytes === "BOM") b = new Uint8Array([0xef, 0xbb, 0xbf, ...b]);
      if (bytes === "spaces") b = new Uint8Array([...new TextEncoder().encode(" \n".repeat(40)), ...b]);
      if (bytes === "cut short") b = b.slice(0, 1 + (at % (b.length - 1)));
      return new File([b], "dropped.json");
    });

  it("reads every file as the loader reads it alone, whatever is wrong with it", async () => {
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const reply = await answer({ detect: f, open: true });
        if (!("incoming" in reply)) throw new Error(`not an answer to a detect job: ${JSON.stringify(reply)}`);
        expect(reply.incoming).toEqual(detectIncoming(new Uint8Array(await f.arrayBuffer())));
        if (reply.incoming.kind === "workflow") expect(reply.result).toEqual(await loadWorkflowBlob(f, registry));
        else expect(reply.result).toBeUndefined();
      }),
      { numRuns: propertyRuns(40, 300) },
    );
  });

  it("parses the file once", async () => {
    const text = serializeWorkflow(generatePipeline(300));
    const parse = vi.spyOn(JSON, "parse");
    const reply = await answer({ detect: new File([text], "big.lora-graph.json"), open: true });
    expect("result" in reply && reply.result?.ok).toBe(true);
    expect(parse.mock.calls.filter(([t]) => typeof t === "string" && t.length >= text.length).length).toBe(1);
  });
});

describe("a selection rectangle in a big graph", () => {
  it("selects exactly the nodes wholly inside it, and the wires with an end at one", () => {
    const rect = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -5000, max: 5000 }),
      w: fc.integer({ min: 1, max: 600 }),
      h: fc.integer({ min: 1, max: 600 }),
    });
    fc.assert(
      fc.property(fc.array(rect, { minLength: 1, maxLength: 60 }), rect, (nodes, r) => {
        const g = bareGeometry(nodes, chainWires(nodes.length));
        const box = { x0: r.x, y0: r.y, x1: r.x + r.w * 8, y1: r.y + r.h * 8 };
        const got = selectedByRect(g, box);
        const inside = nodes
          .map((n, i) => ({ n, i }))
          .filter(({ n }) => n.x >= box.x0 && n.y >= box.y0 && n.x + n.w <= box.x1 && n.y + n.h <= box.y1)
          .map(({ i }) => i);
        expect(got.nodes).toEqual(inside.map((i) => `n${i}`));
        const ends = new Set(inside);
        expect(got.edges).toEqual(g.wires.filter((w) => ends.has(w.s) || ends.has(w.t)).map((w) => w.id));
      }),
    );
  });
});
