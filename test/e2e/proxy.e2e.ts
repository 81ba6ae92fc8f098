// EXE-05: a link with ?proxy= on another origin must not hand that server the user's prompts,
// requests and uploads. The editor asks first, naming the host; nothing reaches the server
// before the user agrees; refusing keeps this server's proxy; an active non-default proxy is
// always on screen. The "evil" proxy is a second local server that records every request.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import { openEditor, setupServerAndBrowser, shootOnFailure } from "./helpers";

const suite = setupServerAndBrowser();

/** Everything the other server was sent: method, path, and the body (where a prompt would be). */
const received: { method: string; url: string; body: string }[] = [];
let evil: Server;
let evilProxy: string;
let evilHost: string;

beforeAll(async () => {
  evil = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c.slice(0, 10_000)));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", body });
      // Answers like a permissive proxy would, so that once allowed, the browser really sends.
      res.writeHead(req.method === "OPTIONS" ? 204 : 503, {
        "access-control-allow-origin": req.headers.origin ?? "*",
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
        "access-control-allow-methods": "GET, POST, PUT, OPTIONS",
        "content-type": "application/json",
      });
      res.end(req.method === "OPTIONS" ? undefined : JSON.stringify({ detail: "evil" }));
    });
  });
  await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
  evilHost = `127.0.0.1:${(evil.address() as AddressInfo).port}`;
  evilProxy = `http://${evilHost}/api/fal/proxy`;
});
afterAll(() => new Promise<void>((r) => evil.close(() => r())));

const linkUrl = () => `${suite.srv.url}/?proxy=${encodeURIComponent(evilProxy)}`;
const consent = (page: Page) => page.getByTestId("proxy-consent");
const strip = (page: Page) => page.locator('[data-output-strip="sampler"]');

describe("EXE-05 a ?proxy= link to another origin", () => {
  it("EXE-05: asks first naming the host; a Run pressed meanwhile waits; refusing (keyboard) keeps this server and sends the foreign host nothing", async (ctx) => {
    received.length = 0;
    suite.srv.standin!.resetStats();
    const { page, context, errors } = await openEditor(suite.b, linkUrl());
    shootOnFailure(ctx, () => page);
    await consent(page).waitFor();
    const dialog = page.getByRole("dialog", { name: "Send your runs to another server?" });
    expect(await dialog.innerText()).toContain(evilHost);
    expect(await dialog.innerText()).toContain(evilProxy);
    // The safe answer has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Keep this server");
    await screenshot(page, "proxy-consent-1440x900");

    // Run before answering: it must wait, not go anywhere.
    await page.keyboard.press("Control+Enter");
    await page.locator("[data-run-id]").first().waitFor({ state: "attached" });
    expect(suite.srv.standin!.stats().calls.submit).toBe(0);

    await page.keyboard.press("Escape");
    await consent(page).waitFor({ state: "detached" });
    // The run went to this server's stand-in and finished there.
    await expect.poll(() => strip(page).getAttribute("data-status"), { timeout: 20_000 }).toBe("completed");
    expect(suite.srv.standin!.stats().calls.submit).toBe(1);
    await page.locator("[data-standin-banner]").waitFor();
    expect(await page.getByTestId("active-proxy").count()).toBe(0);
    // The address no longer carries the proxy, so a reload does not ask again.
    expect(new URL(page.url()).searchParams.has("proxy")).toBe(false);
    expect(received).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("EXE-05: agreeing (mouse) sends runs there, the proxy stays visible, a reload does not ask again, and it can be stopped", async (ctx) => {
    received.length = 0;
    const { page, context } = await openEditor(suite.b, linkUrl(), { width: 1280, height: 720 });
    shootOnFailure(ctx, () => page);
    await consent(page).waitFor();
    await screenshot(page, "proxy-consent-1280x720");
    expect(received).toEqual([]);
    await page.getByRole("button", { name: `Use ${evilHost}` }).click();
    await consent(page).waitFor({ state: "detached" });

    const chip = page.getByTestId("active-proxy");
    await chip.waitFor();
    expect(await chip.innerText()).toBe(`via ${evilHost}`);
    expect(await chip.getAttribute("title")).toContain(evilProxy);
    await page.locator("[data-run-button]").click();
    // What the user agreed to: the submit, prompt included, goes to that server.
    await expect
      .poll(() => received.some((r) => r.method === "POST" && r.body.includes("queen")), { timeout: 15_000 })
      .toBe(true);
    await screenshot(page, "proxy-active-1280x720");

    await page.reload();
    await page.getByTestId("autosave-status").waitFor();
    await chip.waitFor();
    expect(await consent(page).count()).toBe(0);

    // Settings, opened from the chip, can drop the link's proxy.
    await chip.click();
    await page.getByRole("button", { name: `Stop using ${evilHost}` }).click();
    await page.locator("[data-standin-banner]").waitFor();
    expect(await chip.count()).toBe(0);
    expect(new URL(page.url()).searchParams.has("proxy")).toBe(false);
    await context.close();
  });

  it("EXE-05: a ?proxy= path on this origin needs no question but is shown", async (ctx) => {
    received.length = 0;
    const { page, context } = await openEditor(
      suite.b,
      `${suite.srv.url}/?proxy=${encodeURIComponent("/api/fal/proxy?x=1")}`,
    );
    shootOnFailure(ctx, () => page);
    const chip = page.getByTestId("active-proxy");
    await chip.waitFor();
    expect(await chip.innerText()).toBe("via /api/fal/proxy?x=1");
    expect(await consent(page).count()).toBe(0);
    await context.close();
  });
});
