/**
 * Fully developed speckle: complex Gaussian scatter fields on a beam grid (beams × depth samples),
 * blurred by a separable Gaussian point-spread function (PSF), scan-converted to pixels.
 *
 * The magnitude of such a field is Rayleigh distributed. The grid follows the beams, so in a sector the
 * speckle grain is elongated along the arcs, like a scan-converted B-mode image. Lateral PSF width
 * grows mildly with depth (FWHM = speckleSizePx × (0.75 + 0.5 × depth / maxDepth)).
 */
import type { FieldOfView } from './field-of-view.ts';
import type { PhantomParams } from './params.ts';
import { seededRandom } from './seeded-random.ts';
import { mixSeed, Stream } from './seed-mix.ts';

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.log(2));

/** Extra depth rows in the per-frame pools, so a frame may read them at an axial offset. */
export const POOL_PAD_ROWS = 8;

export interface SpeckleFields {
  /** Beam grid size: number of beams, and depth samples (1 px apart) per beam. */
  readonly beams: number;
  readonly rows: number;
  /** Per pixel: the nearest beam and depth sample (meaningful inside the field of view). */
  readonly beamOf: Int32Array;
  readonly rowOf: Int32Array;
  /** The frame-independent speckle, already scan-converted: one complex value per pixel. */
  readonly persistentRe: Float32Array;
  readonly persistentIm: Float32Array;
  /** Pools (rows + POOL_PAD_ROWS) × beams, index row * beams + beam, wrapping across beams. */
  readonly refreshRe: Float32Array;
  readonly refreshIm: Float32Array;
  readonly noiseRe: Float32Array;
  readonly noiseIm: Float32Array;
}

/** Gaussian kernel of standard deviation sigma (taps), truncated at 3σ, scaled so Σ w² = 1. */
export function psfKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const w = new Float32Array(2 * radius + 1);
  let sumSq = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    w[i + radius] = v;
    sumSq += v * v;
  }
  const norm = 1 / Math.sqrt(sumSq);
  for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) * norm;
  return w;
}

/** Unit-power circular complex Gaussian white noise (E|z|² = 1). */
function complexGaussian(n: number, seed: number): { re: Float32Array; im: Float32Array } {
  const rng = seededRandom(seed);
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mag = Math.sqrt(-Math.log(Math.max(rng.next(), 1e-12)));
    const phase = 2 * Math.PI * rng.next();
    re[i] = mag * Math.cos(phase);
    im[i] = mag * Math.sin(phase);
  }
  return { re, im };
}

/** In-place circular convolution along depth (every beam with the same kernel). */
function blurAxial(f: Float32Array, beams: number, rows: number, k: Float32Array): void {
  const radius = (k.length - 1) / 2;
  const column = new Float32Array(rows);
  for (let b = 0; b < beams; b++) {
    for (let s = 0; s < rows; s++) column[s] = f[s * beams + b] ?? 0;
    for (let s = 0; s < rows; s++) {
      let acc = 0;
      for (let j = -radius; j <= radius; j++) {
        let src = s + j;
        if (src < 0) src += rows;
        else if (src >= rows) src -= rows;
        acc += (k[j + radius] ?? 0) * (column[src] ?? 0);
      }
      f[s * beams + b] = acc;
    }
  }
}

/** In-place circular convolution across beams, with a kernel chosen per depth row. */
function blurLateral(
  f: Float32Array,
  beams: number,
  rows: number,
  kernelOfRow: (row: number) => Float32Array,
): void {
  const line = new Float32Array(beams);
  for (let s = 0; s < rows; s++) {
    const k = kernelOfRow(s);
    const radius = (k.length - 1) / 2;
    const base = s * beams;
    for (let b = 0; b < beams; b++) line[b] = f[base + b] ?? 0;
    for (let b = 0; b < beams; b++) {
      let acc = 0;
      for (let j = -radius; j <= radius; j++) {
        let src = (b + j) % beams;
        if (src < 0) src += beams;
        acc += (k[j + radius] ?? 0) * (line[src] ?? 0);
      }
      f[base + b] = acc;
    }
  }
}

export function buildSpeckle(p: PhantomParams, fov: FieldOfView): SpeckleFields {
  const g = fov.geometry;
  const rows = Math.max(1, Math.ceil(fov.maxDepth) + 1);
  // Lateral beam spacing: at most 1 px at the deepest row.
  const beams =
    g.kind === 'sector'
      ? Math.max(2, Math.ceil(2 * g.halfAngleRad * g.outerRadius) + 1)
      : Math.max(2, g.right - g.left);
  const lateralStep = g.kind === 'sector' ? (fov.lateralMax - fov.lateralMin) / (beams - 1) : 1;
  const lateralOrigin = g.kind === 'sector' ? fov.lateralMin : fov.lateralMin + 0.5;
  const depthOrigin = g.kind === 'sector' ? 0 : 0.5;

  const axialSigma = Math.max(0.3, (p.speckleSizePx * p.axialToLateral) / FWHM_PER_SIGMA);
  const axialKernel = psfKernel(axialSigma);
  const kernelCache = new Map<number, Float32Array>();
  const kernelOfRow = (row: number): Float32Array => {
    const d = Math.min(row, rows - 1) + depthOrigin;
    const fwhmPx = p.speckleSizePx * (0.75 + (0.5 * d) / Math.max(fov.maxDepth, 1));
    const pxPerBeam = Math.max(fov.lateralScale(d), 1) * lateralStep;
    const sigmaBeams = Math.min(Math.max(fwhmPx / FWHM_PER_SIGMA / pxPerBeam, 0.3), beams / 6);
    const key = Math.round(sigmaBeams * 20);
    let k = kernelCache.get(key);
    if (k === undefined) {
      k = psfKernel(key / 20);
      kernelCache.set(key, k);
    }
    return k;
  };

  const field = (stream: number, fieldRows: number): { re: Float32Array; im: Float32Array } => {
    const f = complexGaussian(beams * fieldRows, mixSeed(p.seed, stream));
    for (const part of [f.re, f.im]) {
      blurAxial(part, beams, fieldRows, axialKernel);
      blurLateral(part, beams, fieldRows, kernelOfRow);
    }
    return f;
  };

  const n = p.width * p.height;
  const beamOf = new Int32Array(n);
  const rowOf = new Int32Array(n);
  for (const i of fov.inside) {
    const b = Math.round(((fov.lateral[i] ?? 0) - lateralOrigin) / lateralStep);
    const s = Math.round((fov.depth[i] ?? 0) - depthOrigin);
    beamOf[i] = Math.min(Math.max(b, 0), beams - 1);
    rowOf[i] = Math.min(Math.max(s, 0), rows - 1);
  }

  const persistent = field(Stream.persistentSpeckle, rows);
  const persistentRe = new Float32Array(n);
  const persistentIm = new Float32Array(n);
  for (const i of fov.inside) {
    const q = (rowOf[i] ?? 0) * beams + (beamOf[i] ?? 0);
    persistentRe[i] = persistent.re[q] ?? 0;
    persistentIm[i] = persistent.im[q] ?? 0;
  }
  const refresh = field(Stream.refreshSpeckle, rows + POOL_PAD_ROWS);
  const noise = field(Stream.electronicNoise, rows + POOL_PAD_ROWS);
  return {
    beams,
    rows,
    beamOf,
    rowOf,
    persistentRe,
    persistentIm,
    refreshRe: refresh.re,
    refreshIm: refresh.im,
    noiseRe: noise.re,
    noiseIm: noise.im,
  };
}
