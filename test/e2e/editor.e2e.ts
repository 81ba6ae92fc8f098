// The editor in real Chromium against the production build served by our server.
import { describe, expect, it } from "vitest";
import { examples } from "../../src/examples";
import { screenshot } from "../harness/browser";
import {
  dialogSettled,
  dragBetween,
  emptyCanvasPoint,
  handle,
  layoutProblems,
  node,
  nodeIds,
  requestJson,
  shootOnFailure,
  setupServerAndBrowser,
} from "./helpers";

const suite = setupServerAndBrowser();

describe("editor", () => {
  it("first visit shows a starter pipeline that compiles; the request panel shows its JSON", async (ctx) => {
    const { page, errors, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    expect(await nodeIds(page)).toEqual(expect.arrayContaining(["base", "prompt", "sampler"]));
    const json = await requestJson(page);
    expect(await page.locator(".endpoint code").count()).toBe(1);
    expect(await page.locator(".endpoint code").innerText()).toContain("fal-ai/lora");
    expect(await page.locator(".endpoint .status").innerText()).toBe("ready");
    expect(json).toContain('"model_name"');
    expect(json).toContain("stabilityai/stable-diffusion-xl-base-1.0");
    expect(json).toMatch(/"prompt":\s*"Photo of a european medieval/);
    await screenshot(page, "starter-1440x900");
    await page.setViewportSize({ width: 1280, height: 720 });
    // The canvas refits when it is resized: wait until the smaller view shows the whole starter.
    await expect.poll(() => layoutProblems(page)).toEqual([]);
    await screenshot(page, "starter-1280x720");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("adds a node through search, wires it, and a refused connection says why; undo and redo", async (ctx) => {
    const { page, context, errors } = await suite.open();
    shootOnFailure(ctx, () => page);
    const before = await nodeIds(page);

    // Double-click the canvas, type, Enter.
    const p = await emptyCanvasPoint(page);
    await page.mouse.dblclick(p.x, p.y);
    const search = page.getByLabel("Search nodes");
    await search.waitFor();
    await search.fill("lora");
    await search.press("Enter");
    await expect.poll(() => nodeIds(page)).toHaveLength(before.length + 1);
    const loraId = (await nodeIds(page)).find((id) => !before.includes(id))!;
    expect(await node(page, loraId).locator(".node-title").innerText()).toBe("LoRA");

    // A good wire: Base model → LoRA.
    const edgeCount = () => page.locator(".react-flow__edge").count();
    const edges0 = await edgeCount();
    await dragBetween(page, handle(page, "base", "model", "source"), handle(page, loraId, "model", "target"));
    await expect.poll(edgeCount).toBe(edges0 + 1);

    // A refused wire: a model into the Sampler's conditioning input.
    await dragBetween(page, handle(page, "base", "model", "source"), handle(page, "sampler", "conditioning", "target"));
    const refusal = page.locator(".toast.error");
    await refusal.first().waitFor({ timeout: 5000 });
    expect((await refusal.first().innerText()).length).toBeGreaterThan(10);
    expect(await edgeCount()).toBe(edges0 + 1);
    await screenshot(page, "wired-and-refused");

    // Undo the wire and the node; redo both.
    await page.mouse.click(p.x, p.y);
    await page.keyboard.press("Control+z");
    await expect.poll(edgeCount).toBe(edges0);
    await page.keyboard.press("Control+z");
    await expect.poll(() => nodeIds(page)).toEqual(before);
    await page.keyboard.press("Control+Shift+z");
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(() => nodeIds(page)).toHaveLength(before.length + 1);
    await expect.poll(edgeCount).toBe(edges0 + 1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("editing a field shows an error that clears when fixed", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    const model = node(page, "base").locator("input").first();
    await page.getByRole("tab", { name: "Request" }).click();
    const status = page.locator(".endpoint .status");
    await model.fill("");
    await expect.poll(() => status.innerText()).toMatch(/error/);
    await expect.poll(() => node(page, "base").locator(".field-msg").count()).toBeGreaterThan(0);
    await screenshot(page, "field-error");
    await model.fill("stabilityai/stable-diffusion-xl-base-1.0");
    await expect.poll(() => status.innerText()).toBe("ready");
    expect(await node(page, "base").locator(".field-msg").count()).toBe(0);
    await context.close();
  });

  it("pasting a fal request gives its graph", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    // Unsaved work first: importing over it asks in-app, and the old pipeline stays recoverable.
    await node(page, "prompt").locator("textarea").first().fill("unsaved before import");
    await page.getByRole("button", { name: "Import request" }).click();
    const request = {
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "a red fox in the snow",
      loras: [{ path: "https://example.com/fox-style.safetensors", scale: 0.7 }],
      num_inference_steps: 25,
    };
    await page.getByLabel("Text to import").fill(JSON.stringify(request, null, 2));
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByTestId("confirm-dialog").waitFor();
    await page.getByTestId("confirm-replace").click();
    await expect
      .poll(() => page.locator(".react-flow__node .node-title").allInnerTexts())
      .toEqual(expect.arrayContaining(["LoRA", "Prompt", "Base model"]));
    const json = await requestJson(page);
    expect(json).toContain("fox-style.safetensors");
    expect(json).toContain("a red fox in the snow");
    expect(json).toMatch(/"num_inference_steps":\s*25/);
    await screenshot(page, "imported-request");
    await page.getByRole("button", { name: "Library" }).click();
    expect(await page.getByTestId("recent-draft").first().innerText()).toMatch(/importing a request/);
    await context.close();
  });

  it("the template gallery opens an example as a card click", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    await page.getByRole("button", { name: "Templates" }).click();
    const gallery = page.getByTestId("template-gallery");
    await gallery.waitFor();
    // The lessons above the examples load after the dialog opens and push the cards down.
    await page.getByTestId("lesson-gallery").waitFor();
    await dialogSettled(page);
    const cards = gallery.locator(".lg-card");
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    for (const d of await gallery.locator(".lg-card-desc").allInnerTexts()) expect(d.trim().length).toBeGreaterThan(10);
    await screenshot(page, "template-gallery");
    await page.getByTestId("template-sdxl-two-loras").click();
    const example = examples.find((e) => e.id === "sdxl-two-loras")!;
    await expect.poll(() => page.locator(".doc-name").innerText()).toContain(example.title);
    await expect.poll(() => page.locator(".react-flow__node").count()).toBeGreaterThan(3);
    expect(example.document.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(await nodeIds(page)));
    expect(await page.getByTestId("template-gallery").count()).toBe(0);
    await context.close();
  });
});
