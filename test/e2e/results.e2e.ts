// A Sampler shows its latest result large inside the node: arrows step through a batch, a click
// opens the lightbox, the corner resizes it. Against the offline stand-in, in real Chromium.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { LAPTOP_SIZES, emptyCanvasPoint, node, settledCenter, setupServerAndBrowser, shootOnFailure } from "./helpers";

const suite = setupServerAndBrowser();

const preview = (page: Page) => page.locator('[data-result-preview="sampler"]');
const shownSrc = (page: Page) => preview(page).locator("img").getAttribute("src");

/**
 * The parts of the preview's box that something else is drawn over (elementFromPoint on a grid of
 * points inside it), and whether the Sampler's box holds it: [] and true when it shows whole.
 */
function previewCovered(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-result-preview="sampler"]')!;
    const r = el.getBoundingClientRect();
    const n = el.closest(".react-flow__node")!.getBoundingClientRect();
    const covered: string[] = [];
    for (const fx of [0.05, 0.5, 0.95])
      for (const fy of [0.05, 0.5, 0.95]) {
        const hit = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
        if (!hit || !el.contains(hit)) covered.push(`${fx},${fy}: ${hit?.className}`);
      }
    const held = r.left >= n.left - 0.5 && r.right <= n.right + 0.5 && r.top >= n.top && r.bottom <= n.bottom + 0.5;
    return { covered, held };
  });
}

/**
 * The stand-in's images, served as WebP: a picture that cannot carry the recipe, so downloading it
 * raises a toast ("Downloaded without the workflow inside"), the one thing the lightbox itself toasts.
 */
async function serveWebp(page: Page) {
  const webp = Buffer.from(
    await page.evaluate(() => {
      const c = Object.assign(document.createElement("canvas"), { width: 512, height: 512 });
      const g = c.getContext("2d")!;
      const grad = g.createLinearGradient(0, 0, 512, 512);
      grad.addColorStop(0, "#345");
      grad.addColorStop(1, "#c96");
      g.fillStyle = grad;
      g.fillRect(0, 0, 512, 512);
      return c.toDataURL("image/webp").split(",")[1];
    }),
    "base64",
  );
  await page.route("**/standin/files/**", (route) =>
    route.fulfill({ status: 200, contentType: "image/webp", body: webp }),
  );
}

/** Where the toast is against the lightbox: inside it, on top there (not under it), and clear of the picture. */
const toastInLightbox = (page: Page) =>
  page.evaluate(() => {
    const box = document.querySelector('[role="dialog"][aria-label="Image"]')!;
    const toast = box.querySelector(".toast");
    if (!toast) return "no toast in the lightbox";
    const t = toast.getBoundingClientRect();
    const img = box.querySelector("img")!.getBoundingClientRect();
    const hit = document.elementFromPoint(t.left + t.width / 2, t.top + t.height / 2);
    if (!toast.contains(hit)) return `covered by ${hit?.className}`;
    if (t.top < img.bottom && img.top < t.bottom) return "over the picture";
    if (t.bottom > innerHeight || t.top < 0) return "off screen";
    return "shown";
  });

async function runBatchOf(page: Page, n: number, light: boolean) {
  // Through the inspector, where the Sampler's fields read at any zoom.
  await node(page, "sampler").locator(".node-title").click();
  const images = page.locator('.inspector [data-field="num_images"] input:not([type="range"])');
  await images.fill(String(n));
  await images.press("Tab");
  const button = page.locator("[data-run-button]");
  await expect.poll(() => button.isEnabled()).toBe(true);
  await button.click();
  await expect
    .poll(() => page.locator('[data-output-strip="sampler"]').getAttribute("data-status"), { timeout: 20_000 })
    .toBe("completed");
  await expect
    .poll(
      () =>
        preview(page)
          .locator("img")
          .evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0),
      {
        timeout: 10_000,
      },
    )
    .toBe(true);
  if (light) {
    // Fitted at 1280×720 the Sampler is its light card: the result shows whole over it, inside the
    // node, below the card's title, with the runs drawer open and nothing moved.
    expect(await node(page, "sampler").locator(".far-card").count()).toBe(1);
    expect(await previewCovered(page)).toEqual({ covered: [], held: true });
    const title = (await node(page, "sampler").locator(".far-card .far-title").boundingBox())!;
    expect(title.y + title.height).toBeLessThanOrEqual((await preview(page).boundingBox())!.y);
  }
  await screenshot(page, `result-preview-drawer-${page.viewportSize()!.width}x${page.viewportSize()!.height}`);
  // As a user would: fold the runs drawer that the run opened, and pan the canvas until the
  // preview is in view.
  await page.locator(".run-drawer button.toggle").click();
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  const shown = (await preview(page).boundingBox())!;
  const up = Math.max(0, shown.y + shown.height + 130 - (pane.y + pane.height));
  if (up > 0) {
    const from = await emptyCanvasPoint(page);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x, from.y - up / 2, { steps: 4 });
    await page.mouse.move(from.x, from.y - up, { steps: 4 });
    await page.mouse.up();
  }
  await settledCenter(preview(page).locator(".result-resize"));
}

describe("results in the Sampler node", () => {
  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height}: a batch of 3 steps with the arrows, opens in the lightbox, resizes`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const light = size.width === 1280;
      await serveWebp(page);
      // The fitted starter: light cards at 1280×720 (zoom ~0.46, below LIGHT_ZOOM), full nodes at 1440×900.
      await expect.poll(() => node(page, "sampler").locator(".far-card").count()).toBe(light ? 1 : 0);
      await runBatchOf(page, 3, light);
      expect(await preview(page).locator(".result-count").innerText()).toBe("1 / 3");
      // One image at a time, large: about twice as wide as the old 56 px thumbnails, even at
      // 1280×720 where the whole starter is fitted at under half size (0.46 under the stand-in's
      // banner: its 244 px are 112 px there).
      expect(await preview(page).locator("img").count()).toBe(1);
      expect((await preview(page).boundingBox())!.width).toBeGreaterThan(110);
      await screenshot(page, `result-preview-${size.width}x${size.height}`);
      const first = await shownSrc(page);
      await preview(page).getByRole("button", { name: "Next image" }).click();
      await expect.poll(() => preview(page).locator(".result-count").innerText()).toBe("2 / 3");
      expect(await shownSrc(page)).not.toBe(first);
      // Back past the first wraps round to the last; the arrow keys step too.
      await preview(page).getByRole("button", { name: "Previous image" }).click();
      await preview(page).getByRole("button", { name: "Previous image" }).click();
      await expect.poll(() => preview(page).getAttribute("data-index")).toBe("2");
      await page.keyboard.press("ArrowRight");
      await expect.poll(() => preview(page).getAttribute("data-index")).toBe("0");
      await preview(page).getByRole("button", { name: "Next image" }).click();
      // A click opens the lightbox on the image shown.
      await preview(page).locator("img").click();
      const box = page.getByRole("dialog", { name: "Image" });
      await box.waitFor();
      expect(await box.locator("img").getAttribute("alt")).toMatch(/^Result 2 of /);
      // A toast raised while it is open is its last row, above the backdrop: behind it, it was unseen.
      await box.getByRole("button", { name: "Download" }).click();
      await expect.poll(() => toastInLightbox(page)).toBe("shown");
      expect(await box.locator(".toast").innerText()).toMatch(/without the workflow inside/);
      await screenshot(page, `lightbox-toast-${size.width}x${size.height}`);
      await page.keyboard.press("Escape");
      await expect.poll(() => box.count()).toBe(0);
      // The corner resizes the preview, and the node grows around it.
      const before = (await preview(page).boundingBox())!;
      const nodeBefore = (await node(page, "sampler").boundingBox())!;
      const corner = await settledCenter(preview(page).locator(".result-resize"));
      await page.mouse.move(corner.x, corner.y);
      await page.mouse.down();
      await page.mouse.move(corner.x + 60, corner.y + 40, { steps: 5 });
      await page.mouse.move(corner.x + 120, corner.y + 80, { steps: 5 });
      await page.mouse.up();
      await expect.poll(async () => (await preview(page).boundingBox())!.width).toBeGreaterThan(before.width + 100);
      const after = (await preview(page).boundingBox())!;
      expect(after.height).toBeGreaterThan(before.height + 60);
      const nodeAfter = (await node(page, "sampler").boundingBox())!;
      expect(nodeAfter.width).toBeGreaterThan(nodeBefore.width + 100);
      expect(after.x + after.width).toBeLessThanOrEqual(nodeAfter.x + nodeAfter.width);
      expect((await previewCovered(page)).covered).toEqual([]);
      // The node itself did not move: the corner drag is not a node drag.
      expect(Math.abs(nodeAfter.x - nodeBefore.x)).toBeLessThan(1);
      await screenshot(page, `result-preview-resized-${size.width}x${size.height}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
