// LoRA files in the editor: the header read in the browser (or through the server), the LoRA
// node's family, rank, alpha, trigger chips and thumbnail, and the family refusal before a run
// (docs/import-export.md, "LoRA files in the editor").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startServer, type StartedServer } from "../harness/server";
import { screenshot, type TestBrowser } from "../harness/browser";
import { startSpy, type Spy } from "../server/helpers";
import { dataUrl, PNG_1x1, safetensors, sd1Tensors, sdxlDiffusersTensors } from "../interop/safetensorsFixtures";
import { PNG } from "pngjs";
import { PARAMETERS_KEYWORD, writeImageMetadata } from "../../src/interop/image";
import {
  dragBetween,
  emptyCanvasPoint,
  handle,
  node,
  nodeIds,
  openEditor,
  openViaPicker,
  settledCenter,
  shootOnFailure,
  connectBrowser,
  withFields,
} from "./helpers";

const HF = "https://huggingface.co/u/castle-xl/resolve/main/castle.safetensors";
const CIVITAI = "https://civitai.com/api/download/models/4242";
const HF_API = "https://huggingface.co/api/models";
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
  // Hugging Face's file lists: one repository holding one LoRA, one holding two.
  const list = (...names: string[]) =>
    new TextEncoder().encode(JSON.stringify({ siblings: names.map((rfilename) => ({ rfilename })) }));
  files[keyOf(`${HF_API}/u/castle-xl/revision/main`)] = list("README.md", "castle.safetensors");
  files[keyOf(`${HF_API}/u/two-loras/revision/main`)] = list("v1.safetensors", "v2.safetensors");
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
  b = await connectBrowser();
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
      const view = (await withFields(page, "lora")).getByTestId("model-file");
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
      // Zoomed in on the LoRA, the pane's corner may be a node's field: click bare canvas.
      const free = await emptyCanvasPoint(page);
      await page.mouse.click(free.x, free.y);
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

describe("Hugging Face ids", () => {
  it("owner/repo holding one LoRA reads that file; with several it says which, and reads none", async (ctx) => {
    const { page, context, errors } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    const asked = await routeModelHosts(page);
    await openViaPicker(page, workflow(SDXL, "u/castle-xl", true));
    const view = node(page, "lora").getByTestId("model-file");
    await expect.poll(() => view.getByTestId("model-family").innerText(), { timeout: 15_000 }).toBe("SDXL");
    // The repository's file list, then the one LoRA file in it, both asked by the browser itself.
    expect(asked.map((a) => a.url)).toEqual([`${HF_API}/u/castle-xl/revision/main`, HF]);
    const field = page.locator("#n-lora-path");
    await field.click();
    await page.keyboard.press("ControlOrMeta+a");
    // Pasted, as ids usually are: typed key by key on a loaded machine, a pause past the view's
    // 300 ms rest reads the half-typed name, a real 404 that `errors` would count.
    await page.keyboard.insertText("u/two-loras");
    await page.keyboard.press("Tab");
    await expect
      .poll(() => view.innerText(), { timeout: 15_000 })
      .toMatch(/Header not read: u\/two-loras holds several \.safetensors files \(v1\.safetensors, v2\.safetensors\)/);
    // Only file lists were asked for it: no file of that repository was read.
    const later = asked.slice(2).map((a) => a.url);
    expect(later).toContain(`${HF_API}/u/two-loras/revision/main`);
    expect(later.every((u) => u.startsWith(`${HF_API}/`))).toBe(true);
    // Naming the file reads it straight from its /resolve/ URL.
    await field.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText("u/castle-xl/castle.safetensors");
    await page.keyboard.press("Tab");
    await expect.poll(() => view.getByTestId("model-family").innerText(), { timeout: 15_000 }).toBe("SDXL");
    expect(errors).toEqual([]);
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

/** Drops files on whatever is at `point`, as a drag from the desktop does. */
async function dropAt(
  page: Page,
  point: { x: number; y: number },
  files: { name: string; type: string; b64?: string; zeros?: number; head?: string }[],
) {
  await page.evaluate(
    ({ files, x, y }) => {
      const dt = new DataTransfer();
      for (const f of files) {
        const head = f.head ?? f.b64 ?? "";
        const parts: BlobPart[] = [Uint8Array.from(atob(head), (c) => c.charCodeAt(0))];
        if (f.zeros) parts.push(new Uint8Array(f.zeros));
        dt.items.add(new File(parts, f.name, { type: f.type }));
      }
      const target = document.elementFromPoint(x, y)!;
      for (const type of ["dragenter", "dragover", "drop"])
        target.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }),
        );
    },
    { files, ...point },
  );
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const loraNodes = (page: Page) => page.locator('.react-flow__node:has([data-testid="model-file"])');

function png(width = 24, height = 24, parameters?: string): Uint8Array {
  const img = new PNG({ width, height });
  img.data.fill(180);
  const bytes = new Uint8Array(PNG.sync.write(img));
  if (!parameters) return bytes;
  const w = writeImageMetadata(bytes, [{ keyword: PARAMETERS_KEYWORD, text: parameters }]);
  if (!w.ok) throw new Error(w.error);
  return w.bytes;
}

describe("dropping files on the canvas", () => {
  it("a .safetensors file is read locally, uploaded with progress, and becomes a LoRA node with its chips", async (ctx) => {
    const { page, context, errors } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    const asked = await routeModelHosts(page);
    const before = await nodeIds(page);
    await dropAt(page, await emptyCanvasPoint(page), [{ name: "castle.safetensors", type: "", b64: b64(CASTLE_XL) }]);
    const added = loraNodes(page);
    await expect.poll(() => added.count(), { timeout: 15_000 }).toBe(1);
    expect(await added.locator(".node-title").innerText()).toBe("castle");
    // Its path is the uploaded file's URL on fal storage (the stand-in here).
    const id = (await nodeIds(page)).find((x) => !before.includes(x))!;
    // It keeps the file's name, so the URL ends in .safetensors as on fal's CDN.
    expect(await page.locator(`#n-${id}-path`).inputValue()).toMatch(
      /\/standin\/files\/[0-9a-f-]{36}\/castle\.safetensors$/,
    );
    expect(await added.getByTestId("model-family").innerText()).toBe("SDXL");
    expect(asked).toEqual([]); // read from the file itself, not fetched
    // A chip goes into the prompt when clicked, and only then.
    const prompt = page.locator("#n-prompt-prompt");
    const text = await prompt.inputValue();
    expect(text).not.toMatch(/castlestyle/);
    await added.getByRole("button", { name: /castlestyle/ }).click();
    await expect.poll(() => prompt.inputValue()).toBe(`${text}, castlestyle`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a LoRA over 90 MiB goes up in parts with a progress bar; Cancel stops it and adds nothing", async (ctx) => {
    const { page, context } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    const at = await emptyCanvasPoint(page);
    // Hold the second part until the user has seen the progress and cancelled.
    let parts = 0;
    await page.route("**/standin/multipart/**", async (route) => {
      if (route.request().method() === "PUT" && ++parts >= 2) return; // never answered: the upload waits
      await route.continue();
    });
    const big = { name: "huge.safetensors", type: "", head: b64(CASTLE_XL), zeros: 91 * 1024 * 1024 };
    await dropAt(page, at, [big]);
    const bar = page.getByRole("progressbar", { name: /huge\.safetensors/ });
    await expect.poll(() => bar.getAttribute("aria-valuenow"), { timeout: 20_000 }).not.toBe("0");
    await screenshot(page, "lora-upload-progress-1440");
    await page.getByTestId("upload").getByRole("button", { name: "Cancel" }).click();
    await page
      .locator(".toast")
      .filter({ hasText: /upload of huge\.safetensors was cancelled/ })
      .waitFor();
    await expect.poll(() => page.getByTestId("upload").count()).toBe(0);
    expect(await loraNodes(page).count()).toBe(0);
    // The same file uploads whole when nothing holds it: 10 parts, then one LoRA node.
    await page.unroute("**/standin/multipart/**");
    await dropAt(page, at, [big]);
    await expect.poll(() => loraNodes(page).count(), { timeout: 40_000 }).toBe(1);
    await context.close();
  });

  it("an image becomes an Image node with its thumbnail; on an image input it is wired there", async (ctx) => {
    const { page, context, errors } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    const before = await nodeIds(page);
    await dropAt(page, await emptyCanvasPoint(page), [{ name: "ref.png", type: "image/png", b64: b64(png()) }]);
    await expect.poll(async () => (await nodeIds(page)).length, { timeout: 15_000 }).toBe(before.length + 1);
    const imageId = (await nodeIds(page)).find((x) => !before.includes(x))!;
    const thumb = node(page, imageId).locator("img.thumb");
    await expect.poll(() => thumb.count()).toBe(1);
    expect(await thumb.getAttribute("src")).toMatch(/\/standin\/files\/.+\.png$/);
    // Dropped on the Sampler's Init image input: a new Image node wired into it → image to image.
    const port = node(page, "sampler").locator('.port.in[data-port="init_image"]');
    const p = await settledCenter(port);
    await dropAt(page, p, [{ name: "init.png", type: "image/png", b64: b64(png(32, 32)) }]);
    await expect
      .poll(() => page.locator('.react-flow__edge[data-id$="->sampler.init_image"]').count(), { timeout: 15_000 })
      .toBe(1);
    await expect.poll(() => page.getByTestId("endpoint-badge").innerText()).toBe("img2img");
    // An image dragged from another tab arrives as its address: an Image node holding it, whose
    // preview waits for consent (a third-party host); the uploaded one shows at once after a reload.
    const had = await nodeIds(page);
    const far = "https://images.example.com/tab/cat.png";
    const free = await emptyCanvasPoint(page);
    await page.evaluate(
      ({ x, y, far }) => {
        const dt = new DataTransfer();
        dt.setData("text/uri-list", far);
        const target = document.elementFromPoint(x, y)!;
        for (const type of ["dragenter", "dragover", "drop"])
          target.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }),
          );
      },
      { ...free, far },
    );
    await expect.poll(async () => (await nodeIds(page)).length).toBe(had.length + 1);
    const tabId = (await nodeIds(page)).find((x) => !had.includes(x))!;
    expect(await page.locator(`#n-${tabId}-url`).getAttribute("title")).toBe(far);
    await node(page, tabId).getByRole("button", { name: "Load preview" }).waitFor();
    await page.reload();
    await expect.poll(() => node(page, imageId).locator("img.thumb").count()).toBe(1);
    expect(await node(page, imageId).getByRole("button", { name: "Load preview" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("an image carrying A1111 parameters asks first: open it, or add it as an image; Ctrl+V pastes one", async (ctx) => {
    const { page, context, errors } = await openEditor(b, srv.url);
    shootOnFailure(ctx, () => page);
    const before = await nodeIds(page);
    const text = "a castle\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512";
    await dropAt(page, await emptyCanvasPoint(page), [
      { name: "made.png", type: "image/png", b64: b64(png(16, 16, text)) },
    ]);
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    expect(await page.getByRole("dialog").innerText()).toMatch(/made\.png carries A1111/);
    await page.getByTestId("confirm-image").click();
    await expect.poll(async () => (await nodeIds(page)).length, { timeout: 15_000 }).toBe(before.length + 1);
    // An image copied elsewhere and pasted with Ctrl+V: an Image node holding the uploaded file,
    // its thumbnail drawn. A browser test: the key goes through Chromium's paste and its clipboard.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: srv.url });
    await page.evaluate(
      async (data) => {
        const blob = new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: "image/png" });
        await navigator.clipboard.write([new ClipboardItem({ "image/png": blob })]);
      },
      b64(png(20, 20)),
    );
    const had = await nodeIds(page);
    const at = await emptyCanvasPoint(page);
    await page.mouse.move(at.x, at.y, { steps: 4 });
    await page.keyboard.press("Control+v");
    await expect.poll(async () => (await nodeIds(page)).length, { timeout: 15_000 }).toBe(had.length + 1);
    const pastedId = (await nodeIds(page)).find((x) => !had.includes(x))!;
    expect(pastedId).toMatch(/^image/);
    const url = page.locator(`#n-${pastedId}-url`);
    await expect.poll(() => url.getAttribute("title"), { timeout: 15_000 }).toMatch(/\/standin\/files\/.+\.png$/);
    // The field names the file; the full stand-in storage URL is on hover.
    const held = (await url.getAttribute("title"))!;
    expect(await url.inputValue()).toContain(held.split("/").pop());
    const thumb = node(page, pastedId).locator("img.thumb");
    await expect.poll(() => thumb.getAttribute("src")).toBe(held);
    await expect.poll(() => thumb.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    await screenshot(page, "ctrl-v-image-1440x900");
    expect(errors).toEqual([]);
    await context.close();
  });
});
