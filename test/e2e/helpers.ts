// Small page helpers for the browser tests, over the editor's DOM (xyflow classes, data-testids).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Download, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { launchBrowser, mouseDrag, screenshot, type TestBrowser } from "../harness/browser";
import { startServer, type StartedServer, type StartServerOptions } from "../harness/server";
import { validateInput } from "../../src/server/standin/validate";
import { LIGHT_ZOOM } from "../../src/editor/flow/zoom";

/**
 * This file's handle on its worker's Chromium (test/e2e/globalSetup.ts starts one per worker); its
 * `close()` closes this file's contexts.
 */
export function connectBrowser(): Promise<TestBrowser> {
  const endpoints = inject("chromiumEndpoints");
  // VITEST_POOL_ID is the worker's number, 1 to maxWorkers: files that run at once never share a browser.
  return launchBrowser(endpoints[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % endpoints.length]);
}

export async function openEditor(b: TestBrowser, url: string, opts?: Parameters<TestBrowser["newPage"]>[1]) {
  const r = await b.newPage(url, opts);
  await r.page.waitForSelector(".react-flow__node", { timeout: 20_000 }).catch(() => undefined);
  await r.page.waitForSelector('[data-testid="autosave-status"]', { timeout: 20_000 });
  return r;
}

/**
 * Waits until the dialog just opened holds the focus. Its focus trap places the focus a moment
 * after it opens, which scrolls the dialog back to its top: a click before that can have its
 * press and release land on different cards, and do nothing.
 */
export async function dialogSettled(page: Page) {
  await backendKnown(page);
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
}

/** Saves a screenshot to test-results/ if the current test fails. */
export function shootOnFailure(
  ctx: { onTestFailed(fn: () => unknown): void; task: { name: string } },
  page: () => Page | undefined,
) {
  ctx.onTestFailed(async () => {
    const p = page();
    if (p) console.log(`screenshot: ${await screenshot(p, `FAILED-${ctx.task.name}`)}`);
  });
}

/** The two laptop sizes the UI must look right at. */
export const LAPTOP_SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

export const nodes = (page: Page) => page.locator(".react-flow__node");
export const edges = (page: Page) => page.locator(".react-flow__edge");
export const nodeIds = (page: Page) =>
  page.$$eval(".react-flow__node", (els) => els.map((e) => (e as HTMLElement).dataset.id ?? "").sort());
export const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
export const handle = (page: Page, nodeId: string, port: string, type: "source" | "target") =>
  page.locator(`.react-flow__handle.${type}[data-nodeid="${nodeId}"][data-handleid="${port}"]`);

/**
 * Double-clicks node `id`'s light card (zoomed out, as at the 1280×720 fit): the view zooms to the
 * node, whose fields then show (docs/canvas.md "Readable at fit").
 */
export async function zoomToCard(page: Page, id: string) {
  await node(page, id).locator(".far-card").waitFor();
  // The card lets the pointer through to its node (drag, select): aim at the node.
  const at = await settledCenter(node(page, id));
  await page.mouse.dblclick(at.x, at.y);
  await expect.poll(() => node(page, id).locator(".far-card").count()).toBe(0);
  await viewStill(page);
}

/**
 * Node `id` with its fields showing: when it is a light card (zoomed out), it is double-clicked
 * first, as a user does to edit it.
 */
export async function withFields(page: Page, id: string): Promise<Locator> {
  await page.locator('.canvas[data-view="ready"]').waitFor();
  // A file just opened is fitted, and its nodes measured full, before they turn into cards.
  await viewStill(page);
  // Decide by the zoom, not by a card being there yet: a node is drawn full once to be measured
  // and turns into its card a render later, so a card count read once can race it.
  const zoom = await page.evaluate(() => {
    const t = document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
    return Number(/scale\(([^)]+)\)/.exec(t)?.[1] ?? 1);
  });
  if (zoom < LIGHT_ZOOM) await zoomToCard(page, id);
  return node(page, id);
}

export type Box = { x: number; y: number; width: number; height: number };
export const inside = (a: Box, outer: Box) =>
  a.x >= outer.x - 0.5 &&
  a.y >= outer.y - 0.5 &&
  a.x + a.width <= outer.x + outer.width + 0.5 &&
  a.y + a.height <= outer.y + outer.height + 0.5;
export const overlaps = (a: Box, c: Box) =>
  a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height && c.y < a.y + a.height;

/** The canvas, minimap, zoom controls and node boxes on screen, in page pixels. */
export async function boxes(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element | null) => {
      if (!el) return null;
      const b = el.getBoundingClientRect();
      return { x: b.x, y: b.y, width: b.width, height: b.height };
    };
    return {
      pane: r(document.querySelector(".canvas .react-flow"))!,
      minimap: r(document.querySelector(".react-flow__minimap")),
      controls: r(document.querySelector(".react-flow__controls")),
      nodes: [...document.querySelectorAll<HTMLElement>(".react-flow__node")].map((n) => ({
        id: n.dataset.id!,
        box: r(n)!,
      })),
    };
  });
}

/**
 * What is wrong with the view, as readable lines: nodes outside the canvas or under the minimap or
 * the zoom controls (and, with `overlapping`, nodes over one another). Empty when the view shows
 * the graph well; a test polls it until the fit has settled.
 */
export async function layoutProblems(page: Page, opts: { overlapping?: boolean } = {}): Promise<string[]> {
  const { pane, minimap, controls, nodes } = await boxes(page);
  const problems: string[] = [];
  for (const n of nodes) {
    if (!inside(n.box, pane)) problems.push(`${n.id} outside the canvas`);
    if (minimap && overlaps(n.box, minimap)) problems.push(`${n.id} under the minimap`);
    if (controls && overlaps(n.box, controls)) problems.push(`${n.id} under the zoom controls`);
    if (opts.overlapping)
      for (const m of nodes) if (m.id < n.id && overlaps(n.box, m.box)) problems.push(`${n.id} over ${m.id}`);
  }
  return problems;
}

/**
 * Each node's box on screen, rounded, as "id x,y wxh" lines: a pan, a zoom or a re-fit changes
 * them. The size of `growing` is left out (a Sampler's result preview makes it taller).
 */
export function nodeScreenBoxes(page: Page, growing = "sampler"): Promise<string[]> {
  return page.$$eval(
    ".react-flow__node",
    (els, growing) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        const id = (e as HTMLElement).dataset.id!;
        const at = `${id} ${Math.round(r.x)},${Math.round(r.y)}`;
        return id === growing ? at : `${at} ${Math.round(r.width)}x${Math.round(r.height)}`;
      }),
    growing,
  );
}

/**
 * Every place a line of text in `selector` breaks between two letters or digits, with its context.
 * A break after a separator ("castle_" / "v2") is not inside a word.
 */
export function midWordBreaks(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const found: string[] = [];
    for (const line of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let top: number | null = null;
      let prev = "";
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const s = n.textContent ?? "";
        for (let i = 0; i < s.length; i++) {
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const rect = r.getClientRects()[0];
          // A space the line broke at has no box: the break is between words.
          if (!rect) {
            prev = s[i];
            continue;
          }
          if (top !== null && rect.top > top + 2 && /[\p{L}\p{N}]/u.test(prev) && /[\p{L}\p{N}]/u.test(s[i]))
            found.push(s.slice(Math.max(0, i - 12), i) + " / " + s.slice(i, i + 6));
          top = rect.top;
          prev = s[i];
        }
      }
    }
    return found;
  }, selector);
}

/**
 * The `selector` elements in `root` whose text is cut off, as readable lines: text wider than its
 * box with no ellipsis to say so, or a box that an ancestor's overflow clips (a tab hidden past
 * its bar's edge, a tag past the end of an ellipsized name).
 */
export function cutOff(root: Locator, selector: string): Promise<string[]> {
  return root.evaluate((root, selector) => {
    const found: string[] = [];
    for (const el of root.querySelectorAll<HTMLElement>(selector)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const cs = getComputedStyle(el);
      // An ellipsis set on a flex box does nothing: its bare text is a flex item, cut mid-letter.
      const ellipsis = cs.textOverflow === "ellipsis" && !/flex|grid/.test(cs.display);
      if (el instanceof HTMLSelectElement) {
        // A select's text is its chosen option's, drawn left of the arrow (about 20 px).
        const text = el.selectedOptions[0]?.text ?? "";
        const ctx = document.createElement("canvas").getContext("2d")!;
        ctx.font = cs.font;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
        if (ctx.measureText(text).width > room && !ellipsis) found.push(`"${text.slice(0, 40)}" runs under the arrow`);
        continue;
      }
      const name = (el.textContent ?? "").trim().slice(0, 40);
      if (el.scrollWidth > el.clientWidth + 1 && !ellipsis) found.push(`"${name}" is wider than its box`);
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === "visible" && s.overflowY === "visible") continue;
        const b = a.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) {
          found.push(`"${name}" is clipped by .${a.className.split(" ")[0]}`);
          break;
        }
      }
    }
    return found;
  }, selector);
}

/** A point on the canvas pane that no node covers (top-right corner, away from the minimap). */
export async function emptyCanvasPoint(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.locator(".react-flow__pane").boundingBox())!;
  for (const [fx, fy] of [
    [0.92, 0.1],
    [0.85, 0.2],
    [0.1, 0.92],
    [0.5, 0.05],
  ]) {
    const p = { x: box.x + box.width * fx, y: box.y + box.height * fy };
    const onPane = await page.evaluate(
      ({ x, y }) => !!document.elementFromPoint(x, y)?.classList.contains("react-flow__pane"),
      p,
    );
    if (onPane) return p;
  }
  throw new Error("No empty point on the canvas");
}

/**
 * Waits until the page has its server's answer to /api/info and has drawn two frames since: the
 * stand-in banner that answer brings, and the canvas refit its height change causes, are in place.
 */
export async function backendKnown(page: Page) {
  await expect
    .poll(() => page.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("/api/info"))))
    .toBe(true);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * The centre of `el` once the page itself would hit `el` there, at the same place in two looks
 * with frames drawn between them: a press on a port while the view is still settling on a busy
 * machine can land on the node body and drag the node instead.
 */
export async function settledCenter(el: Locator): Promise<{ x: number; y: number }> {
  let last: { x: number; y: number } | null = null;
  await expect
    .poll(
      async () => {
        const now = await el.evaluate(async (e) => {
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const r = e.getBoundingClientRect();
          const p = { x: r.x + r.width / 2, y: r.y + r.height / 2 };
          const hit = document.elementFromPoint(p.x, p.y);
          return hit && (hit === e || e.contains(hit)) ? p : null;
        });
        const settled = !!now && !!last && now.x === last.x && now.y === last.y;
        last = now;
        return settled;
      },
      // A node just added is hidden until placed: on a busy machine its first draw can take seconds.
      { timeout: SETTLE_TIMEOUT },
    )
    .toBe(true);
  return last!;
}

/** How long a test waits for the canvas to settle (first fit, new nodes placed) on a busy machine. */
export const SETTLE_TIMEOUT = 30_000;

/**
 * Waits until the canvas has made its first fit and no node just added is waiting to be placed by
 * its drawn size (such a node is hidden, with class `placing`): until then a press can land where
 * a node or the view is about to move.
 */
export async function canvasSettled(page: Page) {
  await page.locator('.canvas[data-view="ready"]').waitFor({ timeout: SETTLE_TIMEOUT });
  await expect.poll(() => page.locator(".react-flow__node.placing").count(), { timeout: SETTLE_TIMEOUT }).toBe(0);
}

export async function dragBetween(page: Page, from: Locator, to: Locator) {
  await backendKnown(page);
  await canvasSettled(page);
  const a = await settledCenter(from);
  const b = await settledCenter(to);
  await mouseDrag(page, a, [
    { x: a.x + 20, y: a.y + 10, steps: 4 },
    { x: b.x, y: b.y, steps: 12 },
  ]);
}

/**
 * Drags from `from` by (dx, dy) as a hand would, so that a node lands where the pointer let go:
 * a first small move (xyflow starts a drag past its threshold, and that move does not count),
 * and a rest before letting go (xyflow drops a node where it last drew it, which on a busy
 * machine can be a move or two behind the pointer).
 */
export async function dragBy(page: Page, from: { x: number; y: number }, dx: number, dy: number) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 1, from.y + 1);
  await page.mouse.move(from.x + dx / 2, from.y + dy / 2, { steps: 4 });
  await page.mouse.move(from.x + dx, from.y + dy, { steps: 6 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.mouse.move(from.x + dx, from.y + dy);
  await page.mouse.up();
}

/** Everything a reload must bring back, read from the DOM. */
export async function visibleState(page: Page) {
  return page.evaluate(() => {
    const fields = [
      ...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
        ".react-flow__node input, .react-flow__node textarea, .react-flow__node select",
      ),
    ].map(
      (el) =>
        `${el.closest<HTMLElement>(".react-flow__node")?.dataset.id}:${el.id || el.getAttribute("aria-label") || el.tagName}=${el.value}`,
    );
    return {
      nodes: [...document.querySelectorAll<HTMLElement>(".react-flow__node")]
        .map((n) => `${n.dataset.id}@${n.style.transform}`)
        .sort(),
      edges: [...document.querySelectorAll<HTMLElement>(".react-flow__edge")]
        .map((e) => e.dataset.id ?? e.getAttribute("data-testid"))
        .sort(),
      selected: [...document.querySelectorAll<HTMLElement>(".react-flow__node.selected")]
        .map((n) => n.dataset.id)
        .sort(),
      viewport: document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform,
      fields: fields.sort(),
    };
  });
}

export async function requestJson(page: Page): Promise<string> {
  await page.getByRole("tab", { name: "Request" }).click();
  return (await page.locator(".req-body").innerText()).trim();
}

/**
 * A download's bytes. The suite's Chromium is a remote one (test/e2e/globalSetup.ts), so Playwright
 * has no local path for a download: it is copied here through `saveAs` and removed again.
 */
export async function downloadedBytes(dl: Download): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "lora-graph-e2e-download-"));
  try {
    const path = join(dir, "file");
    await dl.saveAs(path);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function downloadVia(page: Page, click: () => Promise<void>) {
  const [dl] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: dl.suggestedFilename(), text: (await downloadedBytes(dl)).toString("utf8") };
}

/** Downloads the pipeline the way a user does: the menu beside Save, then Download JSON. */
export async function downloadPipeline(page: Page) {
  return downloadVia(page, async () => {
    await page.getByTestId("save-menu").click();
    await page.getByRole("menuitem", { name: /Download JSON/ }).click();
  });
}

/** Opens a file through the Open button's file picker. */
export async function openViaPicker(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: "Open", exact: true }).click(),
  ]);
  await chooser.setFiles(file);
}

/** Drops a file onto the canvas the way a user dragging from the desktop does. */
export async function dropFile(page: Page, name: string, content: string | Uint8Array, type = "application/json") {
  const box = (await page.locator(".react-flow__pane").boundingBox())!;
  const b64 = Buffer.from(content).toString("base64");
  await page.evaluate(
    ({ name, b64, type, x, y }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
      const target = document.elementFromPoint(x, y)!;
      for (const type of ["dragenter", "dragover", "drop"])
        target.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }),
        );
    },
    { name, b64, type, x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
}

/** A test file's server and its handle on the suite's Chromium; see `setupServerAndBrowser`. */
export interface ServerAndBrowser {
  /** The server, from `beforeAll` on. */
  readonly srv: StartedServer;
  /** This file's handle on the shared Chromium, from `beforeAll` on. */
  readonly b: TestBrowser;
  /** The editor from this file's server, in a new context (an empty profile). */
  open(opts?: Parameters<TestBrowser["newPage"]>[1]): ReturnType<typeof openEditor>;
}

/**
 * One server (production build, stand-in) per test file and this file's handle on the suite's
 * Chromium, both closed afterwards.
 * @example
 * const suite = setupServerAndBrowser();
 * it("…", async () => { const { page, context } = await suite.open({ width: 1280, height: 720 }); … });
 */
export function setupServerAndBrowser(options: StartServerOptions = {}): ServerAndBrowser {
  let srv: StartedServer | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    // Each is kept as it arrives, so that afterAll closes it even when the other failed.
    await Promise.all([startServer(options).then((s) => (srv = s)), connectBrowser().then((c) => (browser = c))]);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("setupServerAndBrowser: used before its beforeAll ran");
    return v;
  };
  return {
    get srv() {
      return started(srv);
    },
    get b() {
      return started(browser);
    },
    open(opts) {
      return openEditor(started(browser), started(srv).url, opts);
    },
  };
}

/**
 * A point on a drawn wire that the page would hit: its middle, or the nearest point along it that
 * no node covers.
 */
export async function wireMiddle(page: Page, id: string) {
  await backendKnown(page);
  // A point read while the view moves (a reveal's 250 ms pan, a refit) is off the wire by the
  // time the mouse gets there: a right-click then opened the canvas menu under load.
  await viewStill(page);
  return page.evaluate((id) => {
    const edge = document.querySelector(`.react-flow__edge[data-id="${CSS.escape(id)}"]`)!;
    const path = edge.querySelector<SVGPathElement>("path.react-flow__edge-path")!;
    const m = path.getScreenCTM()!;
    const len = path.getTotalLength();
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85]) {
      const p = path.getPointAtLength(len * f);
      const s = { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
      if (edge.contains(document.elementFromPoint(s.x, s.y))) return s;
    }
    throw new Error(`wire ${id} is hidden under nodes`);
  }, id);
}

/** Drops a file on the batch window's table area the way a user dragging from the desktop does. */
export async function dropBatchTable(page: Page, name: string, text: string) {
  const box = (await page.locator("[data-batch-drop]").boundingBox())!;
  await page.evaluate(
    ({ name, text, x, y }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "text/csv" }));
      const target = document.elementFromPoint(x, y)!;
      for (const type of ["dragenter", "dragover", "drop"])
        target.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }),
        );
    },
    { name, text, x: box.x + 20, y: box.y + 12 },
  );
}

/**
 * Counts the page's IndexedDB transactions on database `db` from now on: a storage-upgrade test
 * checks that none follow the banner.
 */
export async function countTransactions(page: Page, db: string) {
  await page.evaluate((db) => {
    const w = window as unknown as { __tx?: Record<string, number> };
    (w.__tx ??= {})[db] = 0;
    const real = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof real>) {
      if (this.name in w.__tx!) w.__tx![this.name]++;
      return real.apply(this, args);
    } as typeof real;
  }, db);
  return {
    read: () => page.evaluate((db) => (window as unknown as { __tx: Record<string, number> }).__tx[db], db),
    reset: () => page.evaluate((db) => void ((window as unknown as { __tx: Record<string, number> }).__tx[db] = 0), db),
  };
}

/**
 * Keeps every body the stand-in is sent on submit, checked as the stand-in always checks them:
 * pass `validate` in the server's `standinOptions`, then read `bodies` to see exactly what a page
 * (or the CLI) sent to fal.
 */
export function submitRecorder() {
  const bodies: Record<string, unknown>[] = [];
  return {
    bodies,
    validate: (endpoint: Parameters<typeof validateInput>[0], input: unknown) => {
      bodies.push(structuredClone(input) as Record<string, unknown>);
      return validateInput(endpoint, input);
    },
  };
}

/**
 * Drags `item` (a sidebar entry) onto wire `wireId` and holds it there until the wire lights up
 * as the one it would go into; the caller releases the mouse (after a screenshot, say). The page
 * hears a dragover only when the pointer moves, so the wait nudges it.
 */
export async function dragOntoWire(page: Page, item: Locator, wireId: string) {
  await item.scrollIntoViewIfNeeded();
  const from = await settledCenter(item);
  const to = await wireMiddle(page, wireId);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  let nudge = 0;
  await expect
    .poll(async () => {
      await page.mouse.move(to.x + (nudge++ % 2), to.y);
      return page.$$eval(".react-flow__edge:has(.splice-glow)", (els) => els.map((e) => (e as HTMLElement).dataset.id));
    })
    .toEqual([wireId]);
}

/**
 * A newer lora-graph in another tab of the same browser: opens database `db` one version up and
 * closes it again. Returns that version. With `blockedFails`, a connection the old tab keeps open
 * fails the upgrade instead of leaving it waiting forever.
 */
export async function upgradeInAnotherTab(
  context: BrowserContext,
  url: string,
  db: string,
  { blockedFails = false } = {},
): Promise<number> {
  const other = await context.newPage();
  await other.goto(`${url}/api/info`);
  const upgradedTo = await other.evaluate(
    async ({ db, blockedFails }) => {
      const open = (version?: number) =>
        new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open(db, version);
          r.onupgradeneeded = () => r.result.createObjectStore("from-a-newer-version");
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
          if (blockedFails) r.onblocked = () => rej(new Error("blocked by the old tab"));
        });
      const current = await open();
      const next = current.version + 1;
      current.close();
      (await open(next)).close();
      return next;
    },
    { db, blockedFails },
  );
  await other.close();
  return upgradedTo;
}

/** Waits until the view stops moving (a fit, animated; a refit after a banner): two equal reads, frames apart. */
export async function viewStill(page: Page) {
  let last = "";
  await expect
    .poll(async () => {
      const now = await page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
      });
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
}

/**
 * With the Sampler selected, opens the sweep dialog on its guidance scale and lists `values` as
 * axis 1. Returns the dialog, not yet run.
 */
export async function openGuidanceSweep(page: Page, values = "3, 7.5, 12"): Promise<Locator> {
  await page.locator('.inspector [data-sweep-param="guidance_scale"]').click();
  const dialog = page.locator("[data-sweep-dialog]");
  await dialog.waitFor();
  await dialog.getByRole("radio", { name: "List" }).click();
  await dialog.getByLabel("Axis 1 values").fill(values);
  return dialog;
}
