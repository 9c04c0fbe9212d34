/**
 * NIfTI file I/O: `readNifti` reads a single-file NIfTI-1 or NIfTI-2 volume (.nii, or gzip
 * whatever its name), `writeNiftiLabels` writes a uint8 label volume on exactly the grid of a
 * volume read before (.nii, or gzip when the path ends in .gz). The thin shell around the pure
 * header, voxel and geometry modules; every fault is a VolumeError.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { isCompressed } from 'nifti-reader-js';
import { VolumeError } from './errors.ts';
import type { NiftiGrid } from './nifti-header.ts';
import { gridFromGeometry, labelHeaderBytes } from './nifti-label-header.ts';
import { niftiVolume } from './nifti-volume.ts';
import { voxelCount, type Volume } from './volume.ts';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new VolumeError('VOLUME_UNREADABLE', `${what}: cannot read ${path} (${code})`, {
      cause: e,
    });
  }
}

async function uncompressed(stored: Uint8Array, what: string): Promise<Uint8Array> {
  // isCompressed reads an ArrayBuffer from byte 0: give it a copy of the first bytes, never the
  // (possibly pooled, offset) ArrayBuffer behind a Node Buffer.
  if (stored.length < 2 || !isCompressed(new Uint8Array(stored.subarray(0, 2)).buffer)) {
    return stored;
  }
  try {
    return await gunzipAsync(stored);
  } catch (e) {
    throw new VolumeError('VOLUME_UNREADABLE', `${what}: corrupt or truncated gzip data`, {
      cause: e,
    });
  }
}

export async function readNifti(path: string): Promise<Volume> {
  const what = `NIfTI ${path}`;
  return niftiVolume(await uncompressed(await readBytes(path, what), what), what);
}

function gridOf(like: Volume): NiftiGrid {
  const source = like.source;
  if (source === undefined) return gridFromGeometry(like.geometry);
  switch (source.format) {
    case 'nifti':
      return source.grid;
  }
}

/**
 * Writes `labels` (one byte per voxel, x fastest, values kept as they are) as a uint8 NIfTI-1
 * label volume on the grid of `like`: same dim, pixdim, xyzt_units, qform and sform as its
 * source header, or, for a volume without a NIfTI source, its geometry as an aligned sform.
 */
export async function writeNiftiLabels(
  path: string,
  labels: Uint8Array,
  like: Volume,
): Promise<void> {
  const what = `NIfTI labels ${path}`;
  const gz = path.endsWith('.nii.gz');
  if (!gz && !path.endsWith('.nii')) {
    throw new VolumeError(
      'VOLUME_FORMAT_UNSUPPORTED',
      `${what}: the path must end in .nii or .nii.gz`,
    );
  }
  const count = voxelCount(like.geometry);
  if (labels.length !== count) {
    throw new VolumeError(
      'VOLUME_GEOMETRY_MISMATCH',
      `${what}: ${labels.length} labels for a ${like.geometry.dims.join('×')} grid (${count} voxels)`,
    );
  }
  const grid = gridOf(like);
  if (!grid.dims.every((d, n) => d === like.geometry.dims[n])) {
    throw new VolumeError(
      'VOLUME_GEOMETRY_MISMATCH',
      `${what}: source header dims ${grid.dims.join('×')} differ from the geometry's ${like.geometry.dims.join('×')}`,
    );
  }
  let maxLabel = 0;
  for (const v of labels) if (v > maxLabel) maxLabel = v;
  const header = labelHeaderBytes(grid, maxLabel);
  const file = new Uint8Array(header.length + labels.length);
  file.set(header);
  file.set(labels, header.length);
  try {
    await writeFile(path, gz ? await gzipAsync(file) : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new VolumeError('VOLUME_WRITE_FAILED', `${what}: cannot write (${code})`, { cause: e });
  }
}
