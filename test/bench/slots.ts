/**
 * Where a gesture's empty 1/60 s slots are (`framesDuring` counts the slots in which a frame began,
 * test/bench/browser.ts) and what ran in them: for `trace.ts --slots`. A slot is empty either
 * because a frame was dropped (the gap around it is longer than 1.5 slots) or because two frames
 * began in its neighbour with no frame late (timestamp jitter). Each gap over 1.5 slots is listed
 * with the renderer's main-thread tasks that overlap it and the other threads' CPU in it.
 */
import type { TraceEvent } from "./trace";

const SLOT = 1000 / 60;
/** A gap longer than this lost a frame; a shorter one around an empty slot is jitter. */
const LATE = 1.5 * SLOT;

const cpu = (e: TraceEvent) => (e.tdur ?? e.dur ?? 0) / 1000;

/** Top-level complete events of one thread, each with the events nested in it. */
function tasks(list: TraceEvent[]): { head: TraceEvent; inner: TraceEvent[] }[] {
  const xs = list.filter((e) => e.ph === "X" && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const out: { head: TraceEvent; inner: TraceEvent[] }[] = [];
  let end = -Infinity;
  for (const e of xs) {
    if (e.ts >= end) {
      out.push({ head: e, inner: [] });
      end = e.ts + e.dur!;
    } else out[out.length - 1].inner.push(e);
  }
  return out;
}

/** A task in a few words: its input events, timers and callbacks, and its biggest inner events. */
function describe(t: { head: TraceEvent; inner: TraceEvent[] }): string {
  const what = new Set<string>();
  const sizes = new Map<string, number>();
  for (const e of t.inner) {
    const d = e.args?.data;
    if (e.name === "EventDispatch" && d?.type) what.add(d.type);
    else if (e.name === "TimerFire") what.add("timer");
    else if (e.name === "FireAnimationFrame") what.add("rAF");
    else if (e.name === "FireIdleCallback") what.add("idle");
    else if (e.name === "FunctionCall" && d?.functionName) what.add(`fn ${d.functionName}`);
    sizes.set(e.name, (sizes.get(e.name) ?? 0) + cpu(e));
  }
  const big = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
  return `${t.head.name} [${[...what].slice(0, 6).join(" ")}] ${big}`;
}

/**
 * Prints the empty slots of one gesture. `times`: the rAF timestamps (performance.now); `toTrace`:
 * trace µs of performance.now 0; `main`: the renderer main thread's key ("pid:tid").
 */
export function slotReport(
  times: number[],
  events: TraceEvent[],
  toTrace: number,
  main: string,
  names: Map<string, string>,
) {
  const slot = (t: number) => Math.floor(t / SLOT);
  const seen = new Map<number, number>();
  for (const t of times) seen.set(slot(t), (seen.get(slot(t)) ?? 0) + 1);
  const first = slot(times[0]);
  const last = slot(times[times.length - 1]);
  const input = events.filter((e) => `${e.pid}:${e.tid}` === main && e.name === "EventDispatch");
  const at = (type: string) => input.find((e) => e.args?.data?.type === type);
  const rel = (ts: number) => ((ts - toTrace) / 1000 - times[0]).toFixed(0);
  const down = at("mousedown");
  const ups = input.filter((e) => e.args?.data?.type === "mouseup");
  const up = ups[ups.length - 1];
  let empty = 0;
  let jitter = 0;
  for (let s = first; s <= last; s++) if (!seen.has(s)) empty++;
  const doubled = [...seen.values()].filter((n) => n > 1).length;
  const gaps: [number, number][] = [];
  for (let i = 1; i < times.length; i++) {
    const g = times[i] - times[i - 1];
    const lost = slot(times[i]) - slot(times[i - 1]) - 1;
    if (lost > 0 && g <= LATE) jitter += lost;
    if (g > LATE) gaps.push([times[i - 1], times[i]]);
  }
  console.log(
    `  slots ${last - first + 1}, empty ${empty} (${jitter} in gaps ≤ 1.5 slots: jitter), ${doubled} slots with 2+ frames; ` +
      `gaps > 1.5 slots: ${gaps.length}; mousedown at +${down ? rel(down.ts) : "?"} ms, last mouseup at +${up ? rel(up.ts) : "?"} ms, last frame +${(times[times.length - 1] - times[0]).toFixed(0)} ms`,
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k)!.push(e);
  }
  const mainTasks = tasks(byThread.get(main) ?? []);
  // The gesture's start and end, in CPU (the load changes it less than frames): the main thread's
  // tasks in the first 300 ms from the press, and from the release to 100 ms after it.
  const span = (from: number, to: number) => {
    const got = mainTasks.filter((t) => t.head.ts + t.head.dur! > from && t.head.ts < to).map((t) => cpu(t.head));
    return `${got.reduce((a, b) => a + b, 0).toFixed(1)} ms CPU, longest ${Math.max(0, ...got).toFixed(1)}`;
  };
  if (down && up)
    console.log(
      `  start (300 ms from the press): ${span(down.ts, down.ts + 300_000)}; end (100 ms from the release): ${span(up.ts, up.ts + 100_000)}`,
    );
  for (const [a, b] of gaps) {
    const from = toTrace + a * 1000;
    const to = toTrace + b * 1000;
    const overlapping = mainTasks.filter((t) => t.head.ts < to && t.head.ts + t.head.dur! > from && cpu(t.head) >= 1);
    const others: string[] = [];
    for (const [k, list] of byThread) {
      if (k === main) continue;
      let sum = 0;
      for (const t of tasks(list)) if (t.head.ts < to && t.head.ts + t.head.dur! > from) sum += cpu(t.head);
      if (sum >= 2) others.push(`${names.get(k) ?? k} ${sum.toFixed(0)}`);
    }
    console.log(
      `  gap ${(b - a).toFixed(1)} ms at +${(a - times[0]).toFixed(0)} ms; other threads ms: ${others.join(", ") || "-"}`,
    );
    for (const t of overlapping)
      console.log(
        `    main +${((t.head.ts - from) / 1000).toFixed(1)} cpu ${cpu(t.head).toFixed(1)} wall ${(t.head.dur! / 1000).toFixed(1)}: ${describe(t)}`,
      );
  }
}
