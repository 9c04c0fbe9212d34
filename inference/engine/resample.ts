/**
 * Image and mask resampling (pure). Downscaling uses an antialiased triangle filter whose support
 * grows with the scale factor (as PIL's bilinear resize does); upscaling is plain bilinear.
 */
interface AxisWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float32Array;
  readonly stride: number;
}

const axisCache = new Map<string, AxisWeights>();

function axisWeights(src: number, dst: number): AxisWeights {
  const key = `${src}>${dst}`;
  const hit = axisCache.get(key);
  if (hit) return hit;
  const scale = src / dst;
  const support = Math.max(1, scale);
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(src, Math.ceil(centre + support));
    let sum = 0;
    let n = 0;
    for (let j = lo; j < hi && n < stride; j++, n++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support));
      weights[i * stride + n] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weights[i * stride + k]! /= sum || 1;
    start[i] = lo;
    count[i] = n;
  }
  const result = { start, count, weights, stride };
  if (axisCache.size > 64) axisCache.clear();
  axisCache.set(key, result);
  return result;
}

/** Resizes one plane (row-major floats) from sw×sh to dw×dh. */
export function resizePlane(
  src: ArrayLike<number>,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
): Float32Array {
  const ax = axisWeights(sw, dw);
  const ay = axisWeights(sh, dh);
  const tmp = new Float32Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const s = ax.start[x]!;
      const n = ax.count[x]!;
      const o = x * ax.stride;
      let acc = 0;
      for (let k = 0; k < n; k++) acc += src[row + s + k]! * ax.weights[o + k]!;
      tmp[y * dw + x] = acc;
    }
  }
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const s = ay.start[y]!;
    const n = ay.count[y]!;
    const o = y * ay.stride;
    for (let k = 0; k < n; k++) {
      const w = ay.weights[o + k]!;
      const row = (s + k) * dw;
      for (let x = 0; x < dw; x++) out[y * dw + x]! += tmp[row + x]! * w;
    }
  }
  return out;
}

/** Bilinear source positions of `n` output cells spread over `valid` source cells (cell-centre aligned). */
function axisTaps(
  n: number,
  valid: number,
  size: number,
): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const f = new Float32Array(n);
  const s = valid / n;
  for (let o = 0; o < n; o++) {
    const g = Math.min(Math.max((o + 0.5) * s - 0.5, 0), size - 1);
    const lo = Math.floor(g);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, size - 1);
    f[o] = g - lo;
  }
  return { i0, i1, f };
}

/**
 * Samples a low-resolution logit grid onto a width×height image, where the region
 * [0, validWidth) × [0, validHeight) of the grid (in grid cells, fractional) covers the image.
 * Bilinear with cell-centre alignment; writes `logit > threshold` into a 0/1 mask. Output spans
 * whose four grid corners agree are filled at once; only spans at the boundary are interpolated.
 */
export function upsampleToMask(
  low: Float32Array,
  lw: number,
  lh: number,
  validWidth: number,
  validHeight: number,
  width: number,
  height: number,
  threshold: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const tx = axisTaps(width, validWidth, lw);
  const ty = axisTaps(height, validHeight, lh);
  // Spans of output columns sharing the same pair of grid columns.
  const spanStart: number[] = [0];
  for (let x = 1; x < width; x++)
    if (tx.i0[x] !== tx.i0[x - 1] || tx.i1[x] !== tx.i1[x - 1]) spanStart.push(x);
  spanStart.push(width);
  // Output rows between the same two grid rows share which spans can hold any foreground: found
  // once per grid-row pair, so rows (and the parts of rows) far from the object cost nothing.
  let pairR0 = -1;
  let pairR1 = -1;
  let sFirst = 0;
  let sEnd = 0;
  for (let y = 0; y < height; y++) {
    const r0 = ty.i0[y]! * lw;
    const r1 = ty.i1[y]! * lw;
    const fy = ty.f[y]!;
    const o = y * width;
    if (r0 !== pairR0 || r1 !== pairR1) {
      pairR0 = r0;
      pairR1 = r1;
      sFirst = spanStart.length;
      sEnd = 0;
      for (let s = 0; s + 1 < spanStart.length; s++) {
        const x0 = spanStart[s]!;
        const a = tx.i0[x0]!;
        const b = tx.i1[x0]!;
        if (
          low[r0 + a]! > threshold ||
          low[r0 + b]! > threshold ||
          low[r1 + a]! > threshold ||
          low[r1 + b]! > threshold
        ) {
          if (s < sFirst) sFirst = s;
          sEnd = s + 1;
        }
      }
    }
    let runStart = -1; // start of a pending run of all-inside spans
    for (let s = sFirst; s < sEnd; s++) {
      const x0 = spanStart[s]!;
      const x1 = spanStart[s + 1]!;
      const a = tx.i0[x0]!;
      const b = tx.i1[x0]!;
      const tl = low[r0 + a]!;
      const tr = low[r0 + b]!;
      const bl = low[r1 + a]!;
      const br = low[r1 + b]!;
      if (tl > threshold && tr > threshold && bl > threshold && br > threshold) {
        if (runStart < 0) runStart = x0;
        continue;
      }
      if (runStart >= 0) {
        out.fill(1, o + runStart, o + x0);
        runStart = -1;
      }
      if (tl > threshold || tr > threshold || bl > threshold || br > threshold) {
        const left = tl + (bl - tl) * fy;
        const right = tr + (br - tr) * fy;
        for (let x = x0; x < x1; x++)
          out[o + x] = left + (right - left) * tx.f[x]! > threshold ? 1 : 0;
      }
    }
    if (runStart >= 0) out.fill(1, o + runStart, o + spanStart[sEnd]!);
  }
  return out;
}
