// Components on the canvas (docs/components.md#the-editor): an instance looks and wires like a
// node, and the request compiles through it. Each test drives the editor with mouse and keyboard.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { StartedServer } from "../harness/server";
import { screenshot, type TestBrowser } from "../harness/browser";
import { node, openEditor, openViaPicker, requestJson, setupServerAndBrowser, shootOnFailure } from "./helpers";

let srv: StartedServer;
let b: TestBrowser;
setupServerAndBrowser((s, br) => ((srv = s), (b = br)));

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

const fixture = async (name: string) => ({
  name: `${name}.json`,
  mimeType: "application/json",
  buffer: await readFile(`test/fixtures/components/${name}.json`),
});

describe("an instance on the canvas", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: ports, exposed params, badge, and the request through it`, async (ctx) => {
      const { page, context, errors } = await openEditor(b, srv.url, size);
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
      const scale = page.locator("#n-style-stack-lora-2\\.scale");
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
