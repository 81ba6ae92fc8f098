interface Deadline {
  at: number;
  onExpire: () => void;
}

/**
 * Upstream header deadlines. They all have the same length, so they expire in the order they
 * were set: one timer aimed at the oldest replaces a setTimeout/clearTimeout pair per request.
 */
export class Deadlines {
  private readonly pending = new Set<Deadline>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private readonly ms: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(onExpire: () => void): Deadline {
    const d = { at: this.now() + this.ms, onExpire };
    this.pending.add(d);
    if (this.timer === null) this.arm(this.ms);
    return d;
  }

  cancel(d: Deadline): void {
    this.pending.delete(d);
  }

  private arm(delay: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), delay);
    // The requests waiting on it keep the process alive, not the timer.
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = null;
    const now = this.now();
    for (const d of this.pending) {
      if (d.at > now) return this.arm(d.at - now);
      this.pending.delete(d);
      d.onExpire();
    }
  }
}
