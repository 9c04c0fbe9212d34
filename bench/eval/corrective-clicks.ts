/**
 * Simulated corrective clicks (pure): the next click goes to the centre of the largest connected
 * error region — positive on missed foreground, negative on a false positive.
 */
import type { PromptPoint } from '../../inference/engine/prompts.ts';
import { connectedComponents, componentMask } from './components.ts';
import { farthestInteriorPixel } from '../../inference/engine/distance-transform.ts';
import { pixelCentre } from './prompts-from-truth.ts';

const MISSED = 1;
const EXTRA = 2;

/**
 * The next corrective click for `predicted` against `truth` (same size, 0/non-zero). Missed
 * foreground (truth without prediction) and false positives (prediction without truth) form separate
 * 8-connected regions; the largest region wins (a tie goes to missed foreground, then to the first in
 * raster order). The click sits at the centre of the region's pixel farthest from the region's
 * boundary (image border included). Undefined when the prediction is exact.
 */
export function nextCorrectiveClick(
  predicted: Uint8Array,
  truth: Uint8Array,
  width: number,
  height: number,
): PromptPoint | undefined {
  const n = width * height;
  if (predicted.length !== n || truth.length !== n) {
    throw new RangeError(`masks must both have ${width}×${height} pixels`);
  }
  const errors = new Uint32Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const p = predicted[i] !== 0;
    const t = truth[i] !== 0;
    if (p !== t) {
      errors[i] = t ? MISSED : EXTRA;
      any = true;
    }
  }
  if (!any) return undefined;
  const regions = connectedComponents({ width, height, labels: errors }, { minAreaFraction: 0 });
  let largest = regions[0]!;
  for (const r of regions) if (r.area > largest.area) largest = r;
  const centre = farthestInteriorPixel(componentMask(largest, width, height), width, height)!;
  return {
    ...pixelCentre(centre.col, centre.row),
    label: largest.label === MISSED ? 'positive' : 'negative',
  };
}
