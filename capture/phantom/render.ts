/**
 * Forms the B-mode image of one frame: speckle (a frozen part plus a part refreshed per frame) times
 * the echogenicity map and depth gain, plus electronic noise, enveloped and log-compressed to 8 bits.
 */
import type { DepthGains } from './attenuation.ts';
import type { FieldOfView } from './field-of-view.ts';
import type { PhantomParams } from './params.ts';
import { seededRandom } from './seeded-random.ts';
import { mixSeed, Stream } from './seed-mix.ts';
import { POOL_PAD_ROWS, type SpeckleFields } from './speckle.ts';

/** Frame-independent per-pixel factors, premultiplied once. */
export interface ImageFormation {
  readonly fov: FieldOfView;
  readonly speckle: SpeckleFields;
  /** √(1 − decorrelation) × tissue gain × frozen speckle. */
  readonly frozenRe: Float32Array;
  readonly frozenIm: Float32Array;
  /** √decorrelation × tissue gain. */
  readonly refreshGain: Float32Array;
  readonly noiseGain: Float32Array;
  /** grey = logScale × ln(intensity) + logOffset. */
  readonly logScale: number;
  readonly logOffset: number;
}

export function buildImageFormation(
  p: PhantomParams,
  fov: FieldOfView,
  speckle: SpeckleFields,
  gains: DepthGains,
): ImageFormation {
  const n = p.width * p.height;
  const frozen = Math.sqrt(1 - p.speckleDecorrelation);
  const fresh = Math.sqrt(p.speckleDecorrelation);
  const frozenRe = new Float32Array(n);
  const frozenIm = new Float32Array(n);
  const refreshGain = new Float32Array(n);
  for (const i of fov.inside) {
    const g = gains.tissue[i] ?? 0;
    frozenRe[i] = frozen * g * (speckle.persistentRe[i] ?? 0);
    frozenIm[i] = frozen * g * (speckle.persistentIm[i] ?? 0);
    refreshGain[i] = fresh * g;
  }
  const perDb = 255 / p.dynamicRangeDb;
  return {
    fov,
    speckle,
    frozenRe,
    frozenIm,
    refreshGain,
    noiseGain: gains.noise,
    logScale: (perDb * 10) / Math.LN10,
    logOffset: perDb * (p.dynamicRangeDb + p.gainDb),
  };
}

/**
 * Writes the grey image (0 outside the field of view) and, if given, the envelope (linear amplitude
 * before log compression) of frame `index`, whose per-frame noise comes from (seed, index).
 */
export function formImage(
  f: ImageFormation,
  seed: number,
  index: number,
  echo: Float32Array,
  image: Uint8Array,
  envelope: Float32Array | null,
): void {
  const { speckle, frozenRe, frozenIm, refreshGain, noiseGain, logScale, logOffset } = f;
  const { beams, beamOf, rowOf, refreshRe, refreshIm, noiseRe, noiseIm } = speckle;
  const rng = seededRandom(mixSeed(seed, Stream.frameOffsets, index));
  const refreshBeam = rng.int(0, beams - 1);
  const refreshRow = rng.int(0, POOL_PAD_ROWS);
  const noiseBeam = rng.int(0, beams - 1);
  const noiseRow = rng.int(0, POOL_PAD_ROWS);
  const inside = f.fov.inside;
  for (let k = 0; k < inside.length; k++) {
    const i = inside[k] ?? 0;
    const b = beamOf[i] ?? 0;
    const r = rowOf[i] ?? 0;
    let rb = b + refreshBeam;
    if (rb >= beams) rb -= beams;
    let nb = b + noiseBeam;
    if (nb >= beams) nb -= beams;
    const q = (r + refreshRow) * beams + rb;
    const qn = (r + noiseRow) * beams + nb;
    const e = echo[i] ?? 0;
    const gr = refreshGain[i] ?? 0;
    const gn = noiseGain[i] ?? 0;
    const re = e * ((frozenRe[i] ?? 0) + gr * (refreshRe[q] ?? 0)) + gn * (noiseRe[qn] ?? 0);
    const im = e * ((frozenIm[i] ?? 0) + gr * (refreshIm[q] ?? 0)) + gn * (noiseIm[qn] ?? 0);
    const intensity = re * re + im * im;
    const v = logScale * Math.log(intensity) + logOffset;
    image[i] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
    if (envelope !== null) envelope[i] = Math.sqrt(intensity);
  }
}
