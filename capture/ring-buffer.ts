/**
 * Policy: a fixed ring of `capacity` frame slots allocated once, where every write succeeds by
 * overwriting the oldest slot, and a slot overwritten before it was marked read is counted as
 * "overwritten unread" (pure: no I/O, no timers).
 */

export interface RingEntry<M> {
  /** Sequence number given by the ring at write time: 0, 1, 2, … */
  readonly seq: number;
  readonly meta: M;
  /**
   * The slot's bytes (a view, not a copy): valid until the ring wraps onto this slot, i.e. until
   * frame seq + capacity is written. Copy what must outlive that.
   */
  readonly pixels: Uint8Array;
}

export interface RingStats {
  readonly capacity: number;
  readonly written: number;
  readonly overwrittenUnread: number;
}

export class FrameRing<M> {
  readonly capacity: number;
  readonly frameBytes: number;
  private readonly storage: Uint8Array;
  private readonly metas: (M | undefined)[];
  private readonly unread: Uint8Array;
  private nextSeq = 0;
  private overwrittenUnreadCount = 0;

  constructor(options: { capacity: number; frameBytes: number }) {
    const { capacity, frameBytes } = options;
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('ring capacity < 1');
    if (!Number.isSafeInteger(frameBytes) || frameBytes < 1) throw new RangeError('frameBytes < 1');
    this.capacity = capacity;
    this.frameBytes = frameBytes;
    this.storage = new Uint8Array(capacity * frameBytes);
    this.metas = new Array<M | undefined>(capacity).fill(undefined);
    this.unread = new Uint8Array(capacity);
  }

  /** Copies `pixels` (exactly frameBytes) into the next slot, overwriting the oldest frame. */
  write(pixels: Uint8Array, meta: M): RingEntry<M> {
    if (pixels.length !== this.frameBytes) {
      throw new RangeError(`ring: frame of ${pixels.length} bytes, slots hold ${this.frameBytes}`);
    }
    const seq = this.nextSeq++;
    const i = seq % this.capacity;
    if (this.unread[i]) this.overwrittenUnreadCount += 1;
    const slot = this.slot(i);
    slot.set(pixels);
    this.metas[i] = meta;
    this.unread[i] = 1;
    return { seq, meta, pixels: slot };
  }

  /** Marks frame `seq` as read (sent); false when it is no longer in the ring. */
  markRead(seq: number): boolean {
    if (!this.holds(seq)) return false;
    this.unread[seq % this.capacity] = 0;
    return true;
  }

  /** The newest frame, or undefined before the first write. */
  latest(): RingEntry<M> | undefined {
    return this.entry(this.nextSeq - 1);
  }

  /** Frame `seq` while the ring still holds it. */
  get(seq: number): RingEntry<M> | undefined {
    return this.entry(seq);
  }

  /** The frames still held with seq ≥ `sinceSeq`, oldest first (recording pre-roll). */
  range(sinceSeq: number): RingEntry<M>[] {
    const from = Math.max(Math.ceil(sinceSeq), this.nextSeq - this.capacity, 0);
    const out: RingEntry<M>[] = [];
    for (let seq = from; seq < this.nextSeq; seq++) {
      const e = this.entry(seq);
      if (e) out.push(e);
    }
    return out;
  }

  stats(): RingStats {
    return {
      capacity: this.capacity,
      written: this.nextSeq,
      overwrittenUnread: this.overwrittenUnreadCount,
    };
  }

  private holds(seq: number): boolean {
    return (
      Number.isSafeInteger(seq) &&
      seq >= 0 &&
      seq < this.nextSeq &&
      seq >= this.nextSeq - this.capacity
    );
  }

  private entry(seq: number): RingEntry<M> | undefined {
    if (!this.holds(seq)) return undefined;
    const i = seq % this.capacity;
    const meta = this.metas[i];
    return meta === undefined ? undefined : { seq, meta, pixels: this.slot(i) };
  }

  /** Slot i: a view of the one buffer allocated at construction. */
  private slot(i: number): Uint8Array {
    return this.storage.subarray(i * this.frameBytes, (i + 1) * this.frameBytes);
  }
}
