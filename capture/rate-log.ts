/**
 * The periodic status line of the capture service (pure): every `intervalNs` it turns counters
 * into one line with the frame rate and the mean production time over the interval.
 */

export interface CaptureCounters {
  /** Frames published since start (= the next seq). */
  readonly framesPublished: number;
  /** Ticks skipped because producing a frame fell more than one period behind. */
  readonly framesDropped: number;
  /** Ring slots overwritten before the publisher sent them. */
  readonly overwrittenUnread: number;
}

export class RateLog {
  private lastNs: bigint;
  private lastPublished = 0;
  private produceNsSum = 0n;
  private produceCount = 0;

  constructor(
    startNs: bigint,
    private readonly intervalNs: bigint = 5_000_000_000n,
  ) {
    this.lastNs = startNs;
  }

  /** Records how long one frame took from its tick to being sent, ns. */
  recordProduce(ns: bigint): void {
    this.produceNsSum += ns;
    this.produceCount += 1;
  }

  /** A status line when the interval is over (and starts the next one), else undefined. */
  lineAt(nowNs: bigint, counters: CaptureCounters): string | undefined {
    const elapsedNs = nowNs - this.lastNs;
    if (elapsedNs < this.intervalNs) return undefined;
    const fps = ((counters.framesPublished - this.lastPublished) * 1e9) / Number(elapsedNs);
    const produceMs =
      this.produceCount === 0 ? 0 : Number(this.produceNsSum) / this.produceCount / 1e6;
    this.lastNs = nowNs;
    this.lastPublished = counters.framesPublished;
    this.produceNsSum = 0n;
    this.produceCount = 0;
    return (
      `capture: ${fps.toFixed(1)} fps, produce ${produceMs.toFixed(2)} ms/frame, ` +
      `published ${counters.framesPublished}, dropped ${counters.framesDropped}, ` +
      `overwritten unread ${counters.overwrittenUnread}`
    );
  }
}
