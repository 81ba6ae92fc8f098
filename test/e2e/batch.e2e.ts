// Batches in real Chromium against the offline stand-in: a dropped 6-row CSV is previewed (a bad
// row marked), runs as 6 requests with a labelled contact sheet and a gallery filter, and one
// result's image brings its row's values back; a reload mid-batch resends nothing and finishes;
// a wildcard list edited in the library (and one in the workspace) is what a batch draws from.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { startServer, type StartedServer } from "../harness/server";
import { screenshot, type TestBrowser } from "../harness/browser";
import { createWorkspace } from "../../src/server/workspace/index";
import { downloadedBytes, dropBatchTable, openEditor, requestJson, shootOnFailure, connectBrowser } from "./helpers";
import { WORKFLOW_KEYWORD, readImageMetadata } from "../../src/interop/image";

let fast: StartedServer;
let slow: StartedServer;
let b: TestBrowser;
let wsDir: string;

beforeAll(async () => {
  wsDir = await mkdtemp(join(tmpdir(), "lora-graph-batch-ws-"));
  const workspace = await createWorkspace({
    dir: wsDir,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  await writeFile(join(wsDir, "wildcards", "beast.txt"), "owl\nfox\n");
  [fast, slow, b] = await Promise.all([
    startServer({ workspace, standinOptions: { latencyMs: 200, queueDelayMs: 50 } }),
    // Slow enough to reload in the middle of a batch.
    startServer({ standinOptions: { latencyMs: 2500, queueDelayMs: 100 } }),
    connectBrowser(),
  ]);
});
afterAll(async () => {
  await b?.close();
  await fast?.close();
  await slow?.close();
  if (wsDir) await rm(wsDir, { recursive: true, force: true });
});

const rows = (n: number) =>
  [
    "prompt.prompt,sampler.seed",
    ...Array.from({ length: n }, (_, i) => `"a queen, {red|blue} cloak, row ${i + 1}",${i + 11}`),
  ].join("\n");

/** The text of a wildcard list as the library stored it in IndexedDB, or null. */
function storedList(page: Page, name: string): Promise<string | null> {
  return page.evaluate(
    (name) =>
      new Promise<string | null>((done) => {
        const open = indexedDB.open("lora-graph");
        open.onerror = () => done(null);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("wildcards")) return (db.close(), done(null));
          const get = db.transaction("wildcards").objectStore("wildcards").get(name);
          get.onsuccess = () => (db.close(), done((get.result as { text?: string } | undefined)?.text ?? null));
          get.onerror = () => (db.close(), done(null));
        };
      }),
    name,
  );
}

async function openBatch(page: Page) {
  await page.getByRole("button", { name: "Batch", exact: true }).click();
  await page.locator("[data-batch-setup]").waitFor();
}

const batchState = (page: Page) => page.locator("[data-batch-progress]").getAttribute("data-batch-state");

describe("batches", () => {
  it("a dropped 6-row CSV is previewed, runs as 6 requests, draws a contact sheet; an image gives its row back", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context, errors } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    await openBatch(page);
    // A row whose value fails its param's schema is marked before anything is sent.
    await dropBatchTable(page, "bad.csv", "prompt.prompt,sampler.seed\nfine,1\nbad seed,-5\n");
    await page.locator('[data-batch-row="2"].bad').waitFor();
    // Every row is in the grid; the bad one is marked at its column, with why.
    expect(await page.locator("[data-batch-preview] tbody tr").count()).toBe(2);
    expect(await page.locator('[data-batch-row="1"]').getAttribute("class")).not.toMatch(/bad/);
    const cell = page.locator('[data-batch-row="2"] [data-batch-cell="sampler.seed"]');
    expect(await cell.getAttribute("aria-invalid")).toBe("true");
    expect(await cell.getAttribute("title")).toMatch(/at least 0/);
    expect(await page.locator('[data-batch-row="2"] [data-batch-status]').innerText()).toMatch(
      /sampler\.seed: .*at least 0/,
    );
    expect(await page.locator("[data-batch-run]").isDisabled()).toBe(true);
    expect(await page.locator("[data-batch-error]").first().innerText()).toMatch(/row 2 \(line 3, column 10\)/);

    await dropBatchTable(page, "rows.csv", rows(6));
    await expect.poll(() => page.locator("[data-batch-preview] tbody tr").count()).toBe(6);
    expect(await page.locator("[data-batch-preview] tr.bad").count()).toBe(0);
    expect(await page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe("6");
    expect(fast.standin!.stats().calls.submit).toBe(0);
    await page.locator("[data-batch-run]").click();

    await expect.poll(() => batchState(page), { timeout: 60_000 }).toBe("finished");
    expect(await page.locator("[data-batch-done]").getAttribute("data-batch-done")).toBe("6");
    await expect
      .poll(() => page.locator("[data-contact-sheet]").evaluate((img: HTMLImageElement) => img.naturalWidth > 0), {
        timeout: 20_000,
      })
      .toBe(true);
    expect(fast.standin!.stats().calls.submit).toBe(6);

    // The gallery, filtered to this batch, holds its 6 images.
    await page.locator("[data-batch-gallery]").click();
    await expect.poll(() => page.locator(".run-gallery-grid > *").count()).toBe(6);
    expect(await page.locator("[data-gallery-filter]").inputValue()).not.toBe("");
    // Each tile says which row it is, with the values drawn for it, and its seed.
    const tiles = await page.getByTestId("gallery-tile").allInnerTexts();
    expect(tiles.map((t) => t.match(/^#(\d+)/)?.[1]).sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
    for (const t of tiles) expect(t).toMatch(/\nseed \d+$/);

    // One result's image carries its row: restoring it gives back that row's values.
    await page.locator(".run-gallery-grid > *").nth(2).click();
    const [dl] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download", exact: true }).click(),
    ]);
    const meta = readImageMetadata(await downloadedBytes(dl));
    if (!meta.ok) throw new Error(meta.error);
    const batch = JSON.parse(meta.entries[WORKFLOW_KEYWORD]).meta.batch;
    expect(batch.values["prompt.prompt"]).toMatch(new RegExp(`^a queen, (red|blue) cloak, row ${batch.row}$`));
    expect(batch.values["sampler.seed"]).toBe(batch.row + 10);
    await page.getByRole("button", { name: "Restore this graph" }).click();
    const confirm = page.getByRole("button", { name: /Replace|Restore/ }).last();
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await expect.poll(() => requestJson(page)).toContain(JSON.stringify(batch.values["prompt.prompt"]));
    expect(await requestJson(page)).toContain(`"seed": ${batch.values["sampler.seed"]}`);
    expect(errors.filter((e) => !/Failed to load resource|ERR_ABORTED/.test(e))).toEqual([]);
    await context.close();
  });

  it("BAT-01 a reload mid-batch resends nothing: the batch resumes and finishes with one submit per row", async (ctx) => {
    slow.standin!.resetStats();
    const { page, context } = await openEditor(b, slow.url);
    shootOnFailure(ctx, () => page);
    await openBatch(page);
    await dropBatchTable(page, "rows.csv", rows(6));
    await expect.poll(() => page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe("6");
    await page.getByLabel("Concurrency").selectOption("2");
    await page.locator("[data-batch-run]").click();
    // Reload with some runs finished and others in flight.
    await expect
      .poll(async () => Number(await page.locator("[data-batch-done]").getAttribute("data-batch-done")), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator("[data-batch-done]").getAttribute("data-batch-done"))).toBeLessThan(6);
    await page.reload();
    await page.locator("[data-batch-chip]").waitFor({ timeout: 20_000 });
    await page.locator("[data-batch-chip]").click();
    await expect.poll(() => batchState(page), { timeout: 60_000 }).toBe("finished");
    // A row whose submit fal had not confirmed when the page closed is not sent again (it may have
    // run and been billed): it is reported as such, as single runs are (EXE-02). Every other row
    // finishes, and no row is ever submitted twice.
    const done = Number(await page.locator("[data-batch-done]").getAttribute("data-batch-done"));
    const unconfirmed = await page
      .locator("[data-batch-item].failed")
      .evaluateAll((els) => els.map((e) => e.getAttribute("title") ?? ""));
    for (const problem of unconfirmed) expect(problem).toMatch(/page closed before fal confirmed/);
    expect(done + unconfirmed.length).toBe(6);
    expect(unconfirmed.length).toBeLessThanOrEqual(2); // at most the two in flight at concurrency 2
    const submits = slow.standin!.stats().calls.submit;
    expect(submits).toBeGreaterThanOrEqual(done);
    expect(submits).toBeLessThanOrEqual(6);
    await context.close();
  });

  it("a wildcard list edited in the library survives a reload and is what the batch draws", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context, errors } = await openEditor(b, fast.url, { width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    await openBatch(page);
    // The workspace's list is there, marked as the workspace's.
    await page.locator('[data-list-home="workspace"]', { hasText: "beast" }).waitFor();
    await page.getByLabel("New list name").fill("colors");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const list = page.getByLabel("List colors, one option a line");
    await list.click();
    await page.keyboard.type("crimson\nteal\n# not an option");
    await page.keyboard.press("Escape");
    await page.locator("[data-batch-setup]").waitFor({ state: "detached" });
    // Each keystroke's write is still on its way on a busy machine: reload once the last one is stored.
    await expect.poll(() => storedList(page, "colors"), { timeout: 15_000 }).toBe("crimson\nteal\n# not an option");
    await page.reload();
    await page.waitForSelector('[data-testid="autosave-status"]');
    await openBatch(page);
    await page.getByRole("tab", { name: "colors" }).click();
    await expect
      .poll(() => page.getByLabel("List colors, one option a line").inputValue())
      .toBe("crimson\nteal\n# not an option");
    expect(await page.locator('[data-list-home="library"]', { hasText: "colors" }).count()).toBe(1);

    // A list of the workspace's added here is a file there.
    await page.getByLabel("New list name").fill("mood");
    await page.getByLabel("Keep the new list in").selectOption("workspace");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByLabel("List mood, one option a line").click();
    await page.keyboard.type("calm");
    await page.getByLabel("Batch seed").click(); // leaving the list saves it
    await expect.poll(() => readFile(join(wsDir, "wildcards", "mood.txt"), "utf8").catch(() => "")).toBe("calm");

    await dropBatchTable(page, "rows.csv", 'prompt.prompt\n"a __colors__ __beast__, __mood__"\n"a __colors__ queen"\n');
    await expect.poll(() => page.locator("[data-batch-preview] tbody tr").count()).toBe(2);
    const drawn = await page.locator('[data-batch-row="1"]').innerText();
    expect(drawn).toMatch(/a (crimson|teal) (owl|fox), calm/);
    expect(drawn).not.toMatch(/not an option/);
    await screenshot(page, "batch-lists-1440x900");
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, "batch-lists-1280x720");

    // A list that names itself through another is refused, with the path of the cycle.
    await page.getByRole("tab", { name: "colors" }).click();
    await page.getByLabel("List colors, one option a line").fill("__loop__");
    await page.getByLabel("New list name").fill("loop");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByLabel("List loop, one option a line").fill("__colors__");
    await expect
      .poll(() => page.locator("[data-batch-error]").first().innerText())
      .toMatch(/__colors__ → __loop__ → __colors__/);
    expect(await page.locator("[data-batch-run]").isDisabled()).toBe(true);
    await page.getByLabel("List loop, one option a line").fill("teal");
    await page.getByRole("tab", { name: "colors" }).click();
    await page.getByLabel("List colors, one option a line").fill("crimson\nteal");

    await expect.poll(() => page.locator("[data-batch-count]").getAttribute("data-batch-count")).toBe("2");
    await page.locator("[data-batch-run]").click();
    await expect.poll(() => batchState(page), { timeout: 60_000 }).toBe("finished");
    expect(await page.locator("[data-batch-done]").getAttribute("data-batch-done")).toBe("2");
    expect(fast.standin!.stats().calls.submit).toBe(2);
    const labels = await page.locator("[data-batch-item] figcaption").allInnerTexts();
    expect(labels.join("\n")).toMatch(/a (crimson|teal) (owl|fox), calm/);
    expect(errors.filter((e) => !/Failed to load resource|ERR_ABORTED/.test(e))).toEqual([]);
    await context.close();
  });
});
