import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { panToShow } from "../../src/editor/flow/keepInView";

describe("panToShow", () => {
  it("leaves a node that is in alone, and moves one that is not the least way", () => {
    expect(panToShow(100, 300, 0, 600, 12)).toBe(0);
    // Below the room: its foot comes up to the margin.
    expect(panToShow(400, 700, 0, 600, 12)).toBe(588 - 700);
    // Above it: its top comes down to the margin.
    expect(panToShow(-50, 100, 0, 600, 12)).toBe(62);
  });

  it("shows the foot of a node taller than the room", () => {
    expect(panToShow(50, 900, 0, 600, 12)).toBe(600 - 900);
  });

  it("property: a node that fits ends inside the room; one that does not ends with its foot at the room's end", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: 1, max: 1500 }),
        fc.integer({ min: 50, max: 1000 }),
        fc.integer({ min: 0, max: 30 }),
        (top, height, room, margin) => {
          const dy = panToShow(top, top + height, 0, room, margin);
          if (height <= room) {
            expect(top + dy).toBeGreaterThanOrEqual(-1e-9);
            expect(top + height + dy).toBeLessThanOrEqual(room + 1e-9);
          } else expect(top + height + dy).toBe(room);
        },
      ),
    );
  });
});
