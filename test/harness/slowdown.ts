/**
 * Time bounds in unit tests that must hold on a busy machine (CI must pass beside other work).
 *
 * A time bound in a unit test guards against a hang or a blow-up (a quadratic walk at the node
 * cap), not against being a little slower: speed itself is judged by `npm run bench`, as a ratio
 * to a baseline measured in the same run. Beside 25 runnable processes on 2 cores each one gets
 * about a twelfth of a core: IMP-05's 5,000-node load took 0.6 s alone and 5.9 s at load 25, so a
 * fixed bound judges the neighbours instead of the code. Bounds are
 * therefore given for an idle machine and multiplied by the slowdown seen while the step ran.
 */
import { availableParallelism, loadavg } from "node:os";

/** How many times slower than alone CPU-bound work runs now: the 1-minute load per core, at least 1. */
export function slowdown(): number {
  return Math.max(1, loadavg()[0] / availableParallelism());
}

export interface Timed<T> {
  value: T;
  /** Wall time of the step, in ms. */
  took: number;
  /** `idleMs` × the larger slowdown of before and after the step (the load average lags). */
  bound: number;
  /** "took 812 ms; bound 4000 ms × 1.0 (load 1.9 on 2 cores)", for the assertion's message. */
  note: string;
}

/** Runs `step` once and says how long it took against a bound of `idleMs` on an idle machine. */
export function timed<T>(idleMs: number, step: () => T): Timed<T> {
  const before = slowdown();
  const t0 = performance.now();
  const value = step();
  const took = performance.now() - t0;
  const factor = Math.max(before, slowdown());
  const load = loadavg()[0].toFixed(1);
  const note = `took ${took.toFixed(0)} ms; bound ${idleMs} ms × ${factor.toFixed(1)} (load ${load} on ${availableParallelism()} cores)`;
  return { value, took, bound: idleMs * factor, note };
}

/**
 * vitest's timeout for every test (vite.config.ts): a hang guard, never a speed check. The
 * slowest unit tests take 2-5 s alone and ran 12-25× slower at load 25 on 2 cores (a 1.9 s
 * property test took 43 s), so 30 s failed tests that were only waiting for a core.
 */
export const TEST_TIMEOUT_MS = 120_000;

/**
 * A timeout for a step or test that takes `idleMs` alone: ×25 covers a machine at load 25 on
 * 2 cores; never under vitest's own timeout for every test.
 */
export const hangGuard = (idleMs: number) => Math.max(TEST_TIMEOUT_MS, idleMs * 25);
