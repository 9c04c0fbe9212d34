import { describe, expect, it } from 'vitest';
import { validatePrompt } from '../inference/engine/prompts.ts';
import { connectedComponents } from '../bench/eval/components.ts';
import { distanceTransform } from '../inference/engine/distance-transform.ts';
import {
  interiorPointPrompt,
  jitteredBox,
  objectSeed,
  pixelCentre,
} from '../bench/eval/prompts-from-truth.ts';

const bounds = { minX: 10, minY: 20, maxX: 29, maxY: 59 }; // 20 wide, 40 high

describe('jitteredBox', () => {
  it('without jitter is the exact pixel box [minX, minY, maxX + 1, maxY + 1]', () => {
    expect(jitteredBox(bounds, 100, 100, 0, 1)).toEqual({ x0: 10, y0: 20, x1: 30, y1: 60 });
  });

  it('pushes every side out by at most jitter × size, and each side independently', () => {
    const jitter = 0.25;
    const lefts = new Set<number>();
    let differentSides = false;
    for (let seed = 0; seed < 200; seed++) {
      const b = jitteredBox(bounds, 1000, 1000, jitter, seed);
      expect(b.x0).toBeLessThanOrEqual(10);
      expect(b.x0).toBeGreaterThanOrEqual(10 - jitter * 20);
      expect(b.x1).toBeGreaterThanOrEqual(30);
      expect(b.x1).toBeLessThanOrEqual(30 + jitter * 20);
      expect(b.y0).toBeLessThanOrEqual(20);
      expect(b.y0).toBeGreaterThanOrEqual(20 - jitter * 40);
      expect(b.y1).toBeGreaterThanOrEqual(60);
      expect(b.y1).toBeLessThanOrEqual(60 + jitter * 40);
      lefts.add(b.x0);
      if (Math.abs(10 - b.x0 - (b.x1 - 30)) > 1e-9) differentSides = true;
    }
    expect(lefts.size).toBeGreaterThan(150);
    expect(differentSides).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = jitteredBox(bounds, 100, 100, 0.2, 123);
    expect(jitteredBox(bounds, 100, 100, 0.2, 123)).toEqual(a);
    expect(jitteredBox(bounds, 100, 100, 0.2, 124)).not.toEqual(a);
  });

  it('clips to the image and stays a valid prompt', () => {
    const edge = { minX: 0, minY: 0, maxX: 9, maxY: 9 };
    for (let seed = 0; seed < 50; seed++) {
      const b = jitteredBox(edge, 10, 10, 0.5, seed);
      expect(b).toEqual({ x0: 0, y0: 0, x1: 10, y1: 10 });
      expect(() => validatePrompt({ points: [], box: b }, 10, 10)).not.toThrow();
    }
    const b = jitteredBox({ minX: 2, minY: 2, maxX: 7, maxY: 7 }, 10, 10, 5, 3);
    expect(b.x0).toBeGreaterThanOrEqual(0);
    expect(b.y1).toBeLessThanOrEqual(10);
  });

  it('rejects negative jitter', () => {
    expect(() => jitteredBox(bounds, 100, 100, -0.1, 0)).toThrow(RangeError);
  });
});

describe('objectSeed', () => {
  it('depends on both the run seed and the object key, deterministically', () => {
    const s = objectSeed(0, 'a.png#0');
    expect(objectSeed(0, 'a.png#0')).toBe(s);
    expect(objectSeed(1, 'a.png#0')).not.toBe(s);
    expect(objectSeed(0, 'a.png#1')).not.toBe(s);
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});

describe('interiorPointPrompt', () => {
  it('is the positive point at the centre of the max-distance pixel', () => {
    // An L shape: the thick foot holds the most interior pixel.
    const width = 12;
    const height = 12;
    const mask = new Uint8Array(width * height);
    for (let y = 1; y <= 10; y++) for (let x = 1; x <= 3; x++) mask[y * width + x] = 1;
    for (let y = 4; y <= 10; y++) for (let x = 1; x <= 10; x++) mask[y * width + x] = 1;
    const p = interiorPointPrompt(mask, width, height)!;
    expect(p.label).toBe('positive');
    const col = p.x - 0.5;
    const row = p.y - 0.5;
    const d = distanceTransform(mask, width, height);
    expect(d[row * width + col]).toBe(Math.max(...d));
    expect(d[row * width + col]).toBe(4);
    expect(() => validatePrompt({ points: [p] }, width, height)).not.toThrow();
  });

  it('agrees with a component from connectedComponents', () => {
    const width = 9;
    const labels = new Uint32Array(width * width);
    for (let y = 2; y <= 6; y++) for (let x = 2; x <= 6; x++) labels[y * width + x] = 3;
    const [c] = connectedComponents({ width, height: width, labels });
    const mask = new Uint8Array(width * width);
    for (const p of c!.pixels) mask[p] = 1;
    expect(interiorPointPrompt(mask, width, width)).toEqual({
      ...pixelCentre(4, 4),
      label: 'positive',
    });
  });

  it('is undefined for an empty mask', () => {
    expect(interiorPointPrompt(new Uint8Array(9), 3, 3)).toBeUndefined();
  });
});
