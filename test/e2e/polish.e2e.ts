// The editor's view and wire handling as a ComfyUI user meets them, in real Chromium at the two
// laptop sizes the UI is designed for.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import {
  boxes,
  canvasSettled,
  dialogSettled,
  emptyCanvasPoint,
  handle,
  inside,
  layoutProblems,
  node,
  nodeIds,
  shootOnFailure,
  setupServerAndBrowser,
  zoomToCard,
} from "./helpers";

const suite = setupServerAndBrowser();

const edgeIds = (page: Page) =>
  page.$$eval(".react-flow__edge", (els) => els.map((e) => (e as HTMLElement).dataset.id ?? "").sort());

/**
 * The point that picks up `edgeId`'s end: on the wire just outside its handle (xyflow's reconnect
 * anchor). Waits until the page itself has that wire at that point, twice in a row, so a view
 * still being fitted on a busy machine cannot hand the drag a neighbouring wire 17 px away.
 */
async function wireEnd(page: Page, edgeId: string, nodeId: string, port: string, end: "source" | "target") {
  const probe = () =>
    page.evaluate(
      ([edgeId, nodeId, port, end]) => {
        const h = document.querySelector(
          `.react-flow__handle.${end}[data-nodeid="${nodeId}"][data-handleid="${port}"]`,
        );
        if (!h) return null;
        const r = h.getBoundingClientRect();
        const at = { x: end === "target" ? r.x - 8 : r.right + 8, y: r.y + r.height / 2 };
        const hit = document.elementFromPoint(at.x, at.y)?.closest<HTMLElement>(".react-flow__edge");
        return hit?.dataset.id === edgeId ? at : null;
      },
      [edgeId, nodeId, port, end],
    );
  let last: { x: number; y: number } | null = null;
  await expect
    .poll(async () => {
      const now = await probe();
      const settled = !!now && !!last && now.x === last.x && now.y === last.y;
      last = now;
      return settled;
    })
    .toBe(true);
  return last!;
}

/** Presses at `at` (a wire's end, see wireEnd) and drags it to (x, y), first away from the node. */
async function dragWireEnd(page: Page, at: { x: number; y: number }, to: { x: number; y: number }, away = -22) {
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x + away, at.y + 20, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}
const center = async (page: Page, nodeId: string, port: string, type: "source" | "target") => {
  const h = (await handle(page, nodeId, port, type).boundingBox())!;
  return { x: h.x + h.width / 2, y: h.y + h.height / 2 };
};

describe("view", () => {
  for (const size of [
    { width: 1280, height: 720 },
    { width: 1440, height: 900 },
  ]) {
    it(`first visit at ${size.width}x${size.height}: the whole starter is on screen, clear of the minimap, and the note shows all its text`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      // The first fit waits for every node's measured size: poll until the view shows them all.
      await expect.poll(() => layoutProblems(page)).toEqual([]);
      expect((await boxes(page)).nodes.length).toBeGreaterThanOrEqual(4);
      await screenshot(page, `first-visit-${size.width}x${size.height}`);
      if (size.width === 1280) {
        // Fitted there (zoom ~0.46) the Note is a light card: its start in readable type, and all
        // of its text one double click away.
        expect(await node(page, "note").locator(".far-glance").innerText()).toMatch(/^Start here/);
        await zoomToCard(page, "note");
      }
      const note = node(page, "note").locator("textarea");
      const { scroll, client } = await note.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
      expect(scroll).toBeLessThanOrEqual(client + 1);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("opening a template at 1280x720 shows all of it, no node under another", async (ctx) => {
    const { page, context } = await suite.open({ width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await page.getByRole("button", { name: "Templates" }).click();
    // The lessons above the examples load after the dialog opens and push the cards down.
    await page.getByTestId("lesson-gallery").waitFor();
    await dialogSettled(page);
    await page.getByTestId("template-instantid").click();
    // Replacing unsaved work asks first: answer if it asks, however late the question comes.
    const confirm = page.getByTestId("confirm-replace");
    const opened = async () => (await page.locator(".doc-name").innerText()).includes("InstantID");
    await expect.poll(async () => (await confirm.isVisible()) || (await opened())).toBe(true);
    if (await confirm.isVisible()) await confirm.click();
    await expect.poll(() => page.locator(".doc-name").innerText()).toContain("InstantID");
    expect((await boxes(page)).nodes.length).toBeGreaterThanOrEqual(5);
    // The template is fitted on the next frames (an animated fit): poll until it is all in view.
    await expect.poll(() => layoutProblems(page, { overlapping: true })).toEqual([]);
    await context.close();
  });

  it("a node added by double-clicking at the canvas's bottom-right corner lands fully in view", async (ctx) => {
    const { page, context } = await suite.open({ width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await canvasSettled(page);
    const before = await nodeIds(page);
    const { pane } = await boxes(page);
    // Near the bottom edge, left of the minimap's column: the first point there that is empty canvas
    // with room around it (the starter's nodes may reach down that far, and a node's lazily drawn
    // strip can still make it taller, so a spot just under a node is not taken).
    const p = await page.evaluate(({ x, y, width, height }) => {
      const bare = (px: number, py: number) =>
        document.elementFromPoint(px, py)?.classList.contains("react-flow__pane") === true;
      const roomy = (at: { x: number; y: number }) =>
        [-40, 0, 40].every((ox) => [-80, -40, 0].every((oy) => bare(at.x + ox, at.y + oy)));
      for (let dx = 200; dx < width - 40; dx += 20) {
        const at = { x: x + width - dx, y: y + height - 12 };
        if (roomy(at)) return at;
      }
      return null;
    }, pane);
    expect(p, "an empty spot of canvas near the bottom edge").not.toBeNull();
    await page.mouse.dblclick(p!.x, p!.y);
    const search = page.getByLabel("Search nodes");
    await search.fill("sampler");
    await search.press("Enter");
    await expect.poll(() => nodeIds(page)).toHaveLength(before.length + 1);
    const added = (await nodeIds(page)).find((id) => !before.includes(id))!;
    await expect.poll(async () => inside((await node(page, added).boundingBox())!, pane)).toBe(true);
    await context.close();
  });

  it("the minimap draws every node, dragging in it pans the canvas and the wheel over it zooms", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    const mm = page.locator(".react-flow__minimap");
    // The canvas says how many node boxes it holds; and it has drawn something where the nodes are.
    const canvas = mm.locator("canvas");
    await expect.poll(async () => Number(await canvas.getAttribute("data-nodes"))).toBe((await nodeIds(page)).length);
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 200) n++;
      return n / (c.width * c.height);
    });
    // Nodes under the (translucent) mask and the mask itself: well over a few stray pixels.
    expect(painted).toBeGreaterThan(0.05);
    const transform = () => page.locator(".react-flow__viewport").evaluate((el) => (el as HTMLElement).style.transform);
    const box = (await mm.boundingBox())!;
    const before = await transform();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 10, { steps: 5 });
    await page.mouse.up();
    await expect.poll(transform).not.toBe(before);
    const scale = async () => Number(/scale\(([\d.]+)\)/.exec(await transform())![1]);
    const zoom = await scale();
    await page.mouse.wheel(0, -300);
    await expect.poll(scale).toBeGreaterThan(zoom);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the empty canvas after New offers the templates", async (ctx) => {
    const { page, context } = await suite.open({ width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await page.getByRole("button", { name: "New" }).click();
    const empty = page.getByTestId("canvas-empty");
    // An untouched starter is replaced without asking; anything else asks first.
    const ask = page.getByRole("button", { name: "Continue" });
    await Promise.race([
      empty.waitFor(),
      ask
        .waitFor()
        .then(() => ask.click())
        .catch(() => undefined),
    ]);
    await empty.waitFor();
    expect(await empty.innerText()).toMatch(/Double-click or press\s+Space\s+to add a node/);
    await empty.getByRole("button", { name: "Templates" }).click();
    await page.getByTestId("template-gallery").waitFor();
    await context.close();
  });
});

describe("wires", () => {
  it("a wire's end moves to another port, a wrong type is refused with its reason, dropping it on the canvas removes it, undo brings it back", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    const wire = "e:base.model->sampler.model";
    expect(await edgeIds(page)).toContain(wire);
    await dragWireEnd(
      page,
      await wireEnd(page, wire, "sampler", "model", "target"),
      await center(page, "sampler", "init_image", "target"),
    );
    await page.locator(".toast.error").first().waitFor({ timeout: 5000 });
    expect(await page.locator(".toast.error").first().innerText()).toMatch(
      /expects an image on "Init image", not a model/,
    );
    expect(await edgeIds(page)).toContain(wire);

    await dragWireEnd(page, await wireEnd(page, wire, "sampler", "model", "target"), await emptyCanvasPoint(page));
    await expect.poll(() => edgeIds(page)).not.toContain(wire);
    expect(await page.locator(".palette").count()).toBe(0);
    await page.keyboard.press("Control+z");
    await expect.poll(() => edgeIds(page)).toContain(wire);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("moving the source end rewires the same input in one undo step", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    // A second model source: a LoRA fed by the base model.
    const before = await nodeIds(page);
    const p = await emptyCanvasPoint(page);
    await page.mouse.dblclick(p.x, p.y);
    await page.getByLabel("Search nodes").fill("lora");
    await page.getByLabel("Search nodes").press("Enter");
    await expect.poll(() => nodeIds(page)).toHaveLength(before.length + 1);
    const lora = (await nodeIds(page)).find((id) => !before.includes(id))!;
    // Sampler's model wire: drag its source end (at the base model) onto the LoRA's output.
    const src = await wireEnd(page, "e:base.model->sampler.model", "base", "model", "source");
    await dragWireEnd(page, src, await center(page, lora, "model", "source"), 22);
    await expect.poll(() => edgeIds(page)).toContain(`e:${lora}.model->sampler.model`);
    expect(await edgeIds(page)).not.toContain("e:base.model->sampler.model");
    await page.keyboard.press("Control+z");
    await expect.poll(() => edgeIds(page)).toContain("e:base.model->sampler.model");
    await context.close();
  });

  it("a selected wire shows a ✕ that removes it; Delete removes a selected wire too", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    const select = (id: string) =>
      page.locator(`.react-flow__edge[data-id="${id}"] .react-flow__edge-interaction`).click({ force: true });
    expect(await page.locator(".edge-delete").count()).toBe(0);
    await select("e:base.model->sampler.model");
    await page.locator(".edge-delete").waitFor();
    await page.locator(".edge-delete").click();
    await expect.poll(() => edgeIds(page)).not.toContain("e:base.model->sampler.model");
    await select("e:prompt.conditioning->sampler.conditioning");
    await page.locator(".edge-delete").waitFor();
    await page.keyboard.press("Delete");
    await expect.poll(() => edgeIds(page)).not.toContain("e:prompt.conditioning->sampler.conditioning");
    await context.close();
  });

  it("dragging a wire across the inspector selects no text", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    await node(page, "sampler").locator(".node-head").click();
    const from = await center(page, "base", "model", "source");
    const panel = (await page.locator(".sidepanel").boundingBox())!;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + 10, { steps: 4 });
    await page.mouse.move(panel.x + panel.width / 2, panel.y + 120, { steps: 10 });
    await page.mouse.move(panel.x + panel.width - 10, panel.y + 400, { steps: 10 });
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? "")).toBe("");
    await page.mouse.up();
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? "")).toBe("");
    await context.close();
  });
});
