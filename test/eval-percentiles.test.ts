import { describe, expect, it } from 'vitest';
import { mean, median, percentile, summarize } from '../bench/eval/percentiles.ts';

describe('percentile (nearest rank)', () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]; // 1..10 unsorted

  it('returns observed values at rank ⌈p·n⌉', () => {
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 51)).toBe(6);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([3, 1, 2], 50)).toBe(2);
  });

  it('does not reorder its input', () => {
    const copy = [...values];
    percentile(values, 90);
    expect(values).toEqual(copy);
  });

  it('summarizes p50/p95/p99/max, NaN when empty', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(hundred)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });

  it('rejects p outside [0, 100]', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('median and mean', () => {
  it('median averages the middle pair for an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([9, 1, 5])).toBe(5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('mean', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(Number.isNaN(mean([]))).toBe(true);
  });
});
