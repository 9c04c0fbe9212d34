/**
 * How far an object moved between the frame it was last seen on and the next one (pure): block
 * matching of speckle-smoothed grey levels over the object's box, the shift with the smallest mean
 * absolute difference. Tracking moves the re-placed point (and box) by it, so the prompt lands where
 * the object is now rather than where it was (see docs/tracking.md).
 */
import { NO_ECHO_GREY, type PixelBox } from './mask-geometry.ts';
import type { Sighting } from './object-track.ts';
import { boxMeans } from './region-sums.ts';

export interface MotionParams {
  /** Largest shift looked for, px per axis. */
  readonly reachPx: number;
  /** Radius of the box filter that smooths speckle before matching, px. */
  readonly blurPx: number;
}

export interface Shift {
  readonly dx: number;
  readonly dy: number;
}

/** Pixels of the box around the object that take part, beyond its edge (its boundary moves too). */
const CONTEXT_PX = 6;
/** At most about this many samples per candidate shift (larger boxes are sampled sparser). */
const MAX_SAMPLES = 1500;

/**
 * The shift (whole pixels) that best maps the object's surroundings on `before` onto `after`; zero
 * when the box is too small or nothing matches better. A coarse search on even shifts, then the
 * eight neighbours of the best one.
 */
export function estimateShift(
  before: Uint8Array,
  after: Uint8Array,
  width: number,
  height: number,
  box: PixelBox,
  params: MotionParams,
): Shift {
  const reach = Math.floor(params.reachPx);
  const x0 = Math.max(0, Math.floor(box.x0) - CONTEXT_PX);
  const y0 = Math.max(0, Math.floor(box.y0) - CONTEXT_PX);
  const x1 = Math.min(width, Math.ceil(box.x1) + CONTEXT_PX);
  const y1 = Math.min(height, Math.ceil(box.y1) + CONTEXT_PX);
  const patch = { x0, y0, w: x1 - x0, h: y1 - y0 };
  if (reach < 1 || patch.w < 4 || patch.h < 4) return { dx: 0, dy: 0 };
  const search = {
    x0: Math.max(0, x0 - reach),
    y0: Math.max(0, y0 - reach),
    w: Math.min(width, x1 + reach) - Math.max(0, x0 - reach),
    h: Math.min(height, y1 + reach) - Math.max(0, y0 - reach),
  };
  const a = boxMeans(before, width, height, patch, params.blurPx);
  const b = boxMeans(after, width, height, search, params.blurPx);
  const step = Math.max(1, Math.ceil(Math.sqrt((patch.w * patch.h) / MAX_SAMPLES)));
  // The samples of the patch that take part (with echo), in scan order: rows, their columns and
  // levels. Each shift's cost walks them in this order (hot path: every object, every frame).
  const capacity = Math.ceil(patch.h / step) * Math.ceil(patch.w / step);
  const rowsOf = new Int32Array(capacity);
  const colsOf = new Int32Array(capacity);
  const levels = new Float64Array(capacity);
  let samples = 0;
  for (let y = 0; y < patch.h; y += step) {
    for (let x = 0; x < patch.w; x += step) {
      const va = a[y * patch.w + x]!;
      if (va <= NO_ECHO_GREY) continue;
      rowsOf[samples] = y0 + y - search.y0;
      colsOf[samples] = x0 + x - search.x0;
      levels[samples++] = va;
    }
  }
  // A shift must compare at least half the samples (not slide the patch off the image). A shift
  // is dropped as soon as its running total shows it cannot beat `bound`: the total only grows and
  // it is divided by at most `samples`, so the answer is the same as a full scan's.
  const cost = (dx: number, dy: number, bound: number): number => {
    let total = 0;
    let n = 0;
    for (let i = 0; i < samples; i++) {
      const sy = rowsOf[i]! + dy;
      const sx = colsOf[i]! + dx;
      if (sy < 0 || sy >= search.h || sx < 0 || sx >= search.w) continue;
      total += Math.abs(levels[i]! - b[sy * search.w + sx]!);
      n++;
      if ((i & 63) === 63 && total / samples > bound) return Infinity;
    }
    return n > 0 && 2 * n >= samples ? total / n : Infinity;
  };
  let best: Shift = { dx: 0, dy: 0 };
  let bestCost = cost(0, 0, Infinity);
  const consider = (dx: number, dy: number) => {
    const c = cost(dx, dy, bestCost);
    if (c < bestCost) {
      bestCost = c;
      best = { dx, dy };
    }
  };
  for (let dy = -reach; dy <= reach; dy += 2)
    for (let dx = -reach; dx <= reach; dx += 2) consider(dx, dy);
  const coarse = best;
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) consider(coarse.dx + dx, coarse.dy + dy);
  return best;
}

/**
 * A sighting moved by `shift` px: its re-placed point, centroid and box (clipped to the image). Its
 * mask and its logits (the decoder's mask prior) stay as they were seen: moving the prior as well
 * was measured and held a wrong shape in place (docs/tracking.md).
 */
export function movedSighting(s: Sighting, shift: Shift, width: number, height: number): Sighting {
  if (shift.dx === 0 && shift.dy === 0) return s;
  const { dx, dy } = shift;
  return {
    ...s,
    centroid: { x: s.centroid.x + dx, y: s.centroid.y + dy },
    interior: { x: s.interior.x + dx, y: s.interior.y + dy },
    box: {
      x0: Math.min(width, Math.max(0, s.box.x0 + dx)),
      y0: Math.min(height, Math.max(0, s.box.y0 + dy)),
      x1: Math.min(width, Math.max(0, s.box.x1 + dx)),
      y1: Math.min(height, Math.max(0, s.box.y1 + dy)),
    },
  };
}
