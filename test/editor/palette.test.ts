import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import fc from "fast-check";
import { searchNodes } from "../../src/editor/panels/search";
import { paletteGroups, recentNodeTypes, rememberNodeType, RECENT_NODES_KEY } from "../../src/editor/panels/nodeGroups";

describe("the palette", () => {
  it("groups every node type under its category, in the catalogue's category order", () => {
    const groups = paletteGroups(registry);
    expect(groups.map((g) => g.category.name)).toEqual([
      "Model",
      "Conditioning",
      "Image",
      "Sampling",
      "Output",
      "Utility",
    ]);
    expect(groups.flatMap((g) => g.defs)).toHaveLength(registry.list().length);
    for (const g of groups) for (const d of g.defs) expect(d.category).toEqual(g.category);
  });

  it("keeps only the groups a search hits", () => {
    const hits = searchNodes(registry.list(), "scheduler");
    const groups = paletteGroups(registry, hits);
    expect(hits.length).toBeLessThan(registry.list().length);
    expect(new Set(groups.map((g) => g.category.name))).toEqual(new Set(hits.map((d) => d.category.name)));
    expect(groups.flatMap((g) => g.defs).sort((a, b) => a.type.localeCompare(b.type))).toEqual(
      [...hits].sort((a, b) => a.type.localeCompare(b.type)),
    );
  });
});

describe("search as people type it", () => {
  const first = (q: string, recent: string[] = []) => searchNodes(registry.list(), q, undefined, recent)[0]?.type;
  const top = (q: string, n = 3) =>
    searchNodes(registry.list(), q)
      .slice(0, n)
      .map((d) => d.type);

  it("forgives a slip: a swapped pair, a missing or an extra letter", () => {
    expect(first("lroa")).toBe("lora");
    expect(first("lora")).toBe("lora");
    expect(first("smapler")).toBe("sampler");
    expect(first("schedler")).toBe("scheduler");
    expect(first("contrlnet")).toBe("controlnet");
  });

  it("finds nodes by what other tools call them", () => {
    expect(first("KSampler")).toBe("sampler");
    expect(first("k sampler")).toBe("sampler");
    expect(first("CLIP Text Encode")).toBe("prompt");
    expect(first("cliptextencode")).toBe("prompt");
    expect(first("Load Image")).toBe("image");
    expect(first("Apply ControlNet")).toBe("controlnet");
    for (const q of ["canny", "depth", "openpose"]) expect(first(q), q).toBe("controlnet");
    expect(first("ipadapter")).toBe("ip_adapter");
    expect(first("negative")).toBe("prompt");
    expect(top("img2img", 2).sort()).toEqual(["image", "sampler"]);
    expect(top("inpaint", 2).sort()).toEqual(["image", "sampler"]);
  });

  it("searches the params: cfg finds the Sampler", () => {
    expect(first("cfg")).toBe("sampler");
    expect(first("guidance")).toBe("sampler");
  });

  it("puts recently used types first when nothing is typed, and ahead on a tie", () => {
    expect(
      searchNodes(registry.list(), "", undefined, ["note", "lora"])
        .map((d) => d.type)
        .slice(0, 2),
    ).toEqual(["note", "lora"]);
    // Both answer to "img2img" equally: the one used last comes first.
    expect(first("img2img", ["image"])).toBe("image");
    expect(first("img2img", ["sampler", "image"])).toBe("sampler");
    // Recency never lifts a worse match over a better one.
    expect(first("lora", ["note"])).toBe("lora");
  });

  it("remembers the newest eight types, newest first, in storage", () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    for (const t of ["a", "b", "c", "a", "d", "e", "f", "g", "h", "i"]) rememberNodeType(t, storage);
    expect(recentNodeTypes(storage)).toEqual(["i", "h", "g", "f", "e", "d", "a", "c"]);
    m.set(RECENT_NODES_KEY, "{not json");
    expect(recentNodeTypes(storage)).toEqual([]);
  });

  it("property: never throws, returns only known types, and a type's exact title ranks it first", () => {
    const defs = registry.list();
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (q) => {
        const hits = searchNodes(defs, q);
        expect(hits.every((d) => defs.includes(d))).toBe(true);
      }),
      { numRuns: 300 },
    );
    for (const d of defs) expect(first(d.title), d.title).toBe(d.type);
  });
});
