/**
 * How many cases a property test tries (docs/benchmarks.md#the-unit-suite).
 *
 * `npm test` runs the everyday count: enough to find what a change breaks, cheap enough that the
 * whole suite stays well inside CI's cap on a busy 2-core machine. `npm run test:deep` sets
 * TEST_DEEP=1 and runs the deep count, for a nightly run or before changing a parser, where a
 * rare shape is worth minutes. A property whose input space is small keeps one count for both.
 */
export const DEEP = process.env.TEST_DEEP === "1";

/** `everyday` cases in `npm test`, `deep` in `npm run test:deep`. */
export function propertyRuns(everyday: number, deep: number): number {
  return DEEP ? deep : everyday;
}
