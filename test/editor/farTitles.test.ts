// While the view moves, the far canvas writes node titles itself (drawTitles) instead of moving
// hundreds of DOM labels each frame: where the labels would be, in screen-size type, one line cut
// to the node's width, and none on nodes too narrow to hold a label; a collapsed node's bar, lower
// than a line far out, gets its title centred on it.
import { describe, expect, it } from "vitest";
import { drawTitles, LABEL_MIN_WIDTH } from "../../src/editor/flow/drawFar";
import { farGeometry, type FarGeometry } from "../../src/editor/flow/farGeometry";
import { NODE_GEOMETRY, type WorkflowEdge, type WorkflowNode } from "../../src/graph";
import { stubRegistry } from "./stubRegistry";

/** A context that records fillText calls; text is 7 px a character. */
function recorder() {
  const texts: { text: string; x: number; y: number }[] = [];
  let measured = 0;
  const ctx = {
    font: "",
    fillStyle: "",
    textBaseline: "",
    save() {},
    restore() {},
    setTransform() {},
    measureText(s: string) {
      measured++;
      return { width: s.length * 7 };
    },
    fillText(text: string, x: number, y: number) {
      texts.push({ text, x, y });
    },
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, texts, measures: () => measured };
}

function geometry(titles: string[], width: number, height = 200): FarGeometry {
  const rects = new Float64Array(titles.length * 4);
  titles.forEach((_, i) => rects.set([i * 320, 0, width, height], i * 4));
  return {
    ids: titles.map((_, i) => `n${i}`),
    rects,
    colors: titles.map(() => "#888"),
    titles,
    glance: () => "",
    index: new Map(titles.map((_, i) => [`n${i}`, i])),
    wires: [],
  };
}
const widths = (g: FarGeometry) => new Float64Array(g.ids.length).fill(-1);
const at = (g: FarGeometry) => (i: number) => ({ x: g.rects[i * 4], y: g.rects[i * 4 + 1] });

describe("titles drawn on the far canvas while the view moves", () => {
  it("writes each title at its node's screen position, inside the label's padding", () => {
    const g = geometry(["Base model", "LoRA"], 268);
    const { ctx, texts } = recorder();
    drawTitles(ctx, g, [100, 50, 0.4], [0, 1], at(g), widths(g));
    expect(texts.map((t) => t.text)).toEqual(["Base model", "LoRA"]);
    expect(texts[1].x).toBeCloseTo(100 + 320 * 0.4 + 7);
    expect(texts[1].y).toBeGreaterThan(50);
    expect(texts[1].y).toBeLessThan(50 + 200 * 0.4);
  });

  it("cuts a title too long for its node with an ellipsis that fits", () => {
    const title = "A very long node title that cannot fit";
    const g = geometry([title], 268);
    const { ctx, texts } = recorder();
    drawTitles(ctx, g, [0, 0, 0.3], [0], at(g), widths(g));
    const room = 268 * 0.3 - 14;
    expect(texts[0].text.endsWith("…")).toBe(true);
    expect(title.startsWith(texts[0].text.slice(0, -1))).toBe(true);
    expect(texts[0].text.length * 7).toBeLessThanOrEqual(room);
    expect(texts[0].text.length).toBeGreaterThan(3);
  });

  it("skips nodes narrower on screen than a label needs, and measures each title once", () => {
    const g = geometry(["Prompt", "Sampler"], 268);
    const { ctx, texts, measures } = recorder();
    const cache = widths(g);
    drawTitles(ctx, g, [0, 0, (LABEL_MIN_WIDTH - 1) / 268], [0, 1], at(g), cache);
    expect(texts).toEqual([]);
    drawTitles(ctx, g, [0, 0, 0.5], [0, 1], at(g), cache);
    drawTitles(ctx, g, [0, 0, 0.6], [0, 1], at(g), cache);
    expect(texts.map((t) => t.text)).toEqual(["Prompt", "Sampler", "Prompt", "Sampler"]);
    // The ellipsis each call, each title once.
    expect(measures()).toBe(3 + 2);
  });

  it("writes a collapsed node's title centred on its bar, which is lower than a line far out", () => {
    // A collapsed node: its 36 px bar (title bar and borders) is 10.8 px on screen at 0.3.
    const g = geometry(["Sampler output"], 268, 36);
    const { ctx, texts } = recorder();
    drawTitles(ctx, g, [0, 40, 0.3], [0], at(g), widths(g));
    expect(texts).toHaveLength(1);
    expect(texts[0].y).toBeCloseTo(40 + (36 * 0.3) / 2);
  });

  it("draws a collapsed node as its bar, its wires meeting the bar, though others of its type were drawn whole", () => {
    const at = { x: 0, y: 0 };
    const nodes: WorkflowNode[] = [
      { id: "b", type: "base_model", typeVersion: 1, position: at, params: {} },
      { id: "l", type: "lora", typeVersion: 2, position: { x: 400, y: 0 }, params: {}, collapsed: true },
      { id: "l2", type: "lora", typeVersion: 2, position: { x: 800, y: 0 }, params: {} },
    ];
    const edges: WorkflowEdge[] = [
      { id: "e", source: "b", sourceHandle: "model", target: "l", targetHandle: "model" },
      { id: "e2", source: "l", sourceHandle: "model", target: "l2", targetHandle: "model" },
    ];
    // A LoRA drawn whole before: its size is the estimate for LoRAs not measured yet, not for a bar.
    const view = { nodeSizes: new Map(), typeSizes: new Map([["lora", { width: 268, height: 240 }]]) };
    const g = farGeometry(stubRegistry, view, nodes, edges);
    expect(g.rects[1 * 4 + 3]).toBe(NODE_GEOMETRY.bar);
    expect(g.rects[2 * 4 + 3]).toBe(240);
    expect(g.wires.map((w) => [w.sy, w.ty])).toEqual([
      [NODE_GEOMETRY.firstPortTop, NODE_GEOMETRY.bar / 2],
      [NODE_GEOMETRY.bar / 2, NODE_GEOMETRY.firstPortTop],
    ]);
  });
});
