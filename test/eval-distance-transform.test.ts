import { describe, expect, it } from 'vitest';
import { seededRandom } from '../capture/phantom/seeded-random.ts';
import {
  distanceTransform,
  farthestInteriorPixel,
  squaredDistanceTransform,
} from '../inference/engine/distance-transform.ts';

/** Brute force: squared distance to the nearest background pixel, the ring just outside the image included. */
function bruteForce(mask: Uint8Array, width: number, height: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      let best = Infinity;
      for (let by = -1; by <= height; by++) {
        for (let bx = -1; bx <= width; bx++) {
          const outside = bx < 0 || by < 0 || bx >= width || by >= height;
          if (!outside && mask[by * width + bx]) continue;
          best = Math.min(best, (bx - x) ** 2 + (by - y) ** 2);
        }
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

describe('squaredDistanceTransform', () => {
  it('matches brute force on random masks of several densities and shapes', () => {
    const rng = seededRandom(42);
    for (let trial = 0; trial < 40; trial++) {
      const width = rng.int(1, 23);
      const height = rng.int(1, 19);
      const density = [0.3, 0.7, 0.95, 1][trial % 4]!;
      const mask = new Uint8Array(width * height);
      for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < density ? 1 : 0;
      expect([...squaredDistanceTransform(mask, width, height)]).toEqual([
        ...bruteForce(mask, width, height),
      ]);
    }
  });

  it('treats the image border as boundary', () => {
    const d = distanceTransform(new Uint8Array(5 * 5).fill(1), 5, 5);
    expect(d[0]).toBe(1);
    expect(d[2 * 5 + 2]).toBe(3);
  });

  it('is 0 on background', () => {
    const mask = new Uint8Array([1, 0, 1]);
    expect([...squaredDistanceTransform(mask, 3, 1)]).toEqual([1, 0, 1]);
  });
});

describe('farthestInteriorPixel', () => {
  it('returns the pixel of maximal distance', () => {
    const rng = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const width = 17;
      const height = 13;
      const mask = new Uint8Array(width * height);
      for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < 0.8 ? 1 : 0;
      const d = distanceTransform(mask, width, height);
      const p = farthestInteriorPixel(mask, width, height)!;
      expect(mask[p.row * width + p.col]).toBe(1);
      expect(d[p.row * width + p.col]).toBe(Math.max(...d));
      expect(p.distance).toBe(Math.max(...d));
    }
  });

  it('picks the middle of a ridge of equal maxima', () => {
    // A 1-row bar 9 wide inside a 11 × 3 image: every bar pixel is at distance 1.
    const width = 11;
    const mask = new Uint8Array(width * 3);
    for (let x = 1; x <= 9; x++) mask[width + x] = 1;
    expect(farthestInteriorPixel(mask, width, 3)).toEqual({ col: 5, row: 1, distance: 1 });
  });

  it('is undefined for an empty mask', () => {
    expect(farthestInteriorPixel(new Uint8Array(4), 2, 2)).toBeUndefined();
  });
});
