/**
 * Intensity windows (center, width) that map volume values to 8-bit grey, and the automatic
 * default: a CT volume (minimum below -500, so Hounsfield units) gets the soft-tissue window
 * center 40 width 400; any other volume gets its robust range, the 1st to 99th percentile. Pure.
 */
import { VolumeError } from './errors.ts';

export interface IntensityWindow {
  readonly center: number;
  readonly width: number;
}

export const CT_SOFT_TISSUE_WINDOW: IntensityWindow = { center: 40, width: 400 };
/** Values below this minimum mark a volume as CT in Hounsfield units (air is -1000). */
export const CT_MIN_THRESHOLD = -500;
/** Percentiles are taken over at most this many voxels, sampled at a fixed stride. */
const PERCENTILE_SAMPLE = 1 << 20;

/** The value at fraction `q` (0..1) of the sorted values, nearest rank. */
function quantile(sorted: Float32Array, q: number): number {
  const n = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[n] ?? 0;
}

export function autoWindow(data: Float32Array): IntensityWindow {
  let min = Infinity;
  for (const v of data) if (v < min) min = v;
  if (min < CT_MIN_THRESHOLD) return CT_SOFT_TISSUE_WINDOW;
  const stride = Math.max(1, Math.ceil(data.length / PERCENTILE_SAMPLE));
  const sample = new Float32Array(Math.ceil(data.length / stride));
  let count = 0;
  for (let n = 0; n < data.length; n += stride) {
    const v = data[n] ?? NaN;
    if (Number.isFinite(v)) sample[count++] = v;
  }
  const sorted = sample.subarray(0, count).sort();
  if (count === 0) return { center: 0, width: 1 };
  const low = quantile(sorted, 0.01);
  const high = quantile(sorted, 0.99);
  return { center: (low + high) / 2, width: Math.max(high - low, 1e-6) };
}

export function checkWindow(window: IntensityWindow): void {
  if (!Number.isFinite(window.center) || !Number.isFinite(window.width) || window.width <= 0) {
    throw new VolumeError(
      'VOLUME_SLICE_INVALID',
      `intensity window center ${window.center} width ${window.width}: width must be > 0`,
    );
  }
}

/** Linear map: center - width/2 → 0, center + width/2 → 255, clamped, rounded. */
export function toGrey(value: number, window: IntensityWindow): number {
  const t = (value - (window.center - window.width / 2)) / window.width;
  return Math.min(255, Math.max(0, Math.round(t * 255)));
}
