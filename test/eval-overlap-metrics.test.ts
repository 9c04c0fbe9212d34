import { describe, expect, it } from 'vitest';
import { dice, iou, overlapCounts } from '../bench/eval/overlap-metrics.ts';

const m = (...v: number[]): Uint8Array => new Uint8Array(v);

describe('dice and iou', () => {
  it('score partial overlap', () => {
    const p = m(1, 1, 1, 0, 0, 0);
    const t = m(0, 1, 1, 1, 1, 0);
    expect(overlapCounts(p, t)).toEqual({ intersection: 2, predicted: 3, truth: 4 });
    expect(dice(p, t)).toBeCloseTo(4 / 7, 12);
    expect(iou(p, t)).toBeCloseTo(2 / 5, 12);
  });

  it('are 1 for identical masks and treat any non-zero value as foreground', () => {
    expect(dice(m(0, 1, 1), m(0, 255, 1))).toBe(1);
    expect(iou(m(0, 1, 1), m(0, 1, 1))).toBe(1);
  });

  it('are 0 for an empty prediction of a non-empty truth, and for disjoint masks', () => {
    expect(dice(m(0, 0, 0), m(0, 1, 0))).toBe(0);
    expect(iou(m(0, 0, 0), m(0, 1, 0))).toBe(0);
    expect(dice(m(1, 0, 0), m(0, 0, 1))).toBe(0);
  });

  it('are 1 when both are empty', () => {
    expect(dice(m(0, 0), m(0, 0))).toBe(1);
    expect(iou(m(0, 0), m(0, 0))).toBe(1);
  });

  it('reject masks of different sizes', () => {
    expect(() => dice(m(1), m(1, 0))).toThrow(RangeError);
  });
});
