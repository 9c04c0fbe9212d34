/**
 * The daemon's history of received frames, where a prompt placed on an earlier frame finds it.
 */
import { describe, expect, it } from 'vitest';
import { FrameHistory } from '../inference/daemon/frame-history.ts';

const filled = (seqs: number[], capacity = 8) => {
  const h = new FrameHistory<string>(capacity);
  for (const s of seqs) h.add(s, `f${s}`);
  return h;
};

describe('FrameHistory', () => {
  it('keeps the newest frames up to its capacity', () => {
    const h = filled([1, 2, 3, 4, 5], 3);
    expect(h.size).toBe(3);
    expect(h.nearest(2, 0)).toBeUndefined();
    expect(h.nearest(3, 0)?.item).toBe('f3');
    expect(h.nearest(5, 0)?.item).toBe('f5');
  });

  it('finds the frame asked for, or the closest one within the gap (the earlier on a tie)', () => {
    const h = filled([10, 12, 15, 16]);
    expect(h.nearest(12, 2)?.seq).toBe(12);
    expect(h.nearest(13, 2)?.seq).toBe(12); // 12 and 15: 12 is closer
    expect(h.nearest(11, 2)?.seq).toBe(10); // 10 and 12 tie: the earlier
    expect(h.nearest(14, 0)).toBeUndefined();
    expect(h.nearest(20, 2)).toBeUndefined();
  });

  it('forgets an old stream when sequence numbers restart (the source restarted)', () => {
    const h = filled([100, 101, 102]);
    h.add(0, 'new0');
    expect(h.size).toBe(1);
    expect(h.nearest(101, 5)).toBeUndefined();
    expect(h.nearest(0, 0)?.item).toBe('new0');
  });

  it('spreads the catch-up frames evenly between two frames, ending with the newest of them', () => {
    const h = filled([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 16);
    expect(h.between(1, 12, 3).map((e) => e.seq)).toEqual([4, 8, 11]);
    expect(h.between(1, 5, 5).map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(h.between(4, 5, 3)).toEqual([]);
    expect(h.between(1, 12, 0)).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new FrameHistory(0)).toThrow(RangeError);
    expect(() => new FrameHistory(2.5)).toThrow(RangeError);
  });
});
