// LoRA files in the editor: the header read in the browser (or through the server), the LoRA
// node's family, rank, alpha, trigger chips and thumbnail, and the family refusal before a run
// (docs/interop.md, "LoRA files in the editor").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startServer, type StartedServer } from "../harness/server";
import { launchBrowser, screenshot, type TestBrowser } from "../harness/browser";
import { startSpy, type Spy } from "../server/helpers";
import { dataUrl, PNG_1x1, safetensors, sd1Tensors, sdxlDiffusersTensors } from "../interop/safetensorsFixtures";
import { dragBetween, handle, node, openEditor, openViaPicker, shootOnFailure } from "./helpers";

const HF = "https://huggingface.co/u/castle-xl/resolve/main/castle.safetensors";
const CIVITAI = "https://civitai.com/api/download/models/4242";
const SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5";
const SDXL = "stabilityai/stable-diffusion-xl-base-1.0";

/** An SDXL LoRA with modelspec metadata: trigger phrase and a thumbnail. */
const CASTLE_XL = safetensors(
  {
    "modelspec.architecture": "stable-diffusion-xl-v1-base/lora",
    "modelspec.title": "Castle XL",
    "modelspec.trigger_phrase": "castlestyle, stone walls, banners",
    "modelspec.thumbnail": dataUrl("image/png", PNG_1x1),
    ss_network_dim: "32",
    ss_network_alpha: "16",
  },
  sdxlDiffusersTensors(32),
);
/** A kohya SD1 LoRA with tags only. */
const TOWER_SD1 = safetensors(
  {
    ss_base_model_version: "sd_v1",
    ss_network_dim: "16",
    ss_network_alpha: "8",
    ss_tag_frequency: JSON.stringify({ "10_tower": { tower: 9, ivy: 4 } }),
  },
  sd1Tensors(16),
);

let srv: StartedServer;
let b: TestBrowser;
let spy: Spy;
const files: Record<string, Uint8Array> = {};
const keyOf = (url: string) => `/${new URL(url).hostname}${new URL(url).pathname}`;

beforeAll(async () => {
  spy = await startSpy();
  files[keyOf(HF)] = CASTLE_XL;
  files[keyOf(CIVITAI)] = TOWER_SD1;
  // A file host honouring Range; Hugging Face answers with CORS, Civitai without (as in life).
  spy.handler = (call, _req, res) => {
    const file = files[call.path];
    if (!file) return void res.writeHead(404).end("no such file");
    const m = /^bytes=(\d+)-(\d+)$/.exec(String(call.headers.range ?? ""));
    const to = m ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
    const cors = call.path.startsWith("/huggingface.co/")
      ? { "access-control-allow-origin": "*", "access-control-expose-headers": "content-range" }
      : {};
    res.writeHead(m ? 206 : 200, { "content-range": `bytes 0-${to}/${file.length}`, ...cors });
    res.end(Buffer.from(file.subarray(0, to + 1)));
  };
  srv = await startServer({ loraHeader: { fetch: (url, init) => fetch(spy.resolve(url), init) } });
  b = await launchBrowser();
});

afterAll(async () => {
  await b?.close();
  await srv?.close();
  await spy?.close();
});

/** What the browser itself asked the model hosts, by URL, with the request headers it sent. */
async function routeModelHosts(page: Page) {
  const asked: { url: string; headers: Record<string, string> }[] = [];
  await page.route(/^https:\/\/(huggingface\.co|civitai\.com)\//, async (route) => {
    const req = route.request();
    asked.push({ url: req.url(), headers: req.headers() });
    const up = await fetch(spy.resolve(req.url()), {
      headers: req.headers().range ? { range: req.headers().range } : {},
    });
    const headers: Record<string, string> = {};
    up.headers.forEach((v, k) => (headers[k] = v));
    await route.fulfill({ status: up.status, headers, body: Buffer.from(await up.arrayBuffer()) });
  });
  return asked;
}

/** base → (lora, not wired yet) ; prompt → sampler. */
function workflow(base: string, loraPath: string, wired: boolean) {
  const nodes = [
    { id: "base", type: "base_model", typeVersion: 1, position: { x: 0, y: 0 }, params: { model_name: base } },
    { id: "lora", type: "lora", typeVersion: 2, position: { x: 330, y: 0 }, params: { path: loraPath, scale: 0.8 } },
    { id: "prompt", type: "prompt", typeVersion: 1, position: { x: 0, y: 330 }, params: { prompt: "a castle" } },
    { id: "sampler", type: "sampler", typeVersion: 1, position: { x: 660, y: 120 }, params: {} },
  ];
  const edge = (s: string, sh: string, t: string, th: string) => ({
    id: `e:${s}.${sh}->${t}.${th}`,
    source: s,
    sourceHandle: sh,
    target: t,
    targetHandle: th,
  });
  const edges = [edge("prompt", "conditioning", "sampler", "conditioning")];
  if (wired) edges.push(edge("base", "model", "lora", "model"), edge("lora", "model", "sampler", "model"));
  const doc = { format: "lora-graph/workflow", version: 3, meta: { name: "LoRA test" }, nodes, edges };
  return { name: "lora-test.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc)) };
}

const promptText = (page: Page) => page.locator("#n-prompt-prompt").inputValue();

describe("the LoRA node shows what its file's header says", () => {
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1280, height: 720 },
  ]) {
    it(`at ${size.width}x${size.height}: family, rank, alpha, thumbnail; a chip inserts into the prompt`, async (ctx) => {
      const { page, context, errors } = await openEditor(b, srv.url, size);
      shootOnFailure(ctx, () => page);
      const asked = await routeModelHosts(page);
      await openViaPicker(page, workflow(SDXL, HF, true));
      const view = node(page, "lora").getByTestId("model-file");
      await expect.poll(() => view.getByTestId("model-family").innerText(), { timeout: 15_000 }).toBe("SDXL");
      expect(await view.getByTestId("model-rank").innerText()).toBe("rank 32 · alpha 16");
      // The thumbnail is an <img> with the checked data: URL, nothing else.
      expect(await view.locator("img.mfile-thumb").getAttribute("src")).toMatch(/^data:image\/png;base64,/);
      // The browser read the header itself: one simple ranged GET, no credentials, no custom headers.
      const mine = asked.filter((a) => a.url === HF);
      expect(mine.length).toBe(1);
      expect(mine[0].headers.range).toBe("bytes=0-65535");
      expect(Object.keys(mine[0].headers).filter((h) => /^(authorization|cookie|x-|content-type)/.test(h))).toEqual([]);
      // Chips are offered, never inserted by themselves.
      expect(await promptText(page)).toBe("a castle");
      const chip = view.getByRole("button", { name: /castlestyle/ });
      await screenshot(page, `lora-node-${size.width}x${size.height}`);
      await chip.click();
      await expect.poll(() => promptText(page)).toBe("a castle, castlestyle");
      await expect.poll(() => chip.getAttribute("aria-pressed")).toBe("true");
      // A second click adds nothing twice; undo takes the word back.
      await chip.click();
      expect(await promptText(page)).toBe("a castle, castlestyle");
      await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("Control+z");
      await expect.poll(() => promptText(page)).toBe("a castle");
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("falls back to the server's /api/lora/header when the host sends no CORS", async (ctx) => {
    const { page, context } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    await routeModelHosts(page);
    await openViaPicker(page, workflow(SD15, CIVITAI, true));
    const view = node(page, "lora").getByTestId("model-file");
    await expect.poll(() => view.getByTestId("model-family").innerText(), { timeout: 15_000 }).toBe("SD1");
    expect(await view.getByTestId("model-rank").innerText()).toBe("rank 16 · alpha 8");
    expect(await view.locator(".mfile-chip").allInnerTexts()).toEqual(["+ tower", "+ ivy"]);
    await context.close();
  });
});

describe("family compatibility", () => {
  it("wiring an SDXL LoRA into an SD1.5 base is refused before anything is sent, with the reason", async (ctx) => {
    srv.standin!.resetStats();
    const { page, context } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    await routeModelHosts(page);
    await openViaPicker(page, workflow(SD15, HF, false));
    const view = node(page, "lora").getByTestId("model-file");
    await expect.poll(() => view.getByTestId("model-family").innerText(), { timeout: 15_000 }).toBe("SDXL");
    await dragBetween(page, handle(page, "base", "model", "source"), handle(page, "lora", "model", "target"));
    await dragBetween(page, handle(page, "lora", "model", "source"), handle(page, "sampler", "model", "target"));
    const reason = /made for SDXL .* base model ".*stable-diffusion-v1-5" is SD1/;
    // On the field…
    await expect
      .poll(() => node(page, "lora").locator(".field-msg.error").allInnerTexts())
      .toEqual([expect.stringMatching(reason)]);
    // …in Problems…
    await page.getByRole("tab", { name: /Problems/ }).click();
    await expect.poll(() => page.locator(".sidepanel .tab-body").innerText()).toMatch(reason);
    // …and Run says why it is disabled; nothing reaches fal.
    const run = page.locator("[data-run-button]");
    await expect.poll(() => run.isDisabled()).toBe(true);
    expect(await run.getAttribute("title")).toMatch(reason);
    await page.keyboard.press("Control+Enter");
    expect(srv.standin!.stats().calls.submit).toBe(0);
    await screenshot(page, "lora-family-refused-1440");
    await context.close();
  });
});
