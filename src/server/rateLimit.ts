/** Token-bucket limiter keyed by client address. */
export interface BucketConfig {
  /** Burst size. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until one token is available (only when refused). */
  retryAfterSeconds: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly config: BucketConfig,
    private readonly now: () => number = Date.now,
    // Bound memory under address churn: past this many keys, full buckets are forgotten.
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string): RateLimitDecision {
    const t = this.now();
    const { capacity, refillPerSecond } = this.config;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: t };
    b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * refillPerSecond);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(key, b);
      if (this.buckets.size > this.maxKeys) this.prune();
      return { allowed: true, retryAfterSeconds: 0 };
    }
    this.buckets.set(key, b);
    const wait = refillPerSecond > 0 ? (1 - b.tokens) / refillPerSecond : 3600;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  private prune(): void {
    const t = this.now();
    const { capacity, refillPerSecond } = this.config;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * refillPerSecond >= capacity) this.buckets.delete(k);
    }
  }
}

/**
 * Reads a budget from the environment form `<burst>,<per-second>` (e.g. `20,0.333`): the
 * bucket size and its refill rate. Returns a message naming the problem for anything else.
 */
export function parseBucket(raw: string): BucketConfig | string {
  const m = /^\s*(\d+)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
  if (!m) return `expected "<burst>,<per-second>" such as "20,0.5", got ${JSON.stringify(raw)}`;
  const capacity = Number(m[1]);
  const refillPerSecond = Number(m[2]);
  if (capacity < 1 || capacity > 1_000_000) return `burst must be 1..1000000, got ${capacity}`;
  if (refillPerSecond <= 0 || refillPerSecond > 100_000)
    return `per-second must be above 0 and at most 100000, got ${refillPerSecond}`;
  return { capacity, refillPerSecond };
}

/**
 * One client hammering the limiter would otherwise write a log line per refused request (a
 * flood of its own): log the first refusal per key and window, then one line with the count.
 */
export class ThrottledLog {
  private readonly seen = new Map<string, { until: number; suppressed: number }>();
  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** null: stay quiet; otherwise log now, mentioning how many refusals went unlogged. */
  shouldLog(key: string): number | null {
    const t = this.now();
    const e = this.seen.get(key);
    if (e && t < e.until) {
      e.suppressed += 1;
      return null;
    }
    const suppressed = e?.suppressed ?? 0;
    this.seen.delete(key);
    this.seen.set(key, { until: t + this.windowMs, suppressed: 0 });
    if (this.seen.size > this.maxKeys) {
      for (const [k, v] of this.seen) if (v.until <= t || this.seen.size > this.maxKeys) this.seen.delete(k);
    }
    return suppressed;
  }
}
