import { describe, expect, it } from 'vitest';
import {
  discMask,
  equivalentRadius,
  inscribedEllipseMask,
  medianEquivalentRadius,
} from '../bench/eval/prior-baselines.ts';

const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

describe('inscribedEllipseMask', () => {
  it('fills about π/4 of its box, stays inside it and is symmetric', () => {
    const width = 120;
    const height = 80;
    const box = { x0: 10, y0: 10, x1: 110, y1: 70 }; // 100 × 60
    const mask = inscribedEllipseMask(box, width, height);
    expect(count(mask) / (100 * 60)).toBeCloseTo(Math.PI / 4, 2);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = mask[y * width + x]!;
        if (x < 10 || x >= 110 || y < 10 || y >= 70) expect(v).toBe(0);
        expect(v).toBe(mask[y * width + (119 - x)]); // mirror about x = 60
        expect(v).toBe(mask[(79 - y) * width + x]); // mirror about y = 40
      }
    }
    expect(mask[40 * width + 60]).toBe(1); // centre
    expect(mask[40 * width + 10]).toBe(1); // left tip
    expect(mask[10 * width + 10]).toBe(0); // box corner
  });

  it('covers a single-pixel box with that pixel', () => {
    const mask = inscribedEllipseMask({ x0: 2, y0: 1, x1: 3, y1: 2 }, 4, 3);
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('handles fractional boxes (jittered) without leaving the image', () => {
    const mask = inscribedEllipseMask({ x0: 0, y0: 0.3, x1: 7.6, y1: 5 }, 8, 5);
    expect(mask[2 * 8 + 3]).toBe(1); // centre (3.8, 2.65)
    expect(mask[0]).toBe(0); // top-left corner
    expect(mask[4 * 8 + 7]).toBe(0); // bottom-right corner
    expect(count(mask)).toBeGreaterThan(20);
  });
});

describe('discMask and the median equivalent radius', () => {
  it('draws a disc of about π r² pixels around the point', () => {
    const mask = discMask(50, 50, 20, 100, 100);
    expect(count(mask) / (Math.PI * 400)).toBeCloseTo(1, 1);
    expect(mask[49 * 100 + 49]).toBe(1);
    expect(mask[49 * 100 + 71]).toBe(0);
  });

  it('is clipped at the image border', () => {
    const mask = discMask(0.5, 0.5, 3, 10, 10);
    expect(count(mask)).toBeGreaterThan(0);
    expect(count(mask)).toBeLessThan((Math.PI * 9) / 2);
  });

  it('uses √(area/π) and the median over objects', () => {
    expect(equivalentRadius(Math.PI * 25)).toBeCloseTo(5, 12);
    expect(medianEquivalentRadius([Math.PI, Math.PI * 100, Math.PI * 9])).toBeCloseTo(3, 12);
  });
});
