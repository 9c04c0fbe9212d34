import { describe, expect, it } from 'vitest';
import { FrameRing } from '../capture/ring-buffer.ts';

const frame = (value: number, bytes = 4): Uint8Array => new Uint8Array(bytes).fill(value);

describe('capture ring buffer', () => {
  it('numbers writes from 0 and overwrites the oldest slot when full', () => {
    const ring = new FrameRing<{ tag: string }>({ capacity: 3, frameBytes: 4 });
    expect(ring.latest()).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(ring.write(frame(i), { tag: `f${i}` }).seq).toBe(i);
    expect(ring.range(0).map((e) => [e.seq, e.meta.tag, e.pixels[0]])).toEqual([
      [2, 'f2', 2],
      [3, 'f3', 3],
      [4, 'f4', 4],
    ]);
    expect(ring.get(1)).toBeUndefined();
    expect(ring.get(2)?.meta.tag).toBe('f2');
    expect(ring.get(5)).toBeUndefined();
  });

  it('copies the frame: later changes to the caller’s array do not reach the ring', () => {
    const ring = new FrameRing<number>({ capacity: 2, frameBytes: 4 });
    const pixels = frame(7);
    ring.write(pixels, 0);
    pixels.fill(9);
    expect([...(ring.latest()?.pixels ?? [])]).toEqual([7, 7, 7, 7]);
  });

  it('counts a slot overwritten before it was marked read, and only then', () => {
    const ring = new FrameRing<number>({ capacity: 3, frameBytes: 4 });
    for (let i = 0; i < 3; i++) ring.write(frame(i), i);
    expect(ring.markRead(0)).toBe(true);
    expect(ring.markRead(2)).toBe(true);
    // seq 3 overwrites seq 0 (read), seq 4 overwrites seq 1 (never read), seq 5 overwrites 2 (read)
    for (let i = 3; i < 6; i++) ring.write(frame(i), i);
    expect(ring.stats()).toEqual({ capacity: 3, written: 6, overwrittenUnread: 1 });
    expect(ring.markRead(1)).toBe(false);
    // 3, 4, 5 are unread: overwriting them all counts three more
    for (let i = 6; i < 9; i++) ring.write(frame(i), i);
    expect(ring.stats().overwrittenUnread).toBe(4);
  });

  it('latest() is the newest write; range(since) gives held frames from since, oldest first', () => {
    const ring = new FrameRing<number>({ capacity: 4, frameBytes: 2 });
    for (let i = 0; i < 10; i++) ring.write(frame(i, 2), i * 10);
    expect(ring.latest()?.seq).toBe(9);
    expect(ring.latest()?.meta).toBe(90);
    expect(ring.range(8).map((e) => e.seq)).toEqual([8, 9]);
    expect(ring.range(0).map((e) => e.seq)).toEqual([6, 7, 8, 9]);
    expect(ring.range(10)).toEqual([]);
    expect(ring.range(7.5).map((e) => e.seq)).toEqual([8, 9]);
  });

  it('allocates once: every slot is a view of the same buffer, reused as the ring wraps', () => {
    const ring = new FrameRing<number>({ capacity: 3, frameBytes: 8 });
    const first = ring.write(frame(1, 8), 0).pixels;
    const offsets = new Set<number>();
    for (let i = 1; i < 9; i++) {
      const { pixels } = ring.write(frame(i, 8), i);
      expect(pixels.buffer).toBe(first.buffer);
      expect(pixels.length).toBe(8);
      offsets.add(pixels.byteOffset);
    }
    expect(first.buffer.byteLength).toBe(3 * 8);
    expect([...offsets].sort((a, b) => a - b)).toEqual([0, 8, 16]);
    // the view handed out for seq 0 now shows seq 6, which took its slot
    expect(first[0]).toBe(6);
  });

  it('refuses frames of the wrong size and bad dimensions', () => {
    const ring = new FrameRing<number>({ capacity: 2, frameBytes: 4 });
    expect(() => ring.write(frame(0, 3), 0)).toThrow(RangeError);
    expect(() => new FrameRing<number>({ capacity: 0, frameBytes: 4 })).toThrow(RangeError);
    expect(() => new FrameRing<number>({ capacity: 2, frameBytes: 0 })).toThrow(RangeError);
  });
});
