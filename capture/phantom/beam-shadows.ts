/**
 * Effects that follow the beam below a structure: an acoustic shadow under a bright reflector and
 * posterior enhancement under fluid, i.e. echo scaled by a gain from the structure's far boundary
 * downwards (straight down for linear arrays, radially for sectors).
 */
import type { FieldOfView } from './field-of-view.ts';
import { shapeMargin, type StructureShape } from './shape.ts';

/** Depth (px) over which the effect ramps in below the far boundary. */
const DEPTH_RAMP_PX = 3;
/** Half-width (lateral bins) of the soft lateral edge. */
const EDGE_BINS = 2;

/**
 * Multiplies `echo` by 10^(gainDb/20) below the structure, inside the field of view. The start depth
 * along each beam is the deepest pixel of the structure on that beam; bins are ~1 px wide laterally.
 */
export function applyBeamEffect(
  fov: FieldOfView,
  shape: StructureShape,
  gainDb: number,
  echo: Float32Array,
): void {
  if (gainDb === 0) return;
  const { width, height } = fov;
  const centre = fov.toBeam(shape.cx, shape.cy);
  const binWidth = 1 / Math.max(fov.lateralScale(Math.max(centre.depth, 0)), 1);
  const r = shape.boundingRadius + 1;
  const halfBins =
    Math.ceil(r / Math.max(fov.lateralScale(Math.max(centre.depth - r, 0)), 1) / binWidth) +
    2 * EDGE_BINS +
    2;
  const bins = 2 * halfBins + 1;
  const lat0 = centre.lateral - halfBins * binWidth;
  const far = new Float64Array(bins).fill(-Infinity);

  // Deepest inside point along each lateral bin (the structure may extend beyond the image).
  const x0 = Math.floor(shape.cx - r);
  const x1 = Math.ceil(shape.cx + r);
  const y0 = Math.floor(shape.cy - r);
  const y1 = Math.ceil(shape.cy + r);
  let shallowest = Infinity;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (shapeMargin(shape, x + 0.5, y + 0.5) < 0) continue;
      const b = fov.toBeam(x + 0.5, y + 0.5);
      const bin = Math.floor((b.lateral - lat0) / binWidth);
      if (bin < 0 || bin >= bins) continue;
      if (b.depth > (far[bin] ?? -Infinity)) far[bin] = b.depth;
    }
  }
  // Soft lateral edges: weight = share of covered bins nearby; start = deepest nearby far boundary.
  const weight = new Float64Array(bins);
  const start = new Float64Array(bins).fill(Infinity);
  for (let bin = 0; bin < bins; bin++) {
    let covered = 0;
    let deepest = -Infinity;
    for (let j = -EDGE_BINS; j <= EDGE_BINS; j++) {
      const f = far[bin + j];
      if (f !== undefined && f > -Infinity) {
        covered++;
        deepest = Math.max(deepest, f);
      }
    }
    if (covered > 0) {
      weight[bin] = covered / (2 * EDGE_BINS + 1);
      start[bin] = deepest;
      shallowest = Math.min(shallowest, deepest);
    }
  }
  if (shallowest === Infinity) return;

  const g = fov.geometry;
  const latLo = lat0;
  const latHi = lat0 + bins * binWidth;
  const firstRow =
    g.kind === 'sector'
      ? g.apexY + (g.innerRadius + shallowest) * Math.cos(g.halfAngleRad)
      : g.top + shallowest;
  const k = (gainDb * Math.LN10) / 20;
  const { mask, lateral, depth } = fov;
  for (let y = Math.max(0, Math.floor(firstRow)); y < height; y++) {
    // Columns whose beam coordinate can fall into the bins (a wedge for sectors).
    let xLo = latLo;
    let xHi = latHi;
    if (g.kind === 'sector') {
      const down = y + 0.5 - g.apexY;
      if (down <= 0) continue;
      xLo = g.apexX + down * Math.tan(Math.max(latLo, -g.halfAngleRad));
      xHi = g.apexX + down * Math.tan(Math.min(latHi, g.halfAngleRad));
    }
    const rowBase = y * width;
    const c0 = Math.max(0, Math.floor(xLo) - 1);
    const c1 = Math.min(width - 1, Math.ceil(xHi) + 1);
    for (let x = c0; x <= c1; x++) {
      const i = rowBase + x;
      if (mask[i] !== 1) continue;
      const bin = Math.floor(((lateral[i] ?? 0) - lat0) / binWidth);
      if (bin < 0 || bin >= bins) continue;
      const below = (depth[i] ?? 0) - (start[bin] ?? Infinity);
      if (!(below > 0)) continue;
      const ramp = below >= DEPTH_RAMP_PX ? 1 : below / DEPTH_RAMP_PX;
      echo[i] = (echo[i] ?? 0) * Math.exp(k * ramp * (weight[bin] ?? 0));
    }
  }
}
