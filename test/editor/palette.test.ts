import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { paletteGroups, searchNodes } from "../../src/editor/panels/search";

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
