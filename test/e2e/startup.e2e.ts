// The first load (docs/benchmarks.md#the-first-load): the editor shows as soon as the tab's draft
// is restored, and never shows anything else first.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { emptyCanvasPoint, nodeIds, nodes, setupServerAndBrowser, shootOnFailure } from "./helpers";

const suite = setupServerAndBrowser();

/** Every node id the page puts on the canvas from its first script on (`window.__drawn`). */
function recordDrawnNodes(page: Page) {
  return page.context().addInitScript(() => {
    const drawn = new Set<string>();
    (window as unknown as { __drawn: Set<string> }).__drawn = drawn;
    // Mutation records arrive before the next paint, so no node can be painted unrecorded.
    new MutationObserver(() => {
      for (const n of document.querySelectorAll<HTMLElement>(".react-flow__node")) drawn.add(n.dataset.id ?? "");
    }).observe(document, { subtree: true, childList: true });
  });
}

describe("start-up", () => {
  it("a reload opens on the tab's draft: the starter is never drawn, and the restore is told", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    const starter = await nodeIds(page);
    expect(starter.length).toBeGreaterThan(2);

    // A draft of one node, none of the starter's.
    await page.getByRole("button", { name: "New", exact: true }).click();
    await expect.poll(() => nodes(page).count()).toBe(0);
    const p = await emptyCanvasPoint(page);
    await page.mouse.dblclick(p.x, p.y);
    const search = page.getByLabel("Search nodes");
    await search.fill("scheduler");
    await search.press("Enter");
    await expect.poll(() => nodes(page).count()).toBe(1);
    const draft = await nodeIds(page);
    expect(starter).not.toContain(draft[0]);
    await expect.poll(() => page.getByTestId("autosave-status").getAttribute("data-state")).toBe("saved");

    await recordDrawnNodes(page);
    await page.reload();
    await page.getByTestId("restored-notice").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("restored-notice").innerText()).toMatch(/Restored/);
    expect(await nodeIds(page)).toEqual(draft);
    const drawn = await page.evaluate(() => [...(window as unknown as { __drawn: Set<string> }).__drawn].sort());
    expect(drawn).toEqual(draft);
    expect(errors).toEqual([]);
    await context.close();
  });
});
