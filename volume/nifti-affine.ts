/**
 * NIfTI voxel → world transforms, chosen as nibabel's `get_best_affine` does: the sform when
 * sform_code > 0, else the qform (quaternion, pixdim, qfac) when qform_code > 0, else nibabel's
 * base affine (pixdim scaling, x flipped, origin at the volume centre). Pure; 4×4 row-major.
 */
import type { Vec3 } from './volume.ts';

/** The NIfTI header fields the transforms are built from. */
export interface NiftiTransformFields {
  /** dim[1..3]. */
  readonly dims: Vec3;
  /** pixdim[0..3]; pixdim[0] is qfac. */
  readonly pixdim: readonly number[];
  readonly qformCode: number;
  readonly sformCode: number;
  /** quatern_b, quatern_c, quatern_d. */
  readonly quatern: Vec3;
  /** qoffset_x, qoffset_y, qoffset_z. */
  readonly qoffset: Vec3;
  /** srow_x, srow_y, srow_z (12 numbers). */
  readonly srow: readonly number[];
}

/** The qform as nifti1_io's `nifti_quatern_to_mat44` builds it (a from b, c, d; qfac ±1). */
export function qformAffine(f: NiftiTransformFields): number[] {
  let [b, c, d] = f.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // b, c, d describe a 180° rotation; renormalise them, as nifti1_io does.
    const norm = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= norm;
    c *= norm;
    d *= norm;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const positive = (v: number | undefined): number => (v !== undefined && v > 0 ? v : 1);
  const xd = positive(f.pixdim[1]);
  const yd = positive(f.pixdim[2]);
  const zd = (f.pixdim[0] ?? 1) < 0 ? -positive(f.pixdim[3]) : positive(f.pixdim[3]);
  const [qx, qy, qz] = f.qoffset;
  return [
    (a * a + b * b - c * c - d * d) * xd,
    2 * (b * c - a * d) * yd,
    2 * (b * d + a * c) * zd,
    qx,
    2 * (b * c + a * d) * xd,
    (a * a + c * c - b * b - d * d) * yd,
    2 * (c * d - a * b) * zd,
    qy,
    2 * (b * d - a * c) * xd,
    2 * (c * d + a * b) * yd,
    (a * a + d * d - c * c - b * b) * zd,
    qz,
    0,
    0,
    0,
    1,
  ];
}

export function sformAffine(f: NiftiTransformFields): number[] {
  return [...f.srow.slice(0, 12), 0, 0, 0, 1];
}

/** nibabel's `get_base_affine`: diag(-dx, dy, dz), voxel centre of the volume at the origin. */
export function baseAffine(f: NiftiTransformFields): number[] {
  const zoom = [1, 2, 3].map((n) => Math.abs(f.pixdim[n] ?? 1) || 1);
  const [zx = 1, zy = 1, zz = 1] = zoom;
  const [nx, ny, nz] = f.dims;
  return [
    -zx,
    0,
    0,
    ((nx - 1) / 2) * zx,
    0,
    zy,
    0,
    -((ny - 1) / 2) * zy,
    0,
    0,
    zz,
    -((nz - 1) / 2) * zz,
    0,
    0,
    0,
    1,
  ];
}

export function bestAffine(f: NiftiTransformFields): number[] {
  if (f.sformCode > 0) return sformAffine(f);
  if (f.qformCode > 0) return qformAffine(f);
  return baseAffine(f);
}

/** Determinant of the 3×3 linear part of a row-major 4×4. */
export function linearDeterminant(m: readonly number[]): number {
  const at = (r: number, c: number): number => m[r * 4 + c] ?? 0;
  return (
    at(0, 0) * (at(1, 1) * at(2, 2) - at(1, 2) * at(2, 1)) -
    at(0, 1) * (at(1, 0) * at(2, 2) - at(1, 2) * at(2, 0)) +
    at(0, 2) * (at(1, 0) * at(2, 1) - at(1, 1) * at(2, 0))
  );
}

/** Length of each voxel axis in world units: the norms of the affine's first three columns. */
export function columnNorms(m: readonly number[]): [number, number, number] {
  const norm = (c: number): number => Math.hypot(m[c] ?? 0, m[4 + c] ?? 0, m[8 + c] ?? 0);
  return [norm(0), norm(1), norm(2)];
}
