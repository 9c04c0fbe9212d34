/**
 * The field of view (a fan for sector probes, a rectangle for linear ones), its pixel mask, and the
 * beam coordinates (lateral position across beams, depth along the beam) of every pixel.
 *
 * Coordinates are continuous image coordinates: pixel (col, row) covers [col, col + 1) × [row, row + 1)
 * and is sampled at its centre (col + 0.5, row + 0.5).
 */
import type { PhantomParams } from './params.ts';

export interface SectorGeometry {
  readonly kind: 'sector';
  /** Virtual apex of the fan (may lie above the image). */
  readonly apexX: number;
  readonly apexY: number;
  /** Radii of the top and bottom arcs, measured from the apex. */
  readonly innerRadius: number;
  readonly outerRadius: number;
  /** Half the opening angle, radians; angles are measured from straight down, positive to the right. */
  readonly halfAngleRad: number;
}

export interface LinearGeometry {
  readonly kind: 'linear';
  /** The rectangle [left, right) × [top, bottom), in continuous coordinates (integers). */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** A position in beam coordinates: lateral is the beam angle (sector, rad) or x (linear, px). */
export interface BeamPoint {
  readonly lateral: number;
  /** Distance along the beam below the transducer face, px. */
  readonly depth: number;
}

export interface FieldOfView {
  readonly width: number;
  readonly height: number;
  readonly geometry: SectorGeometry | LinearGeometry;
  /** 1 where the pixel centre is inside the field of view, else 0. */
  readonly mask: Uint8Array;
  /** Indices (row * width + col) of the pixels inside, in raster order. */
  readonly inside: Int32Array;
  /** Beam coordinates of every pixel centre (meaningful inside the field of view). */
  readonly lateral: Float32Array;
  readonly depth: Float32Array;
  /** Lateral extent [min, max] and the deepest depth (depth runs from 0). */
  readonly lateralMin: number;
  readonly lateralMax: number;
  readonly maxDepth: number;
  /** Whether continuous point (x, y) lies inside the field of view. */
  contains(x: number, y: number): boolean;
  toBeam(x: number, y: number): BeamPoint;
  fromBeam(lateral: number, depth: number): { x: number; y: number };
  /** Pixels per unit of lateral coordinate at a given depth (1 for linear, radius for sector). */
  lateralScale(depth: number): number;
}

function sectorGeometry(p: PhantomParams): SectorGeometry {
  const halfAngleRad = (p.sectorAngleDeg * Math.PI) / 360;
  const margin = Math.max(2, Math.round(0.01 * p.height));
  const outerByHeight = (p.height - 2 * margin) / (1 - p.apexDepthFraction);
  const outerByWidth = (p.width / 2 - margin) / Math.max(Math.sin(halfAngleRad), 1e-6);
  const outerRadius = Math.min(outerByHeight, outerByWidth);
  const innerRadius = p.apexDepthFraction * outerRadius;
  return {
    kind: 'sector',
    apexX: p.width / 2,
    apexY: margin - innerRadius,
    innerRadius,
    outerRadius,
    halfAngleRad,
  };
}

function linearGeometry(p: PhantomParams): LinearGeometry {
  const side = Math.round(0.05 * p.width);
  const vertical = Math.max(1, Math.round(0.01 * p.height));
  return {
    kind: 'linear',
    left: side,
    right: p.width - side,
    top: vertical,
    bottom: p.height - vertical,
  };
}

export function buildFieldOfView(p: PhantomParams): FieldOfView {
  const { width, height } = p;
  const g = p.geometry === 'sector' ? sectorGeometry(p) : linearGeometry(p);

  let contains: (x: number, y: number) => boolean;
  let toBeam: (x: number, y: number) => BeamPoint;
  let fromBeam: (lateral: number, depth: number) => { x: number; y: number };
  let lateralScale: (depth: number) => number;
  let lateralMin: number;
  let lateralMax: number;
  let maxDepth: number;

  if (g.kind === 'sector') {
    const { apexX, apexY, innerRadius, outerRadius, halfAngleRad } = g;
    contains = (x, y) => {
      const dx = x - apexX;
      const dy = y - apexY;
      const r = Math.sqrt(dx * dx + dy * dy);
      return r >= innerRadius && r <= outerRadius && Math.abs(Math.atan2(dx, dy)) <= halfAngleRad;
    };
    toBeam = (x, y) => {
      const dx = x - apexX;
      const dy = y - apexY;
      return { lateral: Math.atan2(dx, dy), depth: Math.sqrt(dx * dx + dy * dy) - innerRadius };
    };
    fromBeam = (lateral, depth) => ({
      x: apexX + (innerRadius + depth) * Math.sin(lateral),
      y: apexY + (innerRadius + depth) * Math.cos(lateral),
    });
    lateralScale = (depth) => innerRadius + depth;
    lateralMin = -halfAngleRad;
    lateralMax = halfAngleRad;
    maxDepth = outerRadius - innerRadius;
  } else {
    const { left, right, top, bottom } = g;
    contains = (x, y) => x >= left && x < right && y >= top && y < bottom;
    toBeam = (x, y) => ({ lateral: x, depth: y - top });
    fromBeam = (lateral, depth) => ({ x: lateral, y: top + depth });
    lateralScale = () => 1;
    lateralMin = left;
    lateralMax = right;
    maxDepth = bottom - top;
  }

  const n = width * height;
  const mask = new Uint8Array(n);
  const lateral = new Float32Array(n);
  const depth = new Float32Array(n);
  let count = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const b = toBeam(col + 0.5, row + 0.5);
      lateral[i] = b.lateral;
      depth[i] = b.depth;
      if (contains(col + 0.5, row + 0.5)) {
        mask[i] = 1;
        count++;
      }
    }
  }
  const inside = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (mask[i] === 1) inside[k++] = i;

  return {
    width,
    height,
    geometry: g,
    mask,
    inside,
    lateral,
    depth,
    lateralMin,
    lateralMax,
    maxDepth,
    contains,
    toBeam,
    fromBeam,
    lateralScale,
  };
}
