// Opening an untrusted workflow file: markup in its strings stays text (IMP-06), and nothing it
// points at is fetched until the user asks (IMP-08).
import { describe, expect, it } from "vitest";
import { screenshot } from "../harness/browser";
import { node, nodeIds, openViaPicker, shootOnFailure, setupServerAndBrowser } from "./helpers";

const suite = setupServerAndBrowser();

const XSS = {
  img: `<img src=x onerror="window.__xss='img'">`,
  svg: `<svg onload="window.__xss='svg'"></svg>`,
  script: `<script>window.__xss='script'</script>`,
  link: `[click](javascript:window.__xss='link')`,
};

function hostileWorkflow() {
  return {
    format: "lora-graph/workflow",
    version: 2,
    meta: { name: `Hostile ${XSS.img}`, description: XSS.svg },
    nodes: [
      {
        id: "base",
        type: "base_model",
        typeVersion: 1,
        position: { x: 0, y: 0 },
        label: XSS.img,
        params: { model_name: "stabilityai/stable-diffusion-xl-base-1.0" },
      },
      {
        id: "lora",
        type: "lora",
        typeVersion: 2,
        position: { x: 320, y: 0 },
        label: XSS.svg,
        params: { path: "https://tracker.invalid/weights.safetensors", scale: 0.8 },
      },
      {
        id: "prompt",
        type: "prompt",
        typeVersion: 1,
        position: { x: 0, y: 260 },
        params: { prompt: `${XSS.svg} a cat ${XSS.script}` },
      },
      {
        id: "pixel",
        type: "image",
        typeVersion: 1,
        position: { x: 320, y: 260 },
        label: XSS.link,
        params: { url: "https://tracker.invalid/pixel.png?u=victim" },
      },
      {
        id: "note",
        type: "note",
        typeVersion: 1,
        position: { x: 640, y: 260 },
        params: { text: `${XSS.script}\n${XSS.link}\n${XSS.img}` },
      },
      { id: "sampler", type: "sampler", typeVersion: 1, position: { x: 640, y: 0 }, params: {} },
    ],
    edges: [
      { id: "e1", source: "base", sourceHandle: "model", target: "lora", targetHandle: "model" },
      { id: "e2", source: "lora", sourceHandle: "model", target: "sampler", targetHandle: "model" },
      { id: "e3", source: "prompt", sourceHandle: "conditioning", target: "sampler", targetHandle: "conditioning" },
    ],
  };
}

describe("untrusted workflow files", () => {
  it("IMP-06 / IMP-08: markup in a file's strings is inert, and its remote URLs are not fetched until asked", async (ctx) => {
    const { page, context } = await suite.open();
    shootOnFailure(ctx, () => page);
    const foreign: string[] = [];
    await context.route(
      (url) => !url.href.startsWith(suite.srv.url),
      (route) => {
        foreign.push(route.request().url());
        return route.abort();
      },
    );
    const nativeDialogs: string[] = [];
    page.on("dialog", (d) => {
      nativeDialogs.push(d.message());
      void d.dismiss();
    });
    await page.evaluate(() =>
      document.addEventListener(
        "securitypolicyviolation",
        (e) => ((window as unknown as { __csp: string }).__csp = e.violatedDirective),
      ),
    );

    const text = JSON.stringify(hostileWorkflow());
    await openViaPicker(page, {
      name: "hostile.lora-graph.json",
      mimeType: "application/json",
      buffer: Buffer.from(text),
    });
    await expect.poll(() => nodeIds(page)).toEqual(expect.arrayContaining(["base", "lora", "prompt", "sampler"]));
    // Look at every panel that renders the file's strings.
    await node(page, "lora").locator(".node-head").click();
    await page.getByRole("tab", { name: "Request" }).click();
    await page.getByRole("tab", { name: "Problems" }).click();
    await page.getByRole("tab", { name: "Inspector" }).click();
    // The inspector shows the LoRA's hostile label, and every image on the page has loaded or
    // failed: an injected <img onerror> would have fired by then.
    await expect.poll(() => page.locator(".inspector .insp-title").inputValue()).toBe(XSS.svg);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    await screenshot(page, "hostile-file");

    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(nativeDialogs).toEqual([]);
    // The markup is shown as text.
    expect(await page.locator(".doc-name").innerText()).toContain("<img src=x");
    expect(
      await page.locator(".react-flow__node img, .react-flow__node svg[onload], .react-flow__node script").count(),
    ).toBe(0);
    // Nothing left the origin: no tracking pixel, no LoRA URL, no referrer leak.
    expect(foreign).toEqual([]);

    // The preview loads only after the user asks (and then without a referrer).
    const preview = node(page, "pixel").getByRole("button", { name: "Load preview" });
    await preview.click();
    await expect.poll(() => foreign.length).toBeGreaterThan(0);
    expect(foreign.every((u) => u.startsWith("https://tracker.invalid/pixel.png"))).toBe(true);
    expect(await node(page, "pixel").locator("img").getAttribute("referrerpolicy")).toBe("no-referrer");
    await context.close();
  });
});
