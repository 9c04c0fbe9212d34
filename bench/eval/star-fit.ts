/**
 * The star-shaped fit of a ground-truth mask around a prompt's centre (pure): what a contour model
 * that is star-shaped around that centre (the built-in model, docs/builtin-model.md) could at best
 * return, so the evaluation can tell a failure of its evidence from one of its shape.
 */
import type { Point2 } from '../../inference/engine/coords.ts';
import { summarizeMask } from '../../inference/tracking/mask-geometry.ts';

/** Angular sectors of the fit; at 360 a sector is about 1 px wide 57 px from the centre. */
export const STAR_FIT_SECTORS = 360;

/**
 * The mask, star-shaped around `centre` (pixel coordinates, pixel (x, y) spans [x, x + 1)), that
 * keeps in each angular sector the pixels out to the radius where the count of object pixels minus
 * background pixels passed on the way out is largest (nothing when it never rises above 0).
 * Every pixel belongs to one sector, so the result has no gaps between sectors. Pixels beyond the
 * object's bounding box are never kept: past the object's last pixel a sector only loses.
 */
export function starShapedFit(
  truth: Uint8Array,
  width: number,
  height: number,
  centre: Point2,
  sectors = STAR_FIT_SECTORS,
): Uint8Array {
  const box = summarizeMask({ width, height, data: truth }).box;
  const out = new Uint8Array(width * height);
  if (!box) return out;
  // Pixels of the box (the centre's pixel included) by sector, each with its distance.
  const bx0 = Math.max(0, Math.min(box.x0, Math.floor(centre.x)));
  const bx1 = Math.min(width - 1, Math.max(box.x1 - 1, Math.floor(centre.x)));
  const by0 = Math.max(0, Math.min(box.y0, Math.floor(centre.y)));
  const by1 = Math.min(height - 1, Math.max(box.y1 - 1, Math.floor(centre.y)));
  const bins: { index: number; r: number }[][] = Array.from({ length: sectors }, () => []);
  for (let y = by0; y <= by1; y++) {
    for (let x = bx0; x <= bx1; x++) {
      const dx = x + 0.5 - centre.x;
      const dy = y + 0.5 - centre.y;
      const angle = Math.atan2(dy, dx) + Math.PI; // 0 … 2π
      const sector = Math.min(sectors - 1, Math.floor((angle / (2 * Math.PI)) * sectors));
      bins[sector]!.push({ index: y * width + x, r: Math.hypot(dx, dy) });
    }
  }
  for (const bin of bins) {
    bin.sort((a, b) => a.r - b.r);
    let sum = 0;
    let best = 0;
    let keep = 0;
    for (let k = 0; k < bin.length; k++) {
      sum += truth[bin[k]!.index] ? 1 : -1;
      if (sum > best) {
        best = sum;
        keep = k + 1;
      }
    }
    for (let k = 0; k < keep; k++) out[bin[k]!.index] = 1;
  }
  return out;
}
