// One name, and saving where the pipeline lives: Save as… renames the
// pipeline, Ctrl+S saves to the library without a download, Save as… and Download are their own
// commands (menu, keys, help overlay), and the toolbar shows the name whole or with an ellipsis,
// with the unsaved dot always in sight. In real Chromium against the production build.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import {
  cutOff,
  dialogSettled,
  downloadPipeline,
  downloadVia,
  emptyCanvasPoint,
  LAPTOP_SIZES,
  setupServerAndBrowser,
  shootOnFailure,
  withFields,
} from "./helpers";

const suite = setupServerAndBrowser();

const docName = (page: Page) => page.getByTestId("doc-name").innerText();
const dirtyDot = (page: Page) => page.getByTestId("dirty-dot");

/** Clicks empty canvas, so the keys go to the editor and not to a field. */
async function focusCanvas(page: Page) {
  const p = await emptyCanvasPoint(page);
  await page.mouse.click(p.x, p.y);
}

async function typeInPrompt(page: Page, text: string) {
  const field = (await withFields(page, "prompt")).locator("textarea").first();
  await field.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}

/** Fills the Save as dialog that just opened and waits for it to go. */
async function nameIt(page: Page, name: string) {
  const dialog = page.getByTestId("save-as-dialog");
  await dialog.waitFor();
  await dialogSettled(page);
  await page.getByTestId("save-as-name").fill(name);
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
}

async function libraryNames(page: Page): Promise<string[]> {
  await page.getByRole("button", { name: "Library" }).click();
  await page.getByTestId("library-dialog").waitFor();
  await dialogSettled(page);
  // The dialog lists what it read after it opened (aria-busy until then): read earlier, the list
  // is empty or the last opening's (FilesDialogs.tsx, useLibraryLists).
  await page.locator('[data-testid="library-list"][aria-busy="false"]').waitFor();
  const names = await page.getByTestId("library-item-name").allInnerTexts();
  await page.keyboard.press("Escape");
  await page.getByTestId("library-dialog").waitFor({ state: "detached" });
  return names.map((n) => n.replace(/\s*open$/, "").trim()).sort(); // "open" marks the open one
}

describe("one name, saved where the pipeline lives", () => {
  it("Ctrl+S on a never-saved pipeline asks for a name, which the toolbar then shows; the next Ctrl+S saves without asking or downloading", async (ctx) => {
    const { page, context, errors } = await suite.open({ width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    const downloads: string[] = [];
    page.on("download", (d) => downloads.push(d.suggestedFilename()));
    expect(await docName(page)).toBe("Medieval queen (starter)");

    await focusCanvas(page);
    await page.keyboard.press("Control+s");
    await page.getByTestId("save-as-dialog").waitFor();
    expect(await page.getByTestId("save-as-name").inputValue()).toBe("Medieval queen (starter)");
    await nameIt(page, "My queen v1");
    await expect.poll(() => docName(page)).toBe("My queen v1");
    expect(await dirtyDot(page).count()).toBe(0);
    // The inspector's Name field is the same name.
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("My queen v1");

    // An edit, then Ctrl+S from inside the text field: saved over the same entry, nothing asked.
    await typeInPrompt(page, ", gold crown");
    await dirtyDot(page).waitFor();
    await page.keyboard.press("Control+s");
    await dirtyDot(page).waitFor({ state: "detached" });
    expect(await page.getByTestId("save-as-dialog").count()).toBe(0);
    await expect
      .poll(() => page.locator(".toast").allInnerTexts())
      .toContainEqual(expect.stringMatching(/Saved “My queen v1” to the library/));
    expect(await libraryNames(page)).toEqual(["My queen v1"]);

    // After a reload the pipeline still lives there: Ctrl+S saves it without asking.
    await page.reload();
    await page.getByTestId("autosave-status").waitFor();
    await expect.poll(() => docName(page)).toBe("My queen v1");
    await typeInPrompt(page, ", velvet");
    await page.keyboard.press("Control+s");
    await dirtyDot(page).waitFor({ state: "detached" });
    expect(await page.getByTestId("save-as-dialog").count()).toBe(0);
    expect(await libraryNames(page)).toEqual(["My queen v1"]);
    expect(downloads).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("Save as… and Download are separate commands, in the menu beside Save, on the keyboard and in the help", async (ctx) => {
    const { page, context } = await suite.open({ width: 1440, height: 900 });
    shootOnFailure(ctx, () => page);
    await page.getByTestId("save-menu").click();
    const menu = page.getByRole("menu", { name: "Save menu" });
    await menu.waitFor();
    expect(await menu.getByRole("menuitem").allInnerTexts()).toEqual([
      expect.stringMatching(/^Save\s*Ctrl\+S$/),
      expect.stringMatching(/^Save as…\s*Ctrl\+Shift\+S$/),
      expect.stringMatching(/^Download JSON\s*Ctrl\+Alt\+S$/),
    ]);
    await screenshot(page, "save-menu-1440");
    await menu.getByRole("menuitem", { name: /Save as…/ }).click();
    await nameIt(page, "Queen study");
    await expect.poll(() => docName(page)).toBe("Queen study");

    // Save as… again, from the keyboard: a second entry, and the pipeline takes the new name.
    await focusCanvas(page);
    await page.keyboard.press("Control+Shift+S");
    expect(await page.getByTestId("save-as-name").inputValue()).toBe("Queen study");
    await nameIt(page, "Queen study v2");
    await expect.poll(() => docName(page)).toBe("Queen study v2");
    expect(await libraryNames(page)).toEqual(["Queen study", "Queen study v2"]);

    // Download writes a file named after the pipeline, and saves nothing to the library.
    const file = await downloadPipeline(page);
    expect(file.name).toBe("Queen-study-v2.lora-graph.json");
    expect(JSON.parse(file.text).meta.name).toBe("Queen study v2");
    await focusCanvas(page);
    const viaKeys = await downloadVia(page, () => page.keyboard.press("Control+Alt+s"));
    expect(viaKeys.name).toBe("Queen-study-v2.lora-graph.json");
    expect(await libraryNames(page)).toEqual(["Queen study", "Queen study v2"]);

    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    const text = await help.innerText();
    expect(text).toMatch(/Ctrl\+S\s+Save where the pipeline lives/);
    expect(text).toMatch(/Ctrl\+Shift\+S\s+Save as…/);
    expect(text).toMatch(/Ctrl\+Alt\+S\s+Download the pipeline/);
    await context.close();
  });

  for (const size of LAPTOP_SIZES) {
    it(`at ${size.width}x${size.height} a long name ends in an ellipsis, whole on hover, and the unsaved dot stays in sight`, async (ctx) => {
      const { page, context } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const long = "Medieval queen portrait with two LoRAs, a ControlNet and a refiner, version twelve";
      await page.getByTestId("save-menu").click();
      await page.getByRole("menuitem", { name: /Save as…/ }).click();
      await nameIt(page, long);
      await typeInPrompt(page, ", ermine");
      await dirtyDot(page).waitFor();
      await screenshot(page, `toolbar-long-name-${size.width}`);

      const look = await page.evaluate(() => {
        const box = document.querySelector<HTMLElement>('[data-testid="doc-name"]')!;
        const text = box.querySelector<HTMLElement>(".doc-name-text")!;
        const dot = box.querySelector<HTMLElement>('[data-testid="dirty-dot"]')!.getBoundingClientRect();
        const b = box.getBoundingClientRect();
        const hit = document.elementFromPoint(dot.x + dot.width / 2, dot.y + dot.height / 2);
        return {
          cut: text.scrollWidth > text.clientWidth,
          ellipsis: getComputedStyle(text).textOverflow,
          title: box.title,
          dotInside: dot.left >= b.left && dot.right <= b.right && dot.width > 0,
          dotHit: hit?.getAttribute("data-testid"),
        };
      });
      expect(look).toEqual({
        cut: true,
        ellipsis: "ellipsis",
        title: `${long} (unsaved changes)`,
        dotInside: true,
        dotHit: "dirty-dot",
      });
      // Nothing in the toolbar is pushed out of the window.
      const overflow = await page.evaluate(() => {
        const bar = document.querySelector(".toolbar")!;
        return [...bar.querySelectorAll<HTMLElement>("button, .doc-name")]
          .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
          .map((el) => el.getAttribute("aria-label") ?? el.className);
      });
      expect(overflow).toEqual([]);
      // The Library's row for it: the name gives way (whole on hover); its "open" tag stays in sight.
      await page.getByRole("button", { name: "Library" }).click();
      const row = page.getByTestId("library-item").filter({ hasText: "version twelve" });
      await row.waitFor();
      await dialogSettled(page);
      expect(await row.getByTestId("library-item-name").getAttribute("title")).toBe(long);
      expect(await row.locator(".lg-tag").innerText()).toBe("open");
      expect(await cutOff(row, ".lg-tag, .lg-row-when, button")).toEqual([]);
      await screenshot(page, `library-long-name-${size.width}`);
      await context.close();
    });
  }
});
