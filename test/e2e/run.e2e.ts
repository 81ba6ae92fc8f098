// Running from the browser editor against the offline stand-in, in real Chromium: results in the
// Sampler node, cancel (EXE-03), reload mid-run (EXE-02), and images that carry their workflow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startServer, type StartedServer } from "../harness/server";
import type { TestBrowser } from "../harness/browser";
import { downloadedBytes, node, nodeIds, openEditor, shootOnFailure, connectBrowser } from "./helpers";
import { PARAMETERS_KEYWORD, REQUEST_KEYWORD, WORKFLOW_KEYWORD, readImageMetadata } from "../../src/interop/image";
import { a1111ToRequest } from "../../src/interop/a1111";

let fast: StartedServer;
let slow: StartedServer;
let b: TestBrowser;

beforeAll(async () => {
  [fast, slow, b] = await Promise.all([
    startServer(),
    // Slow enough to reload in the middle of a run.
    startServer({ standinOptions: { latencyMs: 3000, queueDelayMs: 300 } }),
    connectBrowser(),
  ]);
});
afterAll(async () => {
  await b?.close();
  await Promise.all([fast?.close(), slow?.close()]);
});

const strip = (page: Page) => page.locator('[data-output-strip="sampler"]');

async function stripImageLoaded(page: Page): Promise<boolean> {
  return strip(page)
    .locator("img")
    .first()
    .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)
    .catch(() => false);
}

async function run(page: Page) {
  const button = page.locator("[data-run-button]");
  await expect.poll(() => button.isEnabled()).toBe(true);
  await button.click();
}

describe("run from the editor", () => {
  it("runs on the stand-in: banner, progress, the image in the Sampler node, one submit", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context, errors } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    await page.locator("[data-standin-banner]").waitFor();
    expect(await page.locator("[data-standin-banner]").innerText()).toContain(
      "Offline stand-in: images are placeholders",
    );
    await run(page);
    await expect.poll(() => strip(page).getAttribute("data-status"), { timeout: 15_000 }).toBe("completed");
    await expect.poll(() => stripImageLoaded(page), { timeout: 10_000 }).toBe(true);
    const row = page.locator("[data-run-id]").first();
    expect(await row.getAttribute("data-status")).toBe("completed");
    expect(await row.innerText()).toMatch(/1 image/);
    expect(fast.standin!.stats().calls.submit).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("CMP-01: Run is disabled with the reasons when the compile has errors, and nothing is sent", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    // Remove the prompt: the Sampler's required conditioning input is then unwired.
    await node(page, "prompt").locator(".node-head").click();
    await page.keyboard.press("Delete");
    const button = page.locator("[data-run-button]");
    await expect.poll(() => button.isDisabled()).toBe(true);
    expect(await button.getAttribute("title")).toMatch(/Cannot run:\n• /);
    await page.keyboard.press("Control+Enter");
    // The shortcut was handled: it says why it cannot run.
    await page.locator(".toast.error").filter({ hasText: "Cannot run:" }).waitFor();
    expect(fast.standin!.stats().calls.submit).toBe(0);
    await context.close();
  });

  it("EXE-03: cancel a queued run; the run ends cancelled and polling stops", async (ctx) => {
    fast.standin!.resetStats();
    fast.standin!.faults.add({ kind: "stuck", op: "submit" });
    // The page's clock is Playwright's, so the test can run it ahead instead of waiting; the page
    // counts its own queue calls (status, stream, result) as it makes them.
    const context = await b.browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.clock.install();
    await context.addInitScript(() => {
      const w = window as unknown as { __queueCalls: number };
      w.__queueCalls = 0;
      const real = window.fetch;
      window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
        const url = input instanceof Request ? input.url : String(input);
        const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
        const target = headers.get("x-fal-target-url") ?? url;
        if (/\/requests\/[^/]+\/(status|stream)|\/requests\/[^/]+\/?$/.test(target.split("?")[0])) w.__queueCalls++;
        return real.call(this, input, init);
      };
    });
    const { page } = await openEditor(b, fast.url, { context });
    shootOnFailure(ctx, () => page);
    await run(page);
    const row = page.locator("[data-run-id]").first();
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 10_000 }).toBe("queued");
    await row.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 10_000 }).toBe("cancelled");
    expect(await strip(page).getAttribute("data-status")).toBe("cancelled");
    const s1 = fast.standin!.stats().calls;
    expect(s1.cancel).toBe(1);
    // A minute of the page's time passes at once: any poll, stream retry or backoff still
    // scheduled fires now, and would be counted.
    const queueCalls = () => page.evaluate(() => (window as unknown as { __queueCalls: number }).__queueCalls);
    const callsAtCancel = await queueCalls();
    await page.clock.runFor(60_000);
    expect(await queueCalls()).toBe(callsAtCancel);
    const s2 = fast.standin!.stats().calls;
    expect(s2.status + s2.stream + s2.result).toBe(s1.status + s1.stream + s1.result);
    await context.close();
  });

  it("EXE-02: a reload mid-run resumes from the stored request id; one submit, one result", async (ctx) => {
    slow.standin!.resetStats();
    const { page, context, errors } = await openEditor(b, slow.url);
    shootOnFailure(ctx, () => page);
    await run(page);
    await expect.poll(() => strip(page).getAttribute("data-status"), { timeout: 10_000 }).toBe("running");
    await page.reload();
    await page.waitForSelector('[data-output-strip="sampler"]', { timeout: 20_000 });
    await expect.poll(() => strip(page).getAttribute("data-status"), { timeout: 20_000 }).toBe("completed");
    await expect.poll(() => stripImageLoaded(page), { timeout: 10_000 }).toBe(true);
    // The picture stays one image as the run's stored copy replaces its URL.
    await expect.poll(() => strip(page).locator("img").first().getAttribute("src")).toMatch(/^blob:/);
    expect(await strip(page).locator("img").count()).toBe(1);
    await expect.poll(() => stripImageLoaded(page)).toBe(true);
    const calls = slow.standin!.stats().calls;
    expect(calls.submit).toBe(1);
    expect(calls.result).toBe(1);
    // One run in the history.
    const runsToggle = page.getByRole("button", { name: /Runs/ });
    if ((await runsToggle.getAttribute("aria-expanded")) !== "true") await runsToggle.click();
    await expect.poll(() => page.locator("[data-run-id]").count()).toBe(1);
    expect(errors.filter((e) => !/Failed to load resource|ERR_ABORTED/.test(e))).toEqual([]);
    await context.close();
  });

  it("EXE-04: offline during a run shows reconnecting…, then the result arrives once", async (ctx) => {
    const s = slow.standin!;
    s.resetStats();
    const { page, context } = await openEditor(b, slow.url);
    shootOnFailure(ctx, () => page);
    // The job waits at fal until the page is offline: on a busy machine it cannot end before the
    // outage. Chromium's offline mode keeps the open status stream, so the outage shows when the
    // job ends and the page fetches its result.
    s.faults.add({ op: "submit", kind: "stuck" });
    await run(page);
    await expect.poll(() => strip(page).getAttribute("data-status"), { timeout: 10_000 }).toBe("queued");
    // Its row drawn: a part whose code is still on its way when the page goes offline never loads.
    await page.locator('[data-run-id][data-status="queued"]').waitFor();
    await context.setOffline(true);
    expect(s.releaseStuck()).toBe(1);
    await page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ timeout: 20_000 });
    // Stay offline until the page has tried again and failed: the outage spans a retry.
    let failedWhileOffline = 0;
    page.on("requestfailed", () => failedWhileOffline++);
    await expect.poll(() => failedWhileOffline, { timeout: 15_000 }).toBeGreaterThan(0);
    await context.setOffline(false);
    await expect.poll(() => strip(page).getAttribute("data-status"), { timeout: 20_000 }).toBe("completed");
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Reconnecting…" }).count()).toBe(0);
    const calls = s.stats().calls;
    expect(calls.submit).toBe(1);
    expect(calls.result).toBe(1);
    await context.close();
  });

  it("an identical request with a fixed seed offers the cached result instead of paying again", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    await node(page, "sampler").getByRole("button", { name: "Randomize seed" }).click();
    await run(page);
    const rows = page.locator("[data-run-id]");
    await expect.poll(() => rows.first().getAttribute("data-status"), { timeout: 15_000 }).toBe("completed");
    await run(page);
    const dialog = page.getByRole("dialog", { name: "Same request already ran" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Use cached result" }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().innerText()).toContain("from cache");
    expect(fast.standin!.stats().calls.submit).toBe(1);
    // "Run again" does pay for a new one.
    await run(page);
    await page
      .getByRole("dialog", { name: "Same request already ran" })
      .getByRole("button", { name: "Run again" })
      .click();
    await expect.poll(() => fast.standin!.stats().calls.submit).toBe(1 + 1);
    await context.close();
  });

  it("Choose file… uploads through the proxy to fal storage and puts the URL on the node", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    const before = new Set(await nodeIds(page));
    await page.getByRole("button", { name: "Image", exact: true }).click();
    await expect.poll(async () => (await nodeIds(page)).length).toBe(before.size + 1);
    const id = (await nodeIds(page)).find((x) => !before.has(x))!;
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    await node(page, id)
      .locator("input[type=file]")
      .setInputFiles({ name: "ref.png", mimeType: "image/png", buffer: png });
    // The field shows "file.png · host" and keeps the full URL on hover.
    const field = node(page, id).locator("input.input").first();
    await expect
      .poll(() => field.getAttribute("title"), { timeout: 10_000 })
      .toMatch(/^http:\/\/127\.0\.0\.1:\d+\/standin\/files\/[0-9a-f-]{36}\/ref\.png$/);
    // The stand-in keeps the file's name, as fal's CDN does.
    expect(await field.inputValue()).toMatch(/^ref\.png · 127\.0\.0\.1:\d+$/);
    expect(fast.standin!.stats().calls.upload).toBe(1);
    // Its thumbnail shows at once, and again after a reload: only third-party URLs wait for consent.
    const shown = async () => ({
      thumbs: await node(page, id).locator("img.thumb").count(),
      asks: await node(page, id).getByRole("button", { name: "Load preview" }).count(),
    });
    await expect.poll(shown).toEqual({ thumbs: 1, asks: 0 });
    await expect.poll(() => page.getByTestId("autosave-status").getAttribute("data-state")).toBe("saved");
    await page.reload();
    await expect.poll(shown).toEqual({ thumbs: 1, asks: 0 });
    await context.close();
  });

  it("CMP-04: fal's 422 highlights the node and field at fault until the value changes; a 429 says rate limited", async (ctx) => {
    fast.standin!.resetStats();
    const { page, context } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    let answer: { status: number; body: unknown; headers?: Record<string, string> } = {
      status: 422,
      body: { detail: [{ loc: ["body", "prompt"], msg: "prompt is not allowed here", type: "value_error" }] },
    };
    await page.route("**/api/fal/proxy", async (route) => {
      const target = route.request().headers()["x-fal-target-url"] ?? "";
      if (route.request().method() === "POST" && /^https:\/\/queue\.fal\.run\/fal-ai\/lora(\?|$)/.test(target)) {
        await route.fulfill({
          status: answer.status,
          contentType: "application/json",
          headers: answer.headers,
          body: JSON.stringify(answer.body),
        });
      } else await route.fallback();
    });
    await run(page);
    const row = page.locator("[data-run-id]").first();
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 10_000 }).toBe("failed");
    expect(await row.innerText()).toContain("fal rejected prompt: prompt is not allowed here");
    await expect.poll(() => node(page, "prompt").locator(".gnode").getAttribute("class")).toMatch(/\berr\b/);
    await page.getByRole("tab", { name: /Problems/ }).click();
    expect(await page.locator(".problems").innerText()).toContain("prompt is not allowed here");
    // Editing the rejected value clears the highlight.
    await node(page, "prompt").locator("textarea").first().fill("a different prompt");
    await expect.poll(() => node(page, "prompt").locator(".gnode").getAttribute("class")).not.toMatch(/\berr\b/);

    answer = {
      status: 429,
      body: { error: { code: "rate_limited", message: "Too many requests." } },
      headers: { "retry-after": "7" },
    };
    await run(page);
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 10_000 }).toBe("failed");
    expect(await row.innerText()).toMatch(/Rate limited[\s\S]*Try again in 7 s/);
    expect(fast.standin!.stats().calls.submit).toBe(0);
    await context.close();
  });

  it("downloads an image with the workflow and A1111's parameters inside; dropping it brings the workflow back", async (ctx) => {
    const { page, context } = await openEditor(b, fast.url);
    shootOnFailure(ctx, () => page);
    const ids = await nodeIds(page);
    await run(page);
    const row = page.locator("[data-run-id]").first();
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 15_000 }).toBe("completed");
    const [dl] = await Promise.all([
      page.waitForEvent("download"),
      row.getByRole("button", { name: "Download" }).click(),
    ]);
    expect(dl.suggestedFilename()).toMatch(/\.png$/);
    const bytes = new Uint8Array(await downloadedBytes(dl));
    const meta = readImageMetadata(bytes);
    expect(meta.ok).toBe(true);
    if (!meta.ok) return;
    expect(
      JSON.parse(meta.entries[WORKFLOW_KEYWORD])
        .nodes.map((n: { id: string }) => n.id)
        .sort(),
    ).toEqual(ids);
    expect(JSON.parse(meta.entries[REQUEST_KEYWORD])).toMatchObject({
      endpoint: "fal-ai/lora",
      input: { prompt: expect.any(String) },
    });
    // A1111's parameters text, as A1111's PNG Info and Civitai read it: the same prompt, seed and steps.
    const sent = JSON.parse(meta.entries[REQUEST_KEYWORD]).input;
    expect(meta.entries[PARAMETERS_KEYWORD]).toMatch(/\nSteps: \d+, /);
    expect(a1111ToRequest(meta.entries[PARAMETERS_KEYWORD]).request).toMatchObject({
      prompt: sent.prompt,
      num_inference_steps: sent.num_inference_steps ?? 30,
      ...(sent.seed !== undefined ? { seed: sent.seed } : {}),
    });

    await page.getByRole("button", { name: "New", exact: true }).click();
    await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);
    const box = (await page.locator(".react-flow__pane").boundingBox())!;
    await page.evaluate(
      ({ b64, x, y }) => {
        const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([raw], "result.png", { type: "image/png" }));
        const target = document.elementFromPoint(x, y)!;
        for (const type of ["dragenter", "dragover", "drop"])
          target.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }),
          );
      },
      { b64: Buffer.from(bytes).toString("base64"), x: box.x + box.width / 2, y: box.y + box.height / 2 },
    );
    // The drop asks first: open what the image carries, or add it as an Image node.
    await page.getByRole("dialog", { name: "result.png carries a lora-graph workflow" }).waitFor();
    await page.getByRole("button", { name: "Open it" }).click();
    await expect.poll(() => nodeIds(page)).toEqual(ids);
    await context.close();
  });
});
