/**
 * Appearance of a tracked object, for loss detection and re-acquisition (pure): the mean grey level
 * inside its mask and in the surrounding ring (the rest of its box grown by half its size), and
 * their contrast. Cheap and robust to speckle because both are means over many pixels.
 */
import type { BinaryMask } from '../engine/mask.ts';
import { expandBox, type PixelBox } from './mask-geometry.ts';

export interface Appearance {
  /** Mean grey (0–255) of the mask's pixels. */
  readonly inside: number;
  /** Mean grey of the ring around it; NaN when the ring is empty (mask fills its surroundings). */
  readonly around: number;
  /** (around − inside) / (around + inside + 1): > 0 for a darker-than-surroundings structure. */
  readonly contrast: number;
}

export function measureAppearance(grey: Uint8Array, mask: BinaryMask, box: PixelBox): Appearance {
  const { width, height } = mask;
  const ring = expandBox(box, 0.5, 2, width, height);
  let sIn = 0;
  let nIn = 0;
  let sOut = 0;
  let nOut = 0;
  const x0 = Math.floor(ring.x0);
  const x1 = Math.ceil(ring.x1);
  for (let y = Math.floor(ring.y0); y < Math.ceil(ring.y1); y++) {
    const row = y * width;
    for (let x = x0; x < x1; x++) {
      const g = grey[row + x]!;
      if (mask.data[row + x]) {
        sIn += g;
        nIn++;
      } else if (g > 0) {
        // Zero is "no echo data" (outside a sector): not the object's surroundings.
        sOut += g;
        nOut++;
      }
    }
  }
  const inside = nIn > 0 ? sIn / nIn : NaN;
  const around = nOut > 0 ? sOut / nOut : NaN;
  const contrast = Number.isFinite(around) ? (around - inside) / (around + inside + 1) : 0;
  return { inside, around, contrast };
}

/**
 * How unlike the reference an observation looks, in [0, 1]: 0 for the same contrast and level, 1 for
 * a contrast that differs by `contrastTolerance` or more (or a level off by half the reference).
 */
export function appearanceDistance(
  reference: Appearance,
  seen: Appearance,
  contrastTolerance: number,
): number {
  const dc = Math.abs(seen.contrast - reference.contrast) / contrastTolerance;
  const level = Math.max(reference.inside, 8);
  const dl = Math.abs(seen.inside - reference.inside) / (0.5 * level + 16);
  return Math.min(1, Math.max(dc, dl));
}

/** Exponential blend of an appearance towards a new observation (weight of the new one). */
export function blendAppearance(a: Appearance, b: Appearance, weight: number): Appearance {
  const mix = (p: number, q: number) =>
    Number.isFinite(p) && Number.isFinite(q) ? p + weight * (q - p) : Number.isFinite(q) ? q : p;
  return {
    inside: mix(a.inside, b.inside),
    around: mix(a.around, b.around),
    contrast: mix(a.contrast, b.contrast),
  };
}
