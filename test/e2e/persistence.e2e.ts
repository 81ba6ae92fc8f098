// Nothing is lost: reload, files, destructive actions, two tabs, storage full, corrupt autosave —
// in real Chromium (real IndexedDB, Web Locks, sessionStorage) against the production build.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import {
  countTransactions,
  upgradeInAnotherTab,
  downloadPipeline,
  downloadVia,
  dropFile,
  emptyCanvasPoint,
  node,
  nodeIds,
  openViaPicker,
  shootOnFailure,
  visibleState,
  setupServerAndBrowser,
} from "./helpers";

/** The autosave's longest retry back-off (createAutosaver's maxRetryMs). */
const MAX_RETRY_MS = 15_000;

const suite = setupServerAndBrowser();

async function addNodeViaSearch(page: Page, query: string) {
  const p = await emptyCanvasPoint(page);
  await page.mouse.dblclick(p.x, p.y);
  const search = page.getByLabel("Search nodes");
  await search.fill(query);
  await search.press("Enter");
  await search.waitFor({ state: "detached" });
}

/** The text of this tab's newest autosave snapshot in IndexedDB ("" if none yet). */
function storedDraft(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const slot = sessionStorage.getItem("lora-graph.tab-slot");
    if (!slot) return "";
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open("lora-graph");
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const get = <T>(store: string, key: string) =>
      new Promise<T | undefined>((res) => {
        const g = db.transaction(store).objectStore(store).get(key);
        g.onsuccess = () => res(g.result as T | undefined);
        g.onerror = () => res(undefined);
      });
    const draft = await get<{ current?: string }>("drafts", slot);
    const snap = draft?.current ? await get<{ data?: string }>("snapshots", draft.current) : undefined;
    db.close();
    return typeof snap?.data === "string" ? snap.data : "";
  });
}

/** Waits until `text` is on disk in this tab's autosave and no write is pending. */
async function savedToDisk(page: Page, text: string) {
  await expect.poll(() => storedDraft(page), { timeout: 10_000 }).toContain(text);
  await expect.poll(() => page.getByTestId("autosave-status").getAttribute("data-state")).toBe("saved");
}

/** Fails the test if the page ever shows a native dialog (confirm/alert): questions must be in-app. */
function forbidNativeDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on("dialog", (d) => {
    seen.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return seen;
}

describe("nothing is lost", () => {
  it("AUTO-01 / AUTO-08: a reload right after the last keystroke restores graph, viewport, selection and the keystroke", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    await addNodeViaSearch(page, "scheduler");
    const prompt = node(page, "prompt").locator("textarea").first();
    await prompt.fill("a quiet harbour");
    // Pan and zoom the view.
    const p = await emptyCanvasPoint(page);
    await page.mouse.move(p.x, p.y);
    // Out, but not past LIGHT_ZOOM (0.6), where the Prompt would show its light card, not its fields:
    // under the stand-in's banner the fit is 0.64 at this size, and 50 px of wheel took it to 0.597.
    await page.mouse.wheel(0, 20);
    await page.mouse.move(p.x, p.y);
    await page.mouse.down();
    await page.mouse.move(p.x - 120, p.y + 40, { steps: 6 });
    await page.mouse.up();
    // Select the Base model node.
    await node(page, "base").locator(".node-head").click();
    await expect.poll(async () => (await visibleState(page)).selected).toEqual(["base"]);
    const before = await visibleState(page);

    // The last edit is typed and the page reloaded at once: no autosave write has run since the
    // keystrokes, so only what the page does as it goes can keep them.
    await prompt.focus();
    await page.keyboard.type(" at dawn");
    await page.reload();

    await page.getByTestId("restored-notice").waitFor({ timeout: 10_000 });
    await page.waitForSelector(".react-flow__node");
    const expected = {
      ...before,
      fields: before.fields.map((f) => f.replace(/=a quiet harbour$/, "=a quiet harbour at dawn")),
    };
    expect(expected.fields.some((f) => f.endsWith("=a quiet harbour at dawn"))).toBe(true);
    await expect.poll(() => visibleState(page)).toEqual(expected);
    expect(await page.getByTestId("restored-notice").innerText()).toMatch(/Restored/);
    await screenshot(page, "restored-after-reload");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("save to a file, clear with New, open it again (picker and drop)", async (ctx) => {
    const { page, context } = await suite.open();
    const dialogs = forbidNativeDialogs(page);
    shootOnFailure(ctx, () => page);
    await node(page, "prompt").locator("textarea").first().fill("saved to disk");
    const ids = await nodeIds(page);
    const file = await downloadPipeline(page);
    expect(file.name).toMatch(/\.lora-graph\.json$/);
    expect(JSON.parse(file.text)).toMatchObject({ format: "lora-graph/workflow" });
    expect(file.text).toContain("saved to disk");

    // Saved, so New does not ask.
    await page.getByRole("button", { name: "New", exact: true }).click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    expect(await page.getByTestId("confirm-dialog").count()).toBe(0);

    await openViaPicker(page, { name: file.name, mimeType: "application/json", buffer: Buffer.from(file.text) });
    await expect.poll(() => nodeIds(page)).toEqual(ids);
    expect(await node(page, "prompt").locator("textarea").first().inputValue()).toBe("saved to disk");

    // Dropping the file on the canvas opens it too.
    await page.getByRole("button", { name: "New", exact: true }).click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    await dropFile(page, file.name, file.text);
    await expect.poll(() => nodeIds(page)).toEqual(ids);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("AUTO-06 / IMP-01: New over unsaved work asks in-app, keeps the old draft recoverable; a bad file shows the loader's messages and changes nothing", async (ctx) => {
    const { page, context } = await suite.open();
    const dialogs = forbidNativeDialogs(page);
    shootOnFailure(ctx, () => page);
    await node(page, "prompt").locator("textarea").first().fill("do not lose me");
    const ids = await nodeIds(page);

    // A broken file: an error dialog with the path and node id; the graph is untouched.
    const bad = JSON.stringify({
      format: "lora-graph/workflow",
      version: 2,
      meta: {},
      nodes: [{ id: "n7", type: "prompt", typeVersion: 1, position: { x: 0, y: 0 }, params: "oops" }],
      edges: [],
    });
    await openViaPicker(page, { name: "broken.json", mimeType: "application/json", buffer: Buffer.from(bad) });
    const report = page.getByTestId("load-error-dialog");
    await report.waitFor();
    const text = await report.innerText();
    expect(text).toContain("n7");
    expect(text).toMatch(/\$\.nodes\[0\]/);
    await screenshot(page, "load-error-dialog");
    await page.getByRole("button", { name: "OK" }).click();
    expect(await nodeIds(page)).toEqual(ids);

    // New: asked in-app; Cancel keeps everything.
    await page.getByRole("button", { name: "New", exact: true }).click();
    await page.getByTestId("confirm-dialog").waitFor();
    await screenshot(page, "confirm-dialog");
    await page.getByTestId("confirm-cancel").click();
    expect(await nodeIds(page)).toEqual(ids);

    // New again, continue: the canvas is empty, and the draft is in Library › Recover drafts.
    await page.getByRole("button", { name: "New", exact: true }).click();
    await page.getByTestId("confirm-replace").click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    await page.getByRole("button", { name: "Library" }).click();
    const recent = page.getByTestId("recent-draft");
    await recent.first().waitFor();
    await screenshot(page, "library-dialog");
    await recent.first().getByTestId("recent-recover").click();
    await expect.poll(() => nodeIds(page)).toEqual(ids);
    expect(await node(page, "prompt").locator("textarea").first().inputValue()).toBe("do not lose me");
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("IMP-09: a file saved as Windows-1252 opens with a warning naming the node, the JSON path and the byte", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    const example = await readFile(fileURLToPath(new URL("../../src/examples/medieval-queen.json", import.meta.url)));
    // "Photo of a european" with é written the Windows-1252 way: the lone byte 0xE9.
    const at = example.indexOf("european");
    const bytes = Buffer.concat([
      example.subarray(0, at),
      Buffer.from([0x65, 0x75, 0x72, 0x6f, 0x70, 0xe9]),
      example.subarray(at + 6),
    ]);
    await openViaPicker(page, { name: "latin1.json", mimeType: "application/json", buffer: bytes });
    const report = page.getByTestId("load-warning-dialog");
    await report.waitFor();
    const text = await report.innerText();
    expect(text).toMatch(/\$\.nodes\[\d+\]\.params\.prompt/);
    expect(text).toMatch(/not UTF-8 \(0xE9 at line 34, column \d+\)/);
    expect(text).toMatch(/node\s+prompt/);
    await screenshot(page, "load-warning-invalid-utf8");
    await page.getByRole("button", { name: "OK" }).click();
    await report.waitFor({ state: "detached" });
    expect(await node(page, "prompt").locator("textarea").first().inputValue()).toMatch(/^Photo of a europ\uFFFDan /);
    await context.close();
  });

  it("library: save as, search, rename, duplicate, open, delete", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    await page.getByRole("button", { name: "Library" }).click();
    await page.getByTestId("library-save-current").click();
    await page.getByTestId("save-as-name").fill("Harbour study");
    await page.getByTestId("save-as-submit").click();
    const names = () => page.getByTestId("library-item-name").allInnerTexts();
    await expect.poll(names).toEqual([expect.stringContaining("Harbour study")]);
    await page.getByTestId("library-duplicate").first().click();
    await expect.poll(names).toHaveLength(2);
    await page.getByTestId("library-search").fill("copy");
    await expect.poll(names).toEqual([expect.stringContaining("Harbour study (copy)")]);
    await page.getByTestId("library-rename").first().click();
    await page.getByTestId("library-rename-input").fill("Lighthouse variant");
    await page.getByTestId("library-rename-input").press("Enter");
    await page.getByTestId("library-search").fill("");
    await expect
      .poll(names)
      .toEqual([expect.stringContaining("Lighthouse variant"), expect.stringContaining("Harbour study")]);
    await page
      .getByTestId("library-item")
      .filter({ hasText: "Lighthouse variant" })
      .getByTestId("library-delete")
      .click();
    await expect.poll(names).toEqual([expect.stringContaining("Harbour study")]);
    await expect
      .poll(() => page.getByTestId("recent-draft").allInnerTexts())
      .toEqual([expect.stringContaining("Deleted from the library")]);
    await context.close();
  });

  it("AUTO-05: two tabs keep their own drafts across reloads; the same library workflow in both warns", async (ctx) => {
    const a = await suite.open();
    shootOnFailure(ctx, () => a.page);
    await a.page.getByRole("button", { name: "New", exact: true }).click();
    await addNodeViaSearch(a.page, "note");
    await expect.poll(() => a.page.locator(".react-flow__node").count()).toBe(1);

    // A second tab in the same browser profile: tab A's draft is open, so B does not take it.
    const pageB = await a.context.newPage();
    await pageB.goto(suite.srv.url);
    await pageB.getByTestId("autosave-status").waitFor();
    await expect.poll(() => pageB.locator(".react-flow__node").count()).toBeGreaterThanOrEqual(3); // the starter
    await node(pageB, "prompt").locator("textarea").first().fill("tab B's prompt");
    await savedToDisk(pageB, "tab B's prompt");

    const stateA = await nodeIds(a.page);
    const stateB = await nodeIds(pageB);
    await a.page.reload();
    await a.page.getByTestId("restored-notice").waitFor();
    await pageB.reload();
    await pageB.getByTestId("restored-notice").waitFor();
    expect(await nodeIds(a.page)).toEqual(stateA);
    expect(await nodeIds(pageB)).toEqual(stateB);
    expect(await node(pageB, "prompt").locator("textarea").first().inputValue()).toBe("tab B's prompt");

    // Same library workflow in both tabs: the second one to open it is warned.
    await a.page.getByRole("button", { name: "Library" }).click();
    await a.page.getByTestId("library-save-current").click();
    await a.page.getByTestId("save-as-name").fill("Shared");
    await a.page.getByTestId("save-as-submit").click();
    await expect.poll(() => a.page.getByTestId("autosave-status").innerText()).toContain("library: Shared");
    await pageB.getByRole("button", { name: "Library" }).click();
    await pageB.getByTestId("library-item").filter({ hasText: "Shared" }).getByTestId("library-open").click();
    await pageB.getByTestId("confirm-replace").click(); // B has unsaved edits
    await pageB.getByTestId("banner-shared-workflow").waitFor();
    await a.page.getByTestId("banner-shared-workflow").waitFor();
    await screenshot(pageB, "shared-workflow-warning");
    await a.context.close();
  });

  it("AUTO-09: another tab upgrading the storage shows a banner; edits made after it survive the Reload", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    const prompt = () => node(page, "prompt").locator("textarea").first();
    await prompt().fill("before the upgrade");
    await savedToDisk(page, "before the upgrade");
    // From here on, count this page's attempts to use the database: none may follow the upgrade.
    const tx = await countTransactions(page, "lora-graph");

    // A newer lora-graph in another tab of this browser opens the database one version up.
    const upgradedTo = await upgradeInAnotherTab(context, suite.srv.url, "lora-graph");

    const banner = page.getByTestId("banner-storage-upgraded");
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Another tab upgraded this browser's storage/);
    await prompt().fill("typed after the upgrade");
    const copy = () =>
      page.evaluate(() =>
        localStorage.getItem(`lora-graph.draft-backup:${sessionStorage.getItem("lora-graph.tab-slot")}`),
      );
    await expect.poll(copy).toContain("typed after the upgrade");
    expect(await page.getByTestId("autosave-status").getAttribute("data-state")).toBe("upgraded");
    expect(await page.getByTestId("banner-autosave-error").count()).toBe(0);
    expect(await tx.read()).toBe(0);
    await screenshot(page, "storage-upgraded-banner");

    const loaded = page.waitForEvent("load");
    await banner.getByRole("button", { name: "Reload" }).click();
    await loaded;
    await page.getByTestId("restored-notice").waitFor({ timeout: 10_000 });
    expect(await prompt().inputValue()).toBe("typed after the upgrade");
    expect(await banner.count()).toBe(0);
    // Autosave works again, in the upgraded database.
    await prompt().fill("saved after the reload");
    await savedToDisk(page, "saved after the reload");
    expect(await page.evaluate(() => indexedDB.databases())).toContainEqual({
      name: "lora-graph",
      version: upgradedTo,
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("AUTO-03: storage full shows a persistent banner, editing and Save still work, autosave resumes by itself", async (ctx) => {
    const context = await suite.b.browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    // The page's clock runs as usual, but the test can jump it past the retry back-off (1 s, 2 s,
    // 4 s …) instead of sitting through it.
    await context.clock.install();
    // A switchable "disk full": every IndexedDB put fails with QuotaExceededError while it is on.
    await context.addInitScript(() => {
      const real = IDBObjectStore.prototype.put;
      const w = window as unknown as { __full: boolean; __refused: number };
      w.__full = false;
      w.__refused = 0;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore["put"]>) {
        if (w.__full) {
          w.__refused++;
          throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        }
        return real.apply(this, args);
      };
    });
    const page = await context.newPage();
    shootOnFailure(ctx, () => page);
    await page.goto(suite.srv.url);
    await page.getByTestId("autosave-status").waitFor();
    await page.evaluate(() => ((window as unknown as { __full: boolean }).__full = true));
    await node(page, "prompt").locator("textarea").first().fill("written while the disk was full");
    const banner = page.getByTestId("banner-autosave-error");
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.innerText()).toMatch(/storage full/i);
    await screenshot(page, "quota-banner");

    // Editing continues, and Download still works.
    await node(page, "prompt").locator("textarea").first().fill("still editing while full");
    const file = await downloadPipeline(page);
    expect(file.text).toContain("still editing while full");
    // Another write is tried (and refused) while the disk is still full: the banner stays.
    const refused = () => page.evaluate(() => (window as unknown as { __refused: number }).__refused);
    const refusedSoFar = await refused();
    await page.clock.fastForward(MAX_RETRY_MS);
    await expect.poll(refused).toBeGreaterThan(refusedSoFar);
    expect(await banner.count()).toBe(1);

    // Space is freed: with no further edit, the retry saves and the banner goes.
    await page.evaluate(() => ((window as unknown as { __full: boolean }).__full = false));
    await page.clock.fastForward(MAX_RETRY_MS);
    await banner.waitFor({ state: "detached" });
    await page.reload();
    await page.getByTestId("restored-notice").waitFor();
    expect(await node(page, "prompt").locator("textarea").first().inputValue()).toBe("still editing while full");
    await context.close();
  });

  it("AUTO-04: a corrupt autosave offers its raw data, starts clean, and keeps the raw copy until discarded", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    await node(page, "prompt").locator("textarea").first().fill("about to be damaged");
    await savedToDisk(page, "about to be damaged");
    const raw = '{"kind":"lora-graph/draft","version":1,"document":{"format":"lora-graph/work';
    // Damage this tab's newest snapshot and its last good one in place.
    await page.evaluate(async (raw) => {
      const slot = sessionStorage.getItem("lora-graph.tab-slot")!;
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open("lora-graph");
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const tx = db.transaction(["drafts", "snapshots"], "readwrite");
      const draft = await new Promise<{ current: string; previous?: string }>((res) => {
        const g = tx.objectStore("drafts").get(slot);
        g.onsuccess = () => res(g.result);
      });
      for (const id of [draft.current, draft.previous].filter(Boolean))
        tx.objectStore("snapshots").put({ id, slot, savedAt: Date.now(), data: raw });
      await new Promise((res) => (tx.oncomplete = res));
      db.close();
    }, raw);
    // A hard reload (no pagehide flush can repair it: the page is closed without unload handlers).
    const url = page.url();
    await page.close({ runBeforeUnload: false });
    const page2 = await context.newPage();
    shootOnFailure(ctx, () => page2);
    await page2.goto(url);
    const banner = page2.getByTestId("banner-corrupt-autosave");
    await banner.waitFor();
    await screenshot(page2, "corrupt-autosave-banner");
    const dl = await downloadVia(page2, () => page2.getByTestId("corrupt-download").click());
    expect(dl.text).toBe(raw);
    // The app works: it started clean... (a new tab: the starter) and edits autosave elsewhere.
    await expect.poll(() => page2.locator(".react-flow__node").count()).toBeGreaterThan(0);
    await page2.getByTestId("corrupt-discard").click();
    await banner.waitFor({ state: "detached" });
    await context.close();
  });
});
