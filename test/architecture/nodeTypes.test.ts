/**
 * No file outside nodes/ names a node type by its string: the editor, the importers and the
 * teaching views ask the registry (by a definition's declared request paths, views, ports or
 * flags) instead, so a node type is its folder (docs/codebase.md#node-views). What counts as
 * naming a type is read from the syntax tree (nodeTypes.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { PORT_KINDS, REQUEST_FIELDS, WIDGET_KINDS } from "../../src/graph";
import { ROOT, sourceFiles } from "./imports";
import { findTypeMentions } from "./nodeTypes";

const TYPES = new Set(registry.list().map((d) => d.type));
/** Type strings that are also a request field, a port kind or a widget kind ("prompt", "image", "scheduler"…). */
const OTHER_NAMES = new Set<string>([...REQUEST_FIELDS, ...PORT_KINDS, ...WIDGET_KINDS]);
const PLAIN = new Set([...TYPES].filter((t) => !OTHER_NAMES.has(t)));

/**
 * Strings that equal one of our types but name something else, by file. The test fails on an
 * entry that no longer matches, so the list only shrinks.
 */
const ALLOWED: readonly { file: string; types: readonly string[]; why: string }[] = [
  {
    file: "src/interop/a1111/toRequest.ts",
    types: ["lora", "embedding"],
    why: "Civitai's resource types in A1111 metadata (`{ type: 'lora' }`), not node types",
  },
  {
    file: "src/interop/a1111/export.ts",
    types: ["lora"],
    why: "writes Civitai's resource type for a LoRA into A1111 metadata",
  },
];

const scan = (file: string, source: string) => findTypeMentions(file, source, TYPES, PLAIN);

describe("no file outside nodes/ names a node type by its string", () => {
  it("src/ asks the registry instead", () => {
    const found = sourceFiles(["src"]).flatMap((f) => scan(f, readFileSync(join(ROOT, f), "utf8")));
    const allowed = (m: { file: string; type: string }) =>
      ALLOWED.some((a) => a.file === m.file && a.types.includes(m.type));
    expect(
      found.filter((m) => !allowed(m)).map((m) => `${m.file}:${m.line} names node type "${m.type}": ${m.code}`),
    ).toEqual([]);
    for (const a of ALLOWED)
      for (const type of a.types)
        expect(
          found.some((m) => m.file === a.file && m.type === type),
          `${a.file} no longer mentions "${type}": drop it from ALLOWED`,
        ).toBe(true);
  });

  it("the plain type strings are the ones that mean nothing else", () => {
    expect([...PLAIN].sort()).toEqual(["base_model", "controlnet", "embedding", "ic_light", "lora", "note", "sampler"]);
  });
});

describe("what counts as naming a node type", () => {
  const types = (code: string) => scan("x.tsx", code).map((m) => m.type);

  it.each([
    ['if (def.type === "prompt") draw();', "prompt"],
    ['const near = n?.type !== "scheduler";', "scheduler"],
    ['switch (node.type) { case "image": break; }', "image"],
    ['nodes.push({ type: "lora", params: {} });', "lora"],
    ['const row = { nodeType: "controlnet" };', "controlnet"],
    ['registry.get("sampler");', "sampler"],
    ['store.registry.getOrThrow("image_encoder");', "image_encoder"],
    ['store.addNode("prompt", { x: 0, y: 0 });', "prompt"],
    ['const PICTURES = new Set(["controlnet"]);', "controlnet"],
    ['if (["lora", "x"].includes(t)) go();', "lora"],
    ['const TOGGLES = [["lora", "LoRA"], ["ic_light", "IC-Light"]];', "lora,ic_light"],
    ["const RULES: Record<string, number> = { sampler: 1 };", "sampler"],
    ["const COLOURS = { lora: 1, note: 2 };", "lora,note"],
    ['const SAMPLER = "sampler"; if (n.type === SAMPLER) go();', "sampler"],
    ['function add(type = "controlnet") {}', "controlnet"],
    ['const el = <NodeCard nodeType="lora" />;', "lora"],
  ])("%s", (code, expected) => {
    expect(types(code).join(",")).toBe(expected);
  });

  it.each([
    '// a comment about the "lora" node',
    'const input = { prompt: "a cat", scheduler: "DDIM" };',
    'if ("prompt" in request) read();',
    'ctx.input("image"); port.kind === "image";',
    'const PORT_KINDS = ["model", "conditioning", "image", "image_encoder", "scheduler", "ip_adapter"];',
    'const lesson = { focus: ["lora"], sweep: { nodeId: "sampler" } };',
    'const choice = { scheduler: "Euler", note: "fal has no Karras variant" };',
    'set("scheduler", value); widget === "image";',
    'const text = `the ${"lora"} node`; label("note");',
    'const DEFAULT_KIND = "image"; const FIELD = "prompt";',
    'const el = <input type="text" name="note" />;',
  ])("not: %s", (code) => {
    expect(types(code)).toEqual([]);
  });
});
