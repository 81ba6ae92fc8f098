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
