/**
 * Estimates the offset between the tablet's clock and the appliance's monotonic clock from
 * ping/pong round trips, as NTP does: offset = server − (sent + received) / 2, taken from the
 * sample with the shortest round trip among the last few (the least queueing). Pure.
 */
export interface ClockSample {
  readonly sentMs: number;
  readonly receivedMs: number;
  readonly serverMs: number;
}

export class ClockOffset {
  private readonly samples: ClockSample[] = [];

  constructor(private readonly keep = 16) {}

  add(sample: ClockSample): void {
    if (!(sample.receivedMs >= sample.sentMs)) return;
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
  }

  /** Server ms − client ms, from the best sample; null before any. */
  offsetMs(): number | null {
    const best = this.best();
    return best === null ? null : best.serverMs - (best.sentMs + best.receivedMs) / 2;
  }

  /** Round trip of the sample the offset comes from (its uncertainty is half of this). */
  rttMs(): number | null {
    const best = this.best();
    return best === null ? null : best.receivedMs - best.sentMs;
  }

  private best(): ClockSample | null {
    let best: ClockSample | null = null;
    for (const s of this.samples) {
      if (best === null || s.receivedMs - s.sentMs < best.receivedMs - best.sentMs) best = s;
    }
    return best;
  }
}
