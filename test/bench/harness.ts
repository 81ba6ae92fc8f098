/** Small timing helpers shared by the bench sections. */
import { performance } from "node:perf_hooks";

export interface BudgetCheck {
  label: string;
  pass: boolean;
  actual: string;
  budget: string;
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
export function measure(fn: () => unknown, { runs = 15, warmup = 5, minMs = 200 } = {}): { median: number; runs: number } {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  let total = 0;
  while (samples.length < runs || (total < minMs && samples.length < 2000)) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    samples.push(dt);
    total += dt;
  }
  return { median: median(samples), runs: samples.length };
}

export function table(rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(width[i])).join("  ");
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}

export const ms = (x: number) => `${x.toFixed(3)} ms`;
