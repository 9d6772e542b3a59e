/**
 * Counts failures per key in a sliding window: after `max` failures within `windowMs`, the
 * key is blocked until the oldest failure leaves the window. In memory, per process.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const now = this.clock();
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list.length >= this.max ? list[0]! + this.windowMs - now : 0;
  }

  fail(key: string): void {
    const list = this.failures.get(key) ?? [];
    list.push(this.clock());
    this.failures.set(key, list);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
