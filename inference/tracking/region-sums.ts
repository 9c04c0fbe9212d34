/**
 * Summed-area tables over a rectangle of an image (pure): the sum of any axis-aligned rectangle in
 * O(1). Shared by the re-acquisition search (window appearance) and the motion estimate (speckle
 * smoothing).
 */

export interface Region {
  readonly x0: number;
  readonly y0: number;
  readonly w: number;
  readonly h: number;
}

export interface RegionSums {
  readonly region: Region;
  /** Sum over [ax, bx) × [ay, by), in region coordinates, clipped to the region. */
  sum(ax: number, ay: number, bx: number, by: number): number;
  /** Pixels of [ax, bx) × [ay, by) inside the region. */
  area(ax: number, ay: number, bx: number, by: number): number;
}

/**
 * The summed-area table of `values` (an image `width` pixels wide) over `region`, optionally of a
 * per-pixel function of them (e.g. 1 where a pixel is no echo).
 */
export function regionSums(
  values: Uint8Array,
  width: number,
  region: Region,
  of?: (value: number) => number,
): RegionSums {
  const { x0, y0, w, h } = region;
  const stride = w + 1;
  const table = new Float64Array(stride * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    const src = (y0 + y) * width + x0;
    for (let x = 0; x < w; x++) {
      const v = values[src + x]!;
      row += of ? of(v) : v;
      const at = (y + 1) * stride + x + 1;
      table[at] = table[at - stride]! + row;
    }
  }
  const clipX = (x: number) => Math.max(0, Math.min(w, x));
  const clipY = (y: number) => Math.max(0, Math.min(h, y));
  return {
    region,
    sum: (ax, ay, bx, by) => {
      const [cx0, cy0, cx1, cy1] = [clipX(ax), clipY(ay), clipX(bx), clipY(by)];
      return (
        table[cy1 * stride + cx1]! -
        table[cy0 * stride + cx1]! -
        table[cy1 * stride + cx0]! +
        table[cy0 * stride + cx0]!
      );
    },
    area: (ax, ay, bx, by) => (clipX(bx) - clipX(ax)) * (clipY(by) - clipY(ay)),
  };
}
