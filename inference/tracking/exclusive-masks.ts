/**
 * Exclusive masks (pure): two structures do not occupy the same pixel, so where the masks of two
 * tracked objects overlap, the pixel goes to the smaller one — a vessel inside an organ is a hole in
 * the organ, and an object that leaked into a touching neighbour gives the neighbour back. The same
 * constraint as SAM 2's non-overlapping multi-object masks, decided by size rather than by logit
 * (a contour model's logits measure depth inside the contour, which favours the larger object).
 */
import type { BinaryMask } from '../engine/mask.ts';
import type { PixelBox } from './mask-geometry.ts';

export interface ShownMask {
  readonly mask: BinaryMask;
  readonly area: number;
  readonly box: PixelBox;
}

/**
 * A mask at most this fraction of another's area is a distinct structure in or beside it and takes
 * the pixels they share. Two masks of similar size on one place are more likely one structure seen
 * by two objects (one leaked: a tap on a faint vessel that spread over its organ) and neither is
 * trusted over the other.
 */
export const SMALLER_AREA_RATIO = 0.5;

/**
 * `target` without the pixels of every mask in `others` whose area is at most SMALLER_AREA_RATIO of
 * its own. Returns `target`'s own mask when nothing is taken, else a new mask, with the area left.
 */
export function withoutSmallerOverlaps(
  target: ShownMask,
  others: readonly ShownMask[],
): { mask: BinaryMask; area: number } {
  const { width } = target.mask;
  let data: Uint8Array | undefined;
  let area = target.area;
  for (const o of others) {
    if (
      o.area > SMALLER_AREA_RATIO * target.area ||
      o.mask.width !== width ||
      o.mask.height !== target.mask.height
    )
      continue;
    const x0 = Math.max(target.box.x0, o.box.x0);
    const x1 = Math.min(target.box.x1, o.box.x1);
    const y0 = Math.max(target.box.y0, o.box.y0);
    const y1 = Math.min(target.box.y1, o.box.y1);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * width + x;
        if (o.mask.data[i] && (data ?? target.mask.data)[i]) {
          data ??= target.mask.data.slice();
          data[i] = 0;
          area--;
        }
      }
    }
  }
  return data ? { mask: { width, height: target.mask.height, data }, area } : { ...target };
}
