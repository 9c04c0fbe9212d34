/** Finds rest positions for structures: inside the field of view, with room to move, away from others. */
import type { FieldOfView } from './field-of-view.ts';
import { shapeMargin, type StructureShape } from './shape.ts';
import type { SeededRandom } from './seeded-random.ts';

const TWO_PI = 2 * Math.PI;

/** Whether a disc of radius r around (x, y) lies in the field of view (checked at 24 rim points). */
export function discInside(fov: FieldOfView, x: number, y: number, r: number): boolean {
  if (!fov.contains(x, y)) return false;
  for (let j = 0; j < 24; j++) {
    const t = (TWO_PI * j) / 24;
    if (!fov.contains(x + r * Math.cos(t), y + r * Math.sin(t))) return false;
  }
  return true;
}

/** Boundary radius of a shape along the unit direction (ux, uy) from its centre. */
export function radiusAlong(shape: StructureShape, ux: number, uy: number): number {
  return shapeMargin(shape, shape.cx + ux, shape.cy + uy) + 1;
}

/** A structure already placed: its rest centre and the radius others should keep clear of. */
export interface Placed {
  readonly x: number;
  readonly y: number;
  readonly radius: number;
}

export interface PlacementRequest {
  /** Radius of the disc around the rest position that should lie in the field of view, px. */
  readonly room: number;
  /** Clearance radius of this structure, px (compared with Placed.radius). */
  readonly radius: number;
  /** Lateral position as a fraction of the half-width from the centre line (either side), or null. */
  readonly lateralBand: readonly [number, number] | null;
  /** Depth as fractions of the field of view's depth. */
  readonly depthBand: readonly [number, number];
  /** Extra condition on a position. */
  readonly accept: (x: number, y: number) => boolean;
  /** Gap wanted between clearance radii, px. */
  readonly minGap: number;
}

/**
 * The best of up to 120 random candidate rest positions: most of `room` fitting in the field of view
 * first, then `accept`, then the largest clearance from `avoid`; stops at the first that meets all.
 */
export function findRestPosition(
  rng: SeededRandom,
  fov: FieldOfView,
  avoid: readonly Placed[],
  req: PlacementRequest,
): { x: number; y: number } {
  let best = { x: 0, y: 0 };
  let bestScore = -Infinity;
  for (let attempt = 0; attempt < 120; attempt++) {
    let lateral = rng.uniform(fov.lateralMin, fov.lateralMax);
    if (req.lateralBand !== null) {
      const mid = (fov.lateralMin + fov.lateralMax) / 2;
      const half = (fov.lateralMax - fov.lateralMin) / 2;
      const side = rng.next() < 0.5 ? -1 : 1;
      lateral = mid + side * half * rng.uniform(req.lateralBand[0], req.lateralBand[1]);
    }
    const depth = fov.maxDepth * rng.uniform(req.depthBand[0], req.depthBand[1]);
    const c = fov.fromBeam(lateral, depth);
    // Share of the wanted room that fits (in tenths), then acceptance, then clearance.
    let fit = 10;
    while (fit > 0 && !discInside(fov, c.x, c.y, (req.room * fit) / 10)) fit--;
    let clearance = 999;
    for (const o of avoid) {
      clearance = Math.min(clearance, Math.hypot(o.x - c.x, o.y - c.y) - o.radius - req.radius);
    }
    const ok = req.accept(c.x, c.y);
    const score = fit * 1e5 + (ok ? 1e4 : 0) + Math.max(Math.min(clearance, 999), -999);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
    if (fit === 10 && ok && clearance >= req.minGap) break;
  }
  return best;
}
