// Focus stays inside an open dialog, so Escape closes it and canvas shortcuts cannot act behind
// it, even after the dialog swaps its body (Import failing, a save finishing, a sweep turning
// into its results).
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startServer } from "../harness/server";
import { screenshot } from "../harness/browser";
import {
  LAPTOP_SIZES,
  node,
  nodeIds,
  openEditor,
  openGuidanceSweep,
  setupServerAndBrowser,
  shootOnFailure,
} from "./helpers";

const suite = setupServerAndBrowser();

const dialogs = (page: Page) => page.locator('[role="dialog"]');
const focusInTopDialog = (page: Page) =>
  page.evaluate(() => {
    const all = document.querySelectorAll('[role="dialog"]');
    const top = all[all.length - 1];
    return !!top && top.contains(document.activeElement);
  });

/** Where the toast is against the open dialog: inside its frame, and below its (scrolling) content. */
const toastPlace = (page: Page) =>
  page.evaluate(() => {
    const box = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
    const [toast, dialog, body] = [box(".toast"), box('[role="dialog"]'), box('[role="dialog"] .modal-body')];
    return {
      inDialog:
        toast.top >= dialog.top &&
        toast.bottom <= dialog.bottom &&
        toast.left >= dialog.left &&
        toast.right <= dialog.right,
      belowContent: toast.top >= body.bottom,
    };
  });

describe("dialogs keep focus", () => {
  it("Escape closes a dialog after Import fails, after a save inside it, and Delete never reaches the canvas", async (ctx) => {
    const { page, context, errors } = await suite.open(LAPTOP_SIZES[1]);
    shootOnFailure(ctx, () => page);
    const before = await nodeIds(page);

    await page.getByRole("button", { name: "Import request" }).click();
    await page.getByLabel("Text to import").fill('{"prompt": "a fox",');
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.locator('[role="dialog"] .callout.error').waitFor();
    await expect.poll(() => focusInTopDialog(page)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => dialogs(page).count()).toBe(0);

    // A dialog over a dialog: saving closes the inner one and focus goes back into the outer.
    await page.getByRole("button", { name: "Library" }).click();
    await page.getByTestId("library-save-current").click();
    await page.getByTestId("save-as-name").fill("Focus study");
    await page.getByTestId("save-as-submit").click();
    await expect.poll(() => page.getByTestId("library-item-name").allInnerTexts()).toHaveLength(1);
    await expect.poll(() => dialogs(page).count()).toBe(1);
    await expect.poll(() => focusInTopDialog(page)).toBe(true);
    // The save's toast is the Library's last row, under its content: above the dialog it hid the last row.
    await page.locator('[role="dialog"] .modal-toasts .toast').waitFor();
    expect(await toastPlace(page)).toEqual({ inDialog: true, belowContent: true });
    await screenshot(page, "library-toast-1280x720");
    await page.keyboard.press("Delete");
    await page.keyboard.press("Escape");
    await expect.poll(() => dialogs(page).count()).toBe(0);
    expect(await nodeIds(page)).toEqual(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the sweep's results keep the focus from the moment they appear, and after their focused Cancel button goes; Escape closes them", async (ctx) => {
    // A stand-in slow enough (1.5 s a run) that the sweep is still running when its results open.
    const slow = await startServer({ standinOptions: { latencyMs: 1500 } });
    const { page, context, errors } = await openEditor(suite.b, slow.url);
    shootOnFailure(ctx, () => page);
    const results = page.locator("[data-sweep-results]");
    const runSweep = async () => {
      const dialog = await openGuidanceSweep(page);
      // The Run button that held the focus goes with the sweep form.
      await dialog.locator("[data-sweep-run]").click();
      await results.waitFor();
    };
    await node(page, "sampler").locator(".node-head").click();

    // Cancel takes the focus, turns disabled, and is gone once the sweep has stopped.
    await runSweep();
    await results.getByRole("button", { name: "Cancel sweep" }).click();
    await page.locator("[data-sweep-results][data-finished]").waitFor({ timeout: 20_000 });
    await expect.poll(() => results.getByRole("button", { name: /Cancel/ }).count()).toBe(0);
    await expect.poll(() => focusInTopDialog(page)).toBe(true);
    await page.keyboard.press("Delete");
    await page.keyboard.press("Escape");
    await results.waitFor({ state: "detached" });

    // Escape at once, before the results have placed their focus.
    await runSweep();
    await page.keyboard.press("Escape");
    await results.waitFor({ state: "detached" });
    expect(await nodeIds(page)).toContain("sampler");
    expect(errors).toEqual([]);
    await context.close();
    await slow.close();
  });
});
