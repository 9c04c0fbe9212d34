import { describe, expect, it } from 'vitest';
import { dice } from '../bench/eval/overlap-metrics.ts';
import { starShapedFit } from '../bench/eval/star-fit.ts';

const W = 120;
const H = 100;

/** Pixels whose centre lies within `r1` but not within `r0` of (cx, cy). */
function ring(cx: number, cy: number, r0: number, r1: number): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      if (d <= r1 && d > r0) m[y * W + x] = 1;
    }
  }
  return m;
}

const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

describe('starShapedFit', () => {
  it('returns a star-shaped object itself, from any centre inside it', () => {
    const disc = ring(60, 50, -1, 30);
    expect(starShapedFit(disc, W, H, { x: 60, y: 50 })).toEqual(disc);
    expect(starShapedFit(disc, W, H, { x: 45.5, y: 60.5 })).toEqual(disc);
  });

  it('keeps the hole of a ring tapped in its hole when the ring outweighs it, and scores it below 1', () => {
    const annulus = ring(60, 50, 12, 30); // area ≈ 2375 against a hole of ≈ 452
    const fit = starShapedFit(annulus, W, H, { x: 60, y: 50 });
    const filled = ring(60, 50, -1, 30);
    expect(fit).toEqual(filled);
    // A star-shaped mask around the hole's centre must take the hole with the ring.
    const d = dice(fit, annulus);
    expect(d).toBeCloseTo((2 * count(annulus)) / (count(annulus) + count(filled)), 6);
    expect(d).toBeLessThan(0.92);
  });

  it('leaves out a part behind more background than it holds: two pieces, tapped in one', () => {
    const near = ring(30, 50, -1, 15);
    const far = ring(95, 50, -1, 8); // 42 px of background before a chord of at most 16 px
    const both = near.map((v, i) => v | far[i]!);
    const fit = starShapedFit(both, W, H, { x: 30, y: 50 });
    expect(fit).toEqual(near);
    expect(dice(fit, both)).toBeCloseTo((2 * count(near)) / (count(near) + count(both)), 6);
  });

  it('returns an empty mask for an empty truth', () => {
    expect(count(starShapedFit(new Uint8Array(W * H), W, H, { x: 10, y: 10 }))).toBe(0);
  });
});
