// What stays out of the editor's first load (docs/codebase.md#the-first-load): the modules below
// serve only parts that load on demand, and a static import from anything the entry reaches would
// put them back in the entry chunk, which the budget (docs/benchmarks.md#the-first-load) counts.
import { describe, expect, it } from "vitest";
import { staticallyReached } from "./imports";

const REACHED = staticallyReached("src/editor/main.tsx");

/** Module → why only an on-demand part needs it. */
const ON_DEMAND: Record<string, string> = {
  "src/graph/componentFile.ts": "component files: the workspace library and the files dialogs",
  "src/graph/semver.ts": "comparing component versions: the library and the version dialogs",
  "src/editor/components/updateOffer.ts": "an instance's update: its mark, the inspector, the canvas menu",
  "src/editor/flow/wireHit.ts": "the pointer near a wire of the wire canvas (a big graph's)",
  "src/editor/flow/clearOverlaps.ts": "a placed document's nodes moved clear of each other once drawn",
  "src/editor/library/workspaceActions.ts": "the library read again, the banner's Reload",
  "src/editor/flow/textPieces.ts": "far-out type's line breaks",
  "src/editor/flow/FarLayer.tsx": "a big graph zoomed far out, and the node under the pointer there",
  "src/editor/flow/drawnParts.ts": "what only a canvas with nodes draws",
  "src/editor/flow/settle.ts": "placing nodes by their drawn sizes, with the node views",
  "src/editor/flow/arrange.ts": "layout, on its first use",
  "src/editor/flow/menuActions.ts": "the canvas menu's keyboard actions, with its items",
  "src/editor/store/clipboard.ts": "reading pasted nodes, on the first copy or paste",
  "src/editor/starter.ts": "the starter template, only on a first visit",
  "src/editor/library/workspaceStart.ts": "following the workspace, once /api/info has answered",
  "src/editor/Mounts.tsx": "the feature mounts, after the first paint",
  "src/editor/panels/search.ts": "the node search, on the filter's first key",
  "src/editor/persistence/quarantine.ts": "setting an unreadable draft aside, when a boot finds one",
};

describe("the editor's first load", () => {
  it.each(Object.entries(ON_DEMAND))("leaves out %s (%s)", (file) => {
    expect(REACHED).not.toContain(file);
  });

  // The walk must see the entry's own code, or every case above passes vacuously.
  it("reaches what the first paint runs, and not through import()", () => {
    for (const f of ["src/editor/flow/Canvas.tsx", "src/editor/flow/nearWires.ts", "src/graph/workflowFile.ts"])
      expect(REACHED).toContain(f);
    expect(REACHED.size).toBeGreaterThan(150);
  });
});
