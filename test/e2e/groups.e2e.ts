// Group membership follows the user (docs/canvas.md#groups): a node dragged into a frame moves
// with it, one dragged out stays, and resizing the frame decides again. Mouse only.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { StartedServer } from "../harness/server";
import type { TestBrowser } from "../harness/browser";
import { serializeWorkflow } from "../../src/graph";
import { registry } from "../../nodes";
import { build } from "../harness/graph";
import {
  LAPTOP_SIZES,
  canvasSettled,
  dropFile,
  node,
  openEditor,
  settledCenter,
  setupServerAndBrowser,
  shootOnFailure,
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

async function drag(page: Page, from: { x: number; y: number }, dx: number, dy: number) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // xyflow starts a node drag at the first move past its threshold, and that move does not count.
  await page.mouse.move(from.x + 1, from.y + 1);
  await page.mouse.move(from.x + dx / 2, from.y + dy / 2, { steps: 4 });
  await page.mouse.move(from.x + dx, from.y + dy, { steps: 6 });
  // A hand rests before letting go: the canvas has drawn the last move (xyflow drops the node
  // where it last drew it, which on a busy machine can be a move or two behind the pointer).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.mouse.move(from.x + dx, from.y + dy);
  await page.mouse.up();
}

/** Drags a node by its title so that its top-left corner lands at `to` (page px). */
async function dragNodeTo(page: Page, id: string, to: { x: number; y: number }) {
  const from = await nodeBox(page, id);
  await drag(page, await settledCenter(node(page, id).locator(".node-title")), to.x - from.x, to.y - from.y);
  await expect.poll(async () => Math.abs((await nodeBox(page, id)).x - to.x)).toBeLessThan(3);
}

/** Drags the group's title by (dx, dy) and waits for the frame to get there. */
async function moveGroup(page: Page, dx: number, dy: number) {
  const f0 = await boxOf(page, ".group-frame");
  await drag(page, await settledCenter(frame(page).locator(".group-name")), dx, dy);
  await expect.poll(async () => Math.abs((await boxOf(page, ".group-frame")).x - f0.x - dx)).toBeLessThan(3);
}

/** How far each node moved between two looks, rounded. */
const shift = (a: Box, c: Box) => ({ dx: Math.round(c.x - a.x), dy: Math.round(c.y - a.y) });

/** Waits until the view stops moving (opening a file fits it, animated). */
async function viewStill(page: Page) {
  let last = "";
  await expect
    .poll(async () => {
      const now = await page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
      });
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
}

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
      await drag(page, corner, 0, p.y + p.height / 2 - 20 - (f3.y + f3.height));
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
