/**
 * The seeded generator behind wildcard draws. Hand-written on purpose: the sequence a seed gives is
 * part of what a batch records (docs/batches.md#seeds), so it must never change with a library
 * upgrade. mulberry32 is small, fast and well studied; its 32-bit state is plenty for picking lines.
 */
export interface Random {
  /** A whole number in [0, n). */
  int(n: number): number;
  /** `k` different indices of [0, n), in the order drawn. */
  sample(n: number, k: number): number[];
}

/** Any number is a usable seed: it is folded to 32 bits. */
export function createRandom(seed: number): Random {
  let a = Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => (n > 0 ? Math.floor(next() * n) : 0);
  return {
    int,
    sample(n, k) {
      // A partial Fisher–Yates shuffle: the first k of a random permutation.
      const pool = Array.from({ length: n }, (_, i) => i);
      const out: number[] = [];
      for (let i = 0; i < Math.min(k, n); i++) {
        const j = i + int(n - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
        out.push(pool[i]);
      }
      return out;
    },
  };
}

/**
 * The seed of run `index` of a batch seeded `batchSeed`. Each run draws from its own stream, so a
 * run's values do not depend on the order runs finish in, on concurrency, or on a resume.
 */
export function runSeed(batchSeed: number, index: number): number {
  let h = (Math.trunc(batchSeed) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
