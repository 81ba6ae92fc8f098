import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { compile } from "../../src/compiler";
import { lessons } from "../../src/examples/lessons";
import { expectLoadsUnchanged } from "../graph/helpers";
import { expandSweep } from "../../src/teach/sweep";
import { timelineFor } from "../../src/teach/timeline";

describe("lessons", () => {
  it("has at least the five planned lessons, with unique ids and real explanations", () => {
    expect(lessons.map((l) => l.id)).toEqual(
      expect.arrayContaining(["lora-scale", "controlnet-window", "guidance", "schedulers", "ip-adapter-vs-controlnet"]),
    );
    expect(new Set(lessons.map((l) => l.id)).size).toBe(lessons.length);
    for (const l of lessons) {
      expect(l.summary).not.toMatch(/\n/);
      expect(l.explanation.split("\n\n").length).toBeGreaterThanOrEqual(2);
      expect(l.focus.every((id) => l.document.nodes.some((n) => n.id === id))).toBe(true);
    }
  });

  it.each(lessons.map((l) => [l.id, l] as const))(
    "%s loads unchanged and compiles with no errors and no family mismatch",
    (_id, l) => {
      expectLoadsUnchanged(l.document);
      const r = compile(l.document, registry);
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(r.diagnostics.filter((d) => d.code === "model-family-mismatch")).toEqual([]);
      expect(r.outputs).toHaveLength(1);
      expect(r.outputs[0].ok).toBe(true);
      // Laid out left to right like the examples.
      const at = new Map(l.document.nodes.map((n) => [n.id, n.position.x]));
      for (const e of l.document.edges) expect(at.get(e.source)!, e.id).toBeLessThan(at.get(e.target)!);
    },
  );

  it.each(lessons.map((l) => [l.id, l] as const))(
    "%s's sweep expands to cells that all compile, with one seed",
    (_id, l) => {
      const r = expandSweep(l.document, registry, l.sweep);
      expect(r.errors).toEqual([]);
      expect(r.cells.length).toBeGreaterThanOrEqual(4);
      expect(r.cells.every((c) => c.ok)).toBe(true);
      expect(r.requestCount).toBe(r.cells.length);
      expect(new Set(r.cells.map((c) => c.compiled.outputs[0].input!.seed)).size).toBe(1);
      // Every cell differs from the lesson's own request somewhere, except possibly one (the document's own value).
      const own = JSON.stringify(compile(l.document, registry).outputs[0].input);
      expect(r.cells.filter((c) => JSON.stringify(c.compiled.outputs[0].input) === own).length).toBeLessThanOrEqual(1);
      expect(timelineFor(l.document, registry, "sampler").totalSteps).toBeGreaterThan(0);
    },
  );

  it("the scheduler lesson is a 4 × 3 grid and the IP-Adapter lesson shows all four on/off combinations", () => {
    const sched = expandSweep(
      lessons.find((l) => l.id === "schedulers")!.document,
      registry,
      lessons.find((l) => l.id === "schedulers")!.sweep,
    );
    expect([Math.max(...sched.cells.map((c) => c.x)) + 1, Math.max(...sched.cells.map((c) => c.y)) + 1]).toEqual([
      4, 3,
    ]);
    const ipa = lessons.find((l) => l.id === "ip-adapter-vs-controlnet")!;
    const r = expandSweep(ipa.document, registry, ipa.sweep);
    expect(
      r.cells.map((c) => [
        Boolean(c.compiled.outputs[0].input!.ip_adapter),
        Boolean(c.compiled.outputs[0].input!.controlnets),
      ]),
    ).toEqual([
      [true, true],
      [false, true],
      [true, false],
      [false, false],
    ]);
  });
});
