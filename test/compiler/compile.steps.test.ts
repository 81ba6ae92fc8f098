import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { createCompiler, finish } from "../../src/compiler";
import { generatePipeline } from "../bench/compile";

/** The editor spreads a big document's first compile over frames: the steps must add up to `compile`. */
describe("a compile in steps", () => {
  it("gives what compile gives, and yields often on a big document", () => {
    const doc = generatePipeline(3_000);
    const whole = createCompiler().compile(doc, registry);
    const steps = createCompiler().compileInSteps(doc, registry);
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    expect(JSON.stringify(r.value)).toBe(JSON.stringify(whole));
    // 3,000 nodes checked and walked in slices of a few hundred, plus the whole-request checks.
    expect(yields).toBeGreaterThan(20);
  });

  it("allows another compile between two steps, with the same cache", () => {
    const compiler = createCompiler();
    const doc = generatePipeline(1_000);
    const edited = { ...doc, nodes: doc.nodes.map((n, i) => (i === 3 ? { ...n, label: "other" } : n)) };
    const steps = compiler.compileInSteps(doc, registry);
    for (let i = 0; i < 3; i++) steps.next();
    const between = compiler.compile(edited, registry);
    expect(JSON.stringify(finish(steps))).toBe(JSON.stringify(createCompiler().compile(doc, registry)));
    expect(JSON.stringify(between)).toBe(JSON.stringify(createCompiler().compile(edited, registry)));
  });
});
