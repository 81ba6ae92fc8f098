// The component library with versions (docs/components.md#versions): publish from the editor,
// use the component in a second pipeline, bump it from the first; the second offers Update with
// the plain-words diff, Update applies in one undo step, and a major version waits for each
// instance. Two tabs share one workspace folder; a reload restores everything.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { registry } from "../../nodes";
import { componentRegistry, serializeWorkflow, withHash, type WorkflowDocument } from "../../src/graph";
import { componentFileName, serializeComponentFile } from "../../src/graph/componentFile";
import { extractComponent } from "../../src/graph/componentEdits";
import { screenshot } from "../harness/browser";
import {
  dialogSettled,
  emptyCanvasPoint,
  node,
  openViaPicker,
  setupServerAndBrowser,
  shootOnFailure,
  withFields,
} from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "lora-graph-versions-e2e-"));
const suite = setupServerAndBrowser({ workspaceDir: dir });

const published = () => readdirSync(join(dir, "components")).sort();
const pipelineFile = (name: string) => JSON.parse(readFileSync(join(dir, "pipelines", name), "utf8"));
const crumbs = (page: Page) => page.getByTestId("component-breadcrumb");
const badge = (page: Page, id: string) => node(page, id).getByTestId("instance-badge").innerText();
const mark = (page: Page, id: string) => node(page, id).getByTestId("update-mark");
const scale = async (page: Page, id: string) =>
  (await withFields(page, id)).locator(`#n-${id}-lora-2\\.scale`).inputValue();
const instances = (page: Page) =>
  page
    .locator('.react-flow__node:has([data-testid="instance-badge"])')
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-id")!).sort());

async function clickCanvas(page: Page) {
  const free = await emptyCanvasPoint(page);
  await page.mouse.click(free.x, free.y);
}

/** Opens the instance, types a new LoRA 2 weight inside, and opens the breadcrumb's Publish. */
async function editInsideAndPublish(page: Page, weight: string) {
  await node(page, "style-stack").locator(".node-title").click();
  await page.keyboard.press("Tab");
  await expect.poll(() => crumbs(page).isVisible()).toBe(true);
  await (await withFields(page, "lora-2")).locator("#n-lora-2-scale").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type(weight);
  await page.keyboard.press("Tab");
  await crumbs(page).getByRole("button", { name: "Publish…" }).click();
  await page.getByTestId("publish-dialog").waitFor();
  await dialogSettled(page);
}

async function saveAs(page: Page, name: string) {
  await page.getByRole("button", { name: "Library" }).click();
  await page.getByTestId("library-dialog").waitFor();
  await dialogSettled(page);
  await page.getByTestId("library-save-current").click();
  await page.getByTestId("save-as-name").fill(name);
  await page.getByTestId("save-as-submit").click();
  await page.getByTestId("save-as-dialog").waitFor({ state: "detached" });
  await page.keyboard.press("Escape");
}

describe("publishing and updating components", () => {
  it("publish, use elsewhere, bump minor then major: Update offers the diff, undoes in one step, survives reload", async (ctx) => {
    const one = await suite.open({ width: 1440, height: 900 });
    const a = one.page;
    let shot: Page = a;
    shootOnFailure(ctx, () => shot);
    await openViaPicker(a, {
      name: "style-stack.json",
      mimeType: "application/json",
      buffer: await readFile("test/fixtures/components/style-stack.json"),
    });
    await expect.poll(() => node(a, "style-stack").isVisible()).toBe(true);

    // Publish from the instance's menu: new to the library, so no bump is asked.
    await node(a, "style-stack").locator(".node-title").click({ button: "right" });
    await a.getByRole("menuitem", { name: "Publish to library…" }).click();
    const dialog = a.getByTestId("publish-dialog");
    await dialogSettled(a);
    expect(await dialog.innerText()).toMatch(/not in the library yet/);
    await a.getByTestId("publish-submit").click();
    await expect.poll(published).toEqual(["local.style-stack.1.0.0.json"]);

    // Publishing it unchanged (from the inspector) says so and writes nothing.
    await node(a, "style-stack").locator(".node-title").click();
    await a.getByRole("button", { name: "Publish…" }).click();
    await dialogSettled(a);
    await a.getByTestId("publish-unchanged").waitFor();
    expect(await dialog.getByTestId("publish-submit").count()).toBe(0);
    await a.keyboard.press("Escape");
    expect(published()).toEqual(["local.style-stack.1.0.0.json"]);

    // A second pipeline, in another tab, uses it twice from the palette's Components.
    const two = await suite.open({ width: 1280, height: 720 });
    const p = two.page;
    shot = p;
    const item = p.locator(".side-item").filter({ hasText: "Style stack" });
    await item.click();
    await expect.poll(async () => (await instances(p)).length).toBe(1);
    await item.click();
    await expect.poll(async () => (await instances(p)).length).toBe(2);
    const [i1, i2] = await instances(p);
    await expect.poll(() => scale(p, i1)).toBe("0.8");

    // Back in the first: a new weight inside, published as a minor version.
    shot = a;
    await editInsideAndPublish(a, "0.3");
    expect(await dialog.getByTestId("version-definition").innerText()).toMatch(/default 0\.8 → 0\.3/);
    expect(await dialog.getByTestId("version-request").innerText()).toMatch(/scale 0\.8 → 0\.3/);
    // Only a default changed: patch is suggested; the author picks minor.
    expect(await dialog.locator(".version-bump", { hasText: "suggested" }).innerText()).toMatch(/^Patch 1\.0\.1/);
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1440, height: 900 },
    ]) {
      await a.setViewportSize(size);
      console.log(`screenshot: ${await screenshot(a, `component-publish-dialog-${size.width}x${size.height}`)}`);
    }
    await dialog.getByRole("radio", { name: /Minor/ }).check();
    await a.getByTestId("publish-submit").click();
    await expect.poll(published).toContain("local.style-stack.1.1.0.json");
    // The first pipeline now uses what it published: no offer to update to its own edit.
    await expect.poll(() => crumbs(a).locator(".crumb-version").innerText()).toBe("1.1.0");
    await crumbs(a).getByRole("button", { name: /Done/ }).click();
    await expect.poll(() => crumbs(a).count()).toBe(0);
    expect(await badge(a, "style-stack")).toContain("1.1.0");
    expect(await mark(a, "style-stack").count()).toBe(0);

    // The second pipeline sees it live: each instance offers the update, with the diff.
    shot = p;
    for (const id of [i1, i2])
      await expect.poll(() => mark(p, id).innerText()).toMatch(/v1\.0\.0 → v1\.1\.0 available/);
    await mark(p, i1).getByRole("button", { name: "Update…" }).click();
    const update = p.getByTestId("update-dialog");
    await dialogSettled(p);
    expect(await update.getByTestId("version-definition").innerText()).toMatch(/Scale” default 0\.8 → 0\.3/);
    // Its instances are not wired to a sampler here: what it sends stays the same, and it says so.
    expect(await update.getByTestId("version-request").innerText()).toMatch(/stays the same/);
    expect(await update.getByTestId("update-scope").innerText()).toMatch(/All 2 instances/);
    // 1440×900 last: the resize fits the unmoved view again, and at 1280×720 the starter with two
    // instances fits below the zoom where nodes show their fields (docs/canvas.md).
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1440, height: 900 },
    ]) {
      await p.setViewportSize(size);
      console.log(`screenshot: ${await screenshot(p, `component-update-dialog-${size.width}x${size.height}`)}`);
    }
    await p.getByTestId("update-submit").click();
    for (const id of [i1, i2]) {
      await expect.poll(() => badge(p, id)).toContain("1.1.0");
      await expect.poll(() => scale(p, id)).toBe("0.3");
      expect(await mark(p, id).count()).toBe(0);
    }
    // One Ctrl+Z takes both back, with the offer.
    await clickCanvas(p);
    await p.keyboard.press("Control+z");
    for (const id of [i1, i2]) {
      await expect.poll(() => badge(p, id)).toContain("1.0.0");
      await expect.poll(() => scale(p, id)).toBe("0.8");
      await mark(p, id).waitFor();
    }
    await mark(p, i2).getByRole("button", { name: "Update…" }).click();
    await dialogSettled(p);
    await p.getByTestId("update-submit").click();
    for (const id of [i1, i2]) await expect.poll(() => badge(p, id)).toContain("1.1.0");

    // A major version from the first pipeline.
    shot = a;
    await editInsideAndPublish(a, "0.5");
    await dialog.getByRole("radio", { name: /Major/ }).check();
    await a.getByTestId("publish-submit").click();
    await expect.poll(published).toContain("local.style-stack.2.0.0.json");
    await crumbs(a).getByRole("button", { name: /Done/ }).click();

    // The second updates one instance at a time; the file carries both versions meanwhile.
    shot = p;
    for (const id of [i1, i2]) await expect.poll(() => mark(p, id).innerText()).toMatch(/v1\.1\.0 → v2\.0\.0/);
    await mark(p, i1).getByRole("button", { name: "Update…" }).click();
    await dialogSettled(p);
    expect(await update.getByTestId("update-scope").innerText()).toMatch(/only this instance.*other 1 keep 1\.1\.0/);
    await p.getByTestId("update-submit").click();
    await expect.poll(() => badge(p, i1)).toContain("2.0.0");
    await expect.poll(() => scale(p, i1)).toBe("0.5");
    expect(await badge(p, i2)).toContain("1.1.0");
    await mark(p, i2).waitFor();
    await saveAs(p, "Second");
    const versions = (name: string) =>
      (pipelineFile(name).components as { version: string }[]).map((c) => c.version).sort();
    expect(versions("Second.json")).toEqual(["1.1.0", "2.0.0"]);

    // Edited here since it was published: the update says it replaces that edit.
    await node(p, i2).locator(".node-title").click();
    await p.keyboard.press("Tab");
    await expect.poll(() => crumbs(p).isVisible()).toBe(true);
    await (await withFields(p, "lora-1")).locator("#n-lora-1-scale").click();
    await p.keyboard.press("Control+a");
    await p.keyboard.type("0.9");
    await p.keyboard.press("Tab");
    await crumbs(p).getByRole("button", { name: /Done/ }).click();
    await expect.poll(() => crumbs(p).count()).toBe(0);
    // The canvas marks the copy that differs from the library's, with the way to publish it.
    await expect.poll(() => node(p, i2).getByTestId("edited-mark").innerText()).toMatch(/edited since v1\.1\.0/);
    expect(await node(p, i1).getByTestId("edited-mark").count()).toBe(0);

    // The other from its node menu; the old version then leaves the file.
    await node(p, i2).locator(".node-title").click({ button: "right" });
    await p.getByRole("menuitem", { name: "Update from library…" }).click();
    await dialogSettled(p);
    expect(await update.getByTestId("update-edited").innerText()).toMatch(/changed here since it was published/);
    await p.getByTestId("update-submit").click();
    await expect.poll(() => badge(p, i2)).toContain("2.0.0");
    await clickCanvas(p);
    await p.keyboard.press("Control+s");
    await expect.poll(() => versions("Second.json")).toEqual(["2.0.0"]);

    // A reload restores both pipelines as they were: new versions, no offers.
    for (const page of [a, p]) {
      await expect.poll(() => page.getByTestId("autosave-status").innerText()).toMatch(/Saved/);
      await page.reload();
    }
    await expect.poll(() => node(p, i2).isVisible(), { timeout: 20_000 }).toBe(true);
    for (const id of [i1, i2]) {
      expect(await badge(p, id)).toContain("2.0.0");
      await expect.poll(() => scale(p, id)).toBe("0.5");
    }
    await expect.poll(() => node(a, "style-stack").isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await badge(a, "style-stack")).toContain("2.0.0");
    await p.locator(".side-item").filter({ hasText: "Style stack" }).waitFor();
    expect(await p.getByTestId("update-mark").count()).toBe(0);
    expect(await a.getByTestId("update-mark").count()).toBe(0);
    expect(await p.getByTestId("edited-mark").count()).toBe(0);
    expect(existsSync(join(dir, "components", "local.style-stack.1.0.0.json"))).toBe(true);
    expect([...one.errors, ...two.errors]).toEqual([]);
    await two.context.close();
    await one.context.close();
    // The whole story in two tabs with two reloads: 15 s on a quiet machine, 45–60 s on a busy one.
  }, 150_000);

  it("a component inside a component: the inner instance offers its update there, undone in one step", async (ctx) => {
    // Its own id, so the versions the first test published do not meet it.
    const text = readFileSync("test/fixtures/components/style-stack.json", "utf8").replaceAll(
      "local/style-stack",
      "local/inner-stack",
    );
    const doc = JSON.parse(text) as WorkflowDocument;
    doc.components = doc.components!.map(withHash);
    const inner = doc.components[0];
    const made = extractComponent(doc, ["style-stack"], { name: "Outer" }, componentRegistry(registry, doc.components));
    if (!made.ok) throw new Error(made.reason);
    const newer = withHash({
      ...inner,
      version: "1.1.0",
      params: inner.params.map((q) => (q.id === "lora-2.scale" ? { ...q, default: 0.25 } : q)),
    });
    writeFileSync(
      join(dir, "components", componentFileName(newer)),
      serializeComponentFile({ definition: newer, uses: [] }),
    );
    const { page, context, errors } = await suite.open({ width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, {
      name: "nested.json",
      mimeType: "application/json",
      buffer: Buffer.from(serializeWorkflow(made.document)),
    });
    await node(page, made.instanceId).waitFor();
    // Outside, the outer instance is up to date: no mark.
    expect(await mark(page, made.instanceId).count()).toBe(0);
    await node(page, made.instanceId).locator(".node-title").click();
    await page.keyboard.press("Tab");
    await expect.poll(() => crumbs(page).isVisible()).toBe(true);
    await expect.poll(() => mark(page, "style-stack").innerText()).toMatch(/v1\.0\.0 → v1\.1\.0 available/);
    console.log(`screenshot: ${await screenshot(page, "component-nested-update-mark-1280x720")}`);
    await mark(page, "style-stack").getByRole("button", { name: "Update…" }).click();
    const update = page.getByTestId("update-dialog");
    await dialogSettled(page);
    expect(await update.getByTestId("version-definition").innerText()).toMatch(/default 0\.8 → 0\.25/);
    await page.getByTestId("update-submit").click();
    // The canvas stays inside; the inner instance has the new version and its defaults.
    await expect.poll(() => badge(page, "style-stack")).toContain("1.1.0");
    expect(await crumbs(page).isVisible()).toBe(true);
    await expect.poll(() => scale(page, "style-stack")).toBe("0.25");
    expect(await mark(page, "style-stack").count()).toBe(0);
    // One Ctrl+Z takes it back, with the offer.
    await clickCanvas(page);
    await page.keyboard.press("Control+z");
    await expect.poll(() => badge(page, "style-stack")).toContain("1.0.0");
    await mark(page, "style-stack").waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
