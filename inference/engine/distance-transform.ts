/**
 * Exact Euclidean distance transform of a binary mask (pure): for every foreground pixel, the distance
 * between its centre and the centre of the nearest background pixel, where everything outside the
 * image counts as background (so the image border is a boundary). Felzenszwalb–Huttenlocher,
 * "Distance Transforms of Sampled Functions" (2012): two passes of the 1-D lower-envelope algorithm.
 */

/** Stands for "no background yet" in the 1-D passes; finite so that the algebra stays finite. */
const FAR = 1e20;

/**
 * 1-D squared distance transform of f (length n) into d, using v, z as scratch:
 * d[q] = min over p of (q − p)² + f[p].
 */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = f[q]! + q * q;
    let vk = v[k]!;
    let s = (fq - (f[vk]! + vk * vk)) / (2 * (q - vk));
    // z[0] is −∞, so k never drops below 0.
    while (s <= z[k]!) {
      k--;
      vk = v[k]!;
      s = (fq - (f[vk]! + vk * vk)) / (2 * (q - vk));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const vk = v[k]!;
    d[q] = (q - vk) * (q - vk) + f[vk]!;
  }
}

/**
 * Squared Euclidean distances (in pixels²) from each pixel to the nearest pixel with mask value 0 or
 * to the nearest pixel just outside the image; 0 on background pixels. Row-major, width × height.
 */
export function squaredDistanceTransform(
  mask: Uint8Array,
  width: number,
  height: number,
): Float64Array {
  if (mask.length !== width * height) {
    throw new RangeError(`mask has ${mask.length} values, expected ${width}×${height}`);
  }
  // Work on a grid padded by one background pixel on every side: the outside is background.
  const pw = width + 2;
  const ph = height + 2;
  const grid = new Float64Array(pw * ph);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]) grid[(y + 1) * pw + x + 1] = FAR;
    }
  }
  const len = Math.max(pw, ph);
  const f = new Float64Array(len);
  const d = new Float64Array(len);
  const v = new Int32Array(len);
  const z = new Float64Array(len + 1);
  for (let x = 0; x < pw; x++) {
    for (let y = 0; y < ph; y++) f[y] = grid[y * pw + x]!;
    edt1d(f, ph, d, v, z);
    for (let y = 0; y < ph; y++) grid[y * pw + x] = d[y]!;
  }
  for (let y = 0; y < ph; y++) {
    const row = y * pw;
    for (let x = 0; x < pw; x++) f[x] = grid[row + x]!;
    edt1d(f, pw, d, v, z);
    for (let x = 0; x < pw; x++) grid[row + x] = d[x]!;
  }
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = grid[(y + 1) * pw + x + 1]!;
  }
  return out;
}

/** Euclidean distances (in pixels); see squaredDistanceTransform. */
export function distanceTransform(mask: Uint8Array, width: number, height: number): Float64Array {
  const sq = squaredDistanceTransform(mask, width, height);
  for (let i = 0; i < sq.length; i++) sq[i] = Math.sqrt(sq[i]!);
  return sq;
}

export interface InteriorPoint {
  /** Pixel column and row (integers). */
  readonly col: number;
  readonly row: number;
  /** Its distance to the boundary, in pixels. */
  readonly distance: number;
}

/**
 * The foreground pixel farthest from the boundary (image border included). When several pixels share
 * the maximum (e.g. along the ridge of an even-sided shape), the one nearest their mean position is
 * taken, then the first in raster order. Undefined for an empty mask.
 */
export function farthestInteriorPixel(
  mask: Uint8Array,
  width: number,
  height: number,
): InteriorPoint | undefined {
  const sq = squaredDistanceTransform(mask, width, height);
  let best = 0;
  for (let i = 0; i < sq.length; i++) if (sq[i]! > best) best = sq[i]!;
  if (best === 0) return undefined;
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (let i = 0; i < sq.length; i++) {
    if (sq[i] === best) {
      sx += i % width;
      sy += Math.floor(i / width);
      count++;
    }
  }
  const mx = sx / count;
  const my = sy / count;
  let pick = -1;
  let pickD = Infinity;
  for (let i = 0; i < sq.length; i++) {
    if (sq[i] !== best) continue;
    const dx = (i % width) - mx;
    const dy = Math.floor(i / width) - my;
    const dd = dx * dx + dy * dy;
    if (dd < pickD) {
      pickD = dd;
      pick = i;
    }
  }
  return { col: pick % width, row: Math.floor(pick / width), distance: Math.sqrt(best) };
}
