/**
 * Editor at scale: generated pipelines of real catalogue nodes (widgets visible, zoom 1) in the
 * production editor, against the bare @xyflow/react fixture with the same number of memoised
 * nodes, measured in the same run, alternating which goes first, each run in a fresh browser.
 * Figures: first full render, fps while dragging a node for 3 s, fps while panning for 3 s, JS heap.
 */
import { loadavg } from "node:os";
import type { Page } from "playwright-core";
import { serializeWorkflow } from "../../src/graph";
import { builds } from "./build";
import { emptyPanePoint, framesDuring, heapMB, nodeGrabPoint, openBrowser, renderedAt, serve, sweep } from "./browser";
import { generatePipeline } from "./compile";
import { firstOpens } from "./firstOpens";
import { mouseDrag } from "../harness/browser";
import { median, table, type BudgetCheck, type BenchOptions } from "./harness";

const SIZES_FULL = [100, 500, 1_000, 2_000];
const SIZES_QUICK = [500, 1_000];
/**
 * Sizes with budgets get 3 runs in full mode; 100 and 2,000 are informational and get one (the
 * unculled 2,000-node baseline alone takes minutes per run).
 */
/** Budgets at these sizes (README.md#benchmarks): fps ≥ 0.8× baseline, first render ≤ 1.2× baseline. */
const RATIO_SIZES = new Set([500, 1_000]);
const CULLED_FPS = { size: 1_000, drag: 45, pan: 40 };

interface Sample {
  renderMs: number;
  dragFps: number;
  dragP95: number;
  panFps: number;
  panP95: number;
  heapMB: number;
  rendered: number;
}

const VIEW = { x: 40, y: 40, zoom: 1 };

/**
 * Drops a workflow file on the canvas as a user dragging it from the desktop would; returns
 * performance.now() at the drop.
 */
export async function dropWorkflow(page: Page, text: string): Promise<number> {
  return page.evaluate((text) => {
    const pane = document.querySelector(".react-flow__pane")!.getBoundingClientRect();
    const x = pane.left + pane.width / 2;
    const y = pane.top + pane.height / 2;
    const dt = new DataTransfer();
    dt.items.add(new File([text], "bench.lora-graph.json", { type: "application/json" }));
    const target = document.elementFromPoint(x, y)!;
    const t0 = performance.now();
    for (const type of ["dragenter", "dragover", "drop"])
      target.dispatchEvent(
        new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y }),
      );
    return t0;
  }, text);
}

/** Opens the editor with a fresh profile and loads a generated pipeline of `size` nodes, shown at `viewport`. */
export async function openEditorWith(
  url: string,
  size: number,
  viewport: { x: number; y: number; zoom: number } = VIEW,
) {
  const b = await readyEditor(url);
  return { ...b, renderMs: await dropPipeline(b.page, size, viewport) };
}

/** The editor in a fresh browser, its starter drawn and its autosave running. */
export async function readyEditor(url: string) {
  const b = await openBrowser(url);
  await b.page.waitForSelector('[data-testid="autosave-status"]', { timeout: 30_000 });
  await b.page.waitForSelector(".react-flow__node", { timeout: 30_000 });
  return b;
}

/** Drops a generated pipeline of `size` nodes saved at `viewport`; ms from the drop to its first render. */
export async function dropPipeline(page: Page, size: number, viewport: { x: number; y: number; zoom: number }) {
  const doc = { ...generatePipeline(size), viewport };
  const t0 = await dropWorkflow(page, serializeWorkflow(doc));
  const t1 = await renderedAt(page, '.react-flow__node[data-id="base_model-0"]', 300_000, size);
  return t1 - t0;
}

async function canvasSize(url: string): Promise<{ w: number; h: number }> {
  const b = await openBrowser(url);
  await b.page.waitForSelector(".react-flow__pane", { timeout: 30_000 });
  const r = await b.page.evaluate(() => {
    const c = document.querySelector(".react-flow")!.getBoundingClientRect();
    return { w: Math.round(c.width), h: Math.round(c.height) };
  });
  await b.close();
  return r;
}

async function interact(page: Page, ms: number): Promise<Omit<Sample, "renderMs">> {
  const T = Date.now();
  const rendered = await page.locator(".react-flow__node").count();
  const grab = await nodeGrabPoint(page);
  const drag = await framesDuring(page, () => sweep(page, grab, ms, { x: 160, y: 90 }));
  await page.waitForTimeout(300);
  const pane = await emptyPanePoint(page);
  const pan = await framesDuring(page, () => sweep(page, pane, ms, { x: 500, y: 250 }));
  await page.waitForTimeout(300);
  if (process.env.BENCH_DEBUG) console.log(`interact took ${Date.now() - T} ms`);
  return {
    dragFps: drag.fps,
    dragP95: drag.p95,
    panFps: pan.fps,
    panP95: pan.p95,
    heapMB: await heapMB(page),
    rendered,
  };
}

const CAP_NODES = 5_000;
/**
 * Opening a file at the loader's node cap: how long until it is drawn, and the longest main-thread
 * task on the way (reading and checking it is off the main thread).
 */
async function openingAtTheCap(url: string): Promise<{ renderMs: number; longestMs: number; over100: number }> {
  const b = await openBrowser(url);
  try {
    await b.page.waitForSelector(".react-flow__node", { timeout: 30_000 });
    await b.page.evaluate(() => {
      const w = window as unknown as { __lt: number[] };
      w.__lt = [];
      new PerformanceObserver((l) => w.__lt.push(...l.getEntries().map((e) => e.duration))).observe({
        type: "longtask",
      });
    });
    const t0 = await dropWorkflow(b.page, serializeWorkflow({ ...generatePipeline(CAP_NODES), viewport: VIEW }));
    const t1 = await renderedAt(b.page, '.react-flow__node[data-id="base_model-0"]');
    // Settled: every node handed to xyflow (no progress line) and the sliced compile has given Run a verdict.
    await b.page.waitForFunction(
      () =>
        !document.querySelector('[data-testid="mount-progress"]') &&
        !document.querySelector("[data-run-button]")?.getAttribute("aria-label")?.includes("still being checked"),
      undefined,
      { timeout: 300_000, polling: 100 },
    );
    await b.page.waitForTimeout(1000);
    const tasks = await b.page.evaluate(() => (window as unknown as { __lt: number[] }).__lt);
    return { renderMs: t1 - t0, longestMs: Math.max(0, ...tasks), over100: tasks.filter((t) => t > 100).length };
  } finally {
    await b.close();
  }
}

/** Widget state survives culling: type into a node, pan it out of the DOM and back, read the field. */
async function cullingKeepsState(url: string): Promise<{ pass: boolean; detail: string }> {
  const b = await openEditorWith(url, CULLED_FPS.size);
  try {
    const page = b.page;
    // The rendered node nearest the top left that has a text field.
    const id = await page.evaluate(() => {
      const withText = [...document.querySelectorAll<HTMLElement>(".react-flow__node")].filter((n) =>
        n.querySelector('input[type="text"]'),
      );
      const pos = (n: HTMLElement) => n.getBoundingClientRect();
      withText.sort((a, b) => pos(a).top + pos(a).left - (pos(b).top + pos(b).left));
      return withText[0]?.dataset.id ?? "";
    });
    const field = page.locator(`.react-flow__node[data-id="${id}"] input[type="text"]`).first();
    await field.fill("https://example.com/kept-through-culling.safetensors");
    await page.waitForTimeout(200);
    // Each drag starts on empty pane found afresh: after a pan, the old point may be on a node.
    const pan = async (dx: number) => {
      const pane = await emptyPanePoint(page);
      await mouseDrag(page, pane, [
        { x: pane.x + dx / 2, y: pane.y, steps: 5 },
        { x: pane.x + dx, y: pane.y, steps: 5 },
      ]);
    };
    await pan(-600);
    await pan(-600);
    await pan(-600);
    await page.waitForTimeout(300);
    const culled = (await page.locator(`.react-flow__node[data-id="${id}"]`).count()) === 0;
    await pan(600);
    await pan(600);
    await pan(600);
    await page.waitForTimeout(300);
    const value = await field.inputValue().catch(() => "(not rendered)");
    const pass = culled && value === "https://example.com/kept-through-culling.safetensors";
    return { pass, detail: culled ? `value after culling: ${value}` : "node was never culled" };
  } finally {
    await b.close();
  }
}

/**
 * `BENCH_CAP_BUILDS=dirA,dirB` (production builds, e.g. `npx vite build --outDir /tmp/before`):
 * only the opening at the cap, `BENCH_CAP_RUNS` times (2) per build, alternating which goes
 * first, with the load average at each run: for before/after comparisons on a busy machine.
 */
async function capComparison(dirs: string[]): Promise<BudgetCheck[]> {
  const runs = Number(process.env.BENCH_CAP_RUNS ?? 2);
  const servers = await Promise.all(dirs.map((d) => serve(d)));
  try {
    for (let r = 0; r < runs; r++) {
      const order = r % 2 ? [...dirs.keys()].reverse() : [...dirs.keys()];
      for (const i of order) {
        const load = loadavg()[0].toFixed(1);
        const cap = await openingAtTheCap(servers[i].url);
        console.log(
          `  ${dirs[i]} run ${r + 1}: drop → first render ${cap.renderMs.toFixed(0)} ms, longest task ${cap.longestMs.toFixed(0)} ms, ${cap.over100} over 100 ms (load ${load} → ${loadavg()[0].toFixed(1)})`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  return [];
}

/** One run of one side at `size`, in a fresh browser: the first render, then the gestures. */
async function sampleOnce(
  who: "ours" | "base",
  urls: { editor: string; base: string },
  size: number,
  canvas: { w: number; h: number },
  ms: number,
): Promise<Sample> {
  if (who === "ours") {
    const b = await openEditorWith(urls.editor, size);
    try {
      return { renderMs: b.renderMs, ...(await interact(b.page, ms)) };
    } finally {
      await b.close();
    }
  }
  const b = await openBrowser(
    `${urls.base}/?n=${size}&x=${VIEW.x}&y=${VIEW.y}&zoom=${VIEW.zoom}&w=${canvas.w}&h=${canvas.h}`,
  );
  try {
    await b.page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
    const t0 = await b.page.evaluate(() => {
      const t = performance.now();
      (window as unknown as { __mount: () => void }).__mount();
      return t;
    });
    const t1 = await renderedAt(b.page, '.react-flow__node[data-id="n0"]');
    return { renderMs: t1 - t0, ...(await interact(b.page, ms)) };
  } finally {
    await b.close();
  }
}

type Medians = { render: number; drag: number; pan: number; heap: number };

function medians(xs: Sample[]): Medians {
  const m = (k: keyof Sample) => median(xs.map((x) => x[k]));
  return { render: m("renderMs"), drag: m("dragFps"), pan: m("panFps"), heap: m("heapMB") };
}

/** The table's row for one size: ours against the baseline, medians of the runs. */
function sizeRow(size: number, runs: number, ours: Sample[], base: Sample[]): Record<string, string | number> {
  const m = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
  const o = medians(ours);
  const b = medians(base);
  return {
    nodes: size,
    runs,
    "DOM nodes ours/base": `${m(ours, "rendered")}/${m(base, "rendered")}`,
    "render ms ours/base": `${o.render.toFixed(0)}/${b.render.toFixed(0)} (×${(o.render / b.render).toFixed(2)})`,
    "drag fps ours/base": `${o.drag.toFixed(1)}/${b.drag.toFixed(1)} (×${(o.drag / b.drag).toFixed(2)})`,
    "drag p95 ms": `${m(ours, "dragP95").toFixed(0)}/${m(base, "dragP95").toFixed(0)}`,
    "pan fps ours/base": `${o.pan.toFixed(1)}/${b.pan.toFixed(1)} (×${(o.pan / b.pan).toFixed(2)})`,
    "pan p95 ms": `${m(ours, "panP95").toFixed(0)}/${m(base, "panP95").toFixed(0)}`,
    "heap MB ours/base": `${o.heap.toFixed(1)}/${b.heap.toFixed(1)}`,
  };
}

/** The budgets at one size (README.md#benchmarks): ratios at RATIO_SIZES, fps floors culled, the heap reported. */
function sizeChecks(size: number, o: Medians, b: Medians): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  const fps = (x: number) => `${x.toFixed(1)} fps`;
  const msf = (x: number) => `${x.toFixed(0)} ms`;
  if (RATIO_SIZES.has(size)) {
    checks.push(
      {
        label: `${size} nodes: first render`,
        actual: msf(o.render),
        baseline: msf(b.render),
        ratio: `×${(o.render / b.render).toFixed(2)}`,
        budget: "≤ ×1.2",
        pass: o.render <= 1.2 * b.render,
      },
      {
        label: `${size} nodes: drag`,
        actual: fps(o.drag),
        baseline: fps(b.drag),
        ratio: `×${(o.drag / b.drag).toFixed(2)}`,
        budget: "≥ ×0.8",
        pass: o.drag >= 0.8 * b.drag,
      },
      {
        label: `${size} nodes: pan`,
        actual: fps(o.pan),
        baseline: fps(b.pan),
        ratio: `×${(o.pan / b.pan).toFixed(2)}`,
        budget: "≥ ×0.8",
        pass: o.pan >= 0.8 * b.pan,
      },
    );
  }
  if (size === CULLED_FPS.size) {
    checks.push(
      {
        label: `${size} nodes (culled): drag`,
        actual: fps(o.drag),
        baseline: fps(b.drag),
        ratio: `×${(o.drag / b.drag).toFixed(2)}`,
        budget: `≥ ${CULLED_FPS.drag} fps`,
        pass: o.drag >= CULLED_FPS.drag,
      },
      {
        label: `${size} nodes (culled): pan`,
        actual: fps(o.pan),
        baseline: fps(b.pan),
        ratio: `×${(o.pan / b.pan).toFixed(2)}`,
        budget: `≥ ${CULLED_FPS.pan} fps`,
        pass: o.pan >= CULLED_FPS.pan,
      },
    );
  }
  checks.push({
    label: `${size} nodes: JS heap (informational)`,
    actual: `${o.heap.toFixed(1)} MB`,
    baseline: `${b.heap.toFixed(1)} MB`,
    ratio: `×${(o.heap / b.heap).toFixed(2)}`,
    budget: "reported",
    pass: true,
  });
  return checks;
}

/** The palette, the Request tab and the templates opened for the first time (median of `runs` fresh pages). */
async function firstOpenCheck(url: string, runs: number): Promise<BudgetCheck> {
  const samples: Record<"palette" | "request" | "templates", number[]> = { palette: [], request: [], templates: [] };
  for (let r = 0; r < runs; r++) {
    const b = await readyEditor(url);
    try {
      const got = await firstOpens(b.page, await emptyPanePoint(b.page));
      for (const k of Object.keys(samples) as (keyof typeof samples)[]) samples[k].push(got[k].ms);
    } finally {
      await b.close();
    }
  }
  const med = {
    palette: median(samples.palette),
    request: median(samples.request),
    templates: median(samples.templates),
  };
  const worst = Math.max(med.palette, med.request, med.templates);
  return {
    label: "first open of the palette / Request tab / templates (press → next frame)",
    actual: `${med.palette.toFixed(0)} / ${med.request.toFixed(0)} / ${med.templates.toFixed(0)} ms`,
    budget: "≤ 100 ms each",
    pass: worst <= 100,
  };
}

/** The opening at the loader's cap, the culling check and the first opens, after the sizes. */
async function editorExtras(url: string, runs: number): Promise<BudgetCheck[]> {
  const cap = await openingAtTheCap(url);
  const kept = await cullingKeepsState(url);
  const opens = await firstOpenCheck(url, runs);
  return [
    opens,
    {
      label: `${CAP_NODES} nodes (the loader's cap): drop → first render, longest task`,
      actual: `${cap.renderMs.toFixed(0)} ms, longest task ${cap.longestMs.toFixed(0)} ms (${cap.over100} over 100 ms)`,
      budget: "reported",
      pass: true,
    },
    {
      label: "culled node keeps its widget value",
      actual: kept.detail,
      budget: "same value after scrolling back",
      pass: kept.pass,
    },
  ];
}

export async function editorSection(opts: BenchOptions): Promise<BudgetCheck[]> {
  const capBuilds = process.env.BENCH_CAP_BUILDS?.split(",");
  if (capBuilds) return capComparison(capBuilds);
  const { app, xyflow } = await builds();
  const editorSrv = await serve(app);
  const baseSrv = await serve(xyflow);
  const urls = { editor: editorSrv.url, base: baseSrv.url };
  const checks: BudgetCheck[] = [];
  const ms = 3000;
  const runs = opts.quick ? 1 : 3;
  try {
    const canvas = await canvasSize(editorSrv.url);
    console.log(
      `editor canvas ${canvas.w}×${canvas.h}; the baseline page gets the same size; ${runs} run(s) each, ${ms / 1000} s per gesture`,
    );
    const rows: Record<string, string | number>[] = [];
    for (const size of opts.quick ? SIZES_QUICK : SIZES_FULL) {
      const samples: Record<"ours" | "base", Sample[]> = { ours: [], base: [] };
      const sizeRuns = RATIO_SIZES.has(size) ? runs : 1;
      for (let r = 0; r < sizeRuns; r++) {
        for (const who of r % 2 ? (["base", "ours"] as const) : (["ours", "base"] as const)) {
          const started = Date.now();
          const s = await sampleOnce(who, urls, size, canvas, ms);
          samples[who].push(s);
          console.log(
            `  ${size} nodes, ${who === "ours" ? "editor  " : "baseline"} run ${r + 1}: render ${s.renderMs.toFixed(0)} ms, drag ${s.dragFps.toFixed(1)} fps, pan ${s.panFps.toFixed(1)} fps (${((Date.now() - started) / 1000).toFixed(0)} s)`,
          );
        }
      }
      rows.push(sizeRow(size, sizeRuns, samples.ours, samples.base));
      checks.push(...sizeChecks(size, medians(samples.ours), medians(samples.base)));
    }
    table(rows);
    checks.push(...(await editorExtras(editorSrv.url, runs)));
  } finally {
    await editorSrv.close();
    await baseSrv.close();
  }
  return checks;
}
