/**
 * Builds the 352-byte NIfTI-1 header (348 + 4 empty extension bytes) of a uint8 label volume on a
 * given grid, serialised by nifti-reader-js's `NIFTI1.toArrayBuffer`. The grid fields (dim,
 * pixdim, xyzt_units, dim_info, qform and sform codes and parameters) are copied from the source
 * header when there is one, else derived from the geometry (sform_code 2, qform_code 0, mm). Pure.
 */
import { NIFTI1 } from 'nifti-reader-js';
import { VolumeError } from './errors.ts';
import type { NiftiGrid } from './nifti-header.ts';
import type { VolumeGeometry } from './volume.ts';

export const LABEL_DESCRIPTION = 'pocus label volume';
/** NIFTI_INTENT_LABEL: voxel values are labels (nifti1.h). */
export const NIFTI_INTENT_LABEL = 1002;
export const LABEL_VOX_OFFSET = 352;

const NIFTI1_MAX_DIM = 32767;

/** The grid of a volume that has no NIfTI source: its affine as the sform, in mm. */
export function gridFromGeometry(geometry: VolumeGeometry): NiftiGrid {
  const [nx, ny, nz] = geometry.dims;
  const [sx, sy, sz] = geometry.spacingMm;
  const a = geometry.affine;
  return {
    version: 1,
    dim: [3, nx, ny, nz, 1, 1, 1, 1],
    dims: geometry.dims,
    pixdim: [1, sx, sy, sz, 1, 1, 1, 1],
    xyztUnits: NIFTI1.UNITS_MM,
    dimInfo: 0,
    qformCode: 0,
    sformCode: NIFTI1.XFORM_ALIGNED_ANAT,
    quatern: [0, 0, 0],
    qoffset: [a[3] ?? 0, a[7] ?? 0, a[11] ?? 0],
    srow: a.slice(0, 12),
  };
}

export function labelHeaderBytes(grid: NiftiGrid, maxLabel: number): Uint8Array {
  const [nx, ny, nz] = grid.dims;
  if (Math.max(nx, ny, nz) > NIFTI1_MAX_DIM) {
    throw new VolumeError(
      'VOLUME_FORMAT_UNSUPPORTED',
      `${nx}×${ny}×${nz} does not fit a NIfTI-1 header (each dim ≤ ${NIFTI1_MAX_DIM})`,
    );
  }
  const h = new NIFTI1();
  h.littleEndian = true;
  h.magic = 'n+1';
  h.dim_info = grid.dimInfo;
  h.dims = [3, nx, ny, nz, 1, 1, 1, 1];
  h.pixDims = Array.from({ length: 8 }, (_, n) => grid.pixdim[n] ?? 0);
  h.intent_code = NIFTI_INTENT_LABEL;
  h.datatypeCode = NIFTI1.TYPE_UINT8;
  h.numBitsPerVoxel = 8;
  h.vox_offset = LABEL_VOX_OFFSET;
  h.scl_slope = 1;
  h.scl_inter = 0;
  h.xyzt_units = grid.xyztUnits;
  h.cal_min = 0;
  h.cal_max = maxLabel;
  h.description = LABEL_DESCRIPTION;
  h.qform_code = grid.qformCode;
  h.sform_code = grid.sformCode;
  [h.quatern_b, h.quatern_c, h.quatern_d] = grid.quatern;
  [h.qoffset_x, h.qoffset_y, h.qoffset_z] = grid.qoffset;
  // toArrayBuffer writes `affine`'s first three rows as srow_x, srow_y, srow_z.
  const s = grid.srow;
  h.affine = [s.slice(0, 4), s.slice(4, 8), s.slice(8, 12), [0, 0, 0, 1]];
  return new Uint8Array(h.toArrayBuffer(false));
}
