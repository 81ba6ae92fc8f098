/** Small timing helpers shared by the bench sections. */
import os from "node:os";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";

export interface BudgetCheck {
  label: string;
  pass: boolean;
  actual: string;
  budget: string;
  /** The same figure for the baseline measured in the same run, and ours relative to it. */
  baseline?: string;
  ratio?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Median wall time of `fn` in milliseconds, after `warmup` unmeasured calls (JIT, caches).
 * Runs at least `runs` times and keeps going until `minMs` of samples were collected, so fast
 * functions get enough samples for a stable median.
 */
export function measure<T = void>(
  fn: (prepared: T) => unknown,
  {
    runs = 15,
    warmup = 5,
    minMs = 200,
    prepare,
  }: { runs?: number; warmup?: number; minMs?: number; prepare?: () => T } = {},
): { median: number; cpuMedian: number; runs: number } {
  // `prepare` runs before each sample, untimed (e.g. a fresh copy so no cache can help).
  for (let i = 0; i < warmup; i++) fn(prepare?.() as T);
  const samples: number[] = [];
  const cpu: number[] = [];
  let total = 0;
  while (samples.length < runs || (total < minMs && samples.length < 2000)) {
    const input = prepare?.() as T;
    const t = timeOnce(() => fn(input));
    samples.push(t.wall);
    cpu.push(t.cpu);
    total += t.wall;
  }
  return { median: median(samples), cpuMedian: median(cpu), runs: samples.length };
}

/**
 * One call's wall and process CPU time, in milliseconds. Process CPU time is less disturbed by
 * other processes on a busy machine than wall time, but it includes V8's helper threads
 * (concurrent GC), so it can exceed wall time.
 */
function timeOnce(fn: () => unknown): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const dc = process.cpuUsage(c0);
  return { wall, cpu: (dc.user + dc.system) / 1000 };
}

export interface PairedTiming {
  a: { median: number; cpuMedian: number };
  b: { median: number; cpuMedian: number };
  /** Medians of the per-pair ratios a / b, wall and CPU. */
  ratio: number;
  cpuRatio: number;
  runs: number;
}

/**
 * `a` and `b` timed in pairs, one right after the other and the order swapped each pair, so that
 * both meet the same moment of the load and the same collector: a major collection that one
 * figure's allocations set off falls on either side as often. Measured apart, a median of 15
 * cold compiles and one of 30 round trips taken after them moved ×1.05–×1.51 between runs a
 * minute apart on a quiet machine (docs/benchmarks.md#the-compiler). The judged figure is the
 * median of the per-pair ratios, not the ratio of the medians.
 */
export function measurePaired<T>(
  a: (prepared: T) => unknown,
  b: () => unknown,
  { runs, warmup = 5, prepare }: { runs: number; warmup?: number; prepare: () => T },
): PairedTiming {
  for (let i = 0; i < warmup; i++) {
    a(prepare());
    b();
  }
  const ta: { wall: number; cpu: number }[] = [];
  const tb: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const input = prepare();
    const timeA = () => ta.push(timeOnce(() => a(input)));
    const timeB = () => tb.push(timeOnce(b));
    for (const time of i % 2 ? [timeB, timeA] : [timeA, timeB]) time();
  }
  const side = (t: { wall: number; cpu: number }[]) => ({
    median: median(t.map((x) => x.wall)),
    cpuMedian: median(t.map((x) => x.cpu)),
  });
  return {
    a: side(ta),
    b: side(tb),
    ratio: median(ta.map((x, i) => x.wall / tb[i].wall)),
    cpuRatio: median(ta.map((x, i) => x.cpu / Math.max(tb[i].cpu, 1e-3))),
    runs,
  };
}

/**
 * Bytes `fn` allocates per call, averaged over `inputs`: the heap's growth between two full
 * collections plus what every collection in between freed (V8's GCProfiler). Unlike time, the
 * load does not change it. The inputs stay referenced to the end, so freeing them is not counted.
 * NaN without `node --expose-gc`.
 */
export function allocatedPerCall<T>(fn: (input: T) => unknown, inputs: readonly T[]): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || inputs.length === 0) return NaN;
  gc();
  const profiler = new v8.GCProfiler();
  const start = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  for (const input of inputs) fn(input);
  gc();
  const end = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const { beforeGC, afterGC } of profiler.stop().statistics)
    freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
  return (end - start + freed) / inputs.length;
}

/** One line about how busy the machine is, printed with the results so noisy numbers are recognisable. */
export function machineNote(): string {
  const load = os.loadavg()[0];
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return `node ${process.version}, ${cores} cores, load average ${load.toFixed(2)}${load > cores ? " (BUSY: wall-clock figures are inflated)" : ""}`;
}

export function table(rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(width[i])).join("  ");
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}

export const ms = (x: number) => `${x.toFixed(3)} ms`;

/** Command-line options every section receives. */
export interface BenchOptions {
  /** `--quick`: fewer sizes and runs, shorter load, for iterating; full mode is what budgets are judged on. */
  quick: boolean;
}
