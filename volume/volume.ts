/**
 * The format-neutral volume: a 3D scalar grid stored x fastest (voxel (i, j, k) at
 * i + nx·(j + ny·k), as NIfTI stores it), its geometry in world millimetres, and the per-format
 * record needed to write a derived volume (a label map) on exactly the source's grid.
 */
import type { NiftiGrid } from './nifti-header.ts';

export type Vec3 = readonly [number, number, number];

export interface VolumeGeometry {
  /** Voxels along i, j, k. */
  readonly dims: Vec3;
  /** Voxel size along i, j, k, in mm. */
  readonly spacingMm: Vec3;
  /**
   * 4×4 voxel (i, j, k, 1) → world (x, y, z, 1) in mm, row-major (16 numbers). World is RAS+ (x grows
   * toward the patient's Right, y toward Anterior, z toward Superior), the NIfTI / nibabel
   * convention; readers of LPS formats (DICOM, most NRRD and MetaImage files) negate x and y.
   */
  readonly affine: readonly number[];
}

/** Voxel data types a volume can be read from, by format-neutral name. */
export type VolumeDataType =
  'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** Per-format record of the source grid; one member per format that can write derived volumes. */
export type VolumeSource = { readonly format: 'nifti'; readonly grid: NiftiGrid };

export interface Volume {
  readonly geometry: VolumeGeometry;
  /** Voxel values after the format's scaling (NIfTI scl_slope / scl_inter), x fastest. */
  readonly data: Float32Array;
  /** The stored data type. */
  readonly dataType: VolumeDataType;
  /** Absent for volumes built in memory; writers then derive the grid from `geometry`. */
  readonly source?: VolumeSource;
}

export function voxelCount(geometry: VolumeGeometry): number {
  const [nx, ny, nz] = geometry.dims;
  return nx * ny * nz;
}

export function voxelIndex(geometry: VolumeGeometry, i: number, j: number, k: number): number {
  const [nx, ny] = geometry.dims;
  return i + nx * (j + ny * k);
}

/** Same dims, and spacing and affine equal within `toleranceMm`. */
export function sameGrid(a: VolumeGeometry, b: VolumeGeometry, toleranceMm = 1e-3): boolean {
  const close = (x: readonly number[], y: readonly number[]): boolean =>
    x.length === y.length && x.every((v, n) => Math.abs(v - (y[n] ?? NaN)) <= toleranceMm);
  return (
    a.dims.every((d, n) => d === b.dims[n]) &&
    close(a.spacingMm, b.spacingMm) &&
    close(a.affine, b.affine)
  );
}
