/**
 * Parses and checks a NIfTI-1 or NIfTI-2 single-file header (uncompressed bytes) with
 * nifti-reader-js, then reads the raw sform rows itself (the library's `affine` is its own pick of
 * qform or sform, not the stored srow). Pure: every refusal is a VolumeError.
 */
import { NIFTI1, NIFTI2, isNIFTI1, isNIFTI2 } from 'nifti-reader-js';
import { VolumeError } from './errors.ts';
import type { NiftiTransformFields } from './nifti-affine.ts';
import type { VolumeDataType } from './volume.ts';

/** The header fields that define a NIfTI grid: what a derived volume copies from its source. */
export interface NiftiGrid extends NiftiTransformFields {
  readonly version: 1 | 2;
  /** dim[0..7] as stored. */
  readonly dim: readonly number[];
  /** pixdim[0..7] as stored (pixdim[0] is qfac). */
  readonly pixdim: readonly number[];
  readonly xyztUnits: number;
  readonly dimInfo: number;
}

export interface NiftiHeader extends NiftiGrid {
  readonly littleEndian: boolean;
  readonly dataType: VolumeDataType;
  readonly bytesPerVoxel: number;
  /** Byte offset of the voxel data in the (uncompressed) file. */
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
}

/** NIfTI datatype codes this module reads, with their byte sizes. */
export const NIFTI_DATA_TYPES: ReadonlyMap<number, { name: VolumeDataType; bytes: number }> =
  new Map([
    [NIFTI1.TYPE_UINT8, { name: 'uint8', bytes: 1 }],
    [NIFTI1.TYPE_INT16, { name: 'int16', bytes: 2 }],
    [NIFTI1.TYPE_INT32, { name: 'int32', bytes: 4 }],
    [NIFTI1.TYPE_FLOAT32, { name: 'float32', bytes: 4 }],
    [NIFTI1.TYPE_FLOAT64, { name: 'float64', bytes: 8 }],
    [NIFTI1.TYPE_INT8, { name: 'int8', bytes: 1 }],
    [NIFTI1.TYPE_UINT16, { name: 'uint16', bytes: 2 }],
    [NIFTI1.TYPE_UINT32, { name: 'uint32', bytes: 4 }],
  ]);

const NIFTI1_HEADER_BYTES = 348;
const NIFTI2_HEADER_BYTES = 540;

function unreadable(what: string, detail: string): VolumeError {
  return new VolumeError('VOLUME_UNREADABLE', `${what}: ${detail}`);
}

function unsupported(what: string, detail: string): VolumeError {
  return new VolumeError('VOLUME_FORMAT_UNSUPPORTED', `${what}: ${detail}`);
}

/**
 * A fresh ArrayBuffer holding the first `length` bytes: the library reads ArrayBuffers from byte 0,
 * and a Node Buffer's `.slice` is a view into a possibly pooled, offset ArrayBuffer.
 */
function copyOf(bytes: Uint8Array, length: number): ArrayBuffer {
  return new Uint8Array(bytes.subarray(0, length)).buffer;
}

/** The library's header object, read from exactly the standard header (no extensions). */
function libraryHeader(bytes: Uint8Array, what: string): NIFTI1 | NIFTI2 {
  if (bytes.length < NIFTI1_HEADER_BYTES) {
    throw unreadable(what, `${bytes.length} bytes, too short for a NIfTI header`);
  }
  const head = copyOf(bytes, Math.min(bytes.length, NIFTI2_HEADER_BYTES));
  let header: NIFTI1 | NIFTI2;
  let size: number;
  if (isNIFTI1(head)) {
    header = new NIFTI1();
    size = NIFTI1_HEADER_BYTES;
  } else if (isNIFTI2(head)) {
    if (bytes.length < NIFTI2_HEADER_BYTES) {
      throw unreadable(what, `${bytes.length} bytes, too short for a NIfTI-2 header`);
    }
    header = new NIFTI2();
    size = NIFTI2_HEADER_BYTES;
  } else if (isNIFTI1(head, true) || isNIFTI2(head, true)) {
    throw unsupported(what, 'a .hdr/.img pair; only single-file NIfTI (.nii, .nii.gz) is read');
  } else {
    throw unsupported(what, 'not a NIfTI-1 or NIfTI-2 file (no n+1 / n+2 magic)');
  }
  try {
    header.readHeader(copyOf(bytes, size));
  } catch (e) {
    throw new VolumeError('VOLUME_UNREADABLE', `${what}: malformed NIfTI header`, { cause: e });
  }
  return header;
}

/** srow_x, srow_y, srow_z exactly as stored (float32 in NIfTI-1, float64 in NIfTI-2). */
function rawSrow(bytes: Uint8Array, version: 1 | 2, littleEndian: boolean): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: 12 }, (_, n) =>
    version === 1
      ? view.getFloat32(280 + 4 * n, littleEndian)
      : view.getFloat64(400 + 8 * n, littleEndian),
  );
}

function checkDims(dim: readonly number[], what: string): [number, number, number] {
  const rank = dim[0] ?? 0;
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw unreadable(what, `dim[0] = ${rank}, not 1..7`);
  }
  for (let n = 1; n <= rank; n++) {
    const d = dim[n] ?? 0;
    if (!Number.isSafeInteger(d) || d < 1) throw unreadable(what, `dim[${n}] = ${d}, not ≥ 1`);
  }
  if (rank < 3) throw unsupported(what, `${rank}D image; a 3D volume is needed`);
  for (let n = 4; n <= rank; n++) {
    if (dim[n] !== 1) {
      throw unsupported(what, `dim[${n}] = ${dim[n]}; only 3D volumes (extra dims of 1) are read`);
    }
  }
  return [dim[1] ?? 1, dim[2] ?? 1, dim[3] ?? 1];
}

/** Parses and validates the header at the start of `bytes` (an uncompressed .nii). */
export function parseNiftiHeader(bytes: Uint8Array, what: string): NiftiHeader {
  const h = libraryHeader(bytes, what);
  const version = h instanceof NIFTI1 ? 1 : 2;
  const dims = checkDims(h.dims, what);
  const type = NIFTI_DATA_TYPES.get(h.datatypeCode);
  if (!type) {
    const name = new NIFTI1().getDatatypeCodeString(h.datatypeCode);
    throw unsupported(what, `datatype ${h.datatypeCode} (${name}) is not supported`);
  }
  if (h.numBitsPerVoxel !== type.bytes * 8) {
    throw unreadable(what, `bitpix ${h.numBitsPerVoxel} contradicts datatype ${type.name}`);
  }
  const headerBytes = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  if (!Number.isSafeInteger(h.vox_offset) || h.vox_offset < headerBytes) {
    throw unreadable(what, `vox_offset ${h.vox_offset} is not an integer ≥ ${headerBytes}`);
  }
  const pixdim = Array.from({ length: 8 }, (_, n) => h.pixDims[n] ?? 0);
  for (let n = 1; n <= 3; n++) {
    const p = pixdim[n] ?? 0;
    if (!Number.isFinite(p) || p === 0) throw unreadable(what, `pixdim[${n}] = ${p}`);
  }
  return {
    version,
    littleEndian: h.littleEndian,
    dim: Array.from({ length: 8 }, (_, n) => h.dims[n] ?? 0),
    dims,
    pixdim,
    xyztUnits: h.xyzt_units,
    dimInfo: h.dim_info,
    qformCode: h.qform_code,
    sformCode: h.sform_code,
    quatern: [h.quatern_b, h.quatern_c, h.quatern_d],
    qoffset: [h.qoffset_x, h.qoffset_y, h.qoffset_z],
    srow: rawSrow(bytes, version, h.littleEndian),
    dataType: type.name,
    bytesPerVoxel: type.bytes,
    voxOffset: h.vox_offset,
    sclSlope: h.scl_slope,
    sclInter: h.scl_inter,
  };
}

/** Millimetres per unit of the header's spatial unit (xyzt_units & 7); unknown counts as mm. */
export function spatialUnitMm(xyztUnits: number): number {
  switch (xyztUnits & NIFTI1.SPATIAL_UNITS_MASK) {
    case NIFTI1.UNITS_METER:
      return 1000;
    case NIFTI1.UNITS_MICRON:
      return 0.001;
    default:
      return 1;
  }
}
