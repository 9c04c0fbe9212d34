/**
 * Event rate over a sliding time window, from a fixed ring of arrival times (bounded memory; the
 * oldest arrival is overwritten). Pure: the caller passes the clock.
 */
export class RateMeter {
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    private readonly windowMs = 2000,
    capacity = 256,
  ) {
    this.times = new Float64Array(capacity);
  }

  record(nowMs: number): void {
    this.times[this.next] = nowMs;
    this.next = (this.next + 1) % this.times.length;
    this.count = Math.min(this.count + 1, this.times.length);
  }

  /** Events per second among the arrivals within the window; 0 with fewer than two. */
  rateHz(nowMs: number): number {
    let first = Infinity;
    let last = -Infinity;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const t = this.times[i] ?? 0;
      if (t <= nowMs - this.windowMs || t > nowMs) continue;
      n += 1;
      if (t < first) first = t;
      if (t > last) last = t;
    }
    if (n < 2 || last <= first) return 0;
    return ((n - 1) * 1000) / (last - first);
  }
}
