// The small things a daily user meets: the request JSON wraps between words,
// toasts form one short-lived stack clear of the graph, gallery tiles say what they show. In real
// Chromium against the production build and the stand-in.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { fetchedScripts, firstOpens, IDLE_PARTS } from "../bench/firstOpens";
import {
  boxes,
  cutOff,
  emptyCanvasPoint,
  LAPTOP_SIZES,
  midWordBreaks,
  node,
  overlaps,
  openGuidanceSweep,
  setupServerAndBrowser,
  shootOnFailure,
  type Box,
  withFields,
} from "./helpers";

const suite = setupServerAndBrowser();

const negative = async (page: Page) => (await withFields(page, "prompt")).locator("textarea").nth(1);

describe("the request JSON wraps like prose", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: lines break between words; only a token longer than the line breaks inside`, async (ctx) => {
      const { page, context } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const words = [
        "low quality, blurry, bad anatomy, extra fingers, watermark, signature, jpeg artifacts, lowres, worst quality",
        "(worst quality:1.4), (low quality:1.4), (normal quality:1.4), lowres, bad hands, text, error, missing fingers, cropped",
      ];
      await page.getByRole("tab", { name: "Request" }).click();
      // The panel's narrow at 1280×720: every format tab and Copy still show whole.
      expect(await cutOff(page.locator(".req-tools"), "button")).toEqual([]);
      for (const text of words) {
        await (await negative(page)).fill(text);
        await expect.poll(() => page.locator(".req-body").innerText()).toContain(text.slice(-20));
        expect(await midWordBreaks(page, ".req-body .jl")).toEqual([]);
      }
      await screenshot(page, `request-json-wrap-${size.width}`);
      // A token wider than the panel (a URL) still breaks, so the view never scrolls sideways.
      const url = `https://example.com/${"a".repeat(120)}.png`;
      await (await negative(page)).fill(url);
      await expect.poll(() => page.locator(".req-body").innerText()).toContain("aaaa.png");
      const body = await page.locator(".req-body").evaluate((el) => ({ w: el.scrollWidth, c: el.clientWidth }));
      expect(body.w).toBeLessThanOrEqual(body.c);
      await context.close();
    });
  }
});

/** The toast stack's boxes and the node boxes on screen. */
async function toastBoxes(page: Page): Promise<Box[]> {
  return page
    .locator(".toasts .toast")
    .evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect()).map(({ x, y, width, height }) => ({ x, y, width, height })),
    );
}

describe("toasts", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: the restored-draft notice is a short toast, clear of every node; repeats make one toast; × dismisses`, async (ctx) => {
      // On Playwright's clock, so the test can stop the page's time and run it on instead of
      // waiting the notice's seconds out.
      const context = await suite.b.browser.newContext({ viewport: size });
      await context.clock.install();
      const { page, errors } = await suite.open({ context });
      shootOnFailure(ctx, () => page);
      await (await negative(page)).fill("blurry");
      await expect.poll(() => page.getByTestId("autosave-status").getAttribute("data-state")).toBe("saved");
      await page.reload();
      const notice = page.locator(".toasts").getByTestId("restored-notice");
      await notice.waitFor();
      const shownAt = await page.evaluate(() => Date.now());
      await page.clock.pauseAt(shownAt + 1000);
      await screenshot(page, `toast-restored-${size.width}`);
      const { pane, nodes } = await boxes(page);
      for (const t of await toastBoxes(page)) {
        for (const n of nodes) expect(overlaps(t, n.box), `toast over ${n.id}`).toBe(false);
        expect(overlaps(t, pane), "toast over the canvas").toBe(false);
      }
      // Gone by itself well before the old 8 s: within 7 s of the page's time.
      await page.clock.runFor(5900);
      await notice.waitFor({ state: "detached" });
      await page.clock.resume();

      // The same message three times is one toast.
      const free = await emptyCanvasPoint(page);
      for (let i = 0; i < 3; i++) {
        await page.mouse.click(free.x, free.y, { button: "right" });
        await page.getByRole("menuitem", { name: /Paste/ }).click();
        await page
          .locator(".toast")
          .filter({ hasText: /Nothing to paste/ })
          .waitFor();
      }
      expect(
        await page
          .locator(".toast")
          .filter({ hasText: /Nothing to paste/ })
          .count(),
      ).toBe(1);
      await page.locator(".toast").getByRole("button", { name: "Dismiss" }).click();
      await expect.poll(() => page.locator(".toast").count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

/** What the sweep's chip lies over (a node, the runs bar's other controls), or that it is out of the runs bar. */
function chipCovers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const chip = document.querySelector("[data-sweep-chip]")!.getBoundingClientRect();
    const bar = document.querySelector(".run-drawer-head")!.getBoundingClientRect();
    const found: string[] = [];
    if (chip.left < bar.left || chip.right > bar.right || chip.top < bar.top || chip.bottom > bar.bottom)
      found.push("out of the runs bar");
    for (const el of document.querySelectorAll(".react-flow__node, .run-drawer-head button:not([data-sweep-chip])")) {
      const r = el.getBoundingClientRect();
      if (chip.left < r.right && r.left < chip.right && chip.top < r.bottom && r.top < chip.bottom)
        found.push((el as HTMLElement).dataset.id ?? el.textContent!.trim());
    }
    return found;
  });
}

describe("the gallery", () => {
  it("each tile says the values its sweep cell swept and its seed", async (ctx) => {
    const { page, context } = await suite.open({ width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    await node(page, "sampler").locator(".node-head").click();
    const dialog = await openGuidanceSweep(page);
    await dialog.locator("[data-sweep-run]").click();
    const results = page.locator("[data-sweep-results]");
    await results.waitFor();
    // Wait for the end, then read the count in words: once all cells are done the contact sheet
    // replaces the cells, so polling for three completed cells races with it (and lost in CI).
    await expect.poll(() => results.getAttribute("data-finished"), { timeout: 30_000 }).toBe("true");
    expect(await results.locator(".sr-head").innerText()).toMatch(/\b3 of 3 done · seed \d+/);
    // The Close button, not Escape: once, under load, Escape left these results open (next
    // session looks at why); this test is about the gallery's labels.
    await page
      .getByRole("dialog", { name: /^Sweep · / })
      .getByRole("button", { name: "Close" })
      .click();
    await results.waitFor({ state: "detached" });
    // The chip that reopens the results lies in the runs bar, over no node and none of the bar's buttons.
    await page.locator("[data-sweep-chip]").waitFor();
    expect(await chipCovers(page)).toEqual([]);

    await page.getByRole("button", { name: "Gallery" }).click();
    const tiles = page.getByTestId("gallery-tile");
    await expect.poll(() => tiles.count()).toBe(3);
    const texts = (await tiles.allInnerTexts()).map((t) => t.trim());
    expect(texts.map((t) => t.split("\n")[0]).sort()).toEqual([
      "Guidance (CFG) 12",
      "Guidance (CFG) 3",
      "Guidance (CFG) 7.5",
    ]);
    for (const t of texts) expect(t).toMatch(/\nseed \d+$/);
    await screenshot(page, "gallery-labels-1440");
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, "gallery-labels-1280");
    await expect.poll(() => chipCovers(page)).toEqual([]);
    // A label never spills out of its tile.
    const spill = await tiles.evaluateAll(
      (els) =>
        els.filter((el) =>
          [...el.querySelectorAll("figcaption span")].some(
            (s) => s.getBoundingClientRect().right > el.getBoundingClientRect().right + 0.5,
          ),
        ).length,
    );
    expect(spill).toBe(0);

    // The lightbox is a dialog that holds the focus; Escape closes only it, and the focus goes
    // back to the tile that opened it, so a second Escape closes the gallery.
    const inBox = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"][aria-label="Image"]'));
    await tiles.nth(1).locator(".run-thumb").click();
    const box = page.getByRole("dialog", { name: "Image" });
    await box.waitFor();
    await expect.poll(inBox).toBe(true);
    await page.keyboard.press("Tab");
    expect(await inBox()).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => box.count()).toBe(0);
    const gallery = page.getByRole("dialog", { name: /^Gallery/ });
    expect(await gallery.count()).toBe(1);
    const focusedTile = () =>
      page.evaluate(() => {
        const all = [...document.querySelectorAll('[data-testid="gallery-tile"]')];
        return all.findIndex((t) => t.contains(document.activeElement));
      });
    await expect.poll(focusedTile).toBe(1);
    await page.keyboard.press("Escape");
    await expect.poll(() => gallery.count()).toBe(0);
    await context.close();
  });
});

describe("first opens", () => {
  it("the palette, the Request tab and the templates are fetched while idle, so their first opening fetches nothing", async (ctx) => {
    const { page, context } = await suite.open({ width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    // Every part that opens on a click is fetched once the page is idle (docs/codebase.md#the-first-load).
    await expect.poll(() => fetchedScripts(page, IDLE_PARTS), { timeout: 20_000 }).toEqual(IDLE_PARTS);
    const { palette, request, templates } = await firstOpens(page, await emptyCanvasPoint(page));
    const figures = { palette, request, templates };
    console.log(
      `first opens (ms): ${JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v.ms)])))}`,
    );
    for (const v of Object.values(figures)) expect(v.fetched).toEqual([]);
    // The times are printed, not asserted: a busy machine stretches them (359 ms seen at load 25);
    // their budget (≤ 100 ms) is the bench's (npm run bench -- editor).
    // That a fetched part opens without React's 300 ms Suspense hold-back is lazy.part.test.tsx.
    await context.close();
  });
});

/** Opens the ControlNet lesson from Templates; resolves once its card has been placed. */
async function openLessonCard(page: Page) {
  await page.getByRole("button", { name: "Templates" }).click();
  await page.getByTestId("lesson-gallery").waitFor();
  await page.locator('[data-testid="lesson-controlnet-window"]').click();
  const card = page.locator('[data-lesson-card="controlnet-window"]');
  await card.waitFor();
  // Placed once the view has settled: the card's place is then set on its style.
  await expect.poll(() => card.evaluate((el) => (el as HTMLElement).style.left)).not.toBe("");
  return card;
}

describe("lesson cards", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: the card covers no node, and a reload brings back the lesson, its folding and its place`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const card = await openLessonCard(page);
      const clear = async () => {
        const k = (await card.boundingBox())!;
        const { nodes } = await boxes(page);
        return nodes.filter((n) => overlaps(k, n.box)).map((n) => n.id);
      };
      await expect.poll(clear).toEqual([]);
      await screenshot(page, `lesson-card-${size.width}`);

      await card.getByRole("button", { name: "Collapse lesson" }).click();
      await expect.poll(() => card.getByRole("button", { name: "Expand lesson" }).count()).toBe(1);
      const where = await card.evaluate((el) => [(el as HTMLElement).style.left, (el as HTMLElement).style.top]);
      await expect.poll(() => page.getByTestId("autosave-status").getAttribute("data-state")).toBe("saved");
      await page.reload();
      await card.waitFor();
      expect(await card.getByRole("button", { name: "Expand lesson" }).count()).toBe(1);
      await expect
        .poll(() => card.evaluate((el) => [(el as HTMLElement).style.left, (el as HTMLElement).style.top]))
        .toEqual(where);
      await expect.poll(clear).toEqual([]);
      await screenshot(page, `lesson-card-reloaded-${size.width}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
  it("the card is dragged by its head and stays where it is let go, over nodes too, after a reload", async (ctx) => {
    const { page, context, errors } = await suite.open(LAPTOP_SIZES[1]);
    shootOnFailure(ctx, () => page);
    const card = await openLessonCard(page);
    const place = () => card.evaluate((el) => [parseFloat(el.style.left), parseFloat(el.style.top)]);
    const [x0, y0] = await place();
    // Pressed on the head's label, away from its buttons; let go over the middle of the canvas.
    const head = (await card.locator(".lesson-num").boundingBox())!;
    const pane = (await page.locator(".canvas .react-flow").boundingBox())!;
    const to = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 3 };
    await page.mouse.move(head.x + 10, head.y + head.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x - 40, to.y - 20, { steps: 6 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    const dx = to.x - head.x - 10,
      dy = to.y - head.y - head.height / 2;
    // Followed the pointer (to the pixel: positions are rounded).
    await expect
      .poll(async () => {
        const [x, y] = await place();
        return Math.max(Math.abs(x - x0 - dx), Math.abs(y - y0 - dy));
      })
      .toBeLessThan(1.5);
    const where = await place();
    await screenshot(page, "lesson-card-dragged-1280");
    await expect.poll(() => page.getByTestId("autosave-status").getAttribute("data-state")).toBe("saved");
    await page.reload();
    await card.waitFor();
    // Not moved back to a free corner: the user put it there.
    await expect.poll(place).toEqual(where);
    expect(errors).toEqual([]);
    await context.close();
  });
});
