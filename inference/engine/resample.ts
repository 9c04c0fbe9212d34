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

/**
 * Samples a low-resolution logit grid onto a width×height image, where the region
 * [0, validWidth) × [0, validHeight) of the grid (in grid cells, fractional) covers the image.
 * Bilinear with cell-centre alignment; writes `logit > threshold` into a 0/1 mask.
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
  const sx = validWidth / width;
  const sy = validHeight / height;
  const x0 = new Int32Array(width);
  const fx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const gx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), lw - 1);
    const i = Math.min(Math.floor(gx), lw - 2 < 0 ? 0 : lw - 2);
    x0[x] = i;
    fx[x] = gx - i;
  }
  for (let y = 0; y < height; y++) {
    const gy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), lh - 1);
    const j = Math.min(Math.floor(gy), lh - 2 < 0 ? 0 : lh - 2);
    const fy = gy - j;
    const r0 = j * lw;
    const r1 = Math.min(j + 1, lh - 1) * lw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = x0[x]!;
      const i1 = Math.min(i + 1, lw - 1);
      const f = fx[x]!;
      const top = low[r0 + i]! + (low[r0 + i1]! - low[r0 + i]!) * f;
      const bottom = low[r1 + i]! + (low[r1 + i1]! - low[r1 + i]!) * f;
      out[row + x] = top + (bottom - top) * fy > threshold ? 1 : 0;
    }
  }
  return out;
}
