/**
 * Decodes the voxel block of an uncompressed .nii into float32 values with scl_slope / scl_inter
 * applied (slope 0 or not finite means unscaled, as the NIfTI standard says). Pure.
 */
import { VolumeError } from './errors.ts';
import type { NiftiHeader } from './nifti-header.ts';
import type { VolumeDataType } from './volume.ts';

type Reader = (view: DataView, byteOffset: number, littleEndian: boolean) => number;

const READERS: Record<VolumeDataType, Reader> = {
  int8: (v, o) => v.getInt8(o),
  uint8: (v, o) => v.getUint8(o),
  int16: (v, o, le) => v.getInt16(o, le),
  uint16: (v, o, le) => v.getUint16(o, le),
  int32: (v, o, le) => v.getInt32(o, le),
  uint32: (v, o, le) => v.getUint32(o, le),
  float32: (v, o, le) => v.getFloat32(o, le),
  float64: (v, o, le) => v.getFloat64(o, le),
};

export function decodeNiftiVoxels(
  bytes: Uint8Array,
  header: NiftiHeader,
  what: string,
): Float32Array {
  const [nx, ny, nz] = header.dims;
  const count = nx * ny * nz;
  const needed = header.voxOffset + count * header.bytesPerVoxel;
  if (bytes.length < needed) {
    throw new VolumeError(
      'VOLUME_UNREADABLE',
      `${what}: truncated: ${bytes.length} bytes, the header needs ${needed} (${nx}×${ny}×${nz} ${header.dataType} from byte ${header.voxOffset})`,
    );
  }
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + header.voxOffset,
    count * header.bytesPerVoxel,
  );
  const read = READERS[header.dataType];
  const scaled = Number.isFinite(header.sclSlope) && header.sclSlope !== 0;
  const slope = scaled ? header.sclSlope : 1;
  const inter = scaled && Number.isFinite(header.sclInter) ? header.sclInter : 0;
  const out = new Float32Array(count);
  const step = header.bytesPerVoxel;
  const le = header.littleEndian;
  for (let n = 0; n < count; n++) out[n] = read(view, n * step, le) * slope + inter;
  return out;
}
