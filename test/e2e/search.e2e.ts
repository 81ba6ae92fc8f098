// The add-node search as people type it, in real Chromium: a slip ("lroa") still finds the LoRA,
// other tools' names ("KSampler", "CLIP Text Encode", "canny"…) and params ("cfg") find their
// nodes, and a type added lately leads the list the next time, after a reload too. Keyboard
// only, as a user searching would.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { emptyCanvasPoint, node, nodeIds, setupServerAndBrowser, shootOnFailure } from "./helpers";

const suite = setupServerAndBrowser();

async function openSearch(page: Page) {
  const p = await emptyCanvasPoint(page);
  await page.mouse.dblclick(p.x, p.y);
  const search = page.getByLabel("Search nodes");
  await search.waitFor();
  return search;
}

const options = (page: Page) => page.locator("#palette-list [role=option] .pl-title");

/** What the palette hides: the highlighted option out of the list's view, its explanation cut. */
const paletteCuts = (page: Page) =>
  page.evaluate(() => {
    const box = (el: Element) => el.getBoundingClientRect();
    const list = box(document.querySelector("#palette-list")!);
    const active = box(document.querySelector('#palette-list [aria-selected="true"]')!);
    const palette = box(document.querySelector(".palette")!);
    const explain = document.querySelector(".palette-explain");
    const cuts: string[] = [];
    if (active.top < list.top - 1 || active.bottom > list.bottom + 1) cuts.push("highlighted option out of view");
    if (explain && (explain.scrollHeight > explain.clientHeight + 1 || box(explain).bottom > palette.bottom + 1))
      cuts.push(`explanation of ${(explain as HTMLElement).dataset.paletteExplain} cut`);
    return cuts;
  });

describe("add-node search", () => {
  it("finds LoRA from 'lroa', the Sampler from 'KSampler' and 'cfg', and puts the last added first", async (ctx) => {
    const { page, context, errors } = await suite.open({ width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    const before = await nodeIds(page);

    await openSearch(page);
    await page.keyboard.type("lroa");
    await expect.poll(async () => (await options(page).first().innerText()).split("\n")[0]).toMatch(/^LoRA/);
    await page.keyboard.press("Enter");
    await expect.poll(() => nodeIds(page)).toHaveLength(before.length + 1);
    const added = (await nodeIds(page)).find((id) => !before.includes(id))!;
    expect(await node(page, added).locator(".node-title").innerText()).toBe("LoRA");

    const search = await openSearch(page);
    await page.keyboard.type("KSampler");
    await expect.poll(() => options(page).first().innerText()).toMatch(/Sampler output[\s\S]*as KSampler/);
    await screenshot(page, "search-ksampler-1440x900");
    await search.fill("");
    await page.keyboard.type("cfg");
    await expect.poll(() => options(page).first().innerText()).toMatch(/^Sampler output/);
    // The other tools' names the issue lists, typed as a ComfyUI or InvokeAI user would.
    const aliases: [string, RegExp][] = [
      ["CLIP Text Encode", /^Prompt/],
      ["Load Image", /^Image/],
      ["Apply ControlNet", /^ControlNet/],
      ["canny", /^ControlNet/],
      ["depth", /^ControlNet/],
      ["openpose", /^ControlNet/],
      ["ipadapter", /^IP-Adapter/],
      ["negative", /^Prompt/],
    ];
    for (const [typed, title] of aliases) {
      await search.fill("");
      await page.keyboard.type(typed);
      await expect.poll(() => options(page).first().innerText(), { message: typed }).toMatch(title);
    }
    // img2img and inpaint lead with the two nodes they need: an Image and the Sampler.
    for (const typed of ["img2img", "inpaint"]) {
      await search.fill("");
      await page.keyboard.type(typed);
      await expect
        .poll(
          async () =>
            (
              await options(page).evaluateAll((els) => els.slice(0, 2).map((e) => e.firstChild?.textContent?.trim()))
            ).sort(),
          { message: typed },
        )
        .toEqual(["Image", "Sampler output"]);
    }
    await page.keyboard.press("Escape");
    await search.waitFor({ state: "detached" });

    // The LoRA was used last: it leads an empty search, marked, and still does after a reload.
    await page.reload();
    await page.waitForSelector(".react-flow__node");
    await openSearch(page);
    await expect.poll(() => options(page).first().innerText()).toMatch(/^LoRA[\s\S]*recent/);
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, "search-recent-1280x720");
    // Arrowing down the whole list: the highlighted node is scrolled into the list's view, and its
    // explanation shows whole under it, its last line too (the list gives up rows first).
    const count = await options(page).count();
    for (let i = 0; i < count; i++) {
      await expect.poll(() => paletteCuts(page), { message: `option ${i}` }).toEqual([]);
      await page.keyboard.press("ArrowDown");
    }
    await screenshot(page, "search-explain-1280x720");
    expect(errors).toEqual([]);
    await context.close();
  });
});
