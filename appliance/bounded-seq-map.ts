/**
 * A small map keyed by sequence number that keeps at most `capacity` entries: inserting into a
 * full map evicts the lowest sequence number (oldest frame loses), and the evictions are counted.
 */
export class BoundedSeqMap<T> {
  private readonly entries = new Map<number, T>();
  evicted = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(seq: number): T | undefined {
    return this.entries.get(seq);
  }

  has(seq: number): boolean {
    return this.entries.has(seq);
  }

  /** Returns what was evicted to make room (at most one entry), if anything. */
  set(seq: number, value: T): T | undefined {
    let evicted: T | undefined;
    if (!this.entries.has(seq) && this.entries.size >= this.capacity) {
      const oldest = this.minSeq();
      if (oldest !== undefined) {
        evicted = this.entries.get(oldest);
        this.entries.delete(oldest);
        this.evicted += 1;
      }
    }
    this.entries.set(seq, value);
    return evicted;
  }

  delete(seq: number): boolean {
    return this.entries.delete(seq);
  }

  /** Removes and returns the entries with seq < `seq`, oldest first. */
  takeBelow(seq: number): T[] {
    const out: [number, T][] = [];
    for (const [k, v] of this.entries) if (k < seq) out.push([k, v]);
    out.sort((a, b) => a[0] - b[0]);
    for (const [k] of out) this.entries.delete(k);
    return out.map(([, v]) => v);
  }

  /** Entries by ascending seq. */
  values(): T[] {
    return [...this.entries.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  minSeq(): number | undefined {
    let min: number | undefined;
    for (const k of this.entries.keys()) if (min === undefined || k < min) min = k;
    return min;
  }

  maxSeq(): number | undefined {
    let max: number | undefined;
    for (const k of this.entries.keys()) if (max === undefined || k > max) max = k;
    return max;
  }

  clear(): void {
    this.entries.clear();
  }
}
