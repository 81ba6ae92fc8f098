// Reroute points on wires and groups on the canvas (docs/canvas.md): added, moved, deleted and
// undone with mouse and keyboard, saved and reloaded, and never part of the request.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import {
  LAPTOP_SIZES,
  backendKnown,
  dragBy,
  node,
  requestJson,
  settledCenter,
  setupServerAndBrowser,
  shootOnFailure,
  wireMiddle,
} from "./helpers";

const suite = setupServerAndBrowser();

const MODEL_WIRE = "e:base.model->sampler.model";
const COND_WIRE = "e:prompt.conditioning->sampler.conditioning";
const menu = (page: Page) => page.getByRole("menu");
const points = (page: Page, wire: string) => page.locator(`.reroute[data-wire="${wire}"]`);

/** Centres of a wire's reroute points, in page pixels. */
const pointCentres = (page: Page, wire: string) =>
  points(page, wire).evaluateAll((cs) =>
    cs.map((c) => {
      const r = c.getBoundingClientRect();
      return { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2) };
    }),
  );

/** How far the drawn wire passes from a page point, in pixels. */
const wireDistance = (page: Page, wire: string, p: { x: number; y: number }) =>
  page.evaluate(
    ({ wire, p }) => {
      const path = document.querySelector<SVGPathElement>(
        `.react-flow__edge[data-id="${CSS.escape(wire)}"] path.react-flow__edge-path`,
      )!;
      const m = path.getScreenCTM()!;
      const len = path.getTotalLength();
      let best = Infinity;
      for (let i = 0; i <= 400; i++) {
        const q = path.getPointAtLength((len * i) / 400);
        const s = { x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f };
        best = Math.min(best, Math.hypot(s.x - p.x, s.y - p.y));
      }
      return best;
    },
    { wire, p },
  );

async function savedThenReload(page: Page) {
  await expect.poll(() => page.getByTestId("autosave-status").innerText()).toMatch(/Saved/);
  await page.reload();
  await page.waitForSelector(".react-flow__node");
  await backendKnown(page);
}

describe("reroute points", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: double-click adds one, drag bends the wire through it, Delete removes it; undo, reload`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const request = await requestJson(page);
      const at = await wireMiddle(page, MODEL_WIRE);
      await page.mouse.dblclick(at.x, at.y);
      await expect.poll(() => points(page, MODEL_WIRE).count()).toBe(1);
      expect(await page.getByRole("dialog", { name: "Add node" }).count()).toBe(0);
      // Dragged 90 px down: the point follows, and the wire passes through it.
      const [p0] = await pointCentres(page, MODEL_WIRE);
      await dragBy(page, p0, 0, 90);
      await expect.poll(async () => (await pointCentres(page, MODEL_WIRE))[0].y).toBeGreaterThan(p0.y + 80);
      const [moved] = await pointCentres(page, MODEL_WIRE);
      expect(await wireDistance(page, MODEL_WIRE, moved)).toBeLessThan(2);
      // The wire bends down to it: the drawn path reaches 80 px below where the point was added.
      const box = (await page
        .locator(`.react-flow__edge[data-id="${MODEL_WIRE}"] path.react-flow__edge-path`)
        .boundingBox())!;
      expect(box.y + box.height).toBeGreaterThan(p0.y + 80);
      await screenshot(page, `reroute-${size.width}x${size.height}`);
      // Undo puts it back where it was added; redo moves it again.
      await page.keyboard.press("Control+z");
      await expect.poll(async () => (await pointCentres(page, MODEL_WIRE))[0].y).toBeLessThan(p0.y + 3);
      await page.keyboard.press("Control+Shift+z");
      await expect.poll(async () => (await pointCentres(page, MODEL_WIRE))[0].y).toBeGreaterThan(p0.y + 80);
      // The request never changes.
      expect(await requestJson(page)).toBe(request);
      // Saved and reloaded where it was.
      await savedThenReload(page);
      await expect.poll(() => points(page, MODEL_WIRE).count()).toBe(1);
      const [back] = await pointCentres(page, MODEL_WIRE);
      expect(await wireDistance(page, MODEL_WIRE, back)).toBeLessThan(2);
      // Select it, Delete: gone, the wire stays; undo brings it back.
      await page.mouse.click(back.x, back.y);
      await expect.poll(() => points(page, MODEL_WIRE).and(page.locator(".selected")).count()).toBe(1);
      await page.keyboard.press("Delete");
      await expect.poll(() => points(page, MODEL_WIRE).count()).toBe(0);
      expect(await page.locator(`.react-flow__edge[data-id="${MODEL_WIRE}"]`).count()).toBe(1);
      await page.keyboard.press("Control+z");
      await expect.poll(() => points(page, MODEL_WIRE).count()).toBe(1);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("the wire's menu adds a point where it was opened", async (ctx) => {
    const { page, context } = await suite.open(LAPTOP_SIZES[0]);
    shootOnFailure(ctx, () => page);
    const at = await wireMiddle(page, COND_WIRE);
    await page.mouse.click(at.x, at.y, { button: "right" });
    await menu(page).getByRole("menuitem", { name: "Add reroute point" }).click();
    await expect.poll(() => points(page, COND_WIRE).count()).toBe(1);
    const [p] = await pointCentres(page, COND_WIRE);
    expect(Math.hypot(p.x - at.x, p.y - at.y)).toBeLessThan(4);
    await context.close();
  });
});

const frame = (page: Page) => page.locator(".group-frame");
const box = async (page: Page, sel: string) => (await page.locator(sel).boundingBox())!;
const nodeBox = async (page: Page, id: string) => (await node(page, id).boundingBox())!;

/** Selects the Base model and the Prompt, and groups them with Ctrl+Shift+G, titled "Inputs". */
async function groupInputs(page: Page) {
  await backendKnown(page);
  await page.mouse.click(...xy(await settledCenter(node(page, "base").locator(".node-title"))));
  await page.keyboard.down("Control");
  await page.mouse.click(...xy(await settledCenter(node(page, "prompt").locator(".node-title"))));
  await page.keyboard.up("Control");
  await expect.poll(() => page.locator(".react-flow__node.selected").count()).toBe(2);
  await page.keyboard.press("Control+Shift+G");
  await expect.poll(() => frame(page).count()).toBe(1);
  // The title is ready to type.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Group title");
  await page.keyboard.type("Inputs");
  await page.keyboard.press("Enter");
  await expect.poll(() => frame(page).locator(".group-name").innerText()).toBe("Inputs");
}
const xy = (p: { x: number; y: number }) => [p.x, p.y] as const;
const within = (a: { x: number; y: number; width: number; height: number }, o: typeof a) =>
  a.x >= o.x - 1 && a.y >= o.y - 1 && a.x + a.width <= o.x + o.width + 1 && a.y + a.height <= o.y + o.height + 1;

describe("groups", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: Ctrl+Shift+G frames the selection; the title moves it with its nodes; undo, colour, resize, reload, delete`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const request = await requestJson(page);
      await groupInputs(page);
      const f0 = await box(page, ".group-frame");
      for (const id of ["base", "prompt"]) expect(within(await nodeBox(page, id), f0), id).toBe(true);
      expect(within(await nodeBox(page, "sampler"), f0)).toBe(false);
      // Drawn below the nodes: a node's middle hits the node, not the frame.
      const mid = await settledCenter(node(page, "base").locator(".node-title"));
      expect(
        await page.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest(".react-flow__node"), mid),
      ).toBe(true);
      // The starter's Note just above keeps its last lines: the title bar lies clear of it, and under it.
      const note = await nodeBox(page, "note");
      const bar = await box(page, ".group-title");
      expect(
        await page.evaluate(
          ({ x, y }) => !!document.elementFromPoint(x, y)?.closest('.react-flow__node[data-id="note"]'),
          { x: note.x + note.width / 2, y: note.y + note.height - 4 },
        ),
      ).toBe(true);
      expect(bar.y + bar.height).toBeLessThanOrEqual((await nodeBox(page, "base")).y);
      await screenshot(page, `group-${size.width}x${size.height}`);
      // Drag the title: the frame and both its nodes move by the same amount; the Sampler stays.
      const [b0, p0, s0] = [await nodeBox(page, "base"), await nodeBox(page, "prompt"), await nodeBox(page, "sampler")];
      await dragBy(page, await settledCenter(frame(page).locator(".group-name")), -60, 30);
      await expect.poll(async () => (await nodeBox(page, "base")).x).toBeLessThan(b0.x - 40);
      const [b1, p1, s1] = [await nodeBox(page, "base"), await nodeBox(page, "prompt"), await nodeBox(page, "sampler")];
      const f1 = await box(page, ".group-frame");
      expect(Math.abs(b1.x - b0.x - (f1.x - f0.x))).toBeLessThan(2);
      expect(Math.abs(p1.y - p0.y - (f1.y - f0.y))).toBeLessThan(2);
      expect(Math.abs(p1.x - p0.x - (b1.x - b0.x))).toBeLessThan(2);
      expect(s1).toEqual(s0);
      // One undo step puts the frame and its nodes back.
      await page.keyboard.press("Control+z");
      await expect.poll(async () => Math.round((await nodeBox(page, "base")).x)).toBe(Math.round(b0.x));
      expect(Math.round((await box(page, ".group-frame")).x)).toBe(Math.round(f0.x));
      // Colour from the title's menu.
      await page.mouse.click(...xy(await settledCenter(frame(page).locator(".group-name"))), { button: "right" });
      await expect.poll(() => menu(page).getAttribute("aria-label")).toBe("Group menu");
      await menu(page).getByRole("menuitem", { name: "Colour: Green" }).click();
      await expect
        .poll(() => frame(page).evaluate((e) => (e as HTMLElement).style.getPropertyValue("--g")))
        .toBe("#22c55e");
      // Resize from the corner: the nodes stay.
      const corner = await settledCenter(frame(page).locator(".group-resize"));
      await dragBy(page, corner, 120, 60);
      await expect.poll(async () => (await box(page, ".group-frame")).width).toBeGreaterThan(f0.width + 100);
      expect(Math.round((await nodeBox(page, "base")).x)).toBe(Math.round(b0.x));
      // Rename by double-clicking the title.
      await page.mouse.dblclick(...xy(await settledCenter(frame(page).locator(".group-name"))));
      await page.getByRole("textbox", { name: "Group title" }).fill("Model and prompt");
      await page.keyboard.press("Enter");
      await expect.poll(() => frame(page).locator(".group-name").innerText()).toBe("Model and prompt");
      expect(await requestJson(page)).toBe(request);
      // Saved and reloaded as it was.
      const f2 = await box(page, ".group-frame");
      await savedThenReload(page);
      await expect.poll(() => frame(page).count()).toBe(1);
      expect(await frame(page).locator(".group-name").innerText()).toBe("Model and prompt");
      expect(await frame(page).evaluate((e) => (e as HTMLElement).style.getPropertyValue("--g"))).toBe("#22c55e");
      const f3 = await box(page, ".group-frame");
      expect(Math.abs(f3.width - f2.width)).toBeLessThan(2);
      // Select it by its title, Delete: the frame goes, its nodes stay; undo brings it back.
      await page.mouse.click(...xy(await settledCenter(frame(page).locator(".group-name"))));
      await expect.poll(() => page.locator(".group-frame.selected").count()).toBe(1);
      await page.keyboard.press("Delete");
      await expect.poll(() => frame(page).count()).toBe(0);
      expect(await page.locator(".react-flow__node").count()).toBe(4);
      await page.keyboard.press("Control+z");
      await expect.poll(() => frame(page).count()).toBe(1);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("the node menu groups the selection; far out (zoom < 0.4) the title stays readable", async (ctx) => {
    const { page, context } = await suite.open(LAPTOP_SIZES[1]);
    shootOnFailure(ctx, () => page);
    await backendKnown(page);
    await page.mouse.click(...xy(await settledCenter(node(page, "sampler").locator(".node-title"))), {
      button: "right",
    });
    await menu(page)
      .getByRole("menuitem", { name: /^Group/ })
      .click();
    await expect.poll(() => frame(page).count()).toBe(1);
    await page.keyboard.press("Enter");
    const pane = (await page.locator(".react-flow__pane").boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    const zoom = () =>
      page.evaluate(() =>
        Number(
          /scale\(([\d.e-]+)\)/.exec(
            document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform,
          )?.[1],
        ),
      );
    for (let i = 0; i < 40 && (await zoom()) >= 0.3; i++) await page.mouse.wheel(0, 100);
    await expect.poll(zoom).toBeLessThan(0.3);
    await expect.poll(() => page.locator(".far-card").count()).toBeGreaterThan(0);
    // The title's type on screen: at least 12 px tall, and not cut off.
    const title = await frame(page)
      .locator(".group-name")
      .evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { h: r.height, clipped: el.scrollWidth > el.clientWidth + 1, text: el.textContent };
      });
    expect(title.text).toBe("Group");
    expect(title.h).toBeGreaterThanOrEqual(12);
    expect(title.clipped).toBe(false);
    await screenshot(page, "group-far-1280x720");
    await context.close();
  });
});
