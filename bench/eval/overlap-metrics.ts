/** Overlap scores between a predicted and a true binary mask: Dice and IoU (pure). */

export interface OverlapCounts {
  readonly intersection: number;
  readonly predicted: number;
  readonly truth: number;
}

/** Pixel counts of prediction, truth and both; any non-zero value counts as foreground. */
export function overlapCounts(predicted: Uint8Array, truth: Uint8Array): OverlapCounts {
  if (predicted.length !== truth.length) {
    throw new RangeError(`mask sizes differ: ${predicted.length} vs ${truth.length} pixels`);
  }
  let intersection = 0;
  let p = 0;
  let t = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = predicted[i] !== 0;
    const b = truth[i] !== 0;
    if (a) p++;
    if (b) t++;
    if (a && b) intersection++;
  }
  return { intersection, predicted: p, truth: t };
}

/** 2|P∩T| / (|P| + |T|); 0 when exactly one is empty, 1 when both are. */
export function diceFromCounts(c: OverlapCounts): number {
  const denom = c.predicted + c.truth;
  return denom === 0 ? 1 : (2 * c.intersection) / denom;
}

/** |P∩T| / |P∪T|; 0 when exactly one is empty, 1 when both are. */
export function iouFromCounts(c: OverlapCounts): number {
  const union = c.predicted + c.truth - c.intersection;
  return union === 0 ? 1 : c.intersection / union;
}

export function dice(predicted: Uint8Array, truth: Uint8Array): number {
  return diceFromCounts(overlapCounts(predicted, truth));
}

export function iou(predicted: Uint8Array, truth: Uint8Array): number {
  return iouFromCounts(overlapCounts(predicted, truth));
}

/** Overlap counts of a binary mask against one label of a label image (e.g. a phantom structure id). */
export function countsAgainstLabel(
  predicted: Uint8Array,
  labels: ArrayLike<number>,
  label: number,
): OverlapCounts {
  const truth = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) truth[i] = labels[i] === label ? 1 : 0;
  return overlapCounts(predicted, truth);
}

/** Dice of a binary mask against one label of a label image. */
export function diceAgainstLabel(
  predicted: Uint8Array,
  labels: ArrayLike<number>,
  label: number,
): number {
  return diceFromCounts(countsAgainstLabel(predicted, labels, label));
}
