// AUTO-10 in real Chromium: a newer lora-graph in another tab opens the run history one version up.
// This tab lets it, shows a banner with Reload, touches the database no more, and a run made
// meanwhile is in the history after the Reload, written to the upgraded database.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { countTransactions, shootOnFailure, upgradeInAnotherTab, setupServerAndBrowser, withFields } from "./helpers";

const suite = setupServerAndBrowser({ standinOptions: { latencyMs: 100, queueDelayMs: 20 } });

async function run(page: Page) {
  const button = page.locator("[data-run-button]");
  await expect.poll(() => button.isEnabled()).toBe(true);
  await button.click();
}

const rows = (page: Page) =>
  page.locator("[data-run-id]").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));

/** The ids of the runs stored in `lora-graph-runs`, and its version. */
const stored = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ version: number; ids: string[] }>((done, fail) => {
        const open = indexedDB.open("lora-graph-runs");
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction("runs").objectStore("runs").getAllKeys();
          get.onsuccess = () => (db.close(), done({ version: db.version, ids: (get.result as string[]).sort() }));
        };
      }),
  );

describe("AUTO-10: another tab upgrades the run history", () => {
  it("shows a banner with Reload; a run made meanwhile is in the history after it", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    await run(page);
    await expect.poll(() => rows(page), { timeout: 20_000 }).toEqual(["completed"]);
    // Count this page's uses of the run history (from the banner on, none may follow).
    const runsTx = await countTransactions(page, "lora-graph-runs");

    // Held by the old tab's open connection, the upgrade would wait forever: that fails instead.
    const upgradedTo = await upgradeInAnotherTab(context, suite.srv.url, "lora-graph-runs", { blockedFails: true });

    const banner = page.getByTestId("banner-history-upgraded");
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Another tab upgraded this browser's run history/);
    expect(await banner.innerText()).toMatch(/written to the history when you reload/);
    // The first run's last writes (its image copy) may have been made until now.
    await runsTx.reset();

    // A different request (not the cached one), run after the upgrade.
    // The banner came after the fit and refitted the view below LIGHT_ZOOM: the Prompt may be a card.
    await (await withFields(page, "prompt")).locator("textarea").first().fill("an owl in a library, after the upgrade");
    await run(page);
    await expect.poll(() => rows(page), { timeout: 20_000 }).toEqual(["completed", "completed"]);
    expect(await runsTx.read()).toBe(0);
    await screenshot(page, "history-upgraded-banner");

    const loaded = page.waitForEvent("load");
    await banner.getByRole("button", { name: "Reload" }).click();
    await loaded;
    await page.waitForSelector('[data-testid="autosave-status"]');
    // The drawer starts closed after a reload: open it to see the history.
    await page.locator(".run-drawer-head .toggle").click();
    await expect.poll(() => rows(page), { timeout: 20_000 }).toEqual(["completed", "completed"]);
    expect(await banner.count()).toBe(0);
    const db = await stored(page);
    expect(db.version).toBe(upgradedTo);
    expect(db.ids).toHaveLength(2);
    expect(errors.filter((e) => !/Failed to load resource|ERR_ABORTED/.test(e))).toEqual([]);
    await context.close();
  });
});
