import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createEditorStore, counterIds, type EditorStore } from "../../src/editor/store";
import { stubRegistry } from "./stubRegistry";

const TYPES = ["base_model", "lora", "prompt", "image", "sampler", "note"] as const;

// Commands pick their targets by index modulo the current node count, so every sequence is meaningful.
type Cmd =
  | { k: "add"; type: (typeof TYPES)[number]; x: number }
  | { k: "connect"; a: number; b: number; replace: boolean }
  | { k: "param"; n: number; v: number; dt: number }
  | { k: "move"; n: number; x: number }
  | { k: "remove"; n: number }
  | { k: "dup"; n: number }
  | { k: "bypass"; n: number }
  | { k: "rename"; n: number; name: string }
  | { k: "undo" }
  | { k: "redo" };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("add" as const),
      type: fc.constantFrom(...TYPES),
      x: fc.integer({ min: -500, max: 500 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant("connect" as const), a: fc.nat(), b: fc.nat(), replace: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("param" as const),
      n: fc.nat(),
      v: fc.integer({ min: 0, max: 4 }),
      dt: fc.integer({ min: 0, max: 1200 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("move" as const), n: fc.nat(), x: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("remove" as const), n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("dup" as const), n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("bypass" as const), n: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("rename" as const), n: fc.nat(), name: fc.string({ maxLength: 8 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ k: "undo" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "redo" as const }) },
);

function run(s: EditorStore, c: Cmd, tick: (ms: number) => void) {
  const nodes = s.getState().document.nodes;
  const pick = (i: number) => nodes[i % nodes.length];
  const ports = (id: string, dir: "inputs" | "outputs") =>
    stubRegistry.getOrThrow(nodes.find((n) => n.id === id)!.type)[dir];
  switch (c.k) {
    case "add":
      s.addNode(c.type, { x: c.x, y: 0 });
      return;
    case "undo":
      s.undo();
      return;
    case "redo":
      s.redo();
      return;
  }
  if (!nodes.length) return;
  switch (c.k) {
    case "connect": {
      const a = pick(c.a),
        b = pick(c.b);
      const outs = ports(a.id, "outputs"),
        ins = ports(b.id, "inputs");
      if (outs.length && ins.length)
        s.connect(
          { node: a.id, port: outs[c.a % outs.length].id },
          { node: b.id, port: ins[c.b % ins.length].id },
          { replace: c.replace },
        );
      return;
    }
    case "param": {
      tick(c.dt);
      const n = pick(c.n);
      const keys = Object.keys(stubRegistry.getOrThrow(n.type).params);
      s.setParam(n.id, keys[c.v % keys.length], c.v === 0 ? undefined : `v${c.v}`);
      return;
    }
    case "move":
      s.moveNodes([{ id: pick(c.n).id, position: { x: c.x, y: c.x } }]);
      return;
    case "remove":
      s.setSelection({ nodes: [pick(c.n).id] });
      s.removeSelection();
      return;
    case "dup":
      s.duplicate([pick(c.n).id]);
      return;
    case "bypass":
      s.toggleBypass([pick(c.n).id]);
      return;
    case "rename":
      s.rename(pick(c.n).id, c.name);
      return;
  }
}

describe("editor store model (AUTO-07)", () => {
  it("AUTO-07: for random command sequences, undo-all restores the initial document and redo-all returns to the final one", () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 60 }), (cmds) => {
        let t = 0;
        const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds(), now: () => t });
        s.addNode("base_model", { x: 0, y: 0 });
        s.addNode("lora", { x: 0, y: 0 });
        s.replaceDocument(s.getState().document, { markClean: true });
        const initial = structuredClone(s.getState().document);
        for (const c of cmds) run(s, c, (ms) => (t += ms));
        const final = structuredClone(s.getState().document);
        const steps = s.getState().history.past.length;
        let undone = 0;
        while (s.undo()) undone++;
        expect(undone).toBe(steps);
        expect(s.getState().document).toEqual(initial);
        expect(s.getState().dirty).toBe(false);
        // Redoing as many steps as were undone lands exactly on the final document.
        for (let i = 0; i < steps; i++) expect(s.redo()).toBe(true);
        expect(s.getState().document).toEqual(final);
      }),
      { numRuns: 150 },
    );
  });

  it("AUTO-07: the history never exceeds its bound, and every reachable state keeps edges pointing at existing nodes", () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 80 }), (cmds) => {
        let t = 0;
        const s = createEditorStore(stubRegistry, undefined, { makeId: counterIds(), now: () => t, historyLimit: 7 });
        for (const c of cmds) {
          run(s, c, (ms) => (t += ms));
          const { document: d, history } = s.getState();
          expect(history.past.length).toBeLessThanOrEqual(7);
          const ids = new Set(d.nodes.map((n) => n.id));
          expect(ids.size).toBe(d.nodes.length);
          for (const e of d.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
