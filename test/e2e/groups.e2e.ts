// Group membership follows the user (docs/canvas.md#groups): a node dragged into a frame moves
// with it, one dragged out stays, and resizing the frame decides again. Mouse only.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { serializeWorkflow } from "../../src/graph";
import { registry } from "../../nodes";
import { build } from "../harness/graph";
import { generatePipeline } from "../bench/compile";
import {
  LAPTOP_SIZES,
  canvasSettled,
  dragBy,
  dropFile,
  node,
  settledCenter,
  setupServerAndBrowser,
  shootOnFailure,
  viewStill,
  type Box,
} from "./helpers";

const suite = setupServerAndBrowser();

/** Base model and Prompt in a frame with room to their right; a LoRA and the Sampler outside it. */
function framedDoc() {
  const doc = build(registry, (g) => {
    g.node("base_model", {}, { id: "base" });
    g.node("prompt", {}, { id: "prompt" });
    g.node("lora", {}, { id: "lora" });
    g.node("sampler", {}, { id: "sampler" });
  });
  const at: Record<string, { x: number; y: number }> = {
    base: { x: 0, y: 0 },
    prompt: { x: 0, y: 360 },
    lora: { x: 1000, y: 0 },
    sampler: { x: 1400, y: -60 },
  };
  for (const n of doc.nodes) n.position = at[n.id];
  doc.groups = [{ id: "g1", title: "Inputs", color: "#22c55e", bounds: { x: -30, y: -70, width: 760, height: 820 } }];
  return doc;
}

const frame = (page: Page) => page.locator(".group-frame");
const boxOf = async (page: Page, sel: string): Promise<Box> => (await page.locator(sel).boundingBox())!;
const nodeBox = (page: Page, id: string) => boxOf(page, `.react-flow__node[data-id="${id}"]`);

/** Drags a node by its title so that its top-left corner lands at `to` (page px). */
async function dragNodeTo(page: Page, id: string, to: { x: number; y: number }) {
  const from = await nodeBox(page, id);
  await dragBy(page, await settledCenter(node(page, id).locator(".node-title")), to.x - from.x, to.y - from.y);
  await expect.poll(async () => Math.abs((await nodeBox(page, id)).x - to.x)).toBeLessThan(3);
}

/** Drags the group's title by (dx, dy) and waits for the frame to get there. */
async function moveGroup(page: Page, dx: number, dy: number) {
  const f0 = await boxOf(page, ".group-frame");
  await dragBy(page, await settledCenter(frame(page).locator(".group-name")), dx, dy);
  await expect.poll(async () => Math.abs((await boxOf(page, ".group-frame")).x - f0.x - dx)).toBeLessThan(3);
}

/** How far each node moved between two looks, rounded. */
const shift = (a: Box, c: Box) => ({ dx: Math.round(c.x - a.x), dy: Math.round(c.y - a.y) });

async function openFramed(page: Page) {
  await dropFile(page, "framed.lora-graph.json", serializeWorkflow(framedDoc()));
  await node(page, "lora").waitFor();
  await canvasSettled(page);
  await expect.poll(() => frame(page).count()).toBe(1);
  await viewStill(page);
}

describe("group membership", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: a node dragged into the frame moves with it, dragged out it stays`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await openFramed(page);
      // Into the room on the frame's right.
      const f = await boxOf(page, ".group-frame");
      const l = await nodeBox(page, "lora");
      await dragNodeTo(page, "lora", { x: f.x + f.width - l.width - 12, y: f.y + f.height - l.height - 12 });
      let before = {
        lora: await nodeBox(page, "lora"),
        base: await nodeBox(page, "base"),
        sampler: await nodeBox(page, "sampler"),
      };
      await moveGroup(page, -40, 30);
      const moved = shift(before.base, await nodeBox(page, "base"));
      expect(Math.abs(moved.dx + 40) + Math.abs(moved.dy - 30)).toBeLessThan(4);
      expect(shift(before.lora, await nodeBox(page, "lora"))).toEqual(moved);
      expect(shift(before.sampler, await nodeBox(page, "sampler"))).toEqual({ dx: 0, dy: 0 });
      // One undo step puts the frame and both members back.
      await page.keyboard.press("Control+z");
      await expect.poll(async () => Math.round((await nodeBox(page, "lora")).x)).toBe(Math.round(before.lora.x));
      expect(Math.round((await nodeBox(page, "base")).x)).toBe(Math.round(before.base.x));
      // Out again, to the right of the frame: the group leaves it behind.
      const f2 = await boxOf(page, ".group-frame");
      await dragNodeTo(page, "lora", { x: f2.x + f2.width + 30, y: before.lora.y });
      before = {
        lora: await nodeBox(page, "lora"),
        base: await nodeBox(page, "base"),
        sampler: await nodeBox(page, "sampler"),
      };
      await moveGroup(page, -40, 30);
      expect(shift(before.base, await nodeBox(page, "base")).dx).toBeLessThan(-30);
      expect(shift(before.lora, await nodeBox(page, "lora"))).toEqual({ dx: 0, dy: 0 });
      // The frame's bottom edge pulled up above the Prompt's middle: the Prompt is out of it now.
      const f3 = await boxOf(page, ".group-frame");
      const p = await nodeBox(page, "prompt");
      const corner = await settledCenter(frame(page).locator(".group-resize"));
      await dragBy(page, corner, 0, p.y + p.height / 2 - 20 - (f3.y + f3.height));
      await expect.poll(async () => (await boxOf(page, ".group-frame")).height).toBeLessThan(f3.height - 40);
      before = { lora: await nodeBox(page, "lora"), base: await nodeBox(page, "base"), sampler: p };
      await moveGroup(page, 30, -20);
      expect(shift(before.base, await nodeBox(page, "base")).dx).toBeGreaterThan(20);
      expect(shift(p, await nodeBox(page, "prompt"))).toEqual({ dx: 0, dy: 0 });
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe("nested groups", () => {
  it("moving the outer group moves the inner one and its nodes, in one undo step; the inner one moves alone", async (ctx) => {
    const { page, context, errors } = await suite.open(LAPTOP_SIZES[0]);
    shootOnFailure(ctx, () => page);
    const doc = framedDoc();
    // Around the Prompt, wholly inside "Inputs".
    doc.groups!.push({
      id: "g2",
      title: "Prompt",
      color: "#a855f7",
      bounds: { x: -10, y: 300, width: 600, height: 420 },
    });
    await dropFile(page, "nested.lora-graph.json", serializeWorkflow(doc));
    await node(page, "lora").waitFor();
    await canvasSettled(page);
    await expect.poll(() => frame(page).count()).toBe(2);
    await viewStill(page);
    const outer = '.group-frame[data-group="g1"]';
    const inner = '.group-frame[data-group="g2"]';
    const look = async () => ({
      outer: await boxOf(page, outer),
      inner: await boxOf(page, inner),
      base: await nodeBox(page, "base"),
      prompt: await nodeBox(page, "prompt"),
      sampler: await nodeBox(page, "sampler"),
    });
    const before = await look();
    await dragBy(page, await settledCenter(page.locator(`${outer} .group-name`)), -40, 30);
    await expect.poll(async () => Math.abs((await boxOf(page, outer)).x - before.outer.x + 40)).toBeLessThan(3);
    const after = await look();
    const moved = shift(before.outer, after.outer);
    expect(shift(before.inner, after.inner)).toEqual(moved);
    expect(shift(before.prompt, after.prompt)).toEqual(moved);
    expect(shift(before.base, after.base)).toEqual(moved);
    expect(shift(before.sampler, after.sampler)).toEqual({ dx: 0, dy: 0 });
    // One Ctrl+Z puts both frames and their nodes back.
    await page.keyboard.press("Control+z");
    await expect.poll(async () => Math.abs((await boxOf(page, inner)).x - before.inner.x)).toBeLessThan(1);
    expect(shift(before.outer, await boxOf(page, outer))).toEqual({ dx: 0, dy: 0 });
    expect(shift(before.prompt, await nodeBox(page, "prompt"))).toEqual({ dx: 0, dy: 0 });
    // The inner group's title moves it with the Prompt, and leaves the outer frame and the Base model.
    await dragBy(page, await settledCenter(page.locator(`${inner} .group-name`)), 50, 20);
    await expect.poll(async () => Math.abs((await boxOf(page, inner)).x - before.inner.x - 50)).toBeLessThan(3);
    expect(shift(before.prompt, await nodeBox(page, "prompt"))).toEqual(shift(before.inner, await boxOf(page, inner)));
    expect(shift(before.outer, await boxOf(page, outer))).toEqual({ dx: 0, dy: 0 });
    expect(shift(before.base, await nodeBox(page, "base"))).toEqual({ dx: 0, dy: 0 });
    expect(errors).toEqual([]);
    await context.close();
  });
});

const FAR_NODES = 60;
/** A group's frame around the first three nodes, with room below them; a reroute point between rows. */
const FAR_GROUP = { x: -40, y: -60, width: 1000, height: 560 };
const EMPTY_IN_FRAME = { x: 110, y: 350 };
const REROUTE = { x: 1556, y: 530 };
/**
 * A second frame just below the second row's seventh node (at 1920, 600): far out its title bar
 * grows upwards over that node, so a press there is on the bar and on the drawn node at once.
 */
const BAR_GROUP = { x: 1880, y: 640, width: 600, height: 400 };
const ON_BAR_AND_NODE = { x: 2000, y: 612 };

/** A generated pipeline of FAR_NODES nodes in rows of ten, with a group and a rerouted wire. */
function farDoc() {
  const doc = generatePipeline(FAR_NODES);
  doc.nodes.forEach((n, i) => (n.position = { x: (i % 10) * 320, y: Math.floor(i / 10) * 600 }));
  doc.groups = [
    { id: "g1", title: "Model and prompt", color: "#22c55e", bounds: FAR_GROUP },
    { id: "g2", title: "Below", color: "#3b82f6", bounds: BAR_GROUP },
  ];
  doc.edges[0].reroutes = [REROUTE];
  doc.viewport = { x: 60, y: 90, zoom: 0.7 };
  return doc;
}

/**
 * The far canvas's pixels around graph point `p`: an `n`×`n` square, as [r, g, b, a] each. Reads
 * what the canvas drew, not the DOM over it.
 */
function farPixels(page: Page, p: { x: number; y: number }, n = 1, canvasId = "far-canvas") {
  return page.evaluate(
    ({ p, n, canvasId }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${canvasId}"]`)!;
      const t = document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
      const [, tx, ty, k] = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([\d.e-]+)\)/.exec(t)!.map(Number);
      const dpr = canvas.width / canvas.clientWidth;
      const x = Math.round((p.x * k + tx) * dpr - n / 2);
      const y = Math.round((p.y * k + ty) * dpr - n / 2);
      const data = canvas.getContext("2d")!.getImageData(x, y, n, n).data;
      const out: number[][] = [];
      for (let i = 0; i < data.length; i += 4) out.push([data[i], data[i + 1], data[i + 2], data[i + 3]]);
      return out;
    },
    { p, n, canvasId },
  );
}

/**
 * The id of the document's node whose stored place and measured-free size hold `p` (the grid's
 * nodes are 268 wide, at least 120 tall).
 */
function nodeAt(doc: ReturnType<typeof farDoc>, p: { x: number; y: number }): string {
  return doc.nodes.find(
    (n) => p.x >= n.position.x && p.x <= n.position.x + 268 && p.y >= n.position.y && p.y <= n.position.y + 120,
  )!.id;
}

/** Page px of graph point `p` in the current view. */
function toScreen(page: Page, p: { x: number; y: number }) {
  return page.evaluate((p) => {
    const vp = document.querySelector<HTMLElement>(".react-flow__viewport")!;
    const [, tx, ty, k] = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([\d.e-]+)\)/
      .exec(vp.style.transform)!
      .map(Number);
    const r = vp.parentElement!.getBoundingClientRect();
    return { x: r.left + p.x * k + tx, y: r.top + p.y * k + ty };
  }, p);
}

const zoomOf = (page: Page) =>
  page.evaluate(() =>
    Number(
      /scale\(([\d.e-]+)\)/.exec(document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform)?.[1],
    ),
  );

describe("groups and reroute points far out", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: the far canvas draws the frame, its title and the reroute point`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await dropFile(page, "grouped.lora-graph.json", serializeWorkflow(farDoc()));
      await node(page, "base_model-0").waitFor();
      await expect.poll(() => frame(page).count()).toBe(2);
      await viewStill(page);
      await screenshot(page, `group-near-${size.width}x${size.height}`);
      // Wheel out over the canvas until the far canvas draws the graph.
      const pane = (await page.locator(".react-flow__pane").boundingBox())!;
      await page.mouse.move(pane.x + pane.width / 3, pane.y + pane.height / 3);
      for (let i = 0; i < 30 && (await zoomOf(page)) >= 0.3; i++) await page.mouse.wheel(0, 100);
      await expect.poll(() => zoomOf(page)).toBeLessThan(0.3);
      await page.locator(`[data-testid="far-canvas"][data-total="${FAR_NODES}"]`).waitFor();
      await viewStill(page);
      // Inside the frame, where no node is: the group's green, faint.
      await expect
        .poll(async () => {
          const px = await farPixels(page, EMPTY_IN_FRAME, 6);
          return px.filter(([r, g, bl, a]) => a > 0 && g > r + 40 && g > bl + 40).length;
        })
        .toBeGreaterThan(24);
      // The title bar above the frame's top edge: filled, with white type on it.
      const bar = await farPixels(page, { x: FAR_GROUP.x + 200, y: FAR_GROUP.y - 20 }, 24);
      expect(bar.every(([, , , a]) => a === 255)).toBe(true);
      expect(bar.filter(([r, g, bl]) => r > 200 && g > 200 && bl > 200).length).toBeGreaterThan(4);
      // The reroute point: an opaque dot on its wire (the wire alone is drawn translucent).
      const dot = await farPixels(page, REROUTE, 5);
      expect(dot.filter(([, , , a]) => a === 255).length).toBeGreaterThan(15);
      // Left of the frame, where no node or wire is: nothing.
      const [[, , , outside]] = await farPixels(page, { x: FAR_GROUP.x - 50, y: 300 });
      expect(outside).toBe(0);
      // The minimap draws it too.
      await expect.poll(() => page.locator(".react-flow__minimap-canvas").getAttribute("data-groups")).toBe("2");
      await screenshot(page, `group-far-canvas-${size.width}x${size.height}`);
      // Its title still moves it far out, with its nodes drawn along (their labels follow).
      const label = (id: string) => boxOf(page, `.far-label[data-id="${id}"]`);
      const [b0, o0] = [await label("base_model-0"), await label("lora-10")];
      await dragBy(page, await settledCenter(page.locator('[data-group="g1"] .group-name')), 60, 40);
      await expect.poll(async () => Math.round((await label("base_model-0")).x - b0.x)).toBe(60);
      expect(Math.round((await label("base_model-0")).y - b0.y)).toBe(40);
      expect(await label("lora-10")).toEqual(o0);
      // The frame is drawn where it went: the same spot inside it, moved as far.
      const k = await zoomOf(page);
      const movedSpot = { x: EMPTY_IN_FRAME.x + 60 / k, y: EMPTY_IN_FRAME.y + 40 / k };
      await expect
        .poll(async () => {
          const px = await farPixels(page, movedSpot, 6);
          return px.filter(([r, g, bl, a]) => a > 0 && g > r + 40 && g > bl + 40).length;
        })
        .toBeGreaterThan(24);
      // A press on the second frame's title bar where it lies over a drawn node moves the group,
      // not the node (the node, inside the frame, rides along).
      const under = nodeAt(farDoc(), ON_BAR_AND_NODE);
      const press = await toScreen(page, ON_BAR_AND_NODE);
      expect(
        await page.evaluate(
          ({ x, y }) => document.elementFromPoint(x, y)?.closest("[data-group]")?.getAttribute("data-group"),
          press,
        ),
      ).toBe("g2");
      const [g0, n0] = [await boxOf(page, '[data-group="g2"]'), await label(under)];
      await dragBy(page, press, -50, 30);
      await expect.poll(async () => Math.round((await boxOf(page, '[data-group="g2"]')).x - g0.x)).toBe(-50);
      expect(shift(g0, await boxOf(page, '[data-group="g2"]'))).toEqual(shift(n0, await label(under)));
      // Fitted, the title is still there to read.
      await page.getByRole("button", { name: "Fit view", exact: true }).click();
      await viewStill(page);
      await screenshot(page, `group-far-fit-${size.width}x${size.height}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe("reroute points on the near canvas", () => {
  it("a wire panned into view before xyflow holds it, or whose nodes are both off screen, shows its reroute point", async (ctx) => {
    const { page, context, errors } = await suite.open(LAPTOP_SIZES[0]);
    shootOnFailure(ctx, () => page);
    await canvasSettled(page);
    const pane = (await page.locator(".react-flow__pane").boundingBox())!;
    // A 60-node graph (so xyflow holds only what is near the view) below the view's middle, and
    // one rerouted wire whose point is 1.5 panes and a bit right of the view: past the area whose
    // wires xyflow holds (the view grown by half its size), within one long drag of it.
    const k = 0.42;
    const vp = { x: 40, y: 40, zoom: k };
    const toGraph = (sx: number, sy: number) => ({ x: (sx - vp.x) / k, y: (sy - vp.y) / k });
    const doc = generatePipeline(FAR_NODES);
    const top = toGraph(0, pane.height * 0.6).y;
    doc.nodes.forEach((n, i) => (n.position = { x: (i % 10) * 320, y: top + Math.floor(i / 10) * 600 }));
    // The wire's box reaches 149 graph px (63 screen px) left of the point: its bezier from the source.
    const point = toGraph(pane.width * 1.5 + 90, pane.height * 0.3);
    const src = { ...doc.nodes.find((n) => n.type === "base_model")!, id: "far-src" };
    const dst = { ...doc.nodes.find((n) => n.type === "lora")!, id: "far-dst" };
    src.position = { x: point.x + 300, y: point.y - 60 };
    dst.position = { x: point.x + 700, y: point.y - 60 };
    doc.nodes.push(src, dst);
    doc.edges.push({
      id: "far-wire",
      source: "far-src",
      sourceHandle: "model",
      target: "far-dst",
      targetHandle: "model",
      reroutes: [point],
    });
    doc.viewport = vp;
    await dropFile(page, "far-wire.lora-graph.json", serializeWorkflow(doc));
    // Hidden while it has nothing to draw (WireCanvas.tsx).
    await page.locator('[data-testid="wire-layer"]').waitFor({ state: "attached" });
    await viewStill(page);
    await expect.poll(() => page.locator(".react-flow__minimap-canvas").getAttribute("data-reroutes")).toBe("1");
    expect(await page.locator('.react-flow__edge[data-id="far-wire"]').count()).toBe(0);
    // Press on bare canvas at the right, drag half a pane and a bit left, and hold: the point
    // comes in 60 px from the right edge.
    const from = { x: pane.x + pane.width - 8, y: pane.y + pane.height * 0.3 + 40 };
    expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.className, from)).toContain(
      "react-flow__pane",
    );
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x - pane.width / 2 - 150, from.y, { steps: 12 });
    await viewStill(page);
    // The point is on screen, drawn by the wire canvas: an opaque dot, 5 px across at this zoom as
    // xyflow's own (its wire alone is translucent, so without the dot no pixel here is opaque).
    const dot = await farPixels(page, point, 5, "wire-layer");
    expect(dot.filter(([, , , a]) => a === 255).length).toBeGreaterThan(2);
    await screenshot(page, "reroute-wire-layer");
    // Let go: the wire is xyflow's now, but xyflow culls a wire whose two nodes are off screen,
    // so the wire canvas still draws it, and its point.
    await page.mouse.up();
    await viewStill(page);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const kept = await farPixels(page, point, 5, "wire-layer");
    expect(kept.filter(([, , , a]) => a === 255).length).toBeGreaterThan(2);
    expect(errors).toEqual([]);
    await context.close();
  });
});
