// Components on the canvas (docs/components.md#the-editor): an instance looks and wires like a
// node, and the request compiles through it; a sweep's axis can be an instance's exposed param.
// Each test drives the editor with mouse and keyboard.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { screenshot } from "../harness/browser";
import type { Page } from "playwright-core";
import {
  LAPTOP_SIZES,
  dialogSettled,
  node,
  openViaPicker,
  requestJson,
  setupServerAndBrowser,
  shootOnFailure,
  submitRecorder,
  withFields,
} from "./helpers";

// What the stand-in was sent, so a sweep can be checked against the requests themselves.
const submits = submitRecorder();
const suite = setupServerAndBrowser({ standinOptions: { validate: submits.validate } });

const SIZES = LAPTOP_SIZES;

const fixture = async (name: string) => ({
  name: `${name}.json`,
  mimeType: "application/json",
  buffer: await readFile(`test/fixtures/components/${name}.json`),
});

describe("an instance on the canvas", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: ports, exposed params, badge, and the request through it`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await openViaPicker(page, await fixture("style-stack"));
      const inst = node(page, "style-stack");
      await expect.poll(() => inst.locator(".node-title").innerText()).toBe("Style stack");
      expect(await inst.getByTestId("instance-badge").innerText()).toContain("1.0.0");
      expect(await inst.locator(".port.in").evaluateAll((els) => els.map((e) => e.getAttribute("data-port")))).toEqual([
        "model",
      ]);
      expect(await inst.locator(".port.out").evaluateAll((els) => els.map((e) => e.getAttribute("data-port")))).toEqual(
        ["model", "conditioning"],
      );
      // An exposed param shows the component's default, and an edit overrides it for this instance only.
      const scale = (await withFields(page, "style-stack")).locator("#n-style-stack-lora-2\\.scale");
      await expect.poll(() => scale.inputValue()).toBe("0.8");
      await scale.click();
      await page.keyboard.press("Control+a");
      await page.keyboard.type("0.5");
      await page.keyboard.press("Tab");
      const req = JSON.parse(await requestJson(page));
      expect(req.loras).toEqual([
        { path: "https://example.com/loras/castle.safetensors", scale: 0.7 },
        { path: "https://example.com/loras/ink.safetensors", scale: 0.5 },
      ]);
      expect(req.prompt).toBe("a castle on a hill, ink drawing");
      await screenshot(page, `component-instance-${size.width}x${size.height}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

/** Types into a canvas field as a person does, then leaves it. */
async function typeInto(page: Page, selector: string, text: string) {
  await page.locator(selector).click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type(text);
  await page.keyboard.press("Tab");
}

const value = (page: Page, selector: string) => page.locator(selector).inputValue();
const exposedScale = (id: string) => `#n-${id}-lora-2\\.scale`;
const crumbs = (page: Page) => page.getByTestId("component-breadcrumb");

/** Double-clicks an instance where a person would: on its ports row, away from its fields and title. */
async function openByDoubleClick(page: Page, id: string) {
  await node(page, id).locator(".port.in .port-label").first().dblclick();
  await expect.poll(() => crumbs(page).isVisible()).toBe(true);
}

describe("making and using a component", () => {
  it("from two LoRAs and a prompt: used twice, edited inside, undone, detached, reloaded, reached from the request", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, await fixture("two-loras"));
    await expect.poll(() => node(page, "lora-1").isVisible()).toBe(true);
    const before = JSON.parse(await requestJson(page));

    // Select the three nodes and make a component of them (Ctrl+G), naming it in the dialog.
    await node(page, "lora-1").locator(".node-title").click();
    for (const id of ["lora-2", "prompt"])
      await node(page, id)
        .locator(".node-title")
        .click({ modifiers: ["Control"] });
    await page.keyboard.press("Control+g");
    const dialog = page.getByTestId("make-component-dialog");
    await dialogSettled(page);
    // Fields that differ from their defaults are offered ticked, as the CLI's extract exposes them.
    expect(await dialog.getByRole("checkbox", { name: "LoRA 2 › Scale" }).isChecked()).toBe(true);
    expect(await dialog.getByRole("checkbox", { name: "Prompt › Negative prompt" }).isChecked()).toBe(false);
    await page.keyboard.type("Style stack");
    await screenshot(page, "component-make-dialog-1440x900");
    await page.keyboard.press("Enter");
    await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
    expect(await page.locator(".react-flow__node").count()).toBe(3);
    expect(JSON.parse(await requestJson(page))).toEqual(before);

    // Use it twice: Ctrl+D on the selected instance.
    await page.keyboard.press("Control+d");
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(4);
    const copy = (await page.locator(".react-flow__node.selected").getAttribute("data-id"))!;
    expect(copy).not.toBe("style-stack");
    await expect.poll(() => value(page, exposedScale(copy))).toBe("0.8");

    // Enter it, edit a weight inside: both instances follow.
    await openByDoubleClick(page, "style-stack");
    expect(await crumbs(page).innerText()).toContain("Style stack");
    await expect.poll(() => node(page, "@input").isVisible()).toBe(true);
    await typeInto(page, "#n-lora-2-scale", "0.3");
    await crumbs(page).getByRole("button", { name: "Two LoRAs" }).click();
    await expect.poll(() => crumbs(page).count()).toBe(0);
    await expect.poll(() => value(page, exposedScale("style-stack"))).toBe("0.3");
    await expect.poll(() => value(page, exposedScale(copy))).toBe("0.3");
    // One Ctrl+Z reverts the edit in both.
    await page.keyboard.press("Control+z");
    await expect.poll(() => value(page, exposedScale("style-stack"))).toBe("0.8");
    await expect.poll(() => value(page, exposedScale(copy))).toBe("0.8");

    // Detach the copy from its node menu: it gets its own component.
    await node(page, copy).locator(".node-title").click({ button: "right" });
    await page.getByRole("menuitem", { name: /Detach/ }).click();
    const badge = (id: string) => node(page, id).getByTestId("instance-badge").getAttribute("title");
    await expect.poll(() => badge(copy)).toMatch(/^Component local\/style-stack-2,/);
    expect(await badge("style-stack")).toMatch(/^Component local\/style-stack,/);

    // A reload brings all of it back.
    await expect.poll(() => page.getByTestId("autosave-status").innerText()).toMatch(/Saved/);
    await page.reload();
    await expect.poll(() => node(page, copy).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await badge(copy)).toMatch(/^Component local\/style-stack-2,/);
    expect(await badge("style-stack")).toMatch(/^Component local\/style-stack,/);
    expect(await value(page, exposedScale("style-stack"))).toBe("0.8");

    // A request line written inside the component opens it, with the inner node selected.
    await page.getByRole("tab", { name: "Request" }).click();
    await page.locator('.jl[data-path="loras.1.scale"]').click();
    await expect.poll(() => crumbs(page).isVisible()).toBe(true);
    await expect.poll(() => page.locator(".react-flow__node.selected").getAttribute("data-id")).toBe("lora-2");
    // Esc leads back out (the first clears the selection).
    await page.locator(".react-flow__pane").click({ position: { x: 30, y: 300 } });
    await page.keyboard.press("Escape");
    await expect.poll(() => crumbs(page).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: the dialog, an instance and the breadcrumb inside read well`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await openViaPicker(page, await fixture("style-stack"));
      await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
      await node(page, "style-stack").locator(".node-title").click();
      await page.keyboard.press("Tab");
      await expect.poll(() => crumbs(page).isVisible()).toBe(true);
      // The breadcrumb covers neither the save status nor a node.
      const bar = (await crumbs(page).boundingBox())!;
      const status = (await page.getByTestId("autosave-status").boundingBox())!;
      expect(bar.y).toBeGreaterThanOrEqual(status.y + status.height);
      await screenshot(page, `component-inside-${size.width}x${size.height}`);
      await page.keyboard.press("Escape");
      await expect.poll(() => crumbs(page).count()).toBe(0);
      await node(page, "style-stack").locator(".node-title").click();
      await node(page, "sampler")
        .locator(".node-title")
        .click({ modifiers: ["Control"] });
      await page.keyboard.press("Control+g");
      await dialogSettled(page);
      await page.keyboard.type("Everything");
      await screenshot(page, `component-make-dialog-${size.width}x${size.height}`);
      await page.keyboard.press("Escape");
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

type Lora = { path: string; scale: number };
/** A request without what a sweep of LoRA 2's scale may change: that scale and the seed. */
const apartFromSwept = (req: Record<string, unknown>) => {
  const { seed: _seed, loras, ...rest } = req as { seed?: number; loras: Lora[] };
  return { ...rest, loras: loras.map((l, i) => (i === 1 ? { path: l.path } : l)) };
};

describe("a sweep through a component", () => {
  it("an instance's exposed LoRA scale as the axis: one labelled result per value; the requests differ only there", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, await fixture("style-stack"));
    await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
    const editorRequest = JSON.parse(await requestJson(page));

    // Sweep… from the Sampler, then the axis is changed to the instance's LoRA 2 scale.
    await page.getByRole("tab", { name: "Inspector" }).click();
    await node(page, "sampler").locator(".node-title").click();
    await page.locator('.inspector [data-sweep-param="guidance_scale"]').click();
    const dialog = page.locator("[data-sweep-dialog]");
    await dialog.waitFor();
    await dialogSettled(page);
    const axis = dialog.getByLabel("Axis 1: what to sweep");
    const offered = await axis
      .locator('optgroup[label="Style stack"] option')
      .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(["p|style-stack|lora-1.scale", "p|style-stack|lora-2.scale"]));
    await axis.selectOption("p|style-stack|lora-2.scale");
    await dialog.getByRole("radio", { name: "List" }).click();
    await dialog.getByLabel("Axis 1 values").fill("0.2, 0.5, 0.9");
    await expect.poll(() => dialog.locator("[data-sweep-count]").getAttribute("data-sweep-count")).toBe("3");
    submits.bodies.length = 0;
    await dialog.locator("[data-sweep-run]").click();

    // One result per value, each column labelled with its value.
    const results = page.locator("[data-sweep-results]");
    await expect.poll(() => results.getAttribute("data-finished"), { timeout: 30_000 }).toBe("true");
    expect(await results.locator(".sr-title").innerText()).toBe("Style stack · LoRA › Scale");
    await results.getByRole("button", { name: "Show individual runs" }).click();
    expect(await results.locator(".sr-col").allInnerTexts()).toEqual(["0.2", "0.5", "0.9"]);
    expect(await results.locator('[data-sweep-cell][data-status="completed"] img').count()).toBe(3);
    await screenshot(page, "component-sweep-1440x900");

    // The stand-in got three requests: LoRA 2's scale as swept, one seed, everything else as the editor's.
    const sent = submits.bodies as { seed?: number; loras: Lora[] }[];
    expect(sent.map((r) => r.loras[1].scale).sort()).toEqual([0.2, 0.5, 0.9]);
    expect(new Set(sent.map((r) => r.seed)).size).toBe(1);
    expect(typeof sent[0].seed).toBe("number");
    for (const r of sent) expect(apartFromSwept(r)).toEqual(apartFromSwept(editorRequest));
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("the library without a workspace", () => {
  it("publishes to this browser: the palette lists the component, and a reload keeps it", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[1]);
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, await fixture("style-stack"));
    await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
    const item = page.locator(".side-item").filter({ hasText: "Style stack" });
    expect(await item.count()).toBe(0);
    await node(page, "style-stack").locator(".node-title").click({ button: "right" });
    await page.getByRole("menuitem", { name: "Publish to library…" }).click();
    await dialogSettled(page);
    expect(await page.getByTestId("publish-dialog").innerText()).toMatch(/not in the library yet.*this browser/s);
    await page.getByTestId("publish-submit").click();
    await item.waitFor();
    await page.reload();
    await item.waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("the edges of a component", () => {
  it("a fal 422 on a field inside a component opens it and selects that field", async (ctx) => {
    const { page, context } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, await fixture("style-stack"));
    await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
    // fal says the second LoRA's scale is wrong: that value was written by LoRA 2 inside Style stack.
    await page.route("**/api/fal/proxy", async (route) => {
      const target = route.request().headers()["x-fal-target-url"] ?? "";
      if (route.request().method() === "POST" && /^https:\/\/queue\.fal\.run\/fal-ai\/lora(\?|$)/.test(target))
        await route.fulfill({
          status: 422,
          contentType: "application/json",
          body: JSON.stringify({
            detail: [
              { loc: ["body", "loras", 1, "scale"], msg: "scale is too high for this LoRA", type: "value_error" },
            ],
          }),
        });
      else await route.fallback();
    });
    const button = page.locator("[data-run-button]");
    await expect.poll(() => button.isEnabled()).toBe(true);
    await button.click();
    const row = page.locator("[data-run-id]").first();
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 10_000 }).toBe("failed");
    await expect.poll(() => node(page, "style-stack").locator(".gnode").getAttribute("class")).toMatch(/\berr\b/);
    await row.locator(".field-link", { hasText: "scale is too high" }).click();
    await expect.poll(() => crumbs(page).isVisible()).toBe(true);
    await expect.poll(() => page.locator(".react-flow__node.selected").getAttribute("data-id")).toBe("lora-2");
    // The inspector holds the inner field, focused.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest("[data-field]")?.getAttribute("data-field")))
      .toBe("scale");
    await context.close();
  });

  it("deleting the node that gives an output says why; removing the port first lets it go", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, await fixture("style-stack"));
    await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
    await openByDoubleClick(page, "style-stack");
    await expect.poll(() => node(page, "prompt").isVisible()).toBe(true);
    await node(page, "prompt").locator(".node-title").click();
    await page.keyboard.press("Delete");
    await expect
      .poll(() => page.locator(".toast.error").innerText())
      .toMatch(/Prompt gives the component's output “Conditioning”/);
    expect(await node(page, "prompt").count()).toBe(1);
    // The outputs stand-in lists the ports; Remove port takes Conditioning off every instance.
    await node(page, "@output").locator(".node-title").click();
    const rowOf = page.locator('[data-port-row="conditioning"]');
    await rowOf.waitFor();
    await screenshot(page, "component-ports-1440x900");
    await rowOf.getByRole("button", { name: "Remove port" }).click();
    await expect.poll(() => rowOf.count()).toBe(0);
    await node(page, "prompt").locator(".node-title").click();
    await page.keyboard.press("Delete");
    await expect.poll(() => node(page, "prompt").count()).toBe(0);
    await page.keyboard.press("Escape");
    await expect.poll(() => crumbs(page).count()).toBe(0);
    expect(await node(page, "style-stack").locator(".port.out").count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("an inner input becomes a port of every instance; an exposed field is removed, inside or from the instance", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[1]);
    shootOnFailure(ctx, () => page);
    await openViaPicker(page, await fixture("style-stack"));
    await expect.poll(() => node(page, "style-stack").isVisible()).toBe(true);
    const field = (id: string, param: string) => page.locator(`#n-${id}-${param.replace(".", "\\.")}`);
    await withFields(page, "style-stack");
    expect(await field("style-stack", "lora-1.scale").count()).toBe(1);
    await openByDoubleClick(page, "style-stack");
    await expect.poll(() => node(page, "lora-1").isVisible()).toBe(true);

    // LoRA 1's model comes from the component's input: free it, then give it back as a new port.
    await node(page, "@input").locator(".node-title").click();
    await page.locator('[data-port-row="model"]').getByRole("button", { name: "Remove port" }).click();
    await expect.poll(() => page.locator('[data-port-row="model"]').count()).toBe(0);
    await node(page, "lora-1").locator(".node-title").click();
    await page.getByRole("button", { name: "Expose Model as input" }).click();
    await expect.poll(() => node(page, "@input").locator(".port.out").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Expose Model as input" }).count()).toBe(0);

    // Right-click LoRA 1's scale, exposed on the component: Remove from component.
    const scaleRow = page
      .locator(".inspector .insp-param")
      .filter({ has: page.locator('[data-unexpose-param="scale"]') });
    await scaleRow.locator(".field-label, label").first().click({ button: "right" });
    await page.getByRole("menuitem", { name: "Remove from component" }).click();
    await expect.poll(() => page.locator('[data-unexpose-param="scale"]').count()).toBe(0);
    await page.getByRole("button", { name: "Expose on component" }).first().waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await expect.poll(() => crumbs(page).count()).toBe(0);
    // The instance grew the input (wire it from the base model) and no longer shows the field.
    expect(await node(page, "style-stack").locator(".port.in").count()).toBe(1);
    await expect.poll(() => field("style-stack", "lora-1.scale").count()).toBe(0);

    // From the instance's inspector: Remove from component under LoRA 2's scale; Ctrl+Z brings it back.
    await node(page, "style-stack").locator(".node-title").click();
    await page.locator('.inspector [data-unexpose-param="lora-2.scale"]').click();
    await expect.poll(() => field("style-stack", "lora-2.scale").count()).toBe(0);
    await screenshot(page, "component-unexposed-1280x720");
    await page.keyboard.press("Control+z");
    await expect.poll(() => field("style-stack", "lora-2.scale").count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
