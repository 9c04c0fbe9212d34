/**
 * 2D slices of a volume and back, in voxel order with no flips: for axis 2 (k fixed) columns are
 * i and rows are j; for axis 1 (j fixed) columns are i and rows are k; for axis 0 (i fixed)
 * columns are j and rows are k. Row 0 is the lowest index, so images are as stored, not in a
 * radiological display orientation (a display flip belongs to the viewer). Pure.
 */
import { VolumeError } from './errors.ts';
import { autoWindow, checkWindow, toGrey, type IntensityWindow } from './intensity-window.ts';
import type { Volume, VolumeGeometry } from './volume.ts';

export type SliceAxis = 0 | 1 | 2;

/** A row-major 8-bit single-channel image (grey levels, label values or a 0/1 mask). */
export interface SliceImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

interface Plane {
  readonly width: number;
  readonly height: number;
  readonly base: number;
  readonly colStride: number;
  readonly rowStride: number;
}

/** Width, height and number of the slices along `axis`. */
export function sliceShape(
  geometry: VolumeGeometry,
  axis: SliceAxis,
): { width: number; height: number; count: number } {
  // callers from untyped code (a request, a CLI flag) may pass anything
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    throw new VolumeError('VOLUME_SLICE_INVALID', `axis ${String(axis)} is not 0, 1 or 2`);
  }
  const [nx, ny, nz] = geometry.dims;
  switch (axis) {
    case 0:
      return { width: ny, height: nz, count: nx };
    case 1:
      return { width: nx, height: nz, count: ny };
    case 2:
      return { width: nx, height: ny, count: nz };
  }
}

/** The in-plane pixel size (mm) of the slices along `axis`: the mean of its two spacings. */
export function slicePixelMm(geometry: VolumeGeometry, axis: SliceAxis): number {
  const [sx, sy, sz] = geometry.spacingMm;
  const [a, b] = axis === 0 ? [sy, sz] : axis === 1 ? [sx, sz] : [sx, sy];
  return (Math.abs(a) + Math.abs(b)) / 2;
}

function plane(geometry: VolumeGeometry, axis: SliceAxis, index: number): Plane {
  const { width, height, count } = sliceShape(geometry, axis);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new VolumeError(
      'VOLUME_SLICE_INVALID',
      `slice ${index} along axis ${axis}: not an integer in 0..${count - 1}`,
    );
  }
  const [nx, ny] = geometry.dims;
  const [si, sj, sk] = [1, nx, nx * ny];
  switch (axis) {
    case 0:
      return { width, height, base: index * si, colStride: sj, rowStride: sk };
    case 1:
      return { width, height, base: index * sj, colStride: si, rowStride: sk };
    case 2:
      return { width, height, base: index * sk, colStride: si, rowStride: sj };
  }
}

function checkLength(values: ArrayLike<number>, geometry: VolumeGeometry, what: string): void {
  const [nx, ny, nz] = geometry.dims;
  if (values.length !== nx * ny * nz) {
    throw new VolumeError(
      'VOLUME_GEOMETRY_MISMATCH',
      `${what}: ${values.length} voxels for a ${nx}×${ny}×${nz} grid`,
    );
  }
}

function mapSlice(
  values: ArrayLike<number>,
  geometry: VolumeGeometry,
  axis: SliceAxis,
  index: number,
  map: (value: number) => number,
): SliceImage {
  checkLength(values, geometry, 'volume');
  const p = plane(geometry, axis, index);
  const data = new Uint8Array(p.width * p.height);
  for (let r = 0; r < p.height; r++) {
    const rowBase = p.base + r * p.rowStride;
    for (let c = 0; c < p.width; c++) {
      data[r * p.width + c] = map(values[rowBase + c * p.colStride] ?? 0);
    }
  }
  return { width: p.width, height: p.height, data };
}

/**
 * The slice as 8-bit grey for the segmenter. Without `window` the automatic window of the whole
 * volume is computed on every call: when streaming slices, compute `autoWindow` once and pass it.
 */
export function greySlice(
  volume: Volume,
  axis: SliceAxis,
  index: number,
  window: IntensityWindow = autoWindow(volume.data),
): SliceImage {
  checkWindow(window);
  return mapSlice(volume.data, volume.geometry, axis, index, (v) => toGrey(v, window));
}

/** The label values of a slice, unchanged. */
export function labelSlice(
  labels: ArrayLike<number>,
  geometry: VolumeGeometry,
  axis: SliceAxis,
  index: number,
): SliceImage {
  return mapSlice(labels, geometry, axis, index, (v) => v);
}

/** A 0/1 mask of the voxels of a slice whose label is `value` (e.g. from a reference label map). */
export function extractSliceLabels(
  labels: ArrayLike<number>,
  geometry: VolumeGeometry,
  axis: SliceAxis,
  index: number,
  value: number,
): SliceImage {
  return mapSlice(labels, geometry, axis, index, (v) => (v === value ? 1 : 0));
}

/**
 * Writes `value` into `labels` (in place) wherever `mask` is non-zero on the slice; voxels where
 * the mask is zero keep their label, so several structures can be stacked into one volume.
 */
export function setSliceLabels(
  labels: Uint8Array,
  geometry: VolumeGeometry,
  axis: SliceAxis,
  index: number,
  mask: SliceImage,
  value: number,
): void {
  checkLength(labels, geometry, 'label volume');
  const p = plane(geometry, axis, index);
  if (
    mask.width !== p.width ||
    mask.height !== p.height ||
    mask.data.length !== p.width * p.height
  ) {
    throw new VolumeError(
      'VOLUME_GEOMETRY_MISMATCH',
      `mask ${mask.width}×${mask.height} (${mask.data.length} bytes) on a ${p.width}×${p.height} slice`,
    );
  }
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new VolumeError('VOLUME_SLICE_INVALID', `label value ${value} is not an integer 0..255`);
  }
  for (let r = 0; r < p.height; r++) {
    const rowBase = p.base + r * p.rowStride;
    for (let c = 0; c < p.width; c++) {
      if (mask.data[r * p.width + c]) labels[rowBase + c * p.colStride] = value;
    }
  }
}
