// The comforts ComfyUI and InvokeAI users reach for first: context menus, dropping a node on a
// wire, reroute points, collapsed nodes and groups. Each test drives the editor with mouse and
// keyboard in real Chromium, on the starter pipeline, at the two laptop sizes.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshot } from "../harness/browser";
import {
  LAPTOP_SIZES,
  backendKnown,
  dragOntoWire,
  edges,
  emptyCanvasPoint,
  node,
  nodeIds,
  requestJson,
  settledCenter,
  shootOnFailure,
  setupServerAndBrowser,
  wireMiddle,
} from "./helpers";

const suite = setupServerAndBrowser();

const SIZES = LAPTOP_SIZES;

const menu = (page: Page) => page.getByRole("menu");
const focusedItem = (page: Page) =>
  page.evaluate(() => document.activeElement?.closest<HTMLElement>('[role="menuitem"]')?.dataset.label ?? null);

/** Right-clicks the middle of a node's title bar. */
async function rightClickNode(page: Page, id: string) {
  await backendKnown(page);
  const p = await settledCenter(node(page, id).locator(".node-title").first());
  await page.mouse.click(p.x, p.y, { button: "right" });
  await expect.poll(() => menu(page).count()).toBe(1);
}

describe("context menus", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: a node's menu by right-click and keyboard`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      await rightClickNode(page, "sampler");
      expect(await menu(page).getAttribute("aria-label")).toBe("Node menu");
      // Focus starts on the first item; arrows move it, wrapping at the ends.
      await expect.poll(() => focusedItem(page)).toBe("Rename");
      await page.keyboard.press("ArrowUp");
      expect(await focusedItem(page)).toBe("Delete");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      expect(await focusedItem(page)).toBe("Bypass");
      await screenshot(page, `menu-node-${size.width}x${size.height}`);
      // Every item shows its key, and the menu stays inside the window.
      const box = (await menu(page).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(size.width);
      expect(box.y + box.height).toBeLessThanOrEqual(size.height);
      await page.keyboard.press("Enter");
      await expect.poll(() => menu(page).count()).toBe(0);
      await expect.poll(() => node(page, "sampler").locator(".gnode.bypassed").count()).toBe(1);
      // Escape closes without doing anything; Delete behind the menu does not delete.
      await rightClickNode(page, "sampler");
      await page.keyboard.press("Delete");
      await page.keyboard.press("Escape");
      await expect.poll(() => menu(page).count()).toBe(0);
      expect(await nodeIds(page)).toContain("sampler");
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("Rename, Duplicate, Collapse and Make component from the node menu; Shift+F10 opens it from the keyboard", async (ctx) => {
    const { page, context } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await rightClickNode(page, "base");
    await page.keyboard.press("Enter"); // Rename, the first item
    const field = node(page, "base").getByRole("textbox", { name: "Node name" });
    await expect.poll(() => field.count()).toBe(1);
    await page.keyboard.type("SDXL base");
    await page.keyboard.press("Enter");
    await expect.poll(() => node(page, "base").locator(".node-title").innerText()).toBe("SDXL base");
    // The keyboard's way in: the selected node's menu, a letter jumps to its item.
    await page.keyboard.press("Shift+F10");
    await expect.poll(() => menu(page).count()).toBe(1);
    await page.keyboard.press("d");
    expect(await focusedItem(page)).toBe("Duplicate");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await nodeIds(page)).length).toBe(5);
    // F2 renames the selection too.
    await page.keyboard.press("F2");
    await expect.poll(() => page.getByRole("textbox", { name: "Node name" }).count()).toBe(2); // node + inspector
    await page.keyboard.press("Escape");
    // Collapse, then Make component…, from the menu.
    await rightClickNode(page, "prompt");
    await menu(page)
      .getByRole("menuitem", { name: /^Collapse/ })
      .click();
    await expect.poll(() => node(page, "prompt").locator(".gnode.collapsed").count()).toBe(1);
    await rightClickNode(page, "prompt");
    await menu(page)
      .getByRole("menuitem", { name: /^Make component/ })
      .click();
    await page.getByRole("dialog").waitFor();
    expect(await page.getByRole("dialog").innerText()).toMatch(/component/i);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    // Delete, the menu's last item, removes the node.
    await rightClickNode(page, "base");
    await menu(page)
      .getByRole("menuitem", { name: /^Delete/ })
      .click();
    await expect.poll(() => nodeIds(page)).not.toContain("base");
    await context.close();
  });

  it("Explain shows the node's explanation in the inspector", async (ctx) => {
    const { page, context } = await suite.open(SIZES[1]);
    shootOnFailure(ctx, () => page);
    await rightClickNode(page, "prompt");
    await menu(page)
      .getByRole("menuitem", { name: /Explain/ })
      .click();
    await expect.poll(() => page.locator(".inspector .insp-desc").isVisible()).toBe(true);
    expect(await page.locator(".inspector .insp-type").innerText()).toMatch(/^Prompt/);
    await context.close();
  });

  // A browser test: xyflow's drag start and drop, which hold and free the inspector, come only from a real pointer.
  it("the inspector shows a node dragged unselected at its drop, and a clicked node at once", async (ctx) => {
    const { page, context } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await backendKnown(page);
    const inspectorType = () =>
      page
        .locator(".inspector .insp-type")
        .innerText()
        .catch(() => "");
    const grab = await settledCenter(node(page, "prompt").locator(".node-title").first());
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move(grab.x + 40, grab.y + 30, { steps: 8 });
    // Selected by the drag, on the canvas at once; its settings wait for the drop.
    await expect.poll(() => node(page, "prompt").getAttribute("class")).toMatch(/\bselected\b/);
    expect(await page.getByText("No node selected").isVisible()).toBe(true);
    await page.mouse.up();
    await expect.poll(inspectorType).toMatch(/^Prompt/);
    const sampler = await settledCenter(node(page, "sampler").locator(".node-title").first());
    await page.mouse.click(sampler.x, sampler.y);
    await expect.poll(inspectorType).toMatch(/^Sampler/);
    await context.close();
  });

  it("the canvas menu adds a node where it was opened, pastes (in order, before the paste code arrives) and arranges", async (ctx) => {
    // The paste's reader loads on demand; held back here until both pastes are asked for (a
    // browser test: the menu's paste, the chunk fetch and the held request meet only in a page).
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const context = await suite.b.browser.newContext({ viewport: SIZES[0] });
    await context.route(/\/assets\/clipboard-[^/]*\.js$/, (route) => held.then(() => route.continue()));
    const { page } = await suite.open({ context });
    shootOnFailure(ctx, () => page);
    await backendKnown(page);
    // Low in the middle of the canvas: bare, with room around it (the fit keeps the drawer's room free).
    const pane = (await page.locator(".canvas .react-flow").boundingBox())!;
    const at = { x: pane.x + pane.width * 0.5, y: pane.y + pane.height * 0.8 };
    await page.mouse.click(at.x, at.y, { button: "right" });
    await expect.poll(() => menu(page).getAttribute("aria-label")).toBe("Canvas menu");
    await screenshot(page, "menu-canvas-1440x900");
    await page.keyboard.press("Enter"); // Add a node here…
    await page.getByRole("dialog", { name: "Add node" }).waitFor();
    await page.keyboard.type("scheduler");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await nodeIds(page)).length).toBe(5);
    const added = (await nodeIds(page)).find((id) => id.startsWith("scheduler"))!;
    const box = (await node(page, added).boundingBox())!;
    // At the point the menu was opened (or the nearest free space beside it).
    expect(Math.abs(box.x - at.x)).toBeLessThan(box.width + 60);
    expect(Math.abs(box.y - at.y)).toBeLessThan(box.height + 60);
    // Copy it, then Paste from the canvas menu, twice, at two places.
    await page.keyboard.press("Control+c");
    const schedulers = async () => (await nodeIds(page)).filter((id) => id.startsWith("scheduler"));
    const pasted: { x: number; y: number }[] = [];
    for (const [fx, fy] of [
      [0.92, 0.1],
      [0.1, 0.92],
    ]) {
      const at2 = { x: pane.x + pane.width * fx, y: pane.y + pane.height * fy };
      await page.mouse.click(at2.x, at2.y, { button: "right" });
      await expect.poll(() => menu(page).getAttribute("aria-label")).toBe("Canvas menu");
      await menu(page).getByRole("menuitem", { name: "Paste" }).click();
      await expect.poll(() => menu(page).count()).toBe(0);
      pasted.push(at2);
    }
    expect(await schedulers()).toHaveLength(1);
    release();
    await expect.poll(async () => (await schedulers()).length).toBe(3);
    // Made in the order asked: the second paste is the one selected, where the second menu was opened.
    const selected = page.locator(".react-flow__node.selected");
    await expect.poll(() => selected.count()).toBe(1);
    const last = (await selected.boundingBox())!;
    const from = (p: { x: number; y: number }) => Math.hypot(last.x - p.x, last.y - p.y);
    expect(from(pasted[1])).toBeLessThan(from(pasted[0]));
    // Arrange: one undo step that moves nodes.
    const before = await node(page, "note").evaluate((e) => (e as HTMLElement).style.transform);
    // Elsewhere: the paste went where the last menu was opened.
    const at3 = await emptyCanvasPoint(page);
    await page.mouse.click(at3.x, at3.y, { button: "right" });
    await page.keyboard.press("End");
    expect(await focusedItem(page)).toBe("Arrange the pipeline");
    await page.keyboard.press("Enter");
    await expect.poll(() => node(page, "note").evaluate((e) => (e as HTMLElement).style.transform)).not.toBe(before);
    await context.close();
  });

  it("a wire's menu deletes it", async (ctx) => {
    const { page, context } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    const wire = "e:base.model->sampler.model";
    const p = await wireMiddle(page, wire);
    await page.mouse.click(p.x, p.y, { button: "right" });
    await expect.poll(() => menu(page).getAttribute("aria-label")).toBe("Wire menu");
    await screenshot(page, "menu-wire-1440x900");
    await menu(page).getByRole("menuitem", { name: "Delete wire" }).click();
    await expect.poll(() => edges(page).count()).toBe(1);
    await context.close();
  });

  it("every menu item's key is in the help overlay", async (ctx) => {
    const { page, context } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    const keys = new Set<string>();
    for (const open of [
      () => rightClickNode(page, "sampler"),
      async () => {
        const at = await emptyCanvasPoint(page);
        await page.mouse.click(at.x, at.y, { button: "right" });
      },
      async () => {
        const p = await wireMiddle(page, "e:base.model->sampler.model");
        await page.mouse.click(p.x, p.y, { button: "right" });
      },
    ]) {
      await open();
      await expect.poll(() => menu(page).count()).toBe(1);
      for (const k of await menu(page).locator(".ctx-menu-keys").allInnerTexts()) keys.add(k);
      await page.keyboard.press("Escape");
      await expect.poll(() => menu(page).count()).toBe(0);
    }
    await page.keyboard.press("?");
    const help = await page.getByRole("dialog", { name: "Keyboard shortcuts" }).innerText();
    for (const k of keys) expect(help, k).toContain(k);
    await context.close();
  });
});

const MODEL_WIRE = "e:base.model->sampler.model";
const wireIds = (page: Page) =>
  page.$$eval(".react-flow__edge", (els) => els.map((e) => (e as HTMLElement).dataset.id ?? "").sort());
const glowing = (page: Page) =>
  page.$$eval(".react-flow__edge:has(.splice-glow)", (els) => els.map((e) => (e as HTMLElement).dataset.id));

/** The starter's chain with a LoRA in it, as the request and the wires show it. */
async function expectLoraInChain(page: Page) {
  await expect.poll(() => wireIds(page)).not.toContain(MODEL_WIRE);
  const lora = (await nodeIds(page)).find((id) => id.startsWith("lora"))!;
  expect(await wireIds(page)).toEqual(
    [
      `e:base.model->${lora}.model`,
      `e:${lora}.model->sampler.model`,
      "e:prompt.conditioning->sampler.conditioning",
    ].sort(),
  );
  expect(await requestJson(page)).toContain('"loras"');
  return lora;
}

describe("dropping a node on a wire", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: the starter note's LoRA, dragged from the sidebar onto the wire, goes into the chain`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      // Its text box, or at 1280×720 its light card.
      const note = node(page, "note");
      await expect
        .poll(() =>
          note.evaluate((n) => n.querySelector("textarea")?.value ?? n.querySelector(".far-glance")?.textContent),
        )
        .toMatch(/try adding a LoRA between the Base model and the Sampler/);
      // The wire it would go into lights up before the drop.
      await dragOntoWire(page, page.locator(".side-item", { hasText: /^LoRA$/ }), MODEL_WIRE);
      await screenshot(page, `splice-hover-${size.width}x${size.height}`);
      await page.mouse.up();
      await expect.poll(() => glowing(page)).toEqual([]);
      await expectLoraInChain(page);
      // One undo step takes it all back.
      await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("Control+z");
      await expect.poll(() => wireIds(page)).toContain(MODEL_WIRE);
      expect((await nodeIds(page)).some((id) => id.startsWith("lora"))).toBe(false);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("a node already on the canvas, dragged onto the wire, is spliced in and moved in one undo step", async (ctx) => {
    const { page, context } = await suite.open(SIZES[0]);
    shootOnFailure(ctx, () => page);
    await backendKnown(page);
    const at = await emptyCanvasPoint(page);
    await page.mouse.dblclick(at.x, at.y);
    await page.getByRole("dialog", { name: "Add node" }).waitFor();
    await page.keyboard.type("lora");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await nodeIds(page)).length).toBe(5);
    const lora = (await nodeIds(page)).find((id) => id.startsWith("lora"))!;
    const startBox = (await node(page, lora).boundingBox())!;
    const grab = await settledCenter(node(page, lora).locator(".node-title"));
    const to = await wireMiddle(page, MODEL_WIRE);
    // A wire the node does not fit stays dark.
    const cond = await wireMiddle(page, "e:prompt.conditioning->sampler.conditioning");
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move(cond.x, cond.y, { steps: 10 });
    expect(await glowing(page)).toEqual([]);
    await page.mouse.move(to.x, to.y, { steps: 10 });
    await expect.poll(() => glowing(page)).toEqual([MODEL_WIRE]);
    await page.mouse.up();
    await expectLoraInChain(page);
    await page.keyboard.press("Control+z");
    await expect.poll(() => wireIds(page)).toContain(MODEL_WIRE);
    const back = (await node(page, lora).boundingBox())!;
    expect(Math.abs(back.x - startBox.x)).toBeLessThan(2);
    await context.close();
  });

  it("a wire's menu and Space on a selected wire insert a node from the search", async (ctx) => {
    const { page, context } = await suite.open(SIZES[1]);
    shootOnFailure(ctx, () => page);
    const p = await wireMiddle(page, MODEL_WIRE);
    await page.mouse.click(p.x, p.y, { button: "right" });
    await menu(page)
      .getByRole("menuitem", { name: /Insert a node/ })
      .click();
    const palette = page.getByRole("dialog", { name: "Add node" });
    await palette.waitFor();
    // Only nodes that take a model are offered.
    expect(await palette.locator("[role=option]").allInnerTexts()).not.toContainEqual(expect.stringMatching(/^Prompt/));
    await page.keyboard.type("lora");
    await page.keyboard.press("Enter");
    const lora = await expectLoraInChain(page);
    // Keyboard: select the Base model → LoRA wire, Space, pick another LoRA.
    const q = await wireMiddle(page, `e:base.model->${lora}.model`);
    await page.mouse.click(q.x, q.y);
    await page.keyboard.press("Space");
    await palette.waitFor();
    await page.keyboard.type("lora");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await nodeIds(page)).filter((id) => id.startsWith("lora")).length).toBe(2);
    const second = (await nodeIds(page)).find((id) => id.startsWith("lora") && id !== lora)!;
    // The new node's wires are drawn a moment after it: read once, they failed at load 23.
    await expect
      .poll(() => wireIds(page))
      .toEqual(
        [
          `e:base.model->${second}.model`,
          `e:${second}.model->${lora}.model`,
          `e:${lora}.model->sampler.model`,
          "e:prompt.conditioning->sampler.conditioning",
        ].sort(),
      );
    await context.close();
  });
});

const viewZoom = (page: Page) =>
  page.evaluate(() => {
    const t = document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
    return Number(/scale\(([\d.e-]+)\)/.exec(t)?.[1]);
  });

/**
 * What keeps a collapsed node's title from being read, as lines: type under 11 px on screen, a
 * title off its bar or wider than its node, drawn under something else, or (with `whole`) cut.
 */
function collapsedTitleProblems(page: Page, whole: boolean): Promise<string[]> {
  return page.$$eval(
    ".gnode.collapsed .node-title",
    (els, whole) =>
      els.flatMap((el) => {
        const name = el.textContent ?? "";
        const bar = el.closest(".gnode")!.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        // A text's box is about 1.15 times its type size (as lod.e2e.ts reads it).
        const range = document.createRange();
        range.selectNodeContents(el);
        const px = Math.min(...[...range.getClientRects()].map((l) => l.height)) / 1.15;
        const out: string[] = [];
        if (px < 11) out.push(`${name}: ${px.toFixed(1)} px type`);
        const mid = r.top + r.height / 2;
        if (mid < bar.top || mid > bar.bottom) out.push(`${name}: off its bar`);
        if (r.left < bar.left - 1 || r.right > bar.right + 1) out.push(`${name}: wider than its node`);
        if (whole && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
          out.push(`${name}: cut`);
        const hit = document.elementFromPoint(r.left + r.width / 2, mid);
        if (!el.contains(hit)) out.push(`${name}: under ${hit?.className}`);
        return out;
      }),
    whole,
  );
}

describe("collapsed nodes", () => {
  for (const size of SIZES) {
    it(`at ${size.width}x${size.height}: the title bar's fold and Alt+C collapse a node; its wires stay; it survives a reload`, async (ctx) => {
      const { page, context, errors } = await suite.open(size);
      shootOnFailure(ctx, () => page);
      const sampler = node(page, "sampler");
      const tall = (await sampler.boundingBox())!.height;
      if (size.width === 1280) {
        // Fitted there the Sampler is a light card, which hides its fold: the node menu folds it.
        await sampler.locator(".far-card").waitFor();
        await sampler.locator(".node-title").click({ button: "right" });
        await page.getByRole("menuitem", { name: /Collapse/ }).click();
      } else await sampler.getByRole("button", { name: "Collapse node" }).click();
      await expect.poll(async () => (await sampler.boundingBox())!.height).toBeLessThan(50);
      // Both wires still end on the Sampler, at its title bar.
      expect(await edges(page).count()).toBe(2);
      const bar = (await sampler.boundingBox())!;
      const ends = await page.$$eval(".react-flow__edge path.react-flow__edge-path", (ps) =>
        ps.map((p) => {
          const path = p as SVGPathElement;
          const q = path.getPointAtLength(path.getTotalLength());
          const m = path.getScreenCTM()!;
          return { x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f };
        }),
      );
      for (const e of ends) {
        expect(Math.abs(e.x - bar.x)).toBeLessThan(10);
        expect(e.y).toBeGreaterThan(bar.y - 2);
        expect(e.y).toBeLessThan(bar.y + bar.height + 2);
      }
      await screenshot(page, `collapsed-${size.width}x${size.height}`);
      // Alt+C on the selected Base model; the request is unchanged by either.
      await node(page, "base").locator(".node-title").click();
      await page.keyboard.press("Alt+c");
      await expect.poll(() => node(page, "base").locator(".gnode.collapsed").count()).toBe(1);
      expect(await requestJson(page)).toContain("stable-diffusion-xl-base-1.0");
      await expect.poll(() => page.getByTestId("autosave-status").innerText()).toMatch(/Saved/);
      await page.reload();
      await page.waitForSelector(".react-flow__node");
      await expect.poll(() => page.locator(".gnode.collapsed").count()).toBe(2);
      // Their titles read at every zoom: fitted, and wheeled out past 0.4, where the bar is lower
      // than a line on screen and the title keeps its type size across it (docs/canvas.md).
      await expect.poll(() => collapsedTitleProblems(page, true)).toEqual([]);
      await screenshot(page, `collapsed-fit-${size.width}x${size.height}`);
      const pane = (await page.locator(".react-flow__pane").boundingBox())!;
      await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      // Whole at 0.32, two words a line; at 0.22 a word may end in "…", as on a card.
      for (const below of [0.32, 0.22]) {
        for (let i = 0; i < 40 && (await viewZoom(page)) >= below; i++) await page.mouse.wheel(0, 100);
        expect(await viewZoom(page)).toBeLessThan(below);
        await expect.poll(() => collapsedTitleProblems(page, below > 0.3)).toEqual([]);
        await screenshot(page, `collapsed-zoom-${below}-${size.width}x${size.height}`);
      }
      await page.keyboard.press("f");
      await expect.poll(() => viewZoom(page)).toBeGreaterThan(0.4);
      // Fitted at 1280×720 a collapsed node's fold is hidden, as on a card: the node menu unfolds it.
      if (size.width === 1280) {
        await node(page, "sampler").locator(".node-title").click({ button: "right" });
        await page.getByRole("menuitem", { name: /Expand/ }).click();
      } else await node(page, "sampler").getByRole("button", { name: "Expand node" }).click();
      await expect.poll(async () => (await node(page, "sampler").boundingBox())!.height).toBeGreaterThan(tall - 5);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
