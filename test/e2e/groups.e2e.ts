// Group membership follows the user (docs/canvas.md#groups): a node dragged into a frame moves
// with it, one dragged out stays, and resizing the frame decides again. Mouse only.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { StartedServer } from "../harness/server";
import { screenshot, type TestBrowser } from "../harness/browser";
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
  openEditor,
  settledCenter,
  setupServerAndBrowser,
  shootOnFailure,
  viewStill,
  type Box,
} from "./helpers";

let srv: StartedServer;
let b: TestBrowser;
setupServerAndBrowser((s, br) => ((srv = s), (b = br)));

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
      const { page, context, errors } = await openEditor(b, srv.url, size);
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

const FAR_NODES = 60;
/** A group's frame around the first three nodes, with room below them; a reroute point between rows. */
const FAR_GROUP = { x: -40, y: -60, width: 1000, height: 560 };
const EMPTY_IN_FRAME = { x: 110, y: 350 };
const REROUTE = { x: 1556, y: 530 };

/** A generated pipeline of FAR_NODES nodes in rows of ten, with a group and a rerouted wire. */
function farDoc() {
  const doc = generatePipeline(FAR_NODES);
  doc.nodes.forEach((n, i) => (n.position = { x: (i % 10) * 320, y: Math.floor(i / 10) * 600 }));
  doc.groups = [{ id: "g1", title: "Model and prompt", color: "#22c55e", bounds: FAR_GROUP }];
  doc.edges[0].reroutes = [REROUTE];
  doc.viewport = { x: 60, y: 90, zoom: 0.7 };
  return doc;
}

/**
 * The far canvas's pixels around graph point `p`: an `n`×`n` square, as [r, g, b, a] each. Reads
 * what the canvas drew, not the DOM over it.
 */
function farPixels(page: Page, p: { x: number; y: number }, n = 1) {
  return page.evaluate(
    ({ p, n }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="far-canvas"]')!;
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
    { p, n },
  );
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
      const { page, context, errors } = await openEditor(b, srv.url, size);
      shootOnFailure(ctx, () => page);
      await dropFile(page, "grouped.lora-graph.json", serializeWorkflow(farDoc()));
      await node(page, "base_model-0").waitFor();
      await expect.poll(() => frame(page).count()).toBe(1);
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
      await expect.poll(() => page.locator(".react-flow__minimap-canvas").getAttribute("data-groups")).toBe("1");
      await screenshot(page, `group-far-canvas-${size.width}x${size.height}`);
      // Its title still moves it far out, with its nodes drawn along (their labels follow).
      const label = (id: string) => boxOf(page, `.far-label[data-id="${id}"]`);
      const [b0, o0] = [await label("base_model-0"), await label("lora-10")];
      await dragBy(page, await settledCenter(frame(page).locator(".group-name")), 60, 40);
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
      // Fitted, the title is still there to read.
      await page.getByRole("button", { name: "Fit view", exact: true }).click();
      await viewStill(page);
      await screenshot(page, `group-far-fit-${size.width}x${size.height}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
