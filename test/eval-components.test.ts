import { describe, expect, it } from 'vitest';
import { componentMask, connectedComponents, type LabelImage } from '../bench/eval/components.ts';

/** Rows of digits/letters; '.' is 0, digits are their value, letters a=10, b=11, … */
function labelsFrom(rows: string[]): LabelImage {
  const height = rows.length;
  const width = rows[0]!.length;
  const labels = new Uint32Array(width * height);
  rows.forEach((r, y) => {
    for (let x = 0; x < width; x++) {
      const ch = r[x]!;
      labels[y * width + x] = ch === '.' ? 0 : parseInt(ch, 36);
    }
  });
  return { width, height, labels };
}

describe('connectedComponents', () => {
  it('joins diagonal neighbours (8-connectivity)', () => {
    const cs = connectedComponents(labelsFrom(['1...', '.1..', '..1.', '...1']), {
      minAreaFraction: 0,
    });
    expect(cs).toHaveLength(1);
    expect(cs[0]).toMatchObject({ label: 1, area: 4, minX: 0, minY: 0, maxX: 3, maxY: 3 });
    expect([...cs[0]!.pixels]).toEqual([0, 5, 10, 15]);
  });

  it('keeps a ring with a hole as one component and leaves the hole out', () => {
    const cs = connectedComponents(labelsFrom(['.....', '.111.', '.1.1.', '.111.', '.....']), {
      minAreaFraction: 0,
    });
    expect(cs).toHaveLength(1);
    expect(cs[0]!.area).toBe(8);
    const mask = componentMask(cs[0]!, 5, 5);
    expect(mask[2 * 5 + 2]).toBe(0);
    expect(mask[1 * 5 + 1]).toBe(1);
  });

  it('separates label values even when they touch, and orders by label then raster order', () => {
    const cs = connectedComponents(labelsFrom(['22..1', '22..1', '11...', '.....', '2...2']), {
      minAreaFraction: 0,
    });
    expect(cs.map((c) => [c.label, c.area, c.minX, c.minY])).toEqual([
      [1, 2, 4, 0],
      [1, 2, 0, 2],
      [2, 4, 0, 0],
      [2, 1, 0, 4],
      [2, 1, 4, 4],
    ]);
  });

  it('handles large label values such as 255 and 0xRRGGBB', () => {
    const img: LabelImage = { width: 3, height: 1, labels: new Uint32Array([255, 0, 0xff0000]) };
    expect(connectedComponents(img, { minAreaFraction: 0 }).map((c) => c.label)).toEqual([
      255, 0xff0000,
    ]);
  });

  it('drops components smaller than 0.1 % of the image by default', () => {
    // 100 × 100 image: the threshold is 10 pixels.
    const width = 100;
    const labels = new Uint32Array(width * width);
    const fill = (x0: number, n: number, v: number): void => {
      for (let i = 0; i < n; i++) labels[50 * width + x0 + i] = v;
    };
    fill(0, 10, 1); // exactly 0.1 %: kept
    fill(20, 9, 1); // below: dropped
    fill(40, 30, 7); // kept
    fill(80, 3, 9); // dropped, and its label disappears entirely
    const cs = connectedComponents({ width, height: width, labels });
    expect(cs.map((c) => [c.label, c.area])).toEqual([
      [1, 10],
      [7, 30],
    ]);
    expect(
      connectedComponents({ width, height: width, labels }, { minAreaFraction: 0 }),
    ).toHaveLength(4);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => connectedComponents({ width: 3, height: 3, labels: new Uint32Array(8) })).toThrow(
      RangeError,
    );
  });
});
