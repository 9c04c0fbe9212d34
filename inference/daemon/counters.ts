/** The daemon's counters, as published in every masks and status message. */
import type { DaemonStats } from '../protocol/messages.ts';

export class DaemonCounters {
  framesReceived = 0;
  framesProcessed = 0;
  framesSkippedStale = 0;
  ticksOverrun = 0;
  encodeRateHz = 0;
  private lastEncodeNs: bigint | undefined;

  encoded(nowNs: bigint): void {
    if (this.lastEncodeNs !== undefined) {
      const hz = 1e9 / Number(nowNs - this.lastEncodeNs);
      this.encodeRateHz =
        this.encodeRateHz === 0 ? hz : this.encodeRateHz + 0.1 * (hz - this.encodeRateHz);
    }
    this.lastEncodeNs = nowNs;
  }

  snapshot(): DaemonStats {
    return {
      framesReceived: this.framesReceived,
      framesProcessed: this.framesProcessed,
      framesSkippedStale: this.framesSkippedStale,
      ticksOverrun: this.ticksOverrun,
      encodeRateHz: Math.round(this.encodeRateHz * 10) / 10,
    };
  }
}
