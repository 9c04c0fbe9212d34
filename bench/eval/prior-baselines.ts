/**
 * Trivial masks that use only what the prompt gives away (pure): the ellipse inscribed in a box, and
 * a disc of a typical radius around a point. Scoring them next to the model shows the model's gain.
 * A pixel belongs to a shape when its centre (col + 0.5, row + 0.5) lies inside or on it.
 */
import type { PromptBox } from '../../inference/engine/prompts.ts';
import { median } from './percentiles.ts';

/** The filled ellipse inscribed in the box (axes parallel to the image), as a 0/1 mask. */
export function inscribedEllipseMask(box: PromptBox, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const rx = (box.x1 - box.x0) / 2;
  const ry = (box.y1 - box.y0) / 2;
  if (!(rx > 0 && ry > 0)) return mask;
  const r0 = Math.max(0, Math.floor(box.y0));
  const r1 = Math.min(height - 1, Math.ceil(box.y1));
  const c0 = Math.max(0, Math.floor(box.x0));
  const c1 = Math.min(width - 1, Math.ceil(box.x1));
  for (let row = r0; row <= r1; row++) {
    const dy = (row + 0.5 - cy) / ry;
    for (let col = c0; col <= c1; col++) {
      const dx = (col + 0.5 - cx) / rx;
      if (dx * dx + dy * dy <= 1) mask[row * width + col] = 1;
    }
  }
  return mask;
}

/** The filled disc of the given radius (pixels) around point (x, y), clipped to the image. */
export function discMask(
  x: number,
  y: number,
  radius: number,
  width: number,
  height: number,
): Uint8Array {
  const mask = new Uint8Array(width * height);
  if (!(radius > 0)) return mask;
  const r2 = radius * radius;
  const r0 = Math.max(0, Math.floor(y - radius));
  const r1 = Math.min(height - 1, Math.ceil(y + radius));
  const c0 = Math.max(0, Math.floor(x - radius));
  const c1 = Math.min(width - 1, Math.ceil(x + radius));
  for (let row = r0; row <= r1; row++) {
    const dy = row + 0.5 - y;
    for (let col = c0; col <= c1; col++) {
      const dx = col + 0.5 - x;
      if (dx * dx + dy * dy <= r2) mask[row * width + col] = 1;
    }
  }
  return mask;
}

/** Radius of the disc with the same area: √(area / π). */
export function equivalentRadius(area: number): number {
  return Math.sqrt(area / Math.PI);
}

/** The median equivalent radius of a set of object areas (the point prompt's prior disc radius). */
export function medianEquivalentRadius(areas: readonly number[]): number {
  return median(areas.map(equivalentRadius));
}
