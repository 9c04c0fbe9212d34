/**
 * An uncompressed .nii as a format-neutral Volume: header checks, voxels with scaling, and the
 * geometry in mm (spacing from pixdim, affine as nibabel's best affine, both scaled from the
 * header's spatial unit to mm). Pure.
 */
import { bestAffine } from './nifti-affine.ts';
import { parseNiftiHeader, spatialUnitMm } from './nifti-header.ts';
import { decodeNiftiVoxels } from './nifti-voxels.ts';
import type { Volume, VolumeGeometry } from './volume.ts';

export function niftiVolume(bytes: Uint8Array, what: string): Volume {
  const header = parseNiftiHeader(bytes, what);
  const data = decodeNiftiVoxels(bytes, header, what);
  const mm = spatialUnitMm(header.xyztUnits);
  const spacing = (n: number): number => Math.abs(header.pixdim[n] ?? 1) * mm;
  const affine = bestAffine(header).map((v, n) => (n < 12 ? v * mm : v));
  const geometry: VolumeGeometry = {
    dims: header.dims,
    spacingMm: [spacing(1), spacing(2), spacing(3)],
    affine,
  };
  const grid = {
    version: header.version,
    dim: header.dim,
    dims: header.dims,
    pixdim: header.pixdim,
    xyztUnits: header.xyztUnits,
    dimInfo: header.dimInfo,
    qformCode: header.qformCode,
    sformCode: header.sformCode,
    quatern: header.quatern,
    qoffset: header.qoffset,
    srow: header.srow,
  };
  return { geometry, data, dataType: header.dataType, source: { format: 'nifti', grid } };
}
