/**
 * A compile can run in steps (a generator that yields between bounded pieces of work) so an editor
 * can spread the first check of a big document over several frames; everything else runs it to
 * the end at once.
 */

/** Work done a piece at a time: each `next()` does a bounded piece; the last returns the result. */
export type Steps<T> = Generator<void, T, void>;

/** Nodes checked or walked between two yields: ~1–3 ms of work on a busy 2-core machine. */
export const NODES_PER_STEP = 256;

/** Runs `steps` to the end and returns its result. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
