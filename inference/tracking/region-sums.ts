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
 * The summed-area table of `values` (an image `width` pixels wide) over `region`, or, with
 * `atOrBelow`, of the indicator "value ≤ atOrBelow" (e.g. 1 where a pixel has no echo).
 */
export function regionSums(
  values: Uint8Array,
  width: number,
  region: Region,
  atOrBelow?: number,
): RegionSums {
  const { w, h } = region;
  const stride = w + 1;
  const table = summedTable(values, width, region, atOrBelow);
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

/** The table itself: (w + 1) × (h + 1), a zero row and column first. Sums of bytes are exact. */
function summedTable(
  values: Uint8Array,
  width: number,
  region: Region,
  atOrBelow?: number,
): Float64Array {
  const { x0, y0, w, h } = region;
  const stride = w + 1;
  const table = new Float64Array(stride * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    const src = (y0 + y) * width + x0;
    const at = (y + 1) * stride + 1;
    // Two loops rather than a test per pixel: this runs over whole search regions every frame.
    if (atOrBelow === undefined) {
      for (let x = 0; x < w; x++) {
        row += values[src + x]!;
        table[at + x] = table[at + x - stride]! + row;
      }
    } else {
      for (let x = 0; x < w; x++) {
        if (values[src + x]! <= atOrBelow) row++;
        table[at + x] = table[at + x - stride]! + row;
      }
    }
  }
  return table;
}

/**
 * Box-filtered values over `region` (row-major, region.w × region.h): the mean over the
 * (2·radius + 1)² window around each pixel, clipped to the image (`width` × `height`).
 */
export function boxMeans(
  values: Uint8Array,
  width: number,
  height: number,
  region: Region,
  radius: number,
): Float32Array {
  const gx0 = Math.max(0, region.x0 - radius);
  const gy0 = Math.max(0, region.y0 - radius);
  const gw = Math.min(width, region.x0 + region.w + radius) - gx0;
  const gh = Math.min(height, region.y0 + region.h + radius) - gy0;
  const table = summedTable(values, width, { x0: gx0, y0: gy0, w: gw, h: gh });
  const stride = gw + 1;
  const out = new Float32Array(region.w * region.h);
  for (let y = 0; y < region.h; y++) {
    const ay = Math.max(0, Math.min(gh, region.y0 + y - radius - gy0));
    const by = Math.max(0, Math.min(gh, region.y0 + y + radius + 1 - gy0));
    const top = ay * stride;
    const bottom = by * stride;
    const rows = by - ay;
    for (let x = 0; x < region.w; x++) {
      const ax = Math.max(0, Math.min(gw, region.x0 + x - radius - gx0));
      const bx = Math.max(0, Math.min(gw, region.x0 + x + radius + 1 - gx0));
      const sum = table[bottom + bx]! - table[top + bx]! - table[bottom + ax]! + table[top + ax]!;
      out[y * region.w + x] = sum / ((bx - ax) * rows);
    }
  }
  return out;
}
