// A gallery tile says what tells its image from its neighbours on its first line, and its seed on
// the second: a sweep cell its swept values, a batch run its row, a plain run when it ran and what.
import { describe, expect, it } from "vitest";
import { tileLabel } from "../../src/editor/run/format";
import type { RunRecord } from "../../src/editor/run/types";
import { completedRecord } from "./runRecords";

const run = (over: Partial<RunRecord> = {}): RunRecord =>
  completedRecord({
    title: "Medieval queen (starter)",
    createdAt: new Date(2026, 11, 7, 9, 5).getTime(),
    seed: 42,
    ...over,
  });

describe("tileLabel", () => {
  it("a plain run says when it started and the pipeline's name", () => {
    expect(tileLabel(run())).toBe("09:05 · Medieval queen (starter)");
  });

  it("a sweep cell says its swept values, and a batch run its row and drawn values, without the seed", () => {
    expect(tileLabel(run({ label: "Guidance (CFG) 7.5" }))).toBe("Guidance (CFG) 7.5");
    const batch = { id: "b1", index: 2, row: 3, seed: 7, values: { "prompt.prompt": "a fox", "sampler.seed": 13 } };
    expect(tileLabel(run({ batch }))).toBe("#3 · prompt a fox");
  });
});
