// Layout (toolbar and Ctrl+Shift+L) untangles a pipeline the user piled up: the same ELK layout
// the import uses, fed with the sizes the editor really drew.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { dragBetween, node, nodeIds, setupServerAndBrowser, shootOnFailure } from "./helpers";

const suite = setupServerAndBrowser();

/** Node rectangles in flow units, as xyflow placed and measured them. */
const rects = (page: Page) =>
  page.$$eval(".react-flow__node", (els) => {
    const zoom = (() => {
      const t = getComputedStyle(document.querySelector(".react-flow__viewport")!).transform;
      return t === "none" ? 1 : new DOMMatrix(t).a;
    })();
    return els.map((e) => {
      const r = e.getBoundingClientRect();
      return {
        id: (e as HTMLElement).dataset.id!,
        x: r.x / zoom,
        y: r.y / zoom,
        w: r.width / zoom,
        h: r.height / zoom,
      };
    });
  });

const overlapping = async (page: Page) => {
  const all = await rects(page);
  const pairs: string[] = [];
  for (const a of all)
    for (const c of all)
      if (a.id < c.id && a.x < c.x + c.w && c.x < a.x + a.w && a.y < c.y + c.h && c.y < a.y + a.h)
        pairs.push(`${a.id}/${c.id}`);
  return pairs;
};

describe("layout", () => {
  it("Ctrl+Shift+L lays a piled-up pipeline out left to right with no overlapping nodes, with ELK in a worker", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    // Pile the Sampler onto the Base model by its title bar.
    await dragBetween(page, node(page, "sampler").locator(".node-head"), node(page, "base").locator(".node-head"));
    await expect.poll(() => overlapping(page)).not.toEqual([]);
    await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
    const workers: string[] = [];
    page.on("worker", (w) => workers.push(w.url()));
    const count = (await nodeIds(page)).length;
    // Every line the canvas shows, however briefly (ELK takes a moment on a few nodes).
    await page.evaluate(() => {
      const w = window as unknown as { __said: string[] };
      w.__said = [];
      new MutationObserver(() => {
        const line = document.querySelector('[data-testid="arranging"]')?.textContent;
        if (line && !w.__said.includes(line)) w.__said.push(line);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.keyboard.press("Control+Shift+L");
    await expect.poll(() => overlapping(page)).toEqual([]);
    // ELK ran in a worker (seconds at 5,000 nodes), and the canvas said so meanwhile.
    expect(workers.join(", ")).toMatch(/arrangeWorker/);
    expect(await page.evaluate(() => (window as unknown as { __said: string[] }).__said)).toEqual([
      `Arranging ${count} nodes…`,
    ]);
    await page.getByTestId("arranging").waitFor({ state: "detached" });
    const at = Object.fromEntries((await rects(page)).map((r) => [r.id, r]));
    expect(at.base.x).toBeLessThan(at.sampler.x);
    expect(errors).toEqual([]);
    await context.close();
  });
});
