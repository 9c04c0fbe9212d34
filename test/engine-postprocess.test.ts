import { describe, expect, it } from 'vitest';
import {
  fillHoles,
  keepPromptedComponents,
  labelComponents,
} from '../inference/engine/postprocess.ts';
import { resizePlane, upsampleToMask } from '../inference/engine/resample.ts';
import { seededRandom } from '../capture/phantom/seeded-random.ts';

const grid = (rows: string[]) =>
  Float32Array.from(rows.join('').split(''), (c) => (c === '#' ? 5 : -5));
const text = (l: Float32Array, w: number) =>
  Array.from({ length: l.length / w }, (_, y) =>
    Array.from(l.subarray(y * w, (y + 1) * w), (v) => (v > 0 ? '#' : '.')).join(''),
  );

describe('mask clean-up on the logit grid', () => {
  it('labels 4-connected components', () => {
    // ##..#
    // ..#.#   the diagonal neighbour does not join: three components
    const fg = Uint8Array.from('##..#..#.#'.split(''), (c) => (c === '#' ? 1 : 0));
    const { labels, count } = labelComponents(fg, 5, 2);
    expect(count).toBe(3);
    expect(labels[4]).toBe(labels[9]);
    expect(labels[1]).not.toBe(labels[7]);
  });

  it('keeps the component a positive point touches, else the largest', () => {
    const l = grid(['##...', '##..#', '....#']);
    keepPromptedComponents(l, 5, 3, 0, [{ x: 4.5, y: 2.5 }]);
    expect(text(l, 5)).toEqual(['.....', '....#', '....#']);
    const m = grid(['##...', '##..#', '....#']);
    keepPromptedComponents(m, 5, 3, 0, []);
    expect(text(m, 5)).toEqual(['##...', '##...', '.....']);
  });

  it('fills enclosed holes but not background touching the border', () => {
    const l = grid(['#####', '#..#.', '#####']);
    fillHoles(l, 5, 3, 0);
    expect(text(l, 5)).toEqual(['#####', '####.', '#####']);
  });
});

describe('resampling', () => {
  it('span-filled mask upsampling equals plain bilinear thresholding', () => {
    const rnd = seededRandom(9);
    const lw = 16;
    const lh = 12;
    const dense = Float32Array.from({ length: lw * lh }, () => rnd.normal());
    // A small object on a background grid: most rows and spans hold no foreground at all.
    const sparse = Float32Array.from({ length: lw * lh }, (_, i) => {
      const gx = i % lw;
      const gy = Math.floor(i / lw);
      return 3 - Math.hypot(gx - 6.3, gy - 4.8) + 0.3 * rnd.normal();
    });
    const W = 53;
    const H = 37;
    const vw = 13.5;
    const vh = 10.25;
    for (const low of [dense, sparse]) {
      const fast = upsampleToMask(low, lw, lh, vw, vh, W, H, 0.1);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const gx = Math.min(Math.max((x + 0.5) * (vw / W) - 0.5, 0), lw - 1);
          const gy = Math.min(Math.max((y + 0.5) * (vh / H) - 0.5, 0), lh - 1);
          const x0 = Math.floor(gx);
          const y0 = Math.floor(gy);
          const x1 = Math.min(x0 + 1, lw - 1);
          const y1 = Math.min(y0 + 1, lh - 1);
          const fx = gx - x0;
          const fy = gy - y0;
          const at = (i: number, j: number) => low[j * lw + i]!;
          const v =
            (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) +
            (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
          const expected = v > 0.1 ? 1 : 0;
          if (Math.abs(v - 0.1) > 1e-5) expect(fast[y * W + x], `pixel ${x},${y}`).toBe(expected);
        }
      }
    }
  });

  it('downscaling preserves the mean of a plane', () => {
    const src = Float32Array.from({ length: 40 * 30 }, (_, i) => (i * 37) % 101);
    const out = resizePlane(src, 40, 30, 13, 7);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 0);
  });
});
