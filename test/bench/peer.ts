/**
 * The editor against its peers, in the same run: the bare @xyflow/react page (our floor) and
 * ComfyUI's canvas, @comfyorg/litegraph (the canvas users would pick instead). Same grid, wires,
 * viewport and canvas size on all three (docs/benchmarks.md says how, and what differs), each run
 * in a fresh browser, the three pages taking turns to go first. For 100, 1,000 and 5,000 nodes, at
 * zoom 1 and with the whole grid fitted: first render, fps while dragging a node, panning by mouse
 * drag on empty canvas and wheel-zooming across every page's level-of-detail threshold, JS heap.
 */
import os from "node:os";
import type { Page } from "playwright-core";
import { builds } from "./build";
import {
  emptyPanePoint,
  framesDuring,
  heapMB,
  nodeGrabPoint,
  openBrowser,
  renderedAt,
  serve,
  sweep,
  wheelCycles,
  xyflowZoom,
  type BenchBrowser,
} from "./browser";
import { openEditorWith } from "./editor";
import { generatePipeline } from "./compile";
import { median, table, type BenchOptions, type BudgetCheck } from "./harness";

const SIZES_FULL = [100, 1_000, 5_000];
const SIZES_QUICK = [1_000];
/** `BENCH_PEER_SIZES=100,5000`: only these sizes (for iterating; budgets are judged on the full set). */
const SIZES_ENV = process.env.BENCH_PEER_SIZES?.split(",").map(Number);
/** `BENCH_PEER_VIEWS=fitted`: only this view ("zoom1" or "fitted"), for iterating. */
const VIEWS_ENV = process.env.BENCH_PEER_VIEWS?.split(",").map((v) => v.replace(/\s/g, ""));
/** `BENCH_PEER_PAGES=editor,litegraph`: only these pages, for iterating (ratios to a page left out print as NaN). */
const PAGES_ENV = process.env.BENCH_PEER_PAGES?.split(",");
const PAGES = ["editor", "xyflow", "litegraph"] as const;
type Who = (typeof PAGES)[number];
type ViewName = "zoom 1" | "fitted";
interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The grid every page draws (test/bench/compile.ts generatePipeline and both fixtures). */
const GRID = { dx: 320, dy: 280, perRow: 100, nodeWidth: 268 };
/** Lower zoom limit of the two fixture pages: low enough that fitting the widest grid is not clamped. */
const PEER_MIN_ZOOM = 0.01;
/** Room the editor's fit leaves on each side (src/editor/flow/fit.ts). */
const FIT_MARGIN = 44;
/**
 * Wheel notches of 2^0.2 each: from zoom 1, 9 out reach 0.29; from a fitted big grid (~0.045), 20
 * in reach 0.7. Both cross every page's level-of-detail threshold (editor 0.4, litegraph 0.6).
 */
const WHEEL_NOTCHES: Record<ViewName, number> = { "zoom 1": 9, fitted: -20 };

interface Sample {
  renderMs: number;
  dragFps: number;
  panFps: number;
  zoomFps: number;
  heapMB: number;
  /** The zoom the page really showed after opening (a page may clamp the requested one). */
  zoom: number;
}

/** Where a gesture starts on each kind of page. */
interface Probes {
  grab(): Promise<{ x: number; y: number }>;
  empty(): Promise<{ x: number; y: number }>;
  zoom(): Promise<number>;
}
const domProbes = (page: Page): Probes => ({
  grab: () => nodeGrabPoint(page),
  empty: () => emptyPanePoint(page),
  zoom: () => xyflowZoom(page),
});
/**
 * The editor zoomed far out draws a big graph on one canvas (src/editor/flow/FarLayer.tsx): no DOM
 * node to aim at, so points come from the generated layout and are checked by hovering (the canvas
 * marks the pointer being over a node with `far-over-node`).
 */
const editorProbes = (page: Page, size: number): Probes => {
  const dom = domProbes(page);
  const far = async () => (await page.locator('[data-testid="far-canvas"]').count()) > 0;
  return {
    zoom: dom.zoom,
    grab: async () => ((await far()) ? farPoint(page, size, true) : dom.grab()),
    empty: async () => ((await far()) ? farPoint(page, size, false) : dom.empty()),
  };
};

const layouts = new Map<number, { x: number; y: number }[]>();
async function farPoint(page: Page, size: number, onNode: boolean): Promise<{ x: number; y: number }> {
  if (!layouts.has(size))
    layouts.set(
      size,
      generatePipeline(size).nodes.map((n) => n.position),
    );
  const positions = layouts.get(size)!;
  const zoom = await xyflowZoom(page);
  const { tx, ty, box } = await page.evaluate(() => {
    const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\)/.exec(
      document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform,
    );
    const r = document.querySelector(".react-flow")!.getBoundingClientRect();
    return { tx: Number(m?.[1]), ty: Number(m?.[2]), box: { x: r.x, y: r.y, w: r.width, h: r.height } };
  });
  const toScreen = (gx: number, gy: number) => ({ x: box.x + tx + gx * zoom, y: box.y + ty + gy * zoom });
  const centre = { x: box.x + box.w / 2, y: box.y + box.h / 2 };
  const d = (p: { x: number; y: number }) => Math.hypot(p.x - centre.x, p.y - centre.y);
  const candidates = onNode
    ? positions.map((p) => toScreen(p.x + GRID.nodeWidth / 2, p.y + 40))
    : [
        ...positions.map((p) => toScreen(p.x + GRID.nodeWidth + (GRID.dx - GRID.nodeWidth) / 2, p.y + 40)),
        // Above and below the grid: a fitted wide grid leaves bands of empty canvas.
        ...[0.1, 0.15, 0.85, 0.9].map((f) => ({ x: centre.x, y: box.y + box.h * f })),
      ];
  const inside = (p: { x: number; y: number }) =>
    p.x > box.x + 20 && p.x < box.x + box.w - 200 && p.y > box.y + 20 && p.y < box.y + box.h - 20;
  for (const p of candidates
    .filter(inside)
    .sort((a, b) => d(a) - d(b))
    .slice(0, 40)) {
    await page.mouse.move(p.x, p.y);
    const over = await page.evaluate(() => document.querySelector(".react-flow")!.classList.contains("far-over-node"));
    if (over === onNode) return p;
  }
  throw new Error(`no ${onNode ? "node" : "empty point"} found on the far canvas`);
}

const litegraphProbes = (page: Page): Probes => {
  const call = <T>(name: string) => page.evaluate((n) => (window as unknown as Record<string, () => T>)[n](), name);
  return { grab: () => call("__grab"), empty: () => call("__empty"), zoom: () => call("__zoom") };
};

/** The view that shows the whole grid in the canvas, centred, as the editor's fit does (but never clamped). */
export function fittedViewport(size: number, canvas: { w: number; h: number }, nodeHeight: number): Viewport {
  const cols = Math.min(size, GRID.perRow);
  const rows = Math.ceil(size / GRID.perRow);
  const bw = (cols - 1) * GRID.dx + GRID.nodeWidth;
  const bh = (rows - 1) * GRID.dy + nodeHeight;
  const zoom = Math.min((canvas.w - 2 * FIT_MARGIN) / bw, (canvas.h - 2 * FIT_MARGIN) / bh, 1);
  return { x: (canvas.w - bw * zoom) / 2, y: (canvas.h - bh * zoom) / 2, zoom };
}

async function gestures(page: Page, probes: Probes, ms: number, view: ViewName): Promise<Omit<Sample, "renderMs">> {
  const zoom = await probes.zoom();
  const grab = await probes.grab();
  const drag = await framesDuring(page, () => sweep(page, grab, ms, { x: 160, y: 90 }));
  const pane = await probes.empty();
  const pan = await framesDuring(page, () => sweep(page, pane, ms, { x: 500, y: 250 }));
  const at = await probes.empty();
  const wheel = await framesDuring(page, () => wheelCycles(page, at, ms, WHEEL_NOTCHES[view]));
  return { dragFps: drag.fps, panFps: pan.fps, zoomFps: wheel.fps, heapMB: await heapMB(page), zoom };
}

interface Setup {
  urls: Record<Who, string>;
  canvas: { w: number; h: number };
  nodeHeight: number;
  ms: number;
}

/** Opens one page with `size` nodes at `vp`, measures its first render and gestures, closes it. */
async function sample(who: Who, size: number, vp: Viewport, view: ViewName, s: Setup): Promise<Sample> {
  const { canvas } = s;
  const query = `n=${size}&x=${vp.x}&y=${vp.y}&zoom=${vp.zoom}&w=${canvas.w}&h=${canvas.h}&minZoom=${PEER_MIN_ZOOM}`;
  let b: BenchBrowser | undefined;
  try {
    if (who === "editor") {
      const e = await openEditorWith(s.urls.editor, size, vp);
      b = e;
      return { renderMs: e.renderMs, ...(await gestures(e.page, editorProbes(e.page, size), s.ms, view)) };
    }
    const url =
      who === "xyflow" ? `${s.urls.xyflow}/?${query}&cull=1` : `${s.urls.litegraph}/?${query}&nh=${s.nodeHeight}`;
    b = await openBrowser(url);
    const page = b.page;
    await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, null, {
      timeout: 120_000,
    });
    const t0 = await page.evaluate(() => {
      const t = performance.now();
      (window as unknown as { __mount: () => void }).__mount();
      return t;
    });
    const t1 =
      who === "xyflow"
        ? await renderedAt(page, '.react-flow__node[data-id="n0"]', 300_000)
        : await page.evaluate(() => (window as unknown as { __rendered: () => Promise<number> }).__rendered());
    const probes = who === "xyflow" ? domProbes(page) : litegraphProbes(page);
    return { renderMs: t1 - t0, ...(await gestures(page, probes, s.ms, view)) };
  } finally {
    if (b?.errors.length) console.warn(`  ${who}: page errors: ${b.errors.slice(0, 3).join("; ")}`);
    await b?.close();
  }
}

/** The editor's canvas size, and the height of the bare xyflow page's node (the litegraph node gets the same). */
async function measureSetup(
  urls: Record<Who, string>,
): Promise<{ canvas: { w: number; h: number }; nodeHeight: number }> {
  const e = await openBrowser(urls.editor);
  const canvas = await (async () => {
    try {
      await e.page.waitForSelector(".react-flow__pane", { timeout: 30_000 });
      return await e.page.evaluate(() => {
        const c = document.querySelector(".react-flow")!.getBoundingClientRect();
        return { w: Math.round(c.width), h: Math.round(c.height) };
      });
    } finally {
      await e.close();
    }
  })();
  const x = await openBrowser(`${urls.xyflow}/?n=1&w=${canvas.w}&h=${canvas.h}`);
  try {
    await x.page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
    await x.page.evaluate(() => (window as unknown as { __mount: () => void }).__mount());
    await x.page.waitForSelector(".react-flow__node");
    const nodeHeight = await x.page.evaluate(
      () => document.querySelector<HTMLElement>(".react-flow__node")!.getBoundingClientRect().height,
    );
    return { canvas, nodeHeight: Math.round(nodeHeight) };
  } finally {
    await x.close();
  }
}

type Figure = "renderMs" | "dragFps" | "panFps" | "zoomFps" | "heapMB";
const FIGURES: { key: Figure; name: string; unit: string; higherIsBetter: boolean }[] = [
  { key: "renderMs", name: "first render", unit: "ms", higherIsBetter: false },
  { key: "dragFps", name: "drag", unit: "fps", higherIsBetter: true },
  { key: "panFps", name: "pan", unit: "fps", higherIsBetter: true },
  { key: "zoomFps", name: "wheel zoom", unit: "fps", higherIsBetter: true },
  { key: "heapMB", name: "JS heap", unit: "MB", higherIsBetter: false },
];

/**
 * Budgets against litegraph (docs/benchmarks.md#budgets): higher-is-better figures must
 * reach `min` × litegraph's, first render must stay within `max` × litegraph's. Other figures are
 * reported.
 */
export function peerBudget(size: number, view: ViewName, figure: Figure): { min?: number; max?: number } | undefined {
  if (size !== 1_000 && size !== 5_000) return undefined;
  if (figure === "renderMs") return { max: 1.0 };
  if (view === "zoom 1" && (figure === "dragFps" || figure === "panFps")) return { min: 1.0 };
  if (view === "fitted" && (figure === "panFps" || figure === "zoomFps")) return { min: size === 5_000 ? 1.5 : 1.0 };
  return undefined;
}

const fmt = (x: number, unit: string) => `${x.toFixed(unit === "ms" ? 0 : 1)} ${unit}`;

export async function peerSection(opts: BenchOptions): Promise<BudgetCheck[]> {
  const built = await builds();
  const servers = await Promise.all([serve(built.app), serve(built.xyflow), serve(built.litegraph)]);
  const urls: Record<Who, string> = { editor: servers[0].url, xyflow: servers[1].url, litegraph: servers[2].url };
  const runs = opts.quick ? 1 : 3;
  const checks: BudgetCheck[] = [];
  try {
    const { canvas, nodeHeight } = await measureSetup(urls);
    const setup: Setup = { urls, canvas, nodeHeight, ms: 3000 };
    console.log(
      `canvas ${canvas.w}×${canvas.h} on every page; fixture nodes ${GRID.nodeWidth}×${nodeHeight}; ${runs} run(s) each, ${setup.ms / 1000} s per gesture`,
    );
    const rows: Record<string, string | number>[] = [];
    for (const size of SIZES_ENV ?? (opts.quick ? SIZES_QUICK : SIZES_FULL)) {
      const views = (
        [
          ["zoom 1", { x: 40, y: 40, zoom: 1 }],
          ["fitted", fittedViewport(size, canvas, nodeHeight)],
        ] as [ViewName, Viewport][]
      ).filter(([v]) => !VIEWS_ENV || VIEWS_ENV.includes(v.replace(" ", "")));
      for (const [view, vp] of views) {
        const got: Record<Who, Sample[]> = { editor: [], xyflow: [], litegraph: [] };
        for (let r = 0; r < runs; r++) {
          // Each page goes first once: the first browser of a round meets a colder machine.
          const order = PAGES.map((_, i) => PAGES[(i + r) % PAGES.length]);
          for (const who of order) {
            if (PAGES_ENV && !PAGES_ENV.includes(who)) continue;
            const started = Date.now();
            const s = await sample(who, size, vp, view, setup);
            got[who].push(s);
            console.log(
              `  ${size} nodes, ${view}, ${who.padEnd(9)} run ${r + 1}: zoom ${s.zoom.toFixed(3)}, render ${s.renderMs.toFixed(0)} ms, drag ${s.dragFps.toFixed(1)}, pan ${s.panFps.toFixed(1)}, zoom ${s.zoomFps.toFixed(1)} fps, heap ${s.heapMB.toFixed(1)} MB (${((Date.now() - started) / 1000).toFixed(0)} s, load ${os.loadavg()[0].toFixed(1)})`,
            );
          }
        }
        const med = (who: Who, k: Figure) => median(got[who].map((s) => s[k]));
        const row: Record<string, string | number> = {
          nodes: size,
          view,
          zoom: PAGES.map((w) => median(got[w].map((s) => s.zoom)).toFixed(3)).join("/"),
        };
        for (const f of FIGURES) {
          const [o, x, l] = PAGES.map((w) => med(w, f.key));
          row[`${f.name} ${f.unit}`] =
            `${o.toFixed(f.unit === "ms" ? 0 : 1)}/${x.toFixed(f.unit === "ms" ? 0 : 1)}/${l.toFixed(f.unit === "ms" ? 0 : 1)}`;
          const b = peerBudget(size, view, f.key);
          const vsLite = o / l;
          checks.push({
            label: `${size} nodes, ${view}: ${f.name}`,
            actual: fmt(o, f.unit),
            baseline: `xyflow ${fmt(x, f.unit)} · litegraph ${fmt(l, f.unit)}`,
            ratio: `×${(o / x).toFixed(2)} · ×${vsLite.toFixed(2)}`,
            budget: b?.min ? `≥ ×${b.min} litegraph` : b?.max ? `≤ ×${b.max} litegraph` : "reported",
            // A page left out by BENCH_PEER_PAGES gives NaN: nothing to judge.
            pass: !b || Number.isNaN(vsLite) || (b.min ? vsLite >= b.min : vsLite <= b.max!),
          });
        }
        rows.push(row);
      }
    }
    console.log("\nmedians, ours/xyflow/litegraph:");
    table(rows);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  return checks;
}
