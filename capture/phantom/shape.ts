/**
 * The shape of a structure at one instant: an ellipse whose radius is modulated by a Fourier series,
 * r(θ) = r_ellipse(θ) × (1 + Σ_k αₖ cos kθ + βₖ sin kθ), and the exact inside test used for labels.
 */

/** Highest harmonic of the boundary modulation. */
export const MAX_HARMONIC = 5;

export interface StructureShape {
  /** Centre, continuous image coordinates. */
  readonly cx: number;
  readonly cy: number;
  /** Orientation of the ellipse's first axis: cos and sin of the angle from the +x axis. */
  readonly cosRot: number;
  readonly sinRot: number;
  /** Semi-axes, px. */
  readonly a: number;
  readonly b: number;
  /** Fourier coefficients αₖ, βₖ at index k (entries 0 and 1 are unused and 0). */
  readonly harmonicsCos: Float64Array;
  readonly harmonicsSin: Float64Array;
  /** An upper bound of the distance from the centre to the boundary, px. */
  readonly boundingRadius: number;
}

/**
 * Radial margin of point (x, y): boundary radius minus distance from the centre along the ray through
 * the point, px. ≥ 0 exactly when the point is inside (the label rule); near the boundary it
 * approximates the signed distance (positive inside).
 */
export function shapeMargin(s: StructureShape, x: number, y: number): number {
  const dx = x - s.cx;
  const dy = y - s.cy;
  const u = dx * s.cosRot + dy * s.sinRot;
  const v = dy * s.cosRot - dx * s.sinRot;
  const rho = Math.sqrt(u * u + v * v);
  const c1 = rho > 0 ? u / rho : 1;
  const s1 = rho > 0 ? v / rho : 0;
  const bc = s.b * c1;
  const as = s.a * s1;
  const ellipse = (s.a * s.b) / Math.sqrt(bc * bc + as * as);
  let m = 1;
  let ck = c1;
  let sk = s1;
  for (let k = 2; k <= MAX_HARMONIC; k++) {
    const c = ck * c1 - sk * s1;
    sk = sk * c1 + ck * s1;
    ck = c;
    m += (s.harmonicsCos[k] ?? 0) * ck + (s.harmonicsSin[k] ?? 0) * sk;
  }
  return ellipse * m - rho;
}

/** Whether continuous point (x, y) is inside the structure. Pixel (col, row) is tested at its centre. */
export function shapeContains(s: StructureShape, x: number, y: number): boolean {
  return shapeMargin(s, x, y) >= 0;
}
