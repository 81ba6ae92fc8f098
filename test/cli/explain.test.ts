/**
 * `lora-graph explain`: every node type's explainer, ports and params reach the terminal,
 * wrapped to 80 columns, and the request field shown for each param is the one the compiler uses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { run, type CliIO } from "../../src/cli/main";
import { apiFields, describeNode, wrap, WIDTH } from "../../src/cli/explain";
import { compile } from "../../src/compiler";
import { InputError } from "../../src/cli/io";
import { registry } from "../../nodes";
import { explainerOf, loadExplainers } from "../../src/graph";
import { examples } from "../../src/examples";

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    read: async (path) => {
      throw new InputError(`cannot read ${path}: explain reads no files`);
    },
  };
  const code = await run(argv, { io, env: {} });
  return { code, stdout, stderr };
}

/** Text as the terminal shows it, with wrapping undone: whatever was wrapped can be searched for. */
const flat = (s: string) => s.replace(/\s+/g, " ");

/** No line over 80 columns, except a single word that cannot be broken (a long URL). */
function expectFits(text: string) {
  for (const line of text.split("\n")) {
    if (line.length > WIDTH) expect(line.trim(), `line over ${WIDTH} columns: ${line}`).not.toMatch(/\s/);
  }
}

const TYPES = registry.list().map((d) => d.type);
// The teaching texts load on demand (the command loads its type's); the tests read them too.
beforeAll(() => loadExplainers(registry.list()));

describe("lora-graph explain (no type)", () => {
  it("lists every node type with its one-line description", async () => {
    const r = await cli(["explain"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expectFits(r.stdout);
    const starts = r.stdout
      .split("\n")
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(starts).toEqual(TYPES);
    for (const def of registry.list()) expect(flat(r.stdout)).toContain(`${def.title}: ${def.description}`);
  });

  it("--json gives { nodes } with type, title, category and description", async () => {
    const r = await cli(["explain", "--json"]);
    const { nodes } = JSON.parse(r.stdout);
    expect(nodes.map((n: { type: string }) => n.type)).toEqual(TYPES);
    expect(nodes[TYPES.indexOf("lora")]).toEqual({
      type: "lora",
      title: "LoRA",
      category: "Model",
      description: registry.get("lora")!.description,
    });
  });
});

describe("lora-graph explain <type>", () => {
  it("prints the LoRA node: summary, ports with kinds, params with API field, default, range and both texts, mistakes", async () => {
    const r = await cli(["explain", "lora"]);
    expect(r.code).toBe(0);
    expectFits(r.stdout);
    const def = registry.get("lora")!;
    const text = flat(r.stdout);
    expect(r.stdout.split("\n")[0]).toBe("LoRA (lora), Model");
    expect(text).toContain(explainerOf(def)!.summary);
    expect(r.stdout).toMatch(/^Inputs:\n {2}model +Model \(model wire, required\)$/m);
    expect(r.stdout).toMatch(/^Outputs:\n {2}model +Model \(model wire\)$/m);
    expect(r.stdout).toMatch(/^ {2}scale \(Scale\) → loras\[\]\.scale$/m);
    expect(text).toContain("default 1; step 0.05; believed range 0 to 1 (unconfirmed");
    expect(text).toContain(def.params.scale.description);
    expect(text).toContain(explainerOf(def)!.params!.scale);
    expect(r.stdout).toMatch(/^ {2}path \(LoRA\) → loras\[\]\.path\n {6}required\.$/m);
    expect(r.stdout).toMatch(/^Common mistakes:\n {2}- An SD1.5 LoRA/m);
  });

  it.each(TYPES)("%s: every port, param, explainer text and mistake is shown, within 80 columns", async (type) => {
    const def = registry.get(type)!;
    const r = await cli(["explain", type]);
    expect(r.code).toBe(0);
    expectFits(r.stdout);
    const text = flat(r.stdout);
    const explain = explainerOf(def);
    if (explain) {
      expect(text).toContain(explain.summary);
      for (const m of explain.mistakes ?? []) expect(text).toContain(m);
      for (const [param, words] of Object.entries(explain.params ?? {})) {
        expect(def.params, `explainer names unknown param ${param}`).toHaveProperty(param);
        expect(text).toContain(words);
      }
    }
    for (const p of [...def.inputs, ...def.outputs])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${p.id} +${p.label.replace(/[()]/g, "\\$&")} \\(${p.kind} wire`, "m"));
    for (const [name, spec] of Object.entries(def.params)) {
      expect(r.stdout).toMatch(new RegExp(`^ {2}${name} \\(${spec.label.replace(/[()]/g, "\\$&")}`, "m"));
      expect(text).toContain(spec.description);
    }
  });

  it("the request field shown for each param is where the compiler puts its value in every example", () => {
    let checked = 0;
    for (const ex of examples) {
      const result = compile(ex.document, registry);
      for (const out of result.outputs) {
        for (const [path, src] of Object.entries(out.sourceMap)) {
          const node = ex.document.nodes.find((n) => n.id === src.nodeId);
          const def = node && registry.get(node.type);
          if (!def || !src.field || !Object.hasOwn(def.params, src.field)) continue; // a wire, not a param
          const shown = apiFields(def).get(src.field);
          if (shown?.field === null) continue; // sent on a port: the field depends on the wiring
          expect(shown?.field, `${ex.id}: ${node.type}.${src.field} lands at ${path}`).toBe(
            path.replace(/\.\d+(?=\.|$)/g, "[]"),
          );
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("params without a field of their own say so (image URL goes out on its port, notes nowhere)", () => {
    const image = describeNode(registry.get("image")!).params.find((p) => p.name === "url")!;
    expect(image).toMatchObject({ apiField: null, viaPort: "image" });
    const note = describeNode(registry.get("note")!).params[0];
    expect(note.apiField).toBeNull();
    expect(note.viaPort).toBeUndefined();
  });

  it("--json prints the node's data", async () => {
    const r = await cli(["explain", "sampler", "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ type: "sampler", title: registry.get("sampler")!.title, category: "Output" });
    expect(info.inputs.find((p: { id: string }) => p.id === "model")).toEqual({
      id: "model",
      label: "Model",
      kind: "model",
      required: true,
      multiple: false,
    });
    expect(info.params.find((p: { name: string }) => p.name === "num_images")).toMatchObject({
      label: "Images",
      apiField: "num_images",
      default: 1,
      min: 1,
      max: 8,
      explain: explainerOf(registry.get("sampler")!)!.params!.num_images,
    });
  });

  it("accepts loose spellings of a type or its title", async () => {
    const exact = await cli(["explain", "ip_adapter"]);
    for (const name of ["ip-adapter", "IP-Adapter", "Base model"]) {
      const r = await cli(["explain", name]);
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n")[0]).toMatch(
        name === "Base model"
          ? /\(base_model\)/
          : new RegExp(`^${exact.stdout.split("\n")[0].replace(/[()]/g, "\\$&")}$`),
      );
    }
  });

  it("an unknown type exits 2 and lists the valid ones", async () => {
    const r = await cli(["explain", "lorra"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`lora-graph: unknown node type "lorra"; the node types are ${TYPES.join(", ")}\n`);
    const j = await cli(["explain", "lorra", "--json"]);
    expect(JSON.parse(j.stdout).diagnostics[0]).toMatchObject({
      code: "usage",
      message: expect.stringContaining("sampler"),
    });
    expect((await cli(["explain", "lora", "sampler"])).stderr).toMatch(/explain takes at most one node type, got 2/);
  });
});

describe("wrap", () => {
  it("keeps every word in order, fits the width, and breaks only where needed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,20}$/), { maxLength: 60 }),
        fc.integer({ min: 10, max: 100 }),
        fc.nat(6),
        (words, width, indent) => {
          const pad = " ".repeat(indent);
          const lines = wrap(words.join(" "), pad, pad, width);
          expect(lines.join(" ").split(/\s+/).filter(Boolean)).toEqual(words);
          for (const [i, line] of lines.entries()) {
            if (line.length > width) expect(line.trim()).not.toMatch(/\s/);
            // Greedy: the next line's first word would not have fitted on this one.
            const next = lines[i + 1]?.trim().split(" ")[0];
            if (next !== undefined) expect(line.length + 1 + next.length).toBeGreaterThan(width);
          }
        },
      ),
    );
  });
});
