/**
 * What a reload of the load bench's pages runs before it is interactive, counted rather than timed
 * (docs/benchmarks.md#the-first-load): the bench's own procedure (`oursOnce`/`depsOnce` in load.ts)
 * with a Chrome trace around the reload. Prints per page and round: time to interactive, first
 * contentful paint, the long tasks, React's commits, each script and style sheet fetched (when it
 * was asked for and when it arrived, so requests made one after the other show), the user timing
 * marks, and each main-thread task over 50 ms (wall or CPU; `--tasks <ms>` sets another floor) with
 * what it ran.
 *
 *   node --import tsx test/bench/bootTrace.ts main=/tmp/a mine=dist deps=/tmp/deps [--rounds 3]
 *
 * A label starting with "deps" is treated as the deps-only page (reading its draft first when the
 * label also holds "db", as in loadAb.ts). Build the editor with
 * `npx vite build --outDir /tmp/a`; the deps page as `builds()` in build.ts does.
 */
import { loadavg } from "node:os";
import type { Page } from "playwright-core";
import { serve } from "./browser";
import { openObserved, tti } from "./load";
import type { TraceEvent } from "./trace";

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "toplevel",
  "v8",
  "blink.user_timing",
  "loading",
];
const PROFILE = process.argv.includes("--profile");
if (PROFILE) CATEGORIES.push("disabled-by-default-v8.cpu_profiler");
/** `--threads`: each thread's CPU from navigation to the first contentful paint, and what the raster threads ran. */
const THREADS = process.argv.includes("--threads");
if (THREADS) CATEGORIES.push("cc", "viz", "gpu", "disabled-by-default-devtools.timeline.frame");
const at = process.argv.indexOf("--rounds");
const ROUNDS = at > 0 ? Number(process.argv[at + 1]) : 3;
const tasksAt = process.argv.indexOf("--tasks");
/** The main-thread tasks listed with what they ran: over 50 ms, or over `--tasks <ms>`. */
const TASK_MS = tasksAt > 0 ? Number(process.argv[tasksAt + 1]) : 50;

/** Counts React's commits from the first script on, through the hook React DevTools uses. */
const COMMIT_COUNTER = `(() => {
  const commits = [];
  window.__commits = commits;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true, renderers: new Map(), inject: () => 1, checkDCE() {},
    onCommitFiberRoot(_id, root) {
      commits.push(performance.now());
      // The topmost components that rendered in this commit (PerformedWork), named in an unminified build.
      const who = new Set();
      // As React DevTools tells: a subtree whose child list is the previous one's bailed out.
      const name = (t) => t.displayName || t.name || (t.type && (t.type.displayName || t.type.name)) || "?";
      const walk = (f) => {
        for (; f; f = f.sibling) {
          const named = typeof f.type === "function" || (f.type && typeof f.type === "object");
          if (named && !f.alternate) { who.add("+" + name(f.type)); continue; }
          if (named && (f.flags & 1)) { who.add(name(f.type)); continue; }
          if (!f.alternate || f.child !== f.alternate.child) walk(f.child);
        }
      };
      try { walk(root.current.child); } catch {}
      (window.__commitWho ??= []).push([...who].slice(0, 8).join(","));
    }, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {},
    onScheduleFiberRoot() {}, setStrictMode() {},
  };
})()`;

/** Brings the page to the state the bench reloads from (load.ts). */
async function prepare(page: Page, deps: boolean) {
  if (deps) return void (await page.waitForSelector(".react-flow__pane", { timeout: 30_000 }));
  await page.waitForSelector('[data-testid="autosave-status"]', { timeout: 30_000 });
  await page.getByRole("button", { name: "New", exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll(".react-flow__node").length === 0);
  await page
    .waitForFunction(
      () => /saved/i.test(document.querySelector('[data-testid="autosave-status"]')?.textContent ?? ""),
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
}

const ms = (x: number) => x.toFixed(0).padStart(5);
const short = (url: string) => url.replace(/^.*\//, "").replace(/\?.*$/, "");

/** The main thread's top-level tasks over TASK_MS, each with the events that took most of it (self time). */
function longTasks(events: TraceEvent[], nav: number): string[] {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args?.name);
  const main = events.filter(
    (e) => names.get(`${e.pid}:${e.tid}`) === "CrRendererMain" && e.ph === "X" && e.dur !== undefined && e.ts >= nav,
  );
  main.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const out: string[] = [];
  let top: { e: TraceEvent; self: Map<string, number> } | null = null;
  const stack: { e: TraceEvent; children: number }[] = [];
  const flush = () => {
    if (!top) return;
    const wall = top.e.dur! / 1000;
    const cpu = (top.e.tdur ?? top.e.dur!) / 1000;
    if (wall > TASK_MS || cpu > TASK_MS) {
      const parts = [...top.self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`);
      out.push(`+${ms((top.e.ts - nav) / 1000)} ms: ${ms(wall)} wall, ${ms(cpu)} CPU — ${parts.join(", ")}`);
    }
    top = null;
  };
  const label = (e: TraceEvent) => {
    const d = e.args?.data ?? {};
    if (e.name === "EvaluateScript" || e.name === "v8.compileModule" || e.name === "v8.evaluateModule")
      return `${e.name}(${short(d.url ?? e.args?.fileName ?? "")})`;
    if (e.name === "FunctionCall") return `FunctionCall(${d.functionName || "?"}@${short(d.url ?? "")})`;
    if (e.name === "EventDispatch") return `Event(${d.type})`;
    return e.name;
  };
  for (const e of main) {
    while (stack.length && stack[stack.length - 1].e.ts + stack[stack.length - 1].e.dur! <= e.ts) {
      const s = stack.pop()!;
      const self = ((s.e.tdur ?? s.e.dur!) - s.children) / 1000;
      top?.self.set(label(s.e), (top.self.get(label(s.e)) ?? 0) + Math.max(0, self));
    }
    if (!stack.length) {
      flush();
      top = { e, self: new Map() };
    } else stack[stack.length - 1].children += e.tdur ?? e.dur!;
    stack.push({ e, children: 0 });
  }
  while (stack.length) {
    const s = stack.pop()!;
    top?.self.set(
      label(s.e),
      (top.self.get(label(s.e)) ?? 0) + Math.max(0, ((s.e.tdur ?? s.e.dur!) - s.children) / 1000),
    );
  }
  flush();
  return out;
}

/** Every main-thread task of 2 ms or more, and the frame events, from navigation to `until` (ms). */
function timeline(events: TraceEvent[], nav: number, until: number): string[] {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args?.name);
  const FRAME =
    /^(BeginMainThreadFrame|Paint|Commit|firstContentfulPaint|firstPaint|MarkFirstPaint|PaintTimingVisualizer|BeginFrame|DrawFrame|Layout|UpdateLayoutTree|PrePaint)$/;
  const out: string[] = [];
  const rendererPid = events.find((e) => e.name === "navigationStart")?.pid;
  const tops = events
    .filter(
      (e) =>
        e.pid === rendererPid &&
        names.get(`${e.pid}:${e.tid}`) === "CrRendererMain" &&
        e.ts >= nav &&
        e.ts <= nav + until * 1000,
    )
    .sort((a, b) => a.ts - b.ts);
  let end = 0;
  for (const e of tops) {
    const at = (e.ts - nav) / 1000;
    if (e.ph === "X" && e.ts >= end && (e.dur ?? 0) >= 2000) {
      end = e.ts + e.dur!;
      out.push(`+${ms(at)} task ${((e.dur ?? 0) / 1000).toFixed(1)} ms ${e.name}`);
    } else if (FRAME.test(e.name) && (e.ph !== "X" || e.ts >= end || /Paint|Commit/.test(e.name)))
      out.push(`+${ms(at)}   ${e.name}${e.dur ? ` ${(e.dur / 1000).toFixed(1)} ms` : ""}`);
  }
  return out;
}

/**
 * CPU time per thread (top-level events only, so nothing counts twice) from navigation to `until`
 * (trace µs), and the events that took most of it on threads other than the main one: where the
 * first frame's raster and compositing went, against the deps-only page's.
 */
function threadCpu(events: TraceEvent[], nav: number, until: number): string[] {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args?.name);
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events)
    if (e.ph === "X" && e.dur !== undefined && e.ts >= nav && e.ts <= until) {
      const k = `${e.pid}:${e.tid}`;
      if (!byThread.has(k)) byThread.set(k, []);
      byThread.get(k)!.push(e);
    }
  const out: string[] = [];
  for (const [k, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    let end = 0;
    let cpu = 0;
    const by = new Map<string, number>();
    for (const e of list) {
      const t = (e.tdur ?? e.dur!) / 1000;
      if (e.ts >= end) {
        end = e.ts + e.dur!;
        cpu += t;
      }
      by.set(e.name, (by.get(e.name) ?? 0) + t);
    }
    if (cpu < 1) continue;
    const top = [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([n, v]) => `${n} ${v.toFixed(1)}`)
      .join(", ");
    out.push(`${(names.get(k) ?? k).padEnd(24)} ${cpu.toFixed(1).padStart(6)} ms CPU — ${top}`);
  }
  const count = (n: string) => events.filter((e) => e.name === n && e.ts >= nav && e.ts <= until).length;
  out.push(`before FCP: ${count("Paint")} Paint, ${count("RasterTask")} RasterTask, ${count("Layout")} Layout`);
  // The page's own style and layout work before its first paint (the style sheets' parse, style
  // recalculation, layout, pre-paint and paint records), in the renderer that painted.
  const pid = events.find((e) => e.name === "firstContentfulPaint")?.pid;
  const own = ["ParseAuthorStyleSheet", "UpdateLayoutTree", "Layout", "PrePaint", "Paint"].map((n) => {
    const list = events.filter((e) => e.name === n && e.pid === pid && e.ph === "X" && e.ts >= nav && e.ts <= until);
    return `${n} ${(list.reduce((a, e) => a + (e.tdur ?? e.dur!), 0) / 1000).toFixed(1)} ms (${list.length})`;
  });
  out.push(`before FCP, the page's renderer: ${own.join(", ")}`);
  return out;
}

/** JS self time by function, from the V8 sampler's chunks, between `from` and `to` (trace µs). */
function jsSelf(events: TraceEvent[], from: number, to: number): string[] {
  const nodes = new Map<number, string>();
  const self = new Map<string, number>();
  const pid = events.find((e) => e.name === "firstContentfulPaint")?.pid;
  let clock = 0;
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === "Profile") clock = e.args?.data?.startTime ?? clock;
    if (e.name !== "ProfileChunk") continue;
    const p = e.args?.data?.cpuProfile;
    for (const n of p?.nodes ?? []) {
      const f = n.callFrame;
      nodes.set(n.id, `${f.functionName || "(anonymous)"} ${short(String(f.url ?? ""))}:${f.lineNumber + 1}`);
    }
    const deltas: number[] = e.args?.data?.timeDeltas ?? [];
    (p?.samples ?? []).forEach((id: number, i: number) => {
      clock += deltas[i] ?? 0;
      const key = nodes.get(id) ?? "?";
      if (clock >= from && clock <= to && !/^\((idle|program|root)\)/.test(key))
        self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
    });
  }
  const byFile = new Map<string, number>();
  for (const [k, v] of self) {
    const file = k.split(" ")[1]?.replace(/:\d+$/, "") ?? "?";
    byFile.set(file, (byFile.get(file) ?? 0) + v);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${v.toFixed(1).padStart(6)} ms  ${k}`);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [
    `JS sampled before FCP: ${total.toFixed(0)} ms; by file:`,
    ...top(byFile, 8),
    "by function:",
    ...top(self, 25),
  ];
}

async function once(label: string, url: string) {
  const deps = label.startsWith("deps");
  const b = await openObserved(deps && label.includes("db") ? `${url}?db` : url);
  try {
    await b.context.addInitScript(COMMIT_COUNTER);
    await b.page.reload();
    await prepare(b.page, deps);
    const cdp = await b.context.newCDPSession(b.page);
    const events: TraceEvent[] = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as TraceEvent[])));
    const done = new Promise<void>((r) => cdp.once("Tracing.tracingComplete", () => r()));
    await cdp.send("Tracing.start", { traceConfig: { includedCategories: CATEGORIES }, transferMode: "ReportEvents" });
    await b.page.reload();
    const t = await tti(b.page, deps ? ".react-flow__pane" : ".canvas-empty");
    const page = await b.page.evaluate(() => {
      const w = window as unknown as { __longtasks: PerformanceEntry[]; __commits: number[] };
      const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      return {
        fcp: performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint")?.startTime ?? 0,
        long: w.__longtasks.map((l) => [l.startTime, l.duration]),
        commits: w.__commits,
        who: (window as unknown as { __commitWho?: string[] }).__commitWho ?? [],
        marks: performance.getEntriesByType("mark").map((m) => [m.name, m.startTime] as const),
        res: res.map((r) => [r.name, r.initiatorType, r.startTime, r.responseEnd] as const),
        nav: (() => {
          const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          return `unload ${n.unloadEventStart.toFixed(0)}-${n.unloadEventEnd.toFixed(0)}, fetch ${n.fetchStart.toFixed(0)}, request ${n.requestStart.toFixed(0)}, response ${n.responseStart.toFixed(0)}-${n.responseEnd.toFixed(0)}, interactive ${n.domInteractive.toFixed(0)}, DOMContentLoaded ${n.domContentLoadedEventStart.toFixed(0)}-${n.domContentLoadedEventEnd.toFixed(0)}`;
        })(),
      };
    });
    await cdp.send("Tracing.end");
    await done;
    await cdp.detach();
    // The trace's clock against the page's: its first contentful paint is the page's.
    const fcpEvent = events.filter((e) => e.name === "firstContentfulPaint").sort((a, b) => b.ts - a.ts)[0];
    const nav = fcpEvent
      ? fcpEvent.ts - page.fcp * 1000
      : Math.max(...events.filter((e) => e.name === "navigationStart").map((e) => e.ts));
    console.log(
      `\n${label}: TTI ${t.toFixed(0)} ms, FCP ${page.fcp.toFixed(0)} ms, load ${loadavg()[0].toFixed(1)}; ` +
        `long tasks ${page.long.map(([s, d]) => `${s.toFixed(0)}+${d.toFixed(0)}`).join(", ") || "none"}; ` +
        `React commits before TTI ${page.commits.filter((c) => c <= t).length} (${page.commits.map((c) => c.toFixed(0)).join(" ")})`,
    );
    console.log(`  navigation: ${page.nav}`);
    for (const line of timeline(events, nav, t)) console.log(`  ${line}`);
    if (process.argv.includes("--who"))
      page.commits.forEach((c, i) => c <= t && console.log(`  commit ${c.toFixed(0)}: ${page.who[i]}`));
    if (page.marks.length) console.log(`  marks: ${page.marks.map(([n, s]) => `${n} ${s.toFixed(0)}`).join(", ")}`);
    for (const [name, kind, start, end] of page.res.filter(([, , s]) => s <= t))
      console.log(`  ${ms(start)} → ${ms(end)} ms  ${kind.padEnd(6)} ${short(name)}`);
    for (const line of longTasks(events, nav)) console.log(`  task ${line}`);
    if (THREADS) for (const line of threadCpu(events, nav, nav + page.fcp * 1000)) console.log(`  thread ${line}`);
    if (PROFILE) for (const line of jsSelf(events, nav, nav + page.fcp * 1000)) console.log(`  ${line}`);
  } finally {
    await b.close();
  }
}

const pages = process.argv
  .slice(2)
  .filter((a) => a.includes("="))
  .map((a) => a.split("=") as [string, string]);
const servers = await Promise.all(pages.map(([, dir]) => serve(dir)));
try {
  for (let r = 0; r < ROUNDS; r++)
    for (let i = 0; i < pages.length; i++) {
      const k = (i + r) % pages.length;
      await once(`${pages[k][0]} (round ${r + 1})`, servers[k].url);
    }
} finally {
  await Promise.all(servers.map((s) => s.close()));
}
