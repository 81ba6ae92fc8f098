/**
 * Browser plumbing for the bench: Debian's Chromium through playwright-core at 1920×1080 with the
 * issue's launch flags and a fresh user data dir per browser, servers for the builds, and in-page
 * probes (frame rate, first full render, heap).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createApp, type AppOptions } from "../../src/server/app.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../harness/browser";

export const VIEWPORT = { width: 1920, height: 1080 };

export interface BenchBrowser {
  context: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser with a fresh profile and one page on `url`. */
export async function openBrowser(url: string): Promise<BenchBrowser> {
  const dir = mkdtempSync(join(tmpdir(), "lora-graph-bench-profile-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: VIEWPORT,
    acceptDownloads: true,
  });
  // tsx compiles this file with keepNames, so functions passed to page.evaluate call __name().
  await context.addInitScript("globalThis.__name = (f) => f");
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The real server (static build, proxy, stand-in) on a random loopback port. */
export async function serve(distDir: string, options: AppOptions = {}) {
  const app = createApp({
    distDir,
    logger: quiet,
    limits: { rateLimit: false },
    standinOptions: { latencyMs: 300, queueDelayMs: 20, keepaliveMs: 1000 },
    ...options,
  });
  const url = await app.listen(0, "127.0.0.1");
  return { url, app, close: () => app.close() };
}

/**
 * Frames per second (and p95 frame interval) while `action` runs, counted with requestAnimationFrame
 * in the page. Headless Chromium runs extra animation frames when input arrives (a cheap page
 * reaches 150 "fps" under a stream of wheel events), which no 60 Hz display shows: `fps` counts the
 * 1/60 s slots in which a frame began, so a page that keeps up scores 60 whatever it costs.
 */
export async function framesDuring(
  page: Page,
  action: () => Promise<void>,
): Promise<{ fps: number; p95: number; frames: number; times: number[] }> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__frames = [];
    w.__counting = true;
    const loop = (t: number) => {
      w.__frames.push(t);
      if (w.__counting) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  await action();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  const gaps = frames
    .slice(1)
    .map((t, i) => t - frames[i])
    .sort((a, b) => a - b);
  const span = frames[frames.length - 1] - frames[0];
  const slots = new Set(frames.map((t) => Math.floor(t / (1000 / 60)))).size;
  return {
    fps: Math.min(60, ((slots - 1) * 1000) / span),
    p95: gaps[Math.floor(gaps.length * 0.95)] ?? NaN,
    frames: frames.length,
    times: frames,
  };
}

/** Moves the mouse continuously for `ms` along a figure of eight around (x, y), button held from start to end. */
export async function sweep(page: Page, from: { x: number; y: number }, ms: number, amp: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // A small first step so xyflow/d3 recognise a drag before the timed part.
  await page.mouse.move(from.x + 6, from.y + 6, { steps: 2 });
  const t0 = Date.now();
  for (let t = 0; t < ms; t = Date.now() - t0) {
    const a = (2 * Math.PI * t) / 1500;
    await page.mouse.move(from.x + amp.x * Math.sin(a), from.y + amp.y * Math.sin(2 * a));
  }
  await page.mouse.up();
}

/**
 * Resolves with the time (performance.now) of the first animation frame at which at least one
 * node matching `marker` is on the canvas and every rendered node has been measured (xyflow hides
 * unmeasured nodes), once that has held for three frames. With `farTotal`, the editor's far canvas
 * having drawn a document of that many nodes counts too.
 */
export function renderedAt(page: Page, marker: string, timeoutMs = 60_000, farTotal?: number): Promise<number> {
  return page.evaluate(
    ({ marker, timeoutMs, farTotal }) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        let since = 0;
        let count = -1;
        let same = 0;
        const tick = (t: number) => {
          const els = document.querySelectorAll<HTMLElement>(".react-flow__node");
          let ready = els.length > 0 && !!document.querySelector(marker);
          if (ready) for (const el of els) if (el.style.visibility === "hidden") ready = false;
          // The editor zoomed far out draws a big graph on one canvas (src/editor/flow/FarLayer.tsx).
          const far = farTotal ? document.querySelector<HTMLElement>('[data-testid="far-canvas"]') : null;
          if (far && far.dataset.total === String(farTotal) && Number(far.dataset.drawn) > 0) ready = true;
          if (ready && els.length === count) same++;
          else if (ready) {
            since = performance.now();
            count = els.length;
            same = 0;
          } else same = count = -1;
          if (same >= 2) return resolve(since);
          if (t - start > timeoutMs)
            return reject(new Error(`nothing matching ${marker} rendered within ${timeoutMs} ms`));
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    { marker, timeoutMs, farTotal },
  );
}

/** Used JS heap after a forced garbage collection, in MB. */
export async function heapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return usedSize / 2 ** 20;
}

/** A point on the empty pane near the centre of the canvas (nothing but the pane under it). */
export async function emptyPanePoint(page: Page): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane")!.getBoundingClientRect();
    const cx = pane.left + pane.width / 2;
    const cy = pane.top + pane.height / 2;
    // Rings outward from the centre: the first pane hit is the nearest (a full grid scan costs
    // minutes of hit tests with 2,000 nodes in the DOM).
    for (let r = 0; r < Math.max(pane.width, pane.height) / 2; r += 8) {
      const steps = Math.max(1, Math.ceil((2 * Math.PI * r) / 8));
      for (let i = 0; i < steps; i++) {
        const x = cx + r * Math.cos((2 * Math.PI * i) / steps);
        const y = cy + r * Math.sin((2 * Math.PI * i) / steps);
        if (x < pane.left + 20 || x > pane.right - 200 || y < pane.top + 20 || y > pane.bottom - 20) continue;
        if (document.elementFromPoint(x, y)?.classList.contains("react-flow__pane")) return { x, y };
      }
    }
    return null;
  });
  if (!p) throw new Error("no empty point on the canvas pane");
  return p;
}

/**
 * The top strip (title bar) of the rendered node nearest the canvas centre: a point that starts a
 * node drag. 12 px below the node's top at zoom 1, scaled with the zoom so it stays in the title
 * bar of a zoomed-out node.
 */
export async function nodeGrabPoint(page: Page): Promise<{ x: number; y: number; id: string }> {
  const p = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane")!.getBoundingClientRect();
    const cx = pane.left + pane.width / 2;
    const cy = pane.top + pane.height / 2;
    const candidates = [...document.querySelectorAll<HTMLElement>(".react-flow__node")].map((el) => {
      const r = el.getBoundingClientRect();
      const scale = el.offsetWidth ? r.width / el.offsetWidth : 1;
      const x = r.left + r.width / 2;
      return { el, x, top: r.top, scale, d: Math.hypot(x - cx, r.top - cy) };
    });
    // Hit tests only from the nearest outwards: one per node costs seconds with thousands on screen.
    candidates.sort((a, b) => a.d - b.d);
    for (const { el, x, top, scale } of candidates) {
      if (x < pane.left || x > pane.right || top < pane.top || top > pane.bottom - 20) continue;
      // A title bar a pixel tall (far zoomed out) is hit only near its top edge.
      for (const y of [top + 12 * scale, top + 4 * scale, top + 0.2]) {
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.closest(".react-flow__node") === el && !hit.closest(".nodrag"))
          return { x, y, id: el.dataset.id ?? "" };
      }
    }
    return null;
  });
  if (!p) throw new Error("no draggable node on screen");
  return p;
}

/** The zoom of an xyflow canvas, read from its viewport transform. */
export function xyflowZoom(page: Page): Promise<number> {
  return page.evaluate(() => {
    const t = document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform ?? "";
    return Number(/scale\(([\d.e-]+)\)/.exec(t)?.[1] ?? NaN);
  });
}

/**
 * Wheel notches (100 px each, as a mouse wheel sends) at `at`: `notches` out then as many back in
 * when `notches` > 0, in then out when < 0, repeated until `ms` have passed (at least one cycle),
 * so the view ends where it started.
 */
export async function wheelCycles(page: Page, at: { x: number; y: number }, ms: number, notches: number) {
  await page.mouse.move(at.x, at.y);
  const dir = Math.sign(notches);
  const t0 = Date.now();
  do {
    for (let i = 0; i < Math.abs(notches); i++) await page.mouse.wheel(0, 100 * dir);
    for (let i = 0; i < Math.abs(notches); i++) await page.mouse.wheel(0, -100 * dir);
  } while (Date.now() - t0 < ms);
}
