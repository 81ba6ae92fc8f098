/**
 * Where a gesture's frames go, for prebuilt editors side by side: the peer section's zoom-1 drag and
 * pan (test/bench/peer.ts, the same file, view and mouse input) under a Chrome trace, one browser
 * per build and round, the builds taking turns to go first. Prints per build and gesture: fps, the
 * main thread's busy time and longest task, the main thread's time by trace event (self time),
 * raster time on the tile workers, and with `--profile` the JS functions the V8 sampler saw most.
 * Beside them, counts the load changes less: per paint, the area it covers, the raster tasks and
 * style recalcs (and the elements they restyled); the main-thread frames over 16.7 ms of CPU; and
 * the compositor's layers at rest (those that draw, with their element and reasons).
 *
 *   node --import tsx test/bench/trace.ts before=/tmp/a after=dist --size 1000 --rounds 3 [--profile]
 *
 * `--gestures wheel` traces the peer section's zoom-1 wheel zoom (9 notches out and back in).
 * `--slots`: where the gesture's empty 1/60 s slots are, dropped frame or jitter, and the tasks in
 * each gap (test/bench/slots.ts); `--long 12` lists (with `--profile`) every task over 12 ms of CPU
 * with the React components on its stack; `--callers f --callees` the frames below `f`.
 * `--css 'rules'` adds a style sheet to every page before the gestures: what a frame costs
 * without a part of the canvas (e.g. `.dot-grid{display:none}`), without a build for each.
 * `--gestures open` traces instead the drop of the file saved at zoom 1 until its first render (the
 * peer section's figure): each task of the main thread and the loader worker on the way.
 *
 * Build the pages with `npx vite build --outDir /tmp/a` (add `--minify false` with `--profile`, so
 * the sampler names our functions). The figures are for comparing builds in the same minute on
 * this loaded machine (docs/benchmarks.md#the-gestures), never against another run's.
 */
import os from "node:os";
import type { CDPSession, Page } from "playwright-core";
import { emptyPanePoint, framesDuring, nodeGrabPoint, serve, sweep, wheelCycles } from "./browser";
import { dropPipeline, openEditorWith, readyEditor } from "./editor";
import { slotReport } from "./slots";

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: on a loaded machine a task's wall time is mostly waiting for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, any>;
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SIZE = Number(arg("size", "1000"));
const ROUNDS = Number(arg("rounds", "1"));
const MS = Number(arg("ms", "3000"));
const PROFILE = process.argv.includes("--profile");
const GESTURES = arg("gestures", "drag,pan").split(",");
const CALLERS = arg("callers", "");
const CALLEES = process.argv.includes("--callees");
const CSS = arg("css", "");
/** `--slots`: where the gesture's empty 1/60 s slots are and what ran in them (test/bench/slots.ts). */
const SLOTS = process.argv.includes("--slots");
/** `--long 12`: list (with `--profile`) the tasks over this many ms of CPU, not only those over 50. */
const LONG = Number(arg("long", "50"));
/** `--shot file.png`: a screenshot of the page as the gestures start. */
const SHOT = arg("shot", "");
const VIEW = { x: 40, y: 40, zoom: 1 };
const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-devtools.timeline.frame",
  "toplevel",
  "v8",
  "blink.user_timing",
  ...(PROFILE ? ["disabled-by-default-v8.cpu_profiler"] : []),
];

async function traced<T>(page: Page, run: () => Promise<T>): Promise<{ result: T; events: TraceEvent[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const done = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", { traceConfig: { includedCategories: CATEGORIES }, transferMode: "ReportEvents" });
  const result = await run();
  await cdp.send("Tracing.end");
  await done;
  await cdp.detach();
  return { result, events };
}

/** Thread names by pid and tid, from the trace's metadata events. */
function threadNames(events: TraceEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") out.set(`${e.pid}:${e.tid}`, e.args?.name);
  return out;
}

/** CPU time of an event in ms, wall time where the trace has none. */
const cpu = (e: TraceEvent) => (e.tdur ?? e.dur ?? 0) / 1000;

/** Self CPU time of each complete event on one thread, summed by event name, and its top-level tasks' CPU. */
function selfTimes(events: TraceEvent[]): {
  byName: Map<string, number>;
  tasks: number[];
  /** The top-level tasks, by start. */
  tops: TraceEvent[];
  long: TraceEvent[];
  /** CPU of the task that handled the mouse-up (a drag's drop). */
  up: number;
} {
  const xs = events.filter((e) => e.ph === "X" && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const byName = new Map<string, number>();
  const tasks: number[] = [];
  const tops: TraceEvent[] = [];
  const long: TraceEvent[] = [];
  let up = 0;
  const stack: { e: TraceEvent; end: number; children: number }[] = [];
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1].end <= upTo) {
      const top = stack.pop()!;
      byName.set(top.e.name, (byName.get(top.e.name) ?? 0) + cpu(top.e) - top.children);
    }
  };
  for (const e of xs) {
    close(e.ts);
    if (stack.length) stack[stack.length - 1].children += cpu(e);
    if (stack.length && e.name === "EventDispatch" && e.args?.data?.type === "mouseup") up += cpu(stack[0].e);
    else if (!stack.length) {
      // Top-level tasks only: a nested event's time is already in its task's.
      tasks.push(cpu(e));
      tops.push(e);
      if (cpu(e) > LONG) long.push(e);
    }
    stack.push({ e, end: e.ts + e.dur!, children: 0 });
  }
  close(Infinity);
  return { byName, tasks, tops, long, up };
}

/**
 * JS self and total time by function, from the V8 sampler's chunks in the trace: of every thread of
 * `pid`, or with `tid` of that thread only (the loader worker has a sampler of its own). Each
 * thread's profile has its own node ids and clock, keyed by the profile's id.
 */
function profiled(
  events: TraceEvent[],
  pid: number,
  tid?: number,
): {
  self: Map<string, number>;
  total: Map<string, number>;
  callers: Map<string, number>;
  within(from: number, to: number): Map<string, number>;
} {
  const nodes = new Map<string, { key: string; parent?: string }>();
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  /** `--callers name`: the stacks above each sample of a function whose name starts with it. */
  const callers = new Map<string, number>();
  const timed: { ts: number; id: string }[] = [];
  const clocks = new Map<string, number>();
  const threadOf = new Map<string, number>();
  const mine = (e: TraceEvent & { id?: string }) =>
    e.pid === pid && (tid === undefined || threadOf.get(String(e.id)) === tid);
  for (const e of events as (TraceEvent & { id?: string })[]) {
    if (e.pid === pid && e.name === "Profile") {
      threadOf.set(String(e.id), e.tid);
      clocks.set(String(e.id), e.args?.data?.startTime ?? 0);
    }
    if (e.name !== "ProfileChunk" || !mine(e)) continue;
    const prof = String(e.id);
    const p = e.args?.data?.cpuProfile;
    for (const n of p?.nodes ?? []) {
      const f = n.callFrame;
      const file = String(f.url ?? "").replace(/^.*\//, "");
      nodes.set(`${prof}:${n.id}`, {
        key: `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`,
        parent: n.parent === undefined ? undefined : `${prof}:${n.parent}`,
      });
    }
    const samples: number[] = p?.samples ?? [];
    const deltas: number[] = e.args?.data?.timeDeltas ?? [];
    let clock = clocks.get(prof) ?? 0;
    samples.forEach((sample, i) => {
      const id = `${prof}:${sample}`;
      const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
      clock += deltas[i] ?? 0;
      timed.push({ ts: clock, id });
      const leaf = nodes.get(id);
      if (!leaf) return;
      self.set(leaf.key, (self.get(leaf.key) ?? 0) + ms);
      const seen = new Set<string>();
      const stack: string[] = [];
      for (let n: typeof leaf | undefined = leaf; n; n = n.parent === undefined ? undefined : nodes.get(n.parent)) {
        stack.push(n.key);
        if (seen.has(n.key)) continue;
        seen.add(n.key);
        total.set(n.key, (total.get(n.key) ?? 0) + ms);
      }
      const at = CALLERS ? stack.findIndex((k) => k.startsWith(CALLERS)) : -1;
      if (at >= 0) {
        // `--callees`: the frames below it (leaf first) instead of those above.
        const chain = (CALLEES ? stack.slice(Math.max(0, at - 7), at + 1) : stack.slice(at, at + 8))
          .map((k) => k.split(" ")[0])
          .join(" < ");
        callers.set(chain, (callers.get(chain) ?? 0) + ms);
      }
    });
    clocks.set(prof, clock);
  }
  /** The functions most often on the stack between `from` and `to` (trace µs). */
  const within = (from: number, to: number) => {
    const counts = new Map<string, number>();
    for (const t of timed) {
      if (t.ts < from || t.ts > to) continue;
      const seen = new Set<string>();
      for (let n = nodes.get(t.id); n; n = n.parent === undefined ? undefined : nodes.get(n.parent))
        if (!seen.has(n.key) && !/^\((root|program|idle)\)/.test(n.key)) {
          seen.add(n.key);
          counts.set(n.key, (counts.get(n.key) ?? 0) + 1);
        }
    }
    return counts;
  };
  return { self, total, callers, within };
}

/** Main-thread frame boundaries, paints, raster tasks and style recalcs, counted per frame. */
function frameCounts(events: TraceEvent[], mainKey: string, pid: number, frames: number): string {
  const on = (e: TraceEvent) => `${e.pid}:${e.tid}` === mainKey;
  const mainEvents = events.filter(on);
  const begins = mainEvents.filter((e) => e.name === "BeginMainThreadFrame").map((e) => e.ts);
  // CPU of the top-level tasks that start between two frame starts: a frame's main-thread work.
  const { tops } = selfTimes(mainEvents);
  let over = 0;
  for (let i = 0, j = 0; i < begins.length; i++) {
    const end = begins[i + 1] ?? Infinity;
    let sum = 0;
    while (j < tops.length && tops[j].ts < end) {
      if (tops[j].ts >= begins[i]) sum += cpu(tops[j]);
      j++;
    }
    if (sum > 1000 / 60) over++;
  }
  let paints = 0;
  let area = 0;
  let recalcs = 0;
  let restyled = 0;
  for (const e of mainEvents) {
    if (e.ph !== "X") continue;
    if (e.name === "Paint") {
      paints++;
      const c: number[] | undefined = e.args?.data?.clip;
      // The clip is a quad (x0, y0, … x3, y3) in page px, unbounded for some layers: the area of
      // its bounds within the window.
      if (c?.length === 8) {
        const w = Math.min(1920, Math.max(c[0], c[2], c[4], c[6])) - Math.max(0, Math.min(c[0], c[2], c[4], c[6]));
        const h = Math.min(1080, Math.max(c[1], c[3], c[5], c[7])) - Math.max(0, Math.min(c[1], c[3], c[5], c[7]));
        area += Math.max(0, w) * Math.max(0, h);
      }
    } else if (e.name === "UpdateLayoutTree") {
      recalcs++;
      restyled += e.args?.elementCount ?? e.args?.data?.elementCount ?? 0;
    }
  }
  const rasters = events.filter((e) => e.pid === pid && e.ph === "X" && e.name === "RasterTask").length;
  // Under load many animation frames paint nothing (no input arrived since the last): per paint.
  const per = (v: number) => (v / Math.max(1, paints)).toFixed(1);
  return (
    `  ${paints} paints in ${frames} frames; per paint ${(area / Math.max(1, paints) / 1000).toFixed(0)}k px, ` +
    `${per(rasters)} raster tasks, ${per(recalcs)} style recalcs (${per(restyled)} elements); ` +
    `main-thread frames over 16.7 ms CPU: ${over} of ${begins.length}`
  );
}

/** The compositor's layers now: how many, how many draw, and the biggest drawing ones with their reasons. */
async function layers(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const got = new Promise<any[]>((resolve) =>
    cdp.on("LayerTree.layerTreeDidChange", (e) => e.layers?.length && resolve(e.layers)),
  );
  await cdp.send("LayerTree.enable");
  // A frame makes the compositor send its tree.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const list = await got;
  // describeNode finds a layer's element by its backend id once the document has been asked for.
  await cdp.send("DOM.getDocument", { depth: 0 });
  const drawing = list.filter((l) => l.drawsContent).sort((a, b) => b.width * b.height - a.width * a.height);
  const named: string[] = [];
  for (const l of drawing.slice(0, 8)) {
    const { compositingReasonIds = [] } = await cdp
      .send("LayerTree.compositingReasons", { layerId: l.layerId })
      .catch(() => ({ compositingReasonIds: [] as string[] }));
    const what = l.backendNodeId
      ? await cdp
          .send("DOM.describeNode", { backendNodeId: l.backendNodeId })
          .then(
            ({ node }) =>
              `${node.localName}${node.attributes?.includes("class") ? "." + node.attributes[node.attributes.indexOf("class") + 1].split(" ")[0] : ""}`,
          )
          .catch(() => "?")
      : "";
    named.push(`${l.width}×${l.height} ${what} ${compositingReasonIds.join("+") || "-"}`);
  }
  await cdp.send("LayerTree.disable");
  await cdp.detach();
  return `layers at rest: ${list.length}, ${drawing.length} drawing: ${named.join("; ")}`;
}

const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`)
    .join("\n");

interface Counted {
  fps: number;
  frames: number;
  times: number[];
  /** performance.now() of the mark "slots" put just before the gesture (its trace ts gives the clock). */
  mark: number;
}

function report(build: string, gesture: string, { fps, frames, times, mark }: Counted, events: TraceEvent[]) {
  const names = threadNames(events);
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k)!.push(e);
  }
  // The page's renderer: the CrRendererMain with the most work in the trace.
  let main: { key: string; busy: number; times: ReturnType<typeof selfTimes>; start: number } | null = null;
  for (const [k, list] of byThread) {
    if (names.get(k) !== "CrRendererMain") continue;
    const times = selfTimes(list);
    const busy = times.tasks.reduce((a, b) => a + b, 0);
    if (!main || busy > main.busy) main = { key: k, busy, times, start: Math.min(...list.map((e) => e.ts)) };
  }
  if (!main) return console.log(`${build} ${gesture}: no renderer main thread in the trace`);
  const pid = Number(main.key.split(":")[0]);
  let raster = 0;
  let tiles = 0;
  const others: string[] = [];
  let all = main.busy;
  for (const [k, list] of byThread) {
    const name = names.get(k) ?? k;
    if (k === main.key) continue;
    const busy = selfTimes(list).tasks.reduce((a, b) => a + b, 0);
    all += busy;
    if (busy > 20) others.push(`${name} ${busy.toFixed(0)} ms`);
    if (!k.startsWith(`${pid}:`)) continue;
    for (const e of list)
      if (e.ph === "X" && e.name === "RasterTask") {
        raster += cpu(e);
        tiles++;
      }
  }
  const longest = Math.max(0, ...main.times.tasks);
  console.log(
    `\n${build} ${gesture}: ${fps.toFixed(1)} fps, ${frames} frames; main thread CPU ${main.busy.toFixed(0)} ms ` +
      `(${(main.busy / Math.max(1, frames)).toFixed(1)} ms a frame), longest task ${longest.toFixed(0)} ms, mouse-up task ${main.times.up.toFixed(0)} ms, ` +
      `${main.times.tasks.filter((t) => t > 50).length} over 50 ms; raster ${raster.toFixed(0)} ms (${tiles} tiles); load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log(
    `  other threads: ${others.join(", ")}; all threads ${(all / Math.max(1, frames)).toFixed(1)} ms CPU a frame`,
  );
  console.log(frameCounts(events, main.key, pid, frames));
  console.log(top(main.times.byName, 12));
  const marked = events.find((e) => e.name === "slots" && e.pid === pid);
  if (SLOTS && marked) slotReport(times, events, marked.ts - mark * 1000, main.key, names);
  if (!PROFILE) return;
  const js = profiled(events, pid);
  console.log(`  JS self time, by function:\n${top(js.self, 20)}`);
  console.log(`  JS total time, by function:\n${top(js.total, 25)}`);
  if (CALLERS) console.log(`  stacks of ${CALLERS}:\n${top(js.callers, 12)}`);
  // Our own functions (not React's or xyflow's plumbing) most often on the stack in each long task.
  const ours = /\b(index|drawnParts|nodeViews|FarTitle|reroute|useRunDiagnostics)-/;
  for (const t of main.times.long.sort((a, b) => cpu(b) - cpu(a)).slice(0, LONG < 50 ? 30 : 6)) {
    const counts = [...js.within(t.ts, t.ts + t.dur!)].filter(
      ([k]) =>
        !/^(performWork|flush|commit|recursively|render|beginWork|workLoop|update|(anonymous))/.test(k) && ours.test(k),
    );
    const list = counts
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, n]) => `${k.split(" ")[0]}×${n}`);
    // React components (capitalised names) on the stack: what rendered in the task.
    const components = [...js.within(t.ts, t.ts + t.dur!)]
      .filter(([k]) => /^[A-Z]\w*[a-z]\w* /.test(k) && !/^(HTML|SVG|Event|Synthetic|Promise|Map|Set)/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, n]) => `${k.split(" ")[0]}×${n}`);
    console.log(
      `  task ${cpu(t).toFixed(0)} ms CPU (${(t.dur! / 1000).toFixed(0)} wall) at +${((t.ts - main.start) / 1000).toFixed(0)} ms: ${list.join(", ")}` +
        (components.length ? `\n    components: ${components.join(", ")}` : ""),
    );
  }
}

/** The top-level tasks of one thread's complete events, each with its events. */
function tasksOf(list: TraceEvent[]): TraceEvent[][] {
  const xs = list.filter((e) => e.ph === "X" && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const out: TraceEvent[][] = [];
  let end = -Infinity;
  for (const e of xs) {
    if (e.ts >= end) {
      out.push([]);
      end = e.ts + e.dur!;
    }
    out[out.length - 1].push(e);
  }
  return out;
}

/**
 * Where a drop's first render goes: the main thread's and the page's workers' tasks from the drop
 * to the rendered frame, in time order, each with its CPU, wall time and biggest events by self
 * time (with `--profile`, the JS functions most on its stack), and the main thread's idle gaps.
 */
function reportOpen(build: string, renderMs: number, events: TraceEvent[]) {
  const names = threadNames(events);
  const drop = events.find((e) => e.name === "EventDispatch" && e.args?.data?.type === "drop");
  if (!drop) return console.log(`${build} open: no drop in the trace`);
  const pid = drop.pid;
  const from = drop.ts;
  const to = from + renderMs * 1000;
  const js = PROFILE ? new Map<number, ReturnType<typeof profiled>>() : null;
  const rows: { ts: number; line: string }[] = [];
  const busy = new Map<string, number>();
  for (const [k, name] of names) {
    const [p, t] = k.split(":").map(Number);
    const main = p === pid && t === drop.tid;
    if (p !== pid || (!main && !/Worker/.test(name))) continue;
    const tasks = tasksOf(events.filter((e) => e.pid === p && e.tid === t)).filter(
      (task) => task[0].ts + task[0].dur! > from && task[0].ts < to,
    );
    const who = main ? "main  " : "worker";
    let sum = 0;
    let last = from;
    for (const task of tasks) {
      const [head] = task;
      sum += cpu(head);
      if (main && head.ts - last > 10_000)
        rows.push({
          ts: last,
          line: `${who} +${((last - from) / 1000).toFixed(0)} ms idle ${((head.ts - last) / 1000).toFixed(0)} ms`,
        });
      last = Math.max(last, head.ts + head.dur!);
      if (cpu(head) < 2) continue;
      const parts = top(selfTimes(task).byName, 4)
        .split("\n")
        .map((l) => l.trim().replace(/\s+/g, " "));
      let fns = "";
      if (js) {
        if (!js.has(t)) js.set(t, profiled(events, pid, t));
        fns = [...js.get(t)!.within(head.ts, head.ts + head.dur!)]
          .filter(([f]) => !/^(\(anonymous\)|performWork|workLoop|flush|commit|recursively|beginWork|render)/.test(f))
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([f, n]) => `${f.split(" ")[0]}×${n}`)
          .join(", ");
      }
      rows.push({
        ts: head.ts,
        line:
          `${who} +${((head.ts - from) / 1000).toFixed(0)} ms  cpu ${cpu(head).toFixed(0)} wall ${(head.dur! / 1000).toFixed(0)} ms: ${parts.join(" | ")}` +
          (fns ? `\n           ${fns}` : ""),
      });
    }
    busy.set(`${who.trim()} ${name}`, (busy.get(`${who.trim()} ${name}`) ?? 0) + sum);
  }
  console.log(
    `\n${build} open: first render ${renderMs.toFixed(0)} ms; CPU from drop to render: ${[...busy].map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ")}; load ${os.loadavg()[0].toFixed(1)}`,
  );
  for (const r of rows.sort((a, b) => a.ts - b.ts)) console.log(`  ${r.line}`);
}

/** `--gestures open`: the drop of a `SIZE`-node file saved at zoom 1, traced until its first render. */
async function openOnce(build: string, url: string) {
  const b = await readyEditor(url);
  try {
    const { result, events } = await traced(b.page, () => dropPipeline(b.page, SIZE, VIEW));
    reportOpen(build, result, events);
  } finally {
    await b.close();
  }
}

async function once(build: string, dir: string) {
  const srv = await serve(dir);
  if (GESTURES.includes("open")) {
    await openOnce(build, srv.url).finally(() => srv.close());
    return;
  }
  const e = await openEditorWith(srv.url, SIZE, VIEW);
  try {
    if (CSS) await e.page.addStyleTag({ content: CSS });
    console.log(`\n${build}: ${await layers(e.page)}`);
    if (SHOT) await e.page.screenshot({ path: SHOT });
    for (const gesture of GESTURES) {
      const from = gesture === "drag" ? await nodeGrabPoint(e.page) : await emptyPanePoint(e.page);
      const amp = gesture === "drag" ? { x: 160, y: 90 } : { x: 500, y: 250 };
      // `wheel`: the peer section's zoom-1 wheel gesture, 9 notches out and back (1 → 0.29 → 1).
      const move = () => (gesture === "wheel" ? wheelCycles(e.page, from, MS, 9) : sweep(e.page, from, MS, amp));
      const { result, events } = await traced(e.page, async () => {
        const mark = await e.page.evaluate(() => performance.mark("slots").startTime);
        return { mark, ...(await framesDuring(e.page, move)) };
      });
      report(build, gesture, result, events);
    }
  } finally {
    await e.close();
    await srv.close();
  }
}

const builds = process.argv
  .slice(2)
  .filter((a) => a.includes("="))
  .map((a) => a.split("=") as [string, string]);
if (!builds.length) {
  console.error("usage: trace.ts name=distDir [name=distDir…] [--size N] [--rounds R] [--ms 3000] [--profile]");
  process.exit(2);
}
console.log(`${SIZE} nodes, zoom 1, ${ROUNDS} round(s); ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
for (let r = 0; r < ROUNDS; r++)
  for (let i = 0; i < builds.length; i++) {
    const [name, dir] = builds[(i + r) % builds.length];
    await once(`${name} (round ${r + 1})`, dir);
  }
