/**
 * Real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core, a
 * fresh profile per context, and a screenshot in test-results/ when a test fails.
 *
 * Given the endpoint of a running Chromium (the browser suite shares one, test/e2e/globalSetup.ts),
 * `launchBrowser` connects to it, and `close()` then closes only the contexts made through it.
 * Without one it starts a Chromium of its own.
 *
 * @example
 * const b = await launchBrowser();
 * const { page } = await b.newPage(srv.url);
 * …
 * await b.close();
 */
import { mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const RESULTS_DIR = resolve("test-results");

export interface TestBrowser {
  browser: Browser;
  /** A new context (its own, empty profile storage: IndexedDB, sessionStorage) and a page on `url`. */
  newPage(
    url: string,
    opts?: { width?: number; height?: number; context?: BrowserContext },
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

function checkChromium(): void {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
    );
}

/** A Chromium that test files connect to (test/e2e/globalSetup.ts starts one for the browser suite). */
export async function launchChromiumServer(): Promise<BrowserServer> {
  checkChromium();
  return chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** The Chromium at `endpoint` when there is one, else a Chromium of this caller's own. */
async function openChromium(endpoint: string | undefined): Promise<Browser> {
  if (endpoint) return chromium.connect(endpoint);
  checkChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export async function launchBrowser(endpoint?: string): Promise<TestBrowser> {
  // Closing a connected browser closes the contexts made through it and leaves the browser running.
  const browser = await openChromium(endpoint);
  return {
    browser,
    async newPage(url, opts = {}) {
      const context =
        opts.context ??
        (await browser.newContext({
          viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
          acceptDownloads: true,
        }));
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(url);
      return { context, page, errors };
    },
    close: () => browser.close(),
  };
}

/** Collects uncaught page errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = resolve(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, "_").slice(0, 120)}.png`);
  await page.screenshot({ path: file, fullPage: false }).catch(() => undefined);
  return file;
}

/** A point on the page, with the number of mouse moves it takes to get there from the last one. */
export interface DragStep {
  x: number;
  y: number;
  steps?: number;
}

/** A drag as a user makes it: press the left button at `from`, move through `path`, let go. */
export async function mouseDrag(page: Page, from: { x: number; y: number }, path: readonly DragStep[]): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (const p of path) await page.mouse.move(p.x, p.y, { steps: p.steps ?? 1 });
  await page.mouse.up();
}
