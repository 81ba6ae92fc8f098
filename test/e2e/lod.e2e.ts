// Zoomed out, nodes turn into a light form that still says what each one is: title and key
// value in type readable on screen. Big graphs are drawn on one canvas and handed back to the DOM
// as the user zooms in. The view stays where the user left it when the runs drawer opens.
import { describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { PNG } from "pngjs";
import { mouseDrag, screenshot } from "../harness/browser";
import { serializeWorkflow } from "../../src/graph";
import { generatePipeline } from "../bench/compile";
import { registry } from "../../nodes";
import {
  LAPTOP_SIZES,
  dropFile,
  inside,
  midWordBreaks,
  nodeScreenBoxes,
  settledCenter,
  setupServerAndBrowser,
  shootOnFailure,
  wireMiddle,
} from "./helpers";

const suite = setupServerAndBrowser();

const SIZES = LAPTOP_SIZES;
/** Smallest on-screen type we call readable. */
const READABLE_PX = 11;

const zoom = (page: Page) =>
  page.evaluate(() => {
    const t = document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
    return Number(/scale\(([\d.e-]+)\)/.exec(t)?.[1]);
  });
const transform = (page: Page) =>
  page.evaluate(() => document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform);

/** Waits until two reads of the view a few frames apart agree (a fit or an animation has ended). */
async function settled(page: Page) {
  let last = "";
  await expect
    .poll(async () => {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const now = await transform(page);
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
}

/**
 * Each text's on-screen type size, from the boxes of its rendered lines (a line box of a font is
 * about 1.15 times its size), and whether it sits inside its node.
 */
function textBoxes(page: Page, selector: string) {
  return page.$$eval(selector, (els) =>
    // Only the form shown: far out the light form covers the node's own title bar.
    els
      .filter((el) => !(el.matches(".node-title") && el.closest(".react-flow__node")?.querySelector(".far-card")))
      .map((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const lines = [...range.getClientRects()].filter((r) => r.width > 0);
        const r = el.getBoundingClientRect();
        const node = el.closest<HTMLElement>(".react-flow__node, .far-label")!.getBoundingClientRect();
        return {
          text: el.textContent ?? "",
          fontPx: Math.min(...lines.map((l) => l.height)) / 1.15,
          inside: r.left >= node.left - 1 && r.right <= node.right + 1 && r.top >= node.top - 1,
        };
      }),
  );
}

function expectReadable(texts: { text: string; fontPx: number; inside: boolean }[]) {
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) {
    expect(t.fontPx, t.text).toBeGreaterThanOrEqual(READABLE_PX);
    expect(t.inside, t.text).toBe(true);
  }
}

/**
 * Whether the far canvas shows DOM labels, once the view has rested (while it moves, titles are
 * drawn on the canvas instead).
 */
async function labelled(page: Page): Promise<boolean> {
  await page.waitForFunction(
    () => document.querySelector<HTMLElement>('[data-testid="far-canvas"]')?.dataset.moving !== "1",
  );
  return (await page.locator(".far-label").count()) > 0;
}

async function wheelUntil(page: Page, dy: number, done: () => Promise<boolean>) {
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  for (let i = 0; i < 40 && !(await done()); i++) {
    await page.mouse.wheel(0, dy);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
  expect(await done()).toBe(true);
}

/**
 * One wheel notch in and out again, then, on the next frame: the DOM labels are gone and each
 * title is written on the canvas, light type in the strip where its label was. Tried again when
 * the view came to rest before the frame was read (a frame can be that slow on a loaded machine).
 */
async function titlesDrawnWhileMoving(page: Page) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = await page.evaluate(() => {
      const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
      const boxes = [...document.querySelectorAll<HTMLElement>(".far-label")].map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.left - pane.left, y: r.top - pane.top, w: r.width };
      });
      // Those nearest the pointer (the pane's centre), which a notch keeps on screen.
      const d = (b: { x: number; y: number }) => Math.hypot(b.x - pane.width / 2, b.y - pane.height / 2);
      return boxes.sort((a, b) => d(a) - d(b)).slice(0, 12);
    });
    const vp = await transform(page);
    await page.mouse.wheel(0, attempt % 2 ? 100 : -100);
    const seen = await page.evaluate(
      async ({ before, vp }) => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="far-canvas"]')!;
        const parse = (t: string) => {
          const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([\d.e-]+)\)/.exec(t)!;
          return m.slice(1).map(Number);
        };
        const [x0, y0, k0] = parse(vp);
        const [x1, y1, k1] = parse(document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform);
        // While zooming, the view is a shot of the canvas scaled by CSS (farCache.ts createZoomShot).
        const shot = document.querySelector<HTMLCanvasElement>('[data-testid="far-shot"]');
        const shown = shot && shot.style.display !== "none" ? shot : canvas;
        const ctx = shown.getContext("2d")!;
        const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
        const r = shown.getBoundingClientRect();
        const sx = shown.width / r.width;
        const sy = shown.height / r.height;
        // Bright pixels in each label's title strip, mapped to where its node is now.
        const lit = before.map((b) => {
          const x = ((b.x - x0) / k0) * k1 + x1 - (r.left - pane.left);
          const y = ((b.y - y0) / k0) * k1 + y1 - (r.top - pane.top);
          const w = Math.max(1, Math.min((b.w * k1) / k0, 80));
          const px = ctx.getImageData(x * sx, (y + 6) * sy, w * sx, 14 * sy).data;
          let n = 0;
          for (let i = 0; i < px.length; i += 4) if (px[i] > 180 && px[i + 1] > 180 && px[i + 2] > 180) n++;
          return n;
        });
        return { moving: canvas.dataset.moving, labels: document.querySelectorAll(".far-label").length, lit };
      },
      { before, vp },
    );
    if (seen.moving !== "1") continue;
    expect(seen.labels).toBe(0);
    expect(seen.lit.filter((n) => n > 10).length).toBeGreaterThan(before.length / 2);
    return;
  }
  throw new Error("the view never read as moving on the frame after a wheel notch");
}

/**
 * Two wheel notches, then, on the next frame: the far canvas is hidden and the zoom shot shows in
 * its place, scaled by a CSS transform (no redraw for that notch); once the view rests, the far
 * canvas is back and the shot hidden. Tried again when the view rested between the notches.
 */
async function zoomShownScaled(page: Page) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const dy = attempt % 2 ? 100 : -100;
    await page.mouse.wheel(0, dy);
    // A frame between the notches: two notches in one frame are one step, drawn afresh.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.mouse.wheel(0, dy);
    const seen = await page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const canvas = document.querySelector<HTMLElement>('[data-testid="far-canvas"]')!;
      const shot = document.querySelector<HTMLElement>('[data-testid="far-shot"]');
      return {
        moving: canvas.dataset.moving,
        hidden: canvas.style.visibility === "hidden",
        shot: shot && shot.style.display !== "none" ? shot.style.transform : null,
      };
    });
    if (seen.moving !== "1" || !seen.shot?.includes("scale")) continue;
    expect(seen.hidden).toBe(true);
    await labelled(page);
    await expect.poll(() => page.getByTestId("far-shot").evaluate((el) => el.style.display)).toBe("none");
    expect(await page.getByTestId("far-canvas").evaluate((el) => el.style.visibility)).toBe("");
    return;
  }
  throw new Error("no frame showed the zoom shot scaled after two wheel notches");
}

/** Opens a generated pipeline of `n` real nodes, fitted: rows of 100, or of `columns` `rowPitch` apart. */
async function openPipeline(
  page: Page,
  n: number,
  columns = 100,
  rowPitch = 280,
  edit?: (doc: ReturnType<typeof generatePipeline>) => void,
) {
  const doc = generatePipeline(n);
  edit?.(doc);
  doc.nodes.forEach((node, i) => (node.position = { x: (i % columns) * 320, y: Math.floor(i / columns) * rowPitch }));
  const before = await transform(page);
  await dropFile(page, `pipeline-${n}.lora-graph.json`, serializeWorkflow(doc));
  // Opening fits the new graph: wait for the view to change before waiting for it to settle.
  await expect.poll(() => transform(page), { timeout: 30_000 }).not.toBe(before);
  if (n >= 40) await page.locator(`[data-testid="far-canvas"][data-total="${n}"]`).waitFor();
  else await page.locator('.react-flow__node[data-id="sampler-2"]').waitFor();
  await settled(page);
}

const TITLES = ".react-flow__node .node-title, .far-card .far-title";

/**
 * The titles on screen that are cut: a word ending in "…" or clipped, or a line lost past a card's
 * second (a title under a card, hidden, does not count).
 */
function cutTitles(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cut: string[] = [];
    const over = (el: Element) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    for (const el of document.querySelectorAll(".react-flow__node .node-title, .far-card .far-title")) {
      if (el.matches(".node-title") && el.closest(".react-flow__node")!.querySelector(".far-card")) continue;
      const words = [...el.querySelectorAll(".far-word")];
      if (over(el) || words.some(over)) cut.push(el.textContent ?? "");
    }
    return cut;
  });
}

/**
 * Wheels out from the view until below `low`, then in until above `high`, a notch at a time; returns
 * the titles cut at each zoom between the two, as "zoom: title".
 */
async function cutWhileZooming(page: Page, low: number, high: number): Promise<string[]> {
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  const seen: string[] = [];
  for (const [dy, done] of [
    [40, (z: number) => z < low],
    [-40, (z: number) => z > high],
  ] as const) {
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, dy);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const z = await zoom(page);
      if (z >= low && z <= high) seen.push(...(await cutTitles(page)).map((t) => `${z.toFixed(2)}: ${t}`));
      if (done(z)) break;
    }
  }
  return seen;
}

/**
 * The text boxes in `selector` that show part of a line: their text scrolls under padding (where
 * the top of the next line shows), or their height holds a fraction of a line. Also how many of
 * them hold more text than they show (else the check proves nothing).
 */
function partLines(page: Page, selector: string) {
  return page.$$eval(selector, (els) => {
    const cut: string[] = [];
    let overflowing = 0;
    for (const el of els as HTMLTextAreaElement[]) {
      const cs = getComputedStyle(el);
      const line = parseFloat(cs.lineHeight);
      const pad = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
      const lines = (el.clientHeight - pad) / line;
      if (el.scrollHeight > el.clientHeight + 1) overflowing++;
      if (pad > 0.5 || Math.abs(lines - Math.round(lines)) > 0.05)
        cut.push(`${el.id}: ${lines.toFixed(2)} lines, padding ${pad}px`);
    }
    return { cut, overflowing };
  });
}

/** Drags the resize corner of the text box `box` down by `dy` screen pixels. */
async function resizeTextBox(page: Page, box: Locator, dy: number) {
  // The browser's resize grip sits in the corner inside the border, scaled with the view.
  const corner = await box.evaluate((el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    const k = r.height / el.offsetHeight;
    const cs = getComputedStyle(el);
    return {
      x: r.right - (parseFloat(cs.borderRightWidth) + 3) * k,
      y: r.bottom - (parseFloat(cs.borderBottomWidth) + 3) * k,
    };
  });
  await mouseDrag(page, corner, [
    { x: corner.x, y: corner.y + dy / 2, steps: 3 },
    { x: corner.x, y: corner.y + dy, steps: 3 },
  ]);
}

describe("readable at fit", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: the fitted starter and a fitted 10-node pipeline show every title in readable type`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await settled(page);
      expect((await textBoxes(page, TITLES)).map((t) => t.text).sort()).toEqual([
        "Base model",
        "Note",
        "Prompt",
        "Sampler output",
      ]);
      expectReadable(await textBoxes(page, TITLES));
      await screenshot(page, `lod-starter-${size.width}x${size.height}`);
      const promptBoxes = '.react-flow__node[data-id="prompt"] textarea';
      if (size.width === 1280) {
        // Fitted at 1280×720 (zoom ~0.46) fields would be 5.5 px: every node, the Note too, is its
        // light card, and says what it holds in readable type.
        expect(await zoom(page)).toBeLessThan(0.6);
        expect(await page.locator(".react-flow__node .far-card").count()).toBe(4);
        expect(await page.locator(promptBoxes).count()).toBe(0);
        const glances = await textBoxes(page, ".far-card .far-glance");
        expect(glances.map((g) => g.text)).toContainEqual(expect.stringMatching(/^Photo of a european medieval/));
        expect(glances.map((g) => g.text)).toContainEqual(expect.stringMatching(/^Start here/));
        expectReadable(glances);
        // The card covers the title bar and its badges: a node's errors show on the card, in words.
        const wire = await wireMiddle(page, "e:base.model->sampler.model");
        await page.mouse.click(wire.x, wire.y, { button: "right" });
        await page.getByRole("menu").getByRole("menuitem", { name: "Delete wire" }).click();
        const sampler = page.locator('.react-flow__node[data-id="sampler"]');
        const mark = sampler.locator(".far-card .far-mark.err");
        await expect.poll(() => mark.count()).toBe(1);
        expect(await mark.innerText()).toMatch(/^\d+ errors?$/);
        expectReadable(await textBoxes(page, ".far-card .far-mark"));
        expect(inside((await mark.boundingBox())!, (await sampler.locator(".far-card").boundingBox())!)).toBe(true);
        await screenshot(page, `lod-card-error-${size.width}x${size.height}`);
        await page.keyboard.press("Control+z");
        await expect.poll(() => mark.count()).toBe(0);
        // Editing is one double click away: the card zooms to its node, whose fields read.
        // The card lets the pointer through to its node (drag, select): aim at the node.
        const card = await settledCenter(page.locator('.react-flow__node[data-id="prompt"]'));
        await page.mouse.dblclick(card.x, card.y);
        await expect.poll(() => zoom(page)).toBeGreaterThanOrEqual(0.92);
        await settled(page);
        expect(await page.locator(".react-flow__node .far-card").count()).toBe(0);
        expect(await page.locator(promptBoxes).first().isVisible()).toBe(true);
        expect(await partLines(page, promptBoxes)).toEqual({ cut: [], overflowing: 1 });
        await screenshot(page, `lod-card-zoomed-${size.width}x${size.height}`);
      } else {
        // The Prompt's text boxes show whole lines: the long prompt is cut between two lines, and
        // stays so after the user resizes the box by its corner to a height between two.
        expect(await page.locator(".react-flow__node .far-card").count()).toBe(0);
        expect(await partLines(page, promptBoxes)).toEqual({ cut: [], overflowing: 1 });
        await resizeTextBox(page, page.locator(promptBoxes).first(), 23);
        await expect.poll(() => page.locator(promptBoxes).first().getAttribute("style")).toMatch(/height/);
        expect((await partLines(page, promptBoxes)).cut).toEqual([]);
      }

      // Two rows of five, as a pipeline of ten is usually laid out.
      await openPipeline(page, 10, 5, 640);
      const titles = await textBoxes(page, TITLES);
      expect(titles).toHaveLength(10);
      expect(titles.map((t) => t.text)).toContain("LoRA");
      expectReadable(titles);
      await screenshot(page, `lod-fitted-10-${size.width}x${size.height}`);
      // From its fit, out to 0.35 and in to 0.6, no title is cut: at a fixed 14 px on screen
      // "Embedding" lost its end at 0.36 (its card is 97 px wide there), a collapsed node's title at
      // 0.40–0.47.
      expect(await cutWhileZooming(page, 0.3, 0.6)).toEqual([]);

      // All ten in one row: far out, the light form writes each title and key value. A LoRA file
      // name longer than a line wraps after its separators, never inside a word.
      const LONG = "pixel-art-xl_v1.1_by-nerijs.safetensors";
      await openPipeline(page, 10, 100, 280, (doc) => {
        doc.nodes.find((n) => n.type === "lora")!.params.path = `https://example.com/loras/${LONG}`;
      });
      expect(await zoom(page)).toBeLessThan(0.4);
      expectReadable(await textBoxes(page, ".far-card .far-title"));
      // Titles wrap between words ("Image / encoder"); a word too long ends in "…", never "Sched / uler".
      expect(await midWordBreaks(page, ".far-card .far-title")).toEqual([]);
      const glances = await textBoxes(page, ".far-card .far-glance");
      expectReadable(glances);
      // A LoRA says which file, at which scale.
      expect(glances.map((g) => g.text)).toContain(`${LONG} · 0.5`);
      expect(await midWordBreaks(page, ".far-card .far-glance")).toEqual([]);
      await screenshot(page, `lod-fitted-10-in-a-row-${size.width}x${size.height}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

/**
 * What the light cards on screen cut or leave out unsaid: a line of a title or key value that the
 * card's foot (or the text's own clipped box) cuts through, a title word ending in "…", and text
 * left out of a card whose node does not say it whole on hover.
 */
function cardCuts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const card of document.querySelectorAll<HTMLElement>(".react-flow__node .far-card")) {
      const gnode = card.closest<HTMLElement>(".gnode")!;
      const name = gnode.closest<HTMLElement>(".react-flow__node")!.dataset.id;
      let left = false;
      for (const text of card.querySelectorAll<HTMLElement>(".far-title, .far-glance")) {
        const foot = Math.min(card.getBoundingClientRect().bottom, text.getBoundingClientRect().bottom);
        for (const w of text.querySelectorAll<HTMLElement>(".far-word")) {
          const r = w.getBoundingClientRect();
          if (!w.getClientRects().length || r.top >= foot - 0.5) left = true;
          else if (r.bottom > foot + 0.5) found.push(`${name}: "${w.textContent}" cut by the card's foot`);
          else if (text.matches(".far-title") && w.scrollWidth > w.clientWidth + 1)
            found.push(`${name}: "${w.textContent}" ends in …`);
        }
      }
      const whole = [...card.querySelectorAll(".far-title, .far-glance")].map((t) => t.textContent).join("\n");
      if (left && gnode.title !== whole) found.push(`${name}: text left out, and not on its hover`);
    }
    return found;
  });
}

/** Opens lesson `id` from Templates; resolves once its card is placed and the view has settled. */
async function openLesson(page: Page, id: string) {
  await page.getByRole("button", { name: "Templates" }).click();
  await page.getByTestId("lesson-gallery").waitFor();
  await page.locator(`[data-testid="lesson-${id}"]`).click();
  const card = page.locator(`[data-lesson-card="${id}"]`);
  await card.waitFor();
  await expect.poll(() => card.evaluate((el) => (el as HTMLElement).style.left)).not.toBe("");
  await settled(page);
  return card;
}

const LESSONS = ["lora-scale", "controlnet-window", "guidance", "schedulers", "ip-adapter-vs-controlnet"];

describe("light cards show whole lines", () => {
  for (const size of SIZES) {
    // A browser test: which lines fit is the browser's layout of the card's type.
    it(`at ${size.width}x${size.height}: the fitted starter and every lesson, one after another`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await settled(page);
      expect(await cardCuts(page)).toEqual([]);
      const zooms: number[] = [];
      for (const id of LESSONS) {
        const card = await openLesson(page, id);
        zooms.push(await zoom(page));
        // The lesson card takes a third of the canvas: the graph is fitted small, in cards, none cut.
        expect(await page.locator(".react-flow__node .far-card").count()).toBeGreaterThan(0);
        await expect.poll(() => cardCuts(page), { message: id }).toEqual([]);
        await screenshot(page, `lesson-cards-${id}-${size.width}x${size.height}`);
        // Its hover says the card whole: the Base model's repository is longer than its card.
        expect(await page.locator('.react-flow__node[data-id="base"] .gnode').getAttribute("title")).toMatch(
          /^Base model\nstabilityai\/stable-diffusion-xl-base-1\.0$/,
        );
        await card.getByRole("button", { name: "Close lesson" }).click();
      }
      // The lesson fitted smallest (the IP-Adapter one) lands at about 0.3.
      expect(Math.min(...zooms)).toBeLessThan(0.4);
      // The lessons' LoRA and images live on hosts this offline test cannot reach.
      expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
      await context.close();
    });
  }
});

/**
 * A pipeline of five nodes whose drawn height is known at once (no header read or preview that
 * comes later), with the ids n1–n5 given to `types` in turn, in a row or in two rows.
 */
function fiveNodes(types: string[], row: boolean) {
  const params: Record<string, Record<string, unknown>> = {
    base_model: { model_name: "stabilityai/stable-diffusion-xl-base-1.0" },
    prompt: { prompt: "a castle on a hill, golden hour" },
    sampler: { seed: 42 },
    image_encoder: { image_encoder_path: "h94/IP-Adapter" },
    note: { text: "Opened to see that a node's size is its own." },
  };
  const id = (type: string) => `n${types.indexOf(type) + 1}`;
  const nodes = types.map((type, i) => ({
    id: `n${i + 1}`,
    type,
    typeVersion: registry.getOrThrow(type).version,
    position: row ? { x: i * 320, y: 0 } : { x: (i % 3) * 320, y: Math.floor(i / 3) * 560 },
    params: params[type],
  }));
  const wire = (s: string, sh: string, t: string, th: string) => ({
    id: `${id(s)}.${sh}->${id(t)}.${th}`,
    source: id(s),
    sourceHandle: sh,
    target: id(t),
    targetHandle: th,
  });
  const edges = [
    wire("base_model", "model", "sampler", "model"),
    wire("prompt", "conditioning", "sampler", "conditioning"),
  ];
  return { format: "lora-graph/workflow", version: 4, meta: { name: types.join(" ") }, nodes, edges };
}

/** Opens `doc` by dropping its file; resolves once the view has changed and settled. */
async function openDoc(page: Page, doc: ReturnType<typeof fiveNodes>) {
  const before = await transform(page);
  await dropFile(page, "five.lora-graph.json", JSON.stringify(doc));
  await expect.poll(() => transform(page)).not.toBe(before);
  await settled(page);
}

describe("measured sizes belong to their document", () => {
  // A browser test: the stale size came back through xyflow's measured height and the card drawn by it.
  it("at 1280x720: a document opened after one with the same ids on other nodes is drawn and fitted as after one with the same nodes", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[1]);
    shootOnFailure(ctx, () => page);
    await settled(page);
    const B = ["base_model", "prompt", "sampler", "image_encoder", "note"];
    // A: B's ids on other nodes: the Sampler's (n3) on the Base model, the Note's (n5) on the Sampler.
    const A = ["note", "image_encoder", "base_model", "prompt", "sampler"];
    // B in two rows, opened after B in a row: every node's size is its own.
    await openDoc(page, fiveNodes(B, false));
    await openDoc(page, fiveNodes(B, true));
    await openDoc(page, fiveNodes(B, false));
    const b = await nodeScreenBoxes(page, "");
    await openDoc(page, fiveNodes(A, true));
    expect(await zoom(page)).toBeLessThan(0.6);
    await openDoc(page, fiveNodes(B, false));
    // Every node as tall and where it was: the Sampler's card is not the height of A's Base model,
    // and the fit, made from the nodes' sizes, is the same.
    await expect.poll(() => nodeScreenBoxes(page, "")).toEqual(b);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("zooming with the mouse wheel", () => {
  it("out: nodes turn into the light form with titles; in: full nodes with their fields come back", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await settled(page);
    const fields = page.locator('.react-flow__node[data-id="prompt"] textarea');
    await wheelUntil(page, -100, async () => (await zoom(page)) >= 0.8);
    await expect.poll(() => fields.count()).toBeGreaterThan(0);
    await wheelUntil(page, 100, async () => (await zoom(page)) < 0.3);
    await expect.poll(() => fields.count()).toBe(0);
    const titles = await textBoxes(page, ".far-card .far-title");
    expect(titles.map((t) => t.text).sort()).toEqual(["Base model", "Note", "Prompt", "Sampler output"]);
    expectReadable(titles);
    await wheelUntil(page, -100, async () => (await zoom(page)) >= 0.8);
    await expect.poll(() => fields.count()).toBeGreaterThan(0);
    expect(await page.locator(".far-card").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a 1,000-node graph far out is one canvas; zooming in labels it, then hands it back to the DOM", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    // One node in ten collapsed: its bar is lower than a line far out.
    await openPipeline(page, 1000, 100, 280, (doc) => doc.nodes.forEach((n, i) => (n.collapsed = i % 10 === 5)));
    // Fitted, every node is drawn on the canvas and none is a DOM node.
    expect(await page.locator(".react-flow__node").count()).toBe(0);
    expect(Number(await page.getByTestId("far-canvas").getAttribute("data-drawn"))).toBe(1000);
    await wheelUntil(page, -100, () => labelled(page));
    const labels = await textBoxes(page, ".far-label .far-title");
    expect(labels.length).toBeGreaterThan(5);
    expectReadable(labels);
    // A collapsed node's title is written across its bar, as readable as the others.
    const bars = await textBoxes(page, ".far-label.on-bar .far-title");
    expect(bars.length).toBeGreaterThan(0);
    expectReadable(bars);
    await screenshot(page, "lod-far-collapsed-1440x900");
    await titlesDrawnWhileMoving(page);
    await expect.poll(() => page.locator(".far-label").count()).toBeGreaterThan(5);
    await zoomShownScaled(page);
    // Past LIGHT_ZOOM (0.6) the nodes show their fields.
    await wheelUntil(page, -100, async () => (await zoom(page)) >= 0.65);
    await expect.poll(() => page.locator(".react-flow__node .node-body").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("far-canvas").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a node drawn on the far canvas can be dragged, and the move is one undo step", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await openPipeline(page, 1000);
    await wheelUntil(page, -100, () => labelled(page));
    await settled(page);
    const label = page.locator(".far-label").nth(2);
    const id = await label.getAttribute("data-id");
    const at = (await label.boundingBox())!;
    const view = await transform(page);
    await page.mouse.move(at.x + at.width / 2, at.y + 6);
    await page.mouse.down();
    await page.mouse.move(at.x + at.width / 2 + 30, at.y + 46, { steps: 6 });
    await page.mouse.up();
    const moved = page.locator(`.far-label[data-id="${id}"]`);
    await expect.poll(async () => Math.round((await moved.boundingBox())!.y - at.y)).toBe(40);
    // The press was the node's, not a pan.
    expect(await transform(page)).toBe(view);
    await page.keyboard.press("Control+z");
    await expect.poll(async () => Math.round((await moved.boundingBox())!.y - at.y)).toBe(0);
    // A double click on a drawn node zooms to it, where its fields are (not the node search).
    await page.mouse.dblclick(at.x + at.width / 2, at.y + 6);
    await expect.poll(() => zoom(page)).toBeGreaterThanOrEqual(0.92);
    await page.locator(`.react-flow__node[data-id="${id}"] .node-body`).waitFor();
    expect(await page.getByRole("dialog", { name: "Add node" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("panning a big graph at zoom 1", () => {
  it("nodes that scroll in during a pan come in light, and get their fields when the pan ends", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    const doc = { ...generatePipeline(1000), viewport: { x: 40, y: 40, zoom: 1 } };
    await dropFile(page, "pipeline-1000.lora-graph.json", serializeWorkflow(doc));
    await page.locator('.react-flow__node[data-id="base_model-0"] .node-body').waitFor();
    await settled(page);
    // Press on empty canvas in the gap between the first two columns (nodes 268 wide, 320 apart).
    const pane = (await page.locator(".canvas .react-flow").boundingBox())!;
    const from = await page.evaluate(
      ({ x, top, bottom }) => {
        for (let y = top; y < bottom; y += 10)
          if (document.elementFromPoint(x, y)?.classList.contains("react-flow__pane")) return { x, y };
        throw new Error("no empty point in the column gap");
      },
      { x: pane.x + 40 + 294, top: pane.y + 60, bottom: pane.y + pane.height - 60 },
    );
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x - 700, from.y, { steps: 10 });
    const entered = page.locator(".react-flow__node .far-card");
    await expect.poll(() => entered.count()).toBeGreaterThan(0);
    expect(await page.locator(".react-flow__node .far-card .far-title").first().innerText()).not.toBe("");
    await page.mouse.up();
    await expect.poll(() => entered.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator(".react-flow__node .node-body").count()).toBeGreaterThan(3);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("node shadows at zoom 1", () => {
  /** The blur every node's shadow image stands for (styles.css .gnode::before). */
  const BLUR = ".gnode { box-shadow: 0 6px 18px rgba(0, 0, 0, 0.35) } .gnode::before { display: none }";
  /** On the dark canvas a shadow is a few levels deep: on white, a wrong one shows. */
  const WHITE = ".dot-grid { background: #fff } .dot-grid > div { display: none }";
  it("are an image, not a blur, and show the same pixels as the blur they replace", async (ctx) => {
    const { page, context, errors } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    const doc = { ...generatePipeline(12), viewport: { x: 40, y: 40, zoom: 1 } };
    await dropFile(page, "pipeline-12.lora-graph.json", serializeWorkflow(doc));
    const node = page.locator('.react-flow__node[data-id="base_model-0"]');
    await node.locator(".node-body").waitFor();
    await page.mouse.move(1, 1);
    await settled(page);
    const look = await node.locator(".gnode").evaluate((el) => ({
      shadow: getComputedStyle(el).boxShadow,
      image: getComputedStyle(el, "::before").borderImageSource,
    }));
    // A blurred box-shadow per node was half of a pan frame's raster time (docs/benchmarks.md).
    expect(look.shadow).toBe("none");
    expect(look.image).toMatch(/^url\(/);
    await page.addStyleTag({ content: WHITE });
    const box = (await node.boundingBox())!;
    const clip = { x: box.x - 40, y: box.y - 40, width: box.width + 80, height: box.height + 80 };
    const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await frames();
    const image = PNG.sync.read(await page.screenshot({ clip }));
    await page.addStyleTag({ content: BLUR });
    await frames();
    const blur = PNG.sync.read(await page.screenshot({ clip }));
    let off = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      const d = [0, 1, 2].map((c) => Math.abs(image.data[i + c] - blur.data[i + c]));
      if (Math.max(...d) > 4) off++;
    }
    // Chromium drew the image from this very blur: only the node's edge, at a fractional pixel,
    // rounds apart (~70 pixels). Without any shadow ~17,000 pixels differ.
    expect(off).toBeLessThan(image.data.length / 4 / 200);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("screenshots of fitted graphs", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: a fitted 1,000-node graph`, async (ctx) => {
      const { page, context } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await openPipeline(page, 1000);
      await screenshot(page, `lod-fitted-1000-${size.width}x${size.height}`);
      await context.close();
    });
  }
});

describe("the runs drawer leaves a moved view alone", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: pan, then Run, then close the drawer: every node stays where it was on screen`, async (ctx) => {
      const { page, context } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await settled(page);
      const pane = (await page.locator(".canvas .react-flow").boundingBox())!;
      const from = { x: pane.x + pane.width - 80, y: pane.y + 30 };
      await mouseDrag(page, from, [{ x: from.x - 90, y: from.y + 40, steps: 8 }]);
      await settled(page);
      // The view's zoom and each node's box on screen: a pan or a re-fit changes them.
      const boxes = async () => [
        await page.locator(".react-flow__viewport").evaluate((el) => /scale\(([^)]+)\)/.exec(el.style.transform)?.[1]),
        ...(await nodeScreenBoxes(page)),
      ];
      const before = await boxes();
      expect(before.length).toBeGreaterThan(1);
      const drawer = page.getByRole("button", { name: /Runs/ });
      await page.locator("[data-run-button]").click();
      await expect.poll(() => drawer.getAttribute("aria-expanded")).toBe("true");
      await page.locator('[data-output-strip="sampler"][data-status="completed"]').waitFor({ timeout: 20_000 });
      await settled(page);
      expect(await boxes()).toEqual(before);
      await screenshot(page, `lod-drawer-after-pan-${size.width}x${size.height}`);
      await drawer.click();
      await expect.poll(() => drawer.getAttribute("aria-expanded")).toBe("false");
      await settled(page);
      expect(await boxes()).toEqual(before);
      await context.close();
    });
  }
});
