// A running batch driven by the mouse against the offline stand-in: Pause sends nothing more
// (counted by the stand-in), Resume finishes it, Cancel sends none of the queued runs and says so.
// A batch over the cap (a setting, 500 unless changed) asks first, naming its count, and Cancel or
// Escape sends nothing. A table with a BOM or CRLF is refused at its line and column, and one click
// converts it and previews it again, sending nothing.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { dropBatchTable, shootOnFailure, setupServerAndBrowser } from "./helpers";

// Each run takes a while, so a pause or cancel lands with a run in flight and others queued.
const slow = setupServerAndBrowser({ standinOptions: { latencyMs: 1500, queueDelayMs: 50 } });

const submits = () => slow.srv.standin!.stats().calls.submit;
const state = (page: Page) => page.locator("[data-batch-progress]").getAttribute("data-batch-state");
const items = (page: Page, s: string) => page.locator(`[data-batch-item].${s}`).count();
const done = async (page: Page) => Number(await page.locator("[data-batch-done]").getAttribute("data-batch-done"));

async function openBatch(page: Page) {
  await page.getByRole("button", { name: "Batch", exact: true }).click();
  await page.locator("[data-batch-setup]").waitFor();
}

/** Sets up `count` runs of the pipeline, one at a time, and waits for the preview to agree. */
async function setUp(page: Page, count: number, concurrency = 1) {
  await openBatch(page);
  const runs = page.getByLabel("Runs per row");
  await runs.click({ clickCount: 3 });
  await page.keyboard.type(String(count));
  await page.getByLabel("Concurrency").selectOption(String(concurrency));
  await expect.poll(() => page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe(String(count));
}

describe("a running batch", () => {
  it("Pause sends nothing more; Resume sends the rest and finishes", async (ctx) => {
    slow.srv.standin!.resetStats();
    const { page, context } = await slow.open();
    shootOnFailure(ctx, () => page);
    await setUp(page, 4);
    await page.locator("[data-batch-run]").click();
    await expect.poll(() => items(page, "running"), { timeout: 20_000 }).toBe(1);
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    await expect.poll(() => state(page)).toBe("paused");
    // The run in flight finishes; its end is what would send the next one, were it not paused.
    await expect.poll(() => done(page), { timeout: 30_000 }).toBe(1);
    // Its image is fetched and drawn after that, so anything the end sent has reached the stand-in.
    await page.locator("[data-batch-item].done img").first().waitFor({ timeout: 20_000 });
    expect(await items(page, "running")).toBe(0);
    expect(await items(page, "waiting")).toBe(3);
    expect(submits()).toBe(1);
    expect(await state(page)).toBe("paused");

    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe("finished");
    expect(await done(page)).toBe(4);
    expect(submits()).toBe(4);
    await context.close();
  });

  it("Cancel sends none of the queued runs, cancels the one at fal, and says so", async (ctx) => {
    slow.srv.standin!.resetStats();
    const { page, context } = await slow.open();
    shootOnFailure(ctx, () => page);
    await setUp(page, 5);
    // The first run waits at fal until cancelled: a busy machine's click cannot come after it ends.
    slow.srv.standin!.faults.add({ op: "submit", kind: "stuck" });
    await page.locator("[data-batch-run]").click();
    await expect.poll(() => items(page, "running"), { timeout: 20_000 }).toBe(1);
    await page.getByRole("button", { name: "Cancel batch" }).click();
    await expect.poll(() => state(page), { timeout: 20_000 }).toBe("cancelled");
    await expect
      .poll(() => page.locator("[data-batch-cancelled]").innerText())
      .toBe("Cancelled: 4 queued runs were not sent.");
    expect(await items(page, "skipped")).toBe(4);
    expect(await page.locator("[data-batch-item].skipped").first().innerText()).toMatch(/skipped/);
    // The cell reads its run from the history, which records the cancel after the batch flips.
    await expect.poll(() => page.locator("[data-batch-item]").first().innerText()).toMatch(/^cancelled/);
    expect(submits()).toBe(1);
    await expect.poll(() => slow.srv.standin!.stats().calls.cancel).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole("button", { name: "Resume" }).count()).toBe(0);
    await screenshot(page, "batch-cancelled-1280x720");
    slow.srv.standin!.releaseStuck();
    await context.close();
  });
});

describe("a batch over the cap", () => {
  it("asks first, naming its count; Cancel and Escape send nothing; the cap is a setting", async (ctx) => {
    slow.srv.standin!.resetStats();
    const { page, context } = await slow.open({ width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    // The default cap is 500.
    await setUp(page, 501, 4);
    await page.locator("[data-batch-run]").click();
    const ask = page.getByRole("dialog", { name: "Send 501 requests?" });
    await ask.waitFor();
    expect(await ask.locator("[data-batch-confirm]").innerText()).toMatch(/sends 501 requests .*cap of 500/);
    await screenshot(page, "batch-confirm-1440x900");
    await ask.getByRole("button", { name: "Cancel" }).click();
    await ask.waitFor({ state: "detached" });
    // Still setting up, and nothing went anywhere.
    await page.locator("[data-batch-setup]").waitFor();
    expect(submits()).toBe(0);
    await page.keyboard.press("Escape");
    await page.locator("[data-batch-setup]").waitFor({ state: "detached" });

    // The cap is changed in Settings, where it stays.
    await page.getByRole("button", { name: "Settings", exact: true }).click();
    const cap = page.getByLabel("Batch cap");
    await cap.click({ clickCount: 3 });
    await page.keyboard.type("3");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Settings" }).waitFor({ state: "detached" });
    await page.reload();
    await page.waitForSelector('[data-testid="autosave-status"]');

    await setUp(page, 4, 4);
    await page.locator("[data-batch-run]").click();
    const four = page.getByRole("dialog", { name: "Send 4 requests?" });
    await four.waitFor();
    expect(await four.locator("[data-batch-confirm]").innerText()).toMatch(/sends 4 requests .*cap of 3/);
    // Escape closes the question only.
    await page.keyboard.press("Escape");
    await four.waitFor({ state: "detached" });
    await page.locator("[data-batch-setup]").waitFor();
    expect(submits()).toBe(0);
    // Three runs are within the cap: no question.
    await page.getByLabel("Runs per row").click({ clickCount: 3 });
    await page.keyboard.type("3");
    await expect.poll(() => page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe("3");
    await page.getByLabel("Runs per row").click({ clickCount: 3 });
    await page.keyboard.type("4");
    await expect.poll(() => page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe("4");
    await page.locator("[data-batch-run]").click();
    await four.getByRole("button", { name: "Send 4 requests" }).click();
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe("finished");
    expect(submits()).toBe(4);
    await context.close();
  });
});

describe("a table with a BOM or CRLF", () => {
  it("is refused at its line and column; one click converts it and previews it, sending nothing", async (ctx) => {
    slow.srv.standin!.resetStats();
    const { page, context } = await slow.open({ width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await openBatch(page);
    // As Excel's "CSV UTF-8" writes it.
    await dropBatchTable(page, "excel.csv", '\ufeffprompt.prompt,sampler.seed\r\n"a fox",1\r\n"an owl",2\r\n');
    const errors = page.locator("[data-batch-error]");
    await expect.poll(() => errors.count()).toBe(2);
    expect(await errors.nth(0).innerText()).toMatch(/^excel\.csv line 1, column 1: .*byte-order mark/);
    expect(await errors.nth(1).innerText()).toMatch(/^excel\.csv line 1, column 28: .*CRLF/);
    expect(await page.locator("[data-batch-run]").isDisabled()).toBe(true);
    await screenshot(page, "batch-bom-1280x720");

    await page.getByRole("button", { name: "Convert to plain UTF-8 with LF line endings" }).click();
    await expect.poll(() => page.locator("[data-batch-preview] tbody tr").count()).toBe(2);
    expect(await errors.count()).toBe(0);
    expect(await page.locator('[data-batch-row="2"]').innerText()).toMatch(/an owl/);
    const text = await page.getByLabel("Table (CSV or JSON lines)").inputValue();
    expect(text).toBe('prompt.prompt,sampler.seed\n"a fox",1\n"an owl",2\n');
    expect(await page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe("2");
    expect(await page.locator("[data-batch-run]").isDisabled()).toBe(false);
    expect(submits()).toBe(0);
    await context.close();
  });
});
