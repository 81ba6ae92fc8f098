/**
 * Component versions (docs/components.md#versions): the bump a change calls for, and moving
 * instances to another version with their overrides.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { compile } from "../../src/compiler";
import {
  componentKey,
  hashComponent,
  instanceRef,
  instanceType,
  withHash,
  type ComponentDefinition,
  type WorkflowDocument,
} from "../../src/graph";
import { compareVersions } from "../../src/graph/semver";
import {
  bumpBetween,
  bumpVersion,
  extractComponent,
  renumberComponent,
  suggestBump,
  updateInstances,
} from "../../src/graph/componentEdits";
import { describeComponentChange } from "../../src/teach/componentDiff";

const example = (id: string) => structuredClone(examples.find((e) => e.id === id)!.document) as WorkflowDocument;

/** The two-LoRA example with its LoRAs made into a component, used twice. */
function pipeline() {
  const r = extractComponent(example("sdxl-two-loras"), ["lora-style", "lora-lcm"], { name: "Style stack" }, registry);
  if (!r.ok) throw new Error(r.reason);
  return { doc: r.document, def: r.definition, key: componentKey(r.definition.id, r.definition.version) };
}

/** `def` as another version, changed by `change`. */
const version = (def: ComponentDefinition, v: string, change: (d: ComponentDefinition) => void = () => {}) => {
  const copy = structuredClone({ ...def, version: v });
  change(copy);
  return withHash(copy);
};

const inputs = (doc: WorkflowDocument) => compile(doc, registry).outputs.map((o) => o.input);

describe("version numbers", () => {
  it("bumps patch, minor and major, dropping a suffix", () => {
    expect(bumpVersion("1.2.3", "patch")).toBe("1.2.4");
    expect(bumpVersion("1.2.3", "minor")).toBe("1.3.0");
    expect(bumpVersion("1.2.3-beta", "major")).toBe("2.0.0");
    expect(compareVersions(bumpVersion("1.9.9", "minor"), "1.9.9")).toBeGreaterThan(0);
    for (const bump of ["patch", "minor", "major"] as const)
      expect(bumpBetween("1.2.3", bumpVersion("1.2.3", bump))).toBe(bump);
  });
});

describe("the suggested bump", () => {
  const { def } = pipeline();
  const param = def.params[0];

  it("is patch for a change inside (a default), minor for an addition, major for a removal or retype", () => {
    expect(
      suggestBump(
        def,
        version(def, "1.0.1", (d) => (d.params[0].default = 0.3)),
      ),
    ).toBe("patch");
    expect(
      suggestBump(
        def,
        version(def, "1.1.0", (d) => d.params.push({ ...param, id: "extra", label: "Extra" })),
      ),
    ).toBe("minor");
    expect(
      suggestBump(
        def,
        version(def, "1.1.0", (d) => d.inputs.push({ id: "x", label: "X", kind: "image" })),
      ),
    ).toBe("minor");
    expect(
      suggestBump(
        def,
        version(def, "2.0.0", (d) => d.params.shift()),
      ),
    ).toBe("major");
    expect(
      suggestBump(
        def,
        version(def, "2.0.0", (d) => d.outputs.pop()),
      ),
    ).toBe("major");
    expect(
      suggestBump(
        def,
        version(def, "2.0.0", (d) => (d.inputs[0].kind = "image")),
      ),
    ).toBe("major");
  });

  it("is major whenever an exposed field is removed, whatever is added with it (property)", () => {
    fc.assert(
      fc.property(fc.subarray(def.params.map((p) => p.id)), fc.nat({ max: 3 }), (removed, added) => {
        const next = version(def, "9.0.0", (d) => {
          d.params = d.params.filter((p) => !removed.includes(p.id));
          for (let i = 0; i < added; i++) d.params.push({ ...param, id: `new-${i}`, label: `New ${i}` });
        });
        const expected = removed.length ? "major" : added ? "minor" : "patch";
        expect(suggestBump(def, next)).toBe(expected);
      }),
    );
  });
});

describe("updating instances", () => {
  it("to the version they have changes nothing (property)", () => {
    const { doc, def, key } = pipeline();
    fc.assert(
      fc.property(fc.option(fc.constant(["style-stack"]), { nil: undefined }), (only) => {
        const r = updateInstances(doc, key, def, [], only);
        expect(r.document).toBe(doc);
        expect(r.updated).toEqual([]);
      }),
    );
  });

  it("keeps the overrides of kept params by id and reports the others (property)", () => {
    const { doc, def, key } = pipeline();
    const ids = def.params.map((p) => p.id);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...ids, "gone.field"), fc.double({ min: 0, max: 2, noNaN: true })),
        fc.subarray(ids),
        (overrides, kept) => {
          const withOverrides = {
            ...doc,
            nodes: doc.nodes.map((n) => (n.id === "style-stack" ? { ...n, params: overrides } : n)),
          };
          const next = version(def, "1.1.0", (d) => (d.params = d.params.filter((p) => kept.includes(p.id))));
          const r = updateInstances(withOverrides, key, next);
          const inst = r.document.nodes.find((n) => n.id === "style-stack")!;
          expect(inst.type).toBe(instanceType(def.id, "1.1.0"));
          const survive = Object.fromEntries(Object.entries(overrides).filter(([k]) => kept.includes(k)));
          expect(inst.params).toEqual(survive);
          expect(r.dropped.map((d) => d.param).sort()).toEqual(
            Object.keys(overrides)
              .filter((k) => !kept.includes(k))
              .sort(),
          );
        },
      ),
    );
  });

  it("moves every instance and drops the old definition; one at a time keeps both until the last", () => {
    const { doc: one, def, key } = pipeline();
    const inst = one.nodes.find((n) => n.id === "style-stack")!;
    const doc = { ...one, nodes: [...one.nodes, { ...inst, id: "style-stack-2", position: { x: 0, y: 400 } }] };
    const next = version(def, "2.0.0", (d) => (d.params[0].default = 0.25));

    const all = updateInstances(doc, key, next);
    expect(all.updated).toEqual(["style-stack", "style-stack-2"]);
    expect(all.document.components!.map((c) => c.version)).toEqual(["2.0.0"]);

    const first = updateInstances(doc, key, next, [], ["style-stack"]);
    expect(first.updated).toEqual(["style-stack"]);
    expect(first.document.components!.map((c) => c.version).sort()).toEqual(["1.0.0", "2.0.0"]);
    expect(first.document.nodes.find((n) => n.id === "style-stack-2")!.type).toBe(inst.type);
    const second = updateInstances(first.document, key, next, [], ["style-stack-2"]);
    expect(second.document.components!.map((c) => c.version)).toEqual(["2.0.0"]);
    expect(second.document.nodes.map((n) => n.type)).toEqual(all.document.nodes.map((n) => n.type));
  });

  it("moves one instance inside another component, named `definition › id`, and rehashes that definition", () => {
    const { doc: one, def, key } = pipeline();
    const outer = extractComponent(one, ["style-stack"], { name: "Outer" }, registry);
    if (!outer.ok) throw new Error(outer.reason);
    const outerKey = componentKey(outer.definition.id, outer.definition.version);
    const next = version(def, "2.0.0", (d) => (d.params[0].default = 0.25));
    const where = `${outerKey} › style-stack`;

    const r = updateInstances(outer.document, key, next, [], [where]);
    expect(r.updated).toEqual([where]);
    const moved = r.document.components!.find((c) => componentKey(c.id, c.version) === outerKey)!;
    expect(moved.nodes.find((n) => n.id === "style-stack")!.type).toBe(instanceType(def.id, "2.0.0"));
    expect(moved.hash).toBe(hashComponent(moved));
    expect(r.document.components!.map((c) => c.version).sort()).toEqual(["1.0.0", "2.0.0"]);
    // A pipeline id does not reach inside, and an inner name does not reach the pipeline.
    expect(updateInstances(outer.document, key, next, [], ["style-stack"]).updated).toEqual([]);
  });

  it("compiles with the new version, and says what changed in the Compare view's words", () => {
    const { doc, def, key } = pipeline();
    const param = def.params.find((p) => p.field === "scale")!;
    const next = version(def, "1.0.1", (d) => (d.params.find((p) => p.id === param.id)!.default = 0.25));
    const after = updateInstances(doc, key, next).document;
    expect(inputs(after)).not.toEqual(inputs(doc));
    const change = describeComponentChange(def, next, doc, after, registry);
    expect(change.same).toBe(false);
    expect(change.suggested).toBe("patch");
    expect(change.requestLines.join("; ")).toMatch(/scale .* → 0\.25/);
    expect(change.definition.map((c) => c.text)).toEqual([`Field “${param.label}” default ${param.default} → 0.25`]);
  });

  it("reaches instances inside other components, whose hashes are computed again", () => {
    const { doc, def, key } = pipeline();
    const inner = doc.nodes.find((n) => instanceRef(n))!;
    const outer = withHash({
      ...def,
      id: "local/outer",
      title: "Outer",
      nodes: [inner],
      edges: [],
      params: [],
      inputs: [],
      outputs: [],
    });
    const use = { ...inner, id: "outer-1", type: instanceType(outer.id, outer.version), params: {} };
    const nested = { ...doc, nodes: [...doc.nodes, use], components: [...doc.components!, outer] };
    const next = version(def, "1.1.0");
    const r = updateInstances(nested, key, next);
    const moved = r.document.components!.find((c) => c.id === "local/outer")!;
    expect(moved.nodes[0].type).toBe(instanceType(def.id, "1.1.0"));
    expect(moved.hash).toBe(hashComponent(moved));
    expect(r.updated).toEqual(["style-stack", `local/outer@1.0.0 › ${inner.id}`]);
  });
});

describe("publishing under a new number", () => {
  it("renumbers the definition and its instances; the request is the same", () => {
    const { doc, def, key } = pipeline();
    const out = renumberComponent(doc, key, "1.1.0");
    expect(out.components!.map((c) => componentKey(c.id, c.version))).toEqual([componentKey(def.id, "1.1.0")]);
    expect(out.components![0].hash).toBe(hashComponent(out.components![0]));
    expect(out.nodes.find((n) => n.id === "style-stack")!.type).toBe(instanceType(def.id, "1.1.0"));
    expect(inputs(out)).toEqual(inputs(doc));
  });
});
