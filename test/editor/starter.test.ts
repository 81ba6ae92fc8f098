import { describe, expect, it } from "vitest";
import { registry } from "../../nodes";
import { examples } from "../../src/examples";
import { loadWorkflow } from "../../src/graph";
import { STARTER_ID, starterDocument } from "../../src/editor/starter";

describe("first-visit starter", () => {
  it("is the first example, imported alone (the gallery's examples stay out of the first load)", () => {
    expect(examples[0].id).toBe(STARTER_ID);
    expect(starterDocument).toEqual(examples[0].document);
    expect(loadWorkflow(structuredClone(starterDocument), registry).ok).toBe(true);
  });
});
