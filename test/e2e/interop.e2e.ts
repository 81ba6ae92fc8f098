// The import door in real Chromium: images and text from other tools become graphs, with an import
// report naming everything that did not map (docs/import-export.md, "One import door").
import { describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import {
  dropFile,
  emptyCanvasPoint,
  requestJson,
  setupServerAndBrowser,
  shootOnFailure,
  viewStill,
  withFields,
} from "./helpers";
import { PARAMETERS_KEYWORD, writeImageMetadata } from "../../src/interop/image";
import { sdxlLoraPrompt } from "../interop/comfyFixtures";

const suite = setupServerAndBrowser();

const A1111 = [
  "a castle on a hill, (masterpiece:1.2) <lora:castle_style:0.7>",
  "Negative prompt: blurry",
  'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234, Size: 832x1216, Model: sd_xl_base_1.0, ENSD: 31337, Civitai resources: [{"type":"lora","weight":0.7,"modelVersionId":4242}]',
].join("\n");

function a1111Png(): Uint8Array {
  const w = writeImageMetadata(new Uint8Array(PNG.sync.write(new PNG({ width: 16, height: 16 }))), [
    { keyword: PARAMETERS_KEYWORD, text: A1111 },
  ]);
  if (!w.ok) throw new Error(w.error);
  return w.bytes;
}

const titles = (page: Page) => page.locator(".react-flow__node .node-title").allInnerTexts();

/** No two nodes' boxes overlap on screen. */
async function overlaps(page: Page): Promise<string[]> {
  return page.$$eval(".react-flow__node", (els) => {
    const boxes = els.map((e) => ({ id: (e as HTMLElement).dataset.id, r: e.getBoundingClientRect() }));
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const c = boxes[j].r;
        if (a.left < c.right && c.left < a.right && a.top < c.bottom && c.top < a.bottom)
          out.push(`${boxes[i].id} × ${boxes[j].id}`);
      }
    return out;
  });
}

const report = (page: Page) => page.getByRole("region", { name: "Import report" });

/** The nodes the import report lies over, once the refit under it has settled. */
async function nodesUnderReport(page: Page): Promise<string[]> {
  await viewStill(page);
  return page.evaluate(() => {
    const r = document.querySelector(".import-report")!.getBoundingClientRect();
    return [...document.querySelectorAll<HTMLElement>(".react-flow__node")]
      .filter((n) => {
        const b = n.getBoundingClientRect();
        return b.left < r.right && r.left < b.right && b.top < r.bottom && r.top < b.bottom;
      })
      .map((n) => n.dataset.id!);
  });
}

describe("the import door", () => {
  it("dropping an A1111 PNG on the canvas gives its graph, laid out, with the report", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    await page.getByRole("button", { name: "New", exact: true }).click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    await dropFile(page, "castle.png", a1111Png(), "image/png");
    // An image that carries generation data asks first: open it, or add it as an Image node.
    await page.getByRole("button", { name: "Open it" }).click();
    await expect
      .poll(() => titles(page), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["castle_style", "Prompt", "Base model"]));
    const json = await requestJson(page);
    expect(JSON.parse(json)).toMatchObject({
      model_name: "stabilityai/stable-diffusion-xl-base-1.0",
      prompt: "a castle on a hill, (masterpiece)1.2",
      loras: [{ path: "https://civitai.com/api/download/models/4242", scale: 0.7 }],
      seed: 1234,
      num_inference_steps: 28,
      scheduler: "DPM++ 2M Karras",
    });
    await report(page).waitFor();
    expect(await report(page).innerText()).toMatch(/Imported from A1111 \/ Forge \/ Civitai[\s\S]*castle\.png/);
    expect(await report(page).getByRole("button").filter({ hasText: "ENSD" }).innerText()).toMatch(/31337/);
    expect(await overlaps(page)).toEqual([]);
    expect(await nodesUnderReport(page)).toEqual([]);
    await screenshot(page, "import-a1111-png-1440");
    await context.close();
  });

  it("pasting ComfyUI API JSON gives its graph and lists what did not map; a row reveals its node", async (ctx) => {
    const { page, context } = await suite.open({ width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: suite.srv.url });
    await page.evaluate((t) => navigator.clipboard.writeText(t), JSON.stringify(sdxlLoraPrompt(), null, 2));
    const p = await emptyCanvasPoint(page);
    await page.mouse.click(p.x, p.y);
    await page.keyboard.press("Control+V");
    await report(page).waitFor();
    expect(await report(page).innerText()).toMatch(/Imported from ComfyUI API prompt[\s\S]*pasted text[\s\S]*1 error/);
    const lora = report(page).getByRole("button").filter({ hasText: "node 10 (LoraLoader) lora_name" });
    expect(await lora.innerText()).toMatch(/LoRA `castle_style`: path needed/);
    expect(await report(page).innerText()).toMatch(/node 11 \(CLIPSetLastLayer\) stop_at_clip_layer/);
    expect(await titles(page)).toEqual(expect.arrayContaining([expect.stringMatching(/castle_style/), "Prompt"]));
    expect(await overlaps(page)).toEqual([]);
    // Three long notes: the report keeps to a third of the canvas and scrolls; no node lies under it.
    expect(await nodesUnderReport(page)).toEqual([]);
    await screenshot(page, "import-comfyui-paste-1280");
    // The LoRA's row reveals the LoRA node with its empty path.
    await lora.click();
    await expect
      .poll(() => page.locator(".react-flow__node.selected .node-title").allInnerTexts())
      .toEqual([expect.stringMatching(/castle_style/)]);
    await report(page).getByRole("button", { name: "Dismiss the import report" }).click();
    await expect.poll(() => report(page).count()).toBe(0);
    await context.close();
  });

  it("text that is nothing known is refused before anything is replaced", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    const before = await page.locator(".react-flow__node").count();
    await page.getByRole("button", { name: "Import request" }).click();
    await page.getByLabel("Text to import").fill("[1, 2, 3]");
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/not an object/);
    expect(await page.getByTestId("confirm-dialog").count()).toBe(0);
    expect(await page.locator(".react-flow__node").count()).toBe(before);
    await context.close();
  });

  it("LoRA aliases: a URL filled in for a LoRA known by name resolves it on the next import", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    const text = A1111.replace(/, Civitai resources: .*$/, "");
    const importText = async () => {
      await page.getByRole("button", { name: "Import request" }).click();
      await page.getByLabel("Text to import").fill(text);
      await page.getByRole("button", { name: "Import", exact: true }).click();
      const confirm = page.getByTestId("confirm-replace");
      await Promise.race([confirm.waitFor().then(() => confirm.click()), report(page).waitFor()]).catch(() => {});
      await report(page).waitFor();
    };
    await importText();
    expect(await report(page).innerText()).toMatch(/LoRA `castle_style`: path needed/);
    const path = (await withFields(page, "lora_1")).locator("#n-lora_1-path");
    await path.fill("https://civitai.com/api/download/models/4242");
    await path.press("Tab");
    await importText();
    await expect
      .poll(() => report(page).innerText())
      .toMatch(/castle_style`: path https:\/\/civitai\.com\S+, from your LoRA aliases/);
    expect(await report(page).innerText()).not.toMatch(/path needed/);
    expect(JSON.parse(await requestJson(page)).loras).toEqual([
      { path: "https://civitai.com/api/download/models/4242", scale: 0.7 },
    ]);
    await context.close();
  });
});
