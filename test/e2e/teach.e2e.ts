// Teaching features in real Chromium against the offline stand-in: a 3×2 sweep makes six requests
// and one labelled contact sheet (with the workflow inside), the denoising timeline follows edits
// made in the ControlNet's node, and a lesson opens from the template gallery and runs its sweep.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  cutOff,
  dialogSettled,
  downloadedBytes,
  layoutProblems,
  node,
  openGuidanceSweep,
  shootOnFailure,
  setupServerAndBrowser,
  emptyCanvasPoint,
  withFields,
} from "./helpers";
import { WORKFLOW_KEYWORD, readImageMetadata } from "../../src/interop/image";

const suite = setupServerAndBrowser();

async function contactSheetLoaded(page: Page): Promise<boolean> {
  return page
    .locator("[data-contact-sheet]")
    .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)
    .catch(() => false);
}

async function selectNode(page: Page, id: string) {
  await node(page, id).locator(".node-head").click();
}

async function openTemplates(page: Page) {
  await page.getByRole("button", { name: "Templates" }).click();
  await page.locator('[data-testid="lesson-gallery"]').waitFor();
  await dialogSettled(page);
}

describe("teaching features", () => {
  it("a 3×2 sweep on the stand-in sends 6 requests, records 6 runs and draws one contact sheet with the workflow inside; Compare explains two of its runs", async (ctx) => {
    suite.srv.standin!.resetStats();
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    await selectNode(page, "sampler");
    const dialog = await openGuidanceSweep(page);
    await dialog.getByRole("button", { name: /Add a second axis/ }).click();
    await dialog.getByLabel("Axis 2: what to sweep").selectOption("p|sampler|image_size");
    await dialog.getByLabel("Axis 2 values").fill("square_hd, square");
    // The count is shown before anything is sent.
    await expect.poll(() => dialog.locator("[data-sweep-count]").getAttribute("data-sweep-count")).toBe("6");
    expect(await dialog.locator(".sw-shape").innerText()).toContain("3 columns × 2 rows");
    expect(suite.srv.standin!.stats().calls.submit).toBe(0);
    await dialog.locator("[data-sweep-run]").click();

    const results = page.locator("[data-sweep-results]");
    await results.waitFor();
    await expect.poll(() => contactSheetLoaded(page), { timeout: 30_000 }).toBe(true);
    expect(await page.locator("[data-contact-sheet]").count()).toBe(1);
    expect(suite.srv.standin!.stats().calls.submit).toBe(6);
    // The same runner and history: six completed runs in the runs drawer.
    await results.getByRole("button", { name: "Show individual runs" }).click();
    expect(await results.locator('[data-sweep-cell][data-status="completed"]').count()).toBe(6);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Runs" }).click();
    await expect.poll(() => page.locator('[data-run-id][data-status="completed"]').count()).toBe(6);

    // At 1280×720 the chip's two-axis title gives way with an ellipsis, not cut mid-letter.
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(await cutOff(page.locator(".run-drawer-head"), "[data-sweep-chip], [data-sweep-chip] *")).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });

    // Downloaded as one PNG carrying the workflow and the sweep.
    await page.locator("[data-sweep-chip]").click();
    const [dl] = await Promise.all([
      page.waitForEvent("download"),
      results.locator("[data-contact-sheet-download]").click(),
    ]);
    expect(dl.suggestedFilename()).toMatch(/-sweep\.png$/);
    const meta = readImageMetadata(new Uint8Array(await downloadedBytes(dl)));
    expect(meta.ok).toBe(true);
    if (meta.ok) {
      expect(JSON.parse(meta.entries[WORKFLOW_KEYWORD]).nodes.some((n: { id: string }) => n.id === "sampler")).toBe(
        true,
      );
      // The first cell's recipe, for other tools: A1111's parameters text with its CFG scale.
      expect(meta.entries.parameters).toMatch(/\nSteps: \d+, .*CFG scale: 3, /);
      const sweep = JSON.parse(meta.entries["lora-graph-sweep"]);
      expect(sweep.axes.map((a: { values: unknown[] }) => a.values)).toEqual([
        [3, 7.5, 12],
        ["square_hd", "square"],
      ]);
    }
    await page.keyboard.press("Escape");

    // Compare the two newest runs from the history: their difference in plain words.
    await page.locator("[data-compare-open]").click();
    const diff = page.locator("[data-compare-diff]");
    await diff.waitFor();
    expect(await diff.innerText()).toMatch(/guidance_scale 7\.5 → 12/);
    // Each run's long name ends in an ellipsis, never under the select's arrow.
    expect(await cutOff(page.locator("[data-compare]"), "select")).toEqual([]);
    expect(await page.locator("[data-compare] [data-run-image]").count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the timeline's ControlNet bar follows an edit of the ControlNet's End in its node, and dragging its edge edits the node (one undo step)", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    await openTemplates(page);
    await page.locator('[data-testid="template-masked-controlnet"]').click();
    await node(page, "canny").waitFor();
    // Fitted, the nodes are light cards: zoom to the ControlNet to see its fields.
    const canny = await withFields(page, "canny");
    await selectNode(page, "sampler");
    const bar = page.locator('.inspector [data-cn-bar="canny"]');
    await bar.waitFor();
    const before = (await bar.boundingBox())!.width;
    // End 0.8 → 0.4 in the ControlNet node on the canvas: the bar halves.
    const end = canny.locator("#n-canny-end_percentage");
    await end.fill("0.4");
    await end.press("Tab");
    await expect.poll(async () => (await bar.boundingBox())!.width / before, { timeout: 5000 }).toBeCloseTo(0.5, 1);

    // Drag the bar's end edge to the right end of the strip: the node's End becomes 1. Tab left the
    // field above, which ends its typing step, so the drag is a step of its own however soon it comes.
    const handle = page.locator('.inspector [data-node="canny"][data-edge="end"]');
    const h = (await handle.boundingBox())!;
    const strip = (await page.locator(".inspector .tl-svg").boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(strip.x + strip.width * 0.7, h.y + h.height / 2, { steps: 5 });
    await page.mouse.move(strip.x + strip.width + 40, h.y + h.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => end.inputValue()).toBe("1");
    // Zoomed in on the ControlNet, the pane's corner may be a node's field: click bare canvas.
    const free = await emptyCanvasPoint(page);
    await page.mouse.click(free.x, free.y);
    await page.keyboard.press("Control+z");
    await expect.poll(() => end.inputValue()).toBe("0.4");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a lesson opens from the template gallery with its explanation, and its ready-made sweep runs end to end", async (ctx) => {
    suite.srv.standin!.resetStats();
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    await openTemplates(page);
    expect(await page.locator('[data-testid^="lesson-"]').count()).toBeGreaterThanOrEqual(6); // the gallery plus ≥5 lessons
    await page.locator('[data-testid="lesson-controlnet-window"]').click();
    const card = page.locator('[data-lesson-card="controlnet-window"]');
    await card.waitFor();
    expect(await card.innerText()).toContain("ControlNet start and end");
    expect(await card.innerText()).toMatch(/composition/);
    // The lesson selects what it is about: the ControlNet, with its window on the timeline.
    await page.locator('.inspector [data-cn-bar="canny"]').waitFor();
    // Its Edge map, placed where the Prompt's foot now draws, has moved clear of it once drawn.
    await expect.poll(() => layoutProblems(page, { overlapping: true })).toEqual([]);
    await card.locator("[data-lesson-sweep]").click();
    const dialog = page.locator("[data-sweep-dialog]");
    await expect.poll(() => dialog.locator("[data-sweep-count]").getAttribute("data-sweep-count")).toBe("5");
    await dialog.locator("[data-sweep-run]").click();
    await expect.poll(() => contactSheetLoaded(page), { timeout: 30_000 }).toBe(true);
    expect(suite.srv.standin!.stats().calls.submit).toBe(5);
    // Closing the lesson card leaves the pipeline as it is.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await card.getByRole("button", { name: "Close lesson" }).click();
    expect(await card.count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
