/**
 * The last frames the daemon received, by sequence number (pure). A prompt placed on a tablet names
 * the frame the user saw (`PromptSpec.frameSeq`); by the time it reaches the daemon, newer frames
 * have arrived and the anatomy has moved. The daemon seeds such a prompt on the frame it was placed
 * on, found here, and catches up through a few of the frames since (docs/tracking.md).
 */

export interface HistoryEntry<T> {
  readonly seq: number;
  readonly item: T;
}

export class FrameHistory<T> {
  private readonly entries: HistoryEntry<T>[] = [];

  /** The newest `capacity` frames are kept (the daemon keeps 24: about 0.8 s at 30 frames/s). */
  constructor(private readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  /**
   * Adds a frame. A sequence number at or below the newest one means the source restarted: what was
   * kept belongs to another stream and is dropped.
   */
  add(seq: number, item: T): void {
    const newest = this.entries.at(-1);
    if (newest !== undefined && seq <= newest.seq) this.entries.length = 0;
    this.entries.push({ seq, item });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The kept frame closest to `seq` (the earlier one on a tie), when one lies within `maxGap`
   * sequence numbers of it: the daemon receives only the newest frame when it is busy, so the exact
   * frame may be missing.
   */
  nearest(seq: number, maxGap: number): HistoryEntry<T> | undefined {
    let best: HistoryEntry<T> | undefined;
    for (const e of this.entries) {
      const gap = Math.abs(e.seq - seq);
      if (gap > maxGap) continue;
      if (best === undefined || gap < Math.abs(best.seq - seq)) best = e;
    }
    return best;
  }

  /**
   * At most `count` kept frames strictly between `afterSeq` and `beforeSeq`, evenly spread and in
   * order, the last of them the newest such frame.
   */
  between(afterSeq: number, beforeSeq: number, count: number): HistoryEntry<T>[] {
    const inside = this.entries.filter((e) => e.seq > afterSeq && e.seq < beforeSeq);
    if (count <= 0 || inside.length === 0) return [];
    if (inside.length <= count) return inside;
    const picked: HistoryEntry<T>[] = [];
    for (let k = 1; k <= count; k++) {
      picked.push(inside[Math.round((k * inside.length) / count) - 1]!);
    }
    return picked;
  }
}
