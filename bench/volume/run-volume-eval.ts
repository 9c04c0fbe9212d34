/**
 * Volume propagation scored against a reference label map on the same grid: the label's largest
 * slice along the axis is prompted once with a box (the label's bounding box on that slice, each
 * side pushed out by `boxMargin` of its size), the object is propagated both ways, and the 3D Dice
 * of the result against the label is reported.
 */
import type { Segmenter } from '../../inference/engine/types.ts';
import { summarizeMask } from '../../inference/tracking/mask-geometry.ts';
import type { TrackingParams } from '../../inference/tracking/tracking-params.ts';
import { VolumeError } from '../../volume/errors.ts';
import {
  DEFAULT_GATE_PARAMS,
  type GateParams,
  type IntensityBand,
} from '../../volume/intensity-gate.ts';
import { propagateThroughVolume, volumeTrackingParams } from '../../volume/propagate.ts';
import { extractSliceLabels, sliceShape, type SliceAxis } from '../../volume/slices.ts';
import { sameGrid, type Volume } from '../../volume/volume.ts';
import { diceAgainstLabel } from '../eval/overlap-metrics.ts';

export interface VolumeEvalResult {
  readonly label: number;
  readonly axis: SliceAxis;
  readonly dice: number;
  readonly slicesPrompted: number;
  readonly slicesSegmented: number;
  readonly referenceSlices: number;
  readonly promptSlice: number;
  readonly range: readonly [number, number];
  readonly stopped: { readonly down: string; readonly up: string };
  readonly intensityBand: IntensityBand | undefined;
  readonly labels: Uint8Array;
}

export async function runVolumeEval(
  segmenter: Segmenter,
  image: Volume,
  reference: Volume,
  options: {
    label: number;
    axis: SliceAxis;
    boxMargin?: number;
    params: TrackingParams;
    /** Intensity gate (default on); false to propagate the model's masks as they are. */
    gate?: GateParams | false;
  },
): Promise<VolumeEvalResult> {
  const { label, axis } = options;
  if (!sameGrid(image.geometry, reference.geometry)) {
    throw new VolumeError('VOLUME_GEOMETRY_MISMATCH', 'the reference is not on the image grid');
  }
  const { count, width, height } = sliceShape(image.geometry, axis);
  let best = -1;
  let bestArea = 0;
  let referenceSlices = 0;
  for (let k = 0; k < count; k++) {
    const m = extractSliceLabels(reference.data, reference.geometry, axis, k, label);
    let a = 0;
    for (const v of m.data) a += v;
    if (a > 0) referenceSlices++;
    if (a > bestArea) {
      bestArea = a;
      best = k;
    }
  }
  if (best < 0)
    throw new VolumeError('VOLUME_SLICE_INVALID', `label ${label} is absent from the reference`);
  const m = extractSliceLabels(reference.data, reference.geometry, axis, best, label);
  const { x0, y0, x1, y1 } = summarizeMask(m).box!;
  const margin = options.boxMargin ?? 0.1;
  const gx = (x1 - x0) * margin;
  const gy = (y1 - y0) * margin;
  const box = {
    x0: Math.max(0, x0 - gx),
    y0: Math.max(0, y0 - gy),
    x1: Math.min(width, x1 + gx),
    y1: Math.min(height, y1 + gy),
  };
  const result = await propagateThroughVolume(
    segmenter,
    image,
    { axis, slice: best, prompt: { points: [], box }, value: 1 },
    volumeTrackingParams(options.params),
    options.gate ?? DEFAULT_GATE_PARAMS,
  );
  return {
    label,
    axis,
    dice: diceAgainstLabel(result.labels, reference.data, label),
    slicesPrompted: 1,
    slicesSegmented: result.slicesSegmented,
    referenceSlices,
    promptSlice: best,
    range: result.range,
    stopped: result.stopped,
    intensityBand: result.intensityBand,
    labels: result.labels,
  };
}
